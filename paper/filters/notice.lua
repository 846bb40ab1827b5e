-- The synthetic-data notice (a div of class synthetic-notice): left out when empty (real data),
-- and in Typst set in the same coloured box as the HTML's (theme.scss, fallback.css).
function Div(el)
  if not el.classes:includes("synthetic-notice") then
    return nil
  end
  if #el.content == 0 then
    return {}
  end
  if FORMAT:match("typst") then
    local box = '#block(width: 100%, inset: 8pt, radius: 2pt, fill: rgb("#fee0b6"), stroke: 1pt + rgb("#b35806"))['
    local out = pandoc.List({ pandoc.RawBlock("typst", box) })
    out:extend(el.content)
    out:insert(pandoc.RawBlock("typst", "]"))
    return out
  end
end
