-- Quarto-style cross-references (@fig-x, @tbl-x, @sec-x) for the Pandoc fallback renderer.
-- Quarto resolves these itself; this filter gives plain Pandoc the same result: it numbers
-- figures, tables and sections in document order, turns the citations into links with
-- their numbers, and (for HTML, where Pandoc does not number captions) prefixes captions.
-- Run it before --citeproc, so that the bibliography never sees the cross-references.

local kinds = { fig = "Figure", tbl = "Table", sec = "Section" }
local numbers = {}
local counters = { fig = 0, tbl = 0 }
local section = {}

local function kind_of(id)
  local prefix = id and id:match("^(%a+)%-")
  return prefix and kinds[prefix] and prefix or nil
end

local function prefix_caption(caption, label)
  -- Typst numbers figure and table captions itself; HTML needs the label written in.
  if FORMAT:match("typst") or not caption.long[1] then
    return caption
  end
  local first = caption.long[1]
  first.content:insert(1, pandoc.Space())
  first.content:insert(1, pandoc.Str(label .. ":"))
  return caption
end

local function number_element(el)
  local kind = kind_of(el.identifier)
  if kind == "fig" or kind == "tbl" then
    counters[kind] = counters[kind] + 1
    numbers[el.identifier] = kinds[kind] .. " " .. counters[kind]
    el.caption = prefix_caption(el.caption, numbers[el.identifier])
    return el
  end
end

local function number_header(el)
  if el.classes:includes("unnumbered") then
    return nil
  end
  section[el.level] = (section[el.level] or 0) + 1
  for level = el.level + 1, 6 do
    section[level] = nil
  end
  local parts = {}
  for level = 1, el.level do
    table.insert(parts, tostring(section[level] or 0))
  end
  if kind_of(el.identifier) == "sec" then
    numbers[el.identifier] = "Section " .. table.concat(parts, ".")
  end
end

local function resolve(cite)
  local links = {}
  for _, citation in ipairs(cite.citations) do
    local label = numbers[citation.id]
    if not kind_of(citation.id) then
      return nil -- a bibliography citation: leave it to citeproc
    end
    if not label then
      io.stderr:write("crossref: unresolved reference @" .. citation.id .. "\n")
      label = "??"
    end
    table.insert(links, pandoc.Link(label, "#" .. citation.id))
  end
  local out = pandoc.Inlines({})
  for i, link in ipairs(links) do
    if i > 1 then
      out:insert(pandoc.Str(i == #links and " and " or ", "))
    end
    out:insert(link)
  end
  return out
end

return {
  { Header = number_header, Figure = number_element, Table = number_element },
  { Cite = resolve },
}
