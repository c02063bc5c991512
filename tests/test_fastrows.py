"""formkit.write.fastrows writes the same sheet XML as xlsxwriter's own cell calls (and escapes what it must)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from formkit.write.fastrows import RowWriter, xml_text

TRICKY = ["", " ", "普通文字", " 前导空格", "结尾空格 ", "换行\n第二行", "\t制表", "a & b < c > d", '引号"和\'',
          "_x0041_ 字面转义", "控制\x01字符\x1f", "\ufffe\uffff", "表情😀和𠀀", "=SUM(A1)", "+86 138", "-负", "@提及",
          "<r><t>富文本</t></r>", "x" * 40000, "中" * 20000, "😀" * 17000]


def _sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read("xl/worksheets/sheet1.xml").decode("utf-8")


def _write(path: Path, rows: list[list], heights: list, fast: bool) -> None:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False, "strings_to_numbers": False})
    ws = wb.add_worksheet("s")
    plain = wb.add_format({"border": 1})
    wrap = wb.add_format({"text_wrap": True})
    formats = [plain, wrap, None]
    ws.write_string(0, 0, "表头", plain)
    if fast:
        w = RowWriter(ws)
        assert w.usable
        end = w.write_rows(1, rows, formats, heights)
    else:
        for i, (row, h) in enumerate(zip(rows, heights, strict=True), 1):
            if h is not None:
                ws.set_row(i, h)
            for j, v in enumerate(row):
                if isinstance(v, str) and v:
                    ws.write_string(i, j, v, formats[j])
                elif isinstance(v, int | float):
                    ws.write_number(i, j, v, formats[j])
                else:
                    ws.write_blank(i, j, None, formats[j])
        end = len(rows) + 1
    ws.write_string(end, 0, "表尾", plain)
    wb.close()


def test_same_xml_as_xlsxwriter(tmp_path):
    texts = [t for t in TRICKY if not (t.startswith("<r>") and t.endswith("</r>"))]
    rows = [[t, 12.5 if i % 3 == 0 else t[::-1], i] for i, t in enumerate(texts)]
    heights = [None if i % 2 else 18.5 + i for i in range(len(rows))]
    _write(tmp_path / "slow.xlsx", rows, heights, fast=False)
    _write(tmp_path / "fast.xlsx", rows, heights, fast=True)
    assert _sheet_xml(tmp_path / "fast.xlsx") == _sheet_xml(tmp_path / "slow.xlsx")


def test_row_mixes_same_xml_as_xlsxwriter(tmp_path):
    """A row is checked for anything to escape as a whole (its texts joined by newlines); every mix of plain and
    tricky cells, in every position, still gives xlsxwriter's XML."""
    short = ["", "普通", " 前导", "结尾 ", "末尾换行\n", "\n开头换行", "中间\n换行", "中间 \n 空格", "a&b",
             "_x0041_", "控制\x01", "\u3000全角空格", "_x00", "41_"]
    rows = [[a, b, c] for a in short for b in short for c in short[:5]]
    heights = [None] * len(rows)
    _write(tmp_path / "slow.xlsx", rows, heights, fast=False)
    _write(tmp_path / "fast.xlsx", rows, heights, fast=True)
    assert _sheet_xml(tmp_path / "fast.xlsx") == _sheet_xml(tmp_path / "slow.xlsx")


# control characters (written as _xHHHH_, which openpyxl does not decode) and CR (which XML parsers turn into
# LF) are compared with xlsxwriter's own XML above instead
_ESCAPE_LIKE = re.compile(r"_x[0-9A-Fa-f]{4}_")
_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=40)


@settings(max_examples=60, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=8))
def test_any_text_round_trips(tmp_path_factory, texts):
    path = tmp_path_factory.mktemp("fast") / "t.xlsx"
    _write(path, [[t, "", 1] for t in texts], [None] * len(texts), fast=True)
    ws = openpyxl.load_workbook(path).active
    got = [ws.cell(row=i + 2, column=1).value for i in range(len(texts))]
    # openpyxl reads an empty string as no value; and a text that reads as an escape (_x0000_, written _x005F_x0000_ as
    # Excel and xlsxwriter write it) as openpyxl reads xlsxwriter's own writing of it
    slow = tmp_path_factory.mktemp("slow") / "t.xlsx"
    _write(slow, [[t, "", 1] for t in texts], [None] * len(texts), fast=False)
    theirs = openpyxl.load_workbook(slow).active
    assert got == [t if t and not _ESCAPE_LIKE.search(t) else theirs.cell(row=i + 2, column=1).value or None
                   for i, t in enumerate(texts)]


def test_rich_text_lookalike_is_text(tmp_path):
    """xlsxwriter's constant_memory mode copies "<r>…</r>" into the XML as rich text; a submitter could type
    that and break the workbook. The fast rows escape it."""
    text = "<r><t>假装的富文本</t></r>"
    _write(tmp_path / "t.xlsx", [[text, "<r>&</r>", 1]], [None], fast=True)
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    assert ws["A2"].value == text and ws["B2"].value == "<r>&</r>"


def test_escaping():
    assert xml_text("a&b<c>") == ("a&amp;b&lt;c&gt;", False)
    assert xml_text(" x") == (" x", True)
    assert xml_text("\x01_x0041_") == ("_x0001__x005F_x0041_", False)


def test_rich_text_lookalike_through_write_text(tmp_path):
    from formkit.write.common import WORKBOOK_OPTIONS, write_text

    wb = xlsxwriter.Workbook(str(tmp_path / "t.xlsx"), {**WORKBOOK_OPTIONS, "constant_memory": True})
    ws = wb.add_worksheet("s")
    write_text(ws, 0, 0, "<r>&</r>", wb.add_format({"border": 1}))
    write_text(ws, 0, 1, "<r><t>x</t></r>")
    wb.close()
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    assert (ws["A1"].value, ws["B1"].value) == ("<r>&</r>", "<r><t>x</t></r>")
