-- The manuscript's fig-alt as a figure's alternative text in the fallback's HTML and PDF, as
-- Quarto does; without this filter Pandoc would take the caption, which a screen reader then
-- reads twice and which does not say what the figure shows.
function Image(el)
  local alt = el.attributes["fig-alt"]
  if alt == nil then
    return nil
  end
  el.attributes["fig-alt"] = nil
  el.attributes["alt"] = alt
  return el
end
