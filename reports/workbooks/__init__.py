"""Appendix workbooks: the official spreadsheet of each appendix, written and read back.

- `layout`: a sheet's layout derived from the appendix (title lines, headers, `columns`, kind) and
  where its rows come from; the sheet name that identifies the appendix;
- `export`: the one engine that writes any layout;
- `files`, `sheets`, `importing`, `changes`: an uploaded workbook opened safely, every sheet, row and cell
  validated against the same layout, the changes listed, then written all together or not at all.
"""
