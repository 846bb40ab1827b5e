-- Typst sizes a table's columns to their content when the widths are left to it. The widths
-- Pandoc derives from a wide pipe table's dashes are shares of the line that can leave a
-- narrow column less room than its longest word, which then runs into the next column
-- (tables do not hyphenate). Used by both renderers, for Typst only.
function Table(el)
  if not FORMAT:match("typst") then
    return nil
  end
  for i, spec in ipairs(el.colspecs) do
    el.colspecs[i] = { spec[1], nil }
  end
  return el
end
