"""What every writer shares: text-safe cell writing, fixed document properties, atomic replace."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache
from pathlib import Path

import xlsxwriter

FONT = "宋体"
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_text(ws, row: int, col: int, value: object, fmt=None) -> None:
    """Whatever a user typed goes out as text: never a formula, never a link; over-long text is cut."""
    text = cell_text(value)
    if text == "":
        ws.write_blank(row, col, None, fmt)
        return
    if text.startswith("<r>") and text.endswith("</r>") and getattr(ws, "constant_memory", False):
        # xlsxwriter's constant_memory mode copies such a string into the XML as rich text, unescaped (a
        # submitter could break the workbook that way): written as three runs of plain text, it is escaped
        args = (text[:1], text[1:2], text[2:32767]) + ((fmt,) if fmt is not None else ())
        rc = ws.write_rich_string(row, col, *args)
        if rc not in (0, -2):
            raise ValueError(f"xlsxwriter write_rich_string returned {rc} at row {row}, col {col}")
        return
    rc = ws.write_string(row, col, text[:32767], fmt)
    if rc not in (0, -2):
        raise ValueError(f"xlsxwriter write_string returned {rc} at row {row}, col {col}")


@cache
def file_mode() -> int:
    """The permissions a new file gets from the umask (mkstemp's temporary files are 0600: a file moved into
    place from one is given these, like every other output)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextmanager
def atomic_workbook(path: Path, *, constant_memory: bool = False, created: datetime | None = None,
                    title: str = "", subject: str = "", company: str = "") -> Iterator[xlsxwriter.Workbook]:
    """A workbook written to a temporary file and moved into place only when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".xlsx", dir=path.parent, prefix=".tmp-")
    os.close(fd)
    wb = xlsxwriter.Workbook(tmp, {**WORKBOOK_OPTIONS, "constant_memory": constant_memory,
                                   "tmpdir": str(path.parent)})
    wb.set_properties({"title": title, "subject": subject, "company": company, "author": "formkit",
                       "created": created or datetime(2000, 1, 1)})
    try:
        yield wb
        wb.close()
        os.chmod(tmp, file_mode())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class Styles:
    """The formats of the report sheets."""

    def __init__(self, wb: xlsxwriter.Workbook):
        def fmt(**kw):
            return wb.add_format({"font_name": FONT, "font_size": 10, "valign": "vcenter", **kw})

        self.title = fmt(bold=True, font_size=16, font_name="黑体")
        self.subtitle = fmt(font_size=10, font_color="#595959")
        self.h2 = fmt(bold=True, font_size=12, font_name="黑体")
        self.head = fmt(bold=True, bg_color="#D9E1F2", border=1, align="center", text_wrap=True)
        self.cell = fmt(border=1, text_wrap=True)
        self.center = fmt(border=1, align="center")
        self.num = fmt(border=1, align="center", num_format="0")
        self.pct = fmt(border=1, align="center", num_format="0%")
        self.total = fmt(border=1, bold=True, bg_color="#F2F2F2", align="center")
        self.total_label = fmt(border=1, bold=True, bg_color="#F2F2F2")
        self.ok = fmt(border=1, align="center", bg_color="#C6EFCE", font_color="#006100")
        self.warn = fmt(border=1, align="center", bg_color="#FFEB9C", font_color="#9C5700")
        self.bad = fmt(border=1, align="center", bg_color="#FFC7CE", font_color="#9C0006")
        self.missing = fmt(border=1, align="center", bg_color="#EDEDED", font_color="#595959")
        self.level1 = fmt(border=1, align="center", bg_color="#FFC7CE", font_color="#9C0006", bold=True)
        self.wrap = fmt(text_wrap=True, valign="top")
        self.link = fmt(border=1, font_color="#0563C1", underline=1)


def print_setup(ws, header_row: int | None, last_col: int, *, landscape: bool = True) -> None:
    if landscape:
        ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.7)
    ws.set_footer("&C第 &P 页，共 &N 页")
    if header_row is not None:
        ws.repeat_rows(header_row)
