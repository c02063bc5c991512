"""Test helpers: fill generated forms by their labels, as a person (or the acceptance checks) would."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

from formkit import normalize


def _find(ws, label: str, max_row: int | None = None):
    key = normalize.label_key(label)
    for row in ws.iter_rows(max_row=max_row):
        for cell in row:
            if isinstance(cell.value, str) and normalize.label_key(cell.value) == key:
                return cell
    raise LookupError(label)


def form_sheet(wb):
    return next(ws for ws in wb.worksheets if ws.sheet_state == "visible")


def table_header_row(ws, labels: list[str]) -> tuple[int, dict[str, int]]:
    keys = {normalize.label_key(x): x for x in labels}
    best = (0, {})
    for row in ws.iter_rows(max_row=60):
        found = {keys[normalize.label_key(c.value)]: c.column for c in row
                 if isinstance(c.value, str) and normalize.label_key(c.value) in keys}
        if len(found) > len(best[1]):
            best = (row[0].row, found)
    return best


def fill(src: Path, dst: Path | None = None, *, header: dict | None = None, rows: list[dict] | None = None,
         signoff: dict | None = None, by_risk_id: dict[str, dict] | None = None) -> Path:
    """Write header values right of their labels, rows under the table's header row (by column label),
    and, for pre-filled measure forms, values into the row whose 风险编号 matches."""
    dst = dst or src
    if dst != src:
        shutil.copyfile(src, dst)
    wb = openpyxl.load_workbook(dst)
    ws = form_sheet(wb)
    for label, value in (header or {}).items():
        cell = _find(ws, label)
        ws.cell(row=cell.row, column=cell.column + 1, value=value)
    labels = sorted({k for r in (rows or []) for k in r} | {k for r in (by_risk_id or {}).values() for k in r}
                    | {"风险编号", "序号"})
    hr, cols = table_header_row(ws, labels)
    if by_risk_id:
        id_col = cols["风险编号"]
        for r in range(hr + 1, ws.max_row + 1):
            rid = ws.cell(row=r, column=id_col).value
            if rid in by_risk_id:
                for label, value in by_risk_id[rid].items():
                    ws.cell(row=r, column=cols[label], value=value)
    if rows:
        r = hr + 1
        id_col = cols.get("风险编号")
        for values in rows:
            while id_col and ws.cell(row=r, column=id_col).value:
                r += 1
            for label, value in values.items():
                ws.cell(row=r, column=cols[label], value=value)
            r += 1
    for label, value in (signoff or {}).items():
        cell = _find(ws, label)
        ws.cell(row=cell.row, column=cell.column + 1, value=value)
    wb.save(dst)
    return dst
