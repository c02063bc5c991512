"""Rows of text and numbers written straight into an xlsxwriter worksheet's XML (constant_memory mode).

xlsxwriter spends about 10 µs on each cell (a call per cell, a tuple per cell, attribute lists, two or
three regular expressions). The big tables of the outputs (风险目录: 24 columns × up to millions of rows,
公示, 问题清单, the input manifest) are written here instead, one string per row, at about a tenth of
that; everything else about the workbook (formats, merged cells, charts, properties, packaging) stays
xlsxwriter's. The XML is the one xlsxwriter writes for the same cells, byte for byte, except for one
thing: a text that looks like "<r>…</r>" is written as text, where xlsxwriter's constant_memory mode
copies it into the XML unescaped (a submitter could type that and break the workbook).

This uses a little of xlsxwriter's inside (the row buffer file of constant_memory mode, previous_row,
the dimensions); `RowWriter.usable` says whether the worksheet looks as expected, and callers fall back
to ordinary write_string calls when it does not. tests/test_fastrows.py checks both give the same sheet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from xlsxwriter.utility import xl_col_to_name

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s\Z")
_ROW_CHARS = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]")
_ROW_EDGES = re.compile(r"\n(?:\s|(?<=\s\n))")      # a space after or before a newline (literal prefix: fast)


def _plain_row(joined: str) -> bool:
    """Whether no cell of a row needs escaping or xml:space, given its non-empty texts joined by newlines
    (every cell starts after a newline or at the start, and ends before one or at the end). False may be a
    false alarm (a cell holding '_x', or a newline next to a space inside a cell): the row's cells then go
    through _SPECIAL one by one. A third of the time of _SPECIAL in MULTILINE mode over the joined row."""
    return not (_ROW_CHARS.search(joined) or "_x" in joined or _ROW_EDGES.search(joined)
                or joined[0].isspace() or joined[-1].isspace())


_ESCAPED_ESCAPE = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_CONTROL_CHAR = re.compile(r"([\x00-\x08\x0b-\x1f])")
_MAX_UTF16 = 32767


def _utf16_cut(text: str) -> str:
    if len(text) <= _MAX_UTF16 // 2:
        return text
    data = text.encode("utf-16-le")
    if len(data) <= 2 * _MAX_UTF16:
        return text
    return data[: 2 * _MAX_UTF16].decode("utf-16-le", "ignore")


def xml_text(text: str) -> tuple[str, bool]:
    """(the text escaped for an inline string, whether it needs xml:space="preserve") as xlsxwriter does it."""
    if not _SPECIAL.search(text):         # nearly every cell: nothing to do
        return text, False
    if _CONTROL.search(text):
        text = _ESCAPED_ESCAPE.sub(r"_x005F\1", text)
        text = _CONTROL_CHAR.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
        text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    preserve = text[:1].isspace() or text[-1:].isspace()
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text, preserve


class RowWriter:
    """Whole rows into a constant_memory worksheet. Use only for rows not yet written, in ascending order,
    and do not write to those rows through xlsxwriter afterwards."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.usable = bool(
            getattr(ws, "constant_memory", False) and hasattr(ws, "_write_single_row")
            and hasattr(ws, "previous_row") and hasattr(ws, "row_data_fh") and hasattr(ws, "dim_rowmax")
            and hasattr(ws, "original_row_height") and hasattr(ws, "default_row_height"))
        self._cols: dict[int, str] = {}
        self._xf: dict[int, str] = {}

    def _col(self, c: int) -> str:
        name = self._cols.get(c)
        if name is None:
            name = self._cols[c] = xl_col_to_name(c)
        return name

    def _s(self, fmt) -> str:
        if fmt is None:
            return ""
        key = id(fmt)
        s = self._xf.get(key)
        if s is None:
            xf = fmt._get_xf_index()
            s = self._xf[key] = f' s="{xf}"' if xf else ""
        return s

    def _start(self, row: int) -> None:
        ws = self.ws
        if row < ws.previous_row or (row == ws.previous_row and ws.table.get(row)):
            raise ValueError(f"row {row} is already written")
        if getattr(ws, "row_data_fh_closed", False):
            ws._opt_reopen()
        ws._write_single_row(row)      # whatever xlsxwriter still holds goes out first

    def write_rows(self, first: int, rows: Iterable[Sequence], formats: Sequence, heights: Iterable | None = None) -> int:
        """Rows of values (str, int, float, or None/"" for a blank cell in its format) from row `first`,
        column j in formats[j] (a value (v, fmt) has its own format); heights, if given, one row height
        (points, as set_row) or None per row. Returns the next free row."""
        ws = self.ws
        self._start(first)
        fh = ws.row_data_fh
        styles = [self._s(f) for f in formats]
        cols = [self._col(j) for j in range(len(formats))]
        heights = iter(heights) if heights is not None else None
        original = ws.original_row_height
        default = ws.default_row_height
        r = first
        buf: list[str] = []
        special = _SPECIAL.search
        for values in rows:
            texts = [v for v in values if type(v) is str and v]
            plain = not texts or _plain_row("\n".join(texts))
            n = r + 1
            head = f'<row r="{n}">'
            if heights is not None:
                h = next(heights)
                if h is not None:
                    px = int(h * 4.0 / 3.0 + 0.5)
                    if px != original or px != default:
                        head = f'<row r="{n}" ht="{px * 0.75:.16g}" customHeight="1">'
            parts = [head]
            for j, value in enumerate(values):
                style = styles[j]
                checked = plain
                if type(value) is tuple:            # (value, format) for a cell in another format
                    value, fmt = value
                    style = self._s(fmt)
                    checked = False
                if type(value) is str and value:
                    if (not checked and special(value)) or len(value) > 16383:
                        text, preserve = xml_text(_utf16_cut(value))
                        space = ' xml:space="preserve"' if preserve else ""
                        parts.append(f'<c r="{cols[j]}{n}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>')
                    else:
                        parts.append(f'<c r="{cols[j]}{n}"{style} t="inlineStr"><is><t>{value}</t></is></c>')
                elif value is None or value == "":
                    if style:
                        parts.append(f'<c r="{cols[j]}{n}"{style}/>')
                elif type(value) is int or type(value) is float:
                    parts.append(f'<c r="{cols[j]}{n}"{style}><v>{value:.16G}</v></c>')
                else:
                    raise TypeError(f"RowWriter writes str, int and float, not {type(value).__name__}")
            parts.append("</row>")
            buf.append("".join(parts))
            if len(buf) >= 256:
                fh.write("".join(buf))
                buf.clear()
            r = n
        if buf:
            fh.write("".join(buf))
        if r > first:
            last_col = len(formats) - 1
            ws.dim_rowmin = first if ws.dim_rowmin is None else min(ws.dim_rowmin, first)
            ws.dim_rowmax = r - 1 if ws.dim_rowmax is None else max(ws.dim_rowmax, r - 1)
            ws.dim_colmin = 0 if ws.dim_colmin is None else min(ws.dim_colmin, 0)
            ws.dim_colmax = last_col if ws.dim_colmax is None else max(ws.dim_colmax, last_col)
            ws.previous_row = r - 1       # nothing buffered for it: xlsxwriter's next row starts clean
            ws.table.clear()
        return r
