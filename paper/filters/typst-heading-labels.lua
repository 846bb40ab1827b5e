-- Quarto 1.7 writes unnumbered headings to Typst without their labels, so links to them (the
-- appendices) point at nothing and Typst stops. Write such headings with their label.
function Header(el)
  if not FORMAT:match("typst") or el.identifier == "" or not el.classes:includes("unnumbered") then
    return nil
  end
  local title = pandoc.write(pandoc.Pandoc({ pandoc.Plain(el.content) }), "typst"):gsub("%s+$", "")
  return pandoc.RawBlock(
    "typst",
    string.format("#heading(level: %d, numbering: none)[%s] <%s>", el.level, title, el.identifier)
  )
end
