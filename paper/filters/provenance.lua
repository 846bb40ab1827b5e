-- Every number carries its source. The pipeline writes each number as a span of class "num"
-- with its file, row, column and unrounded value (leisurenet.provenance); in HTML this filter
-- makes it a link to that file (relative to results/paper/, so it works offline) with a popup
-- (paper/theme.scss, paper/filters/fallback.css) and an id (#num-1, #num-2, ...; the renderer
-- numbers them again in document order, leisurenet.paper.render.number_the_numbers: a link to
-- paper.html#num-12 opens that number's popup). Anything else (Typst) gets the bare number:
-- the PDF is unchanged. Both renderers run it (after Quarto's shortcodes).
local function attribute(el, name)
  return el.attributes["data-" .. name] or el.attributes[name] or ""
end

local count = 0

function Span(el)
  if not el.classes:includes("num") then
    return nil
  end
  if not FORMAT:match("html") then
    return el.content
  end
  count = count + 1
  local source = attribute(el, "source")
  local info = string.format(
    "%s\nrow: %s\ncolumn: %s\nvalue: %s",
    source, attribute(el, "row"), attribute(el, "column"), attribute(el, "value")
  )
  local attr = pandoc.Attr("num-" .. count, { "num" }, { { "data-provenance", info } })
  if source:match("^results/") then
    return pandoc.Link(el.content, "../" .. source:gsub("^results/", ""), info, attr)
  elseif source:match("^[%w_.-]+/") then -- a file of the project (the configuration)
    return pandoc.Link(el.content, "../../" .. source, info, attr)
  end
  -- No file to link to (the software's versions): a link to the number itself, so that it is
  -- reached by the keyboard like every other number and, once followed, shows its popup.
  attr.attributes["data-self"] = "1"
  return pandoc.Link(el.content, "#" .. attr.identifier, info, attr)
end
