"""What every writer shares: text-safe cell writing, fixed document properties, atomic replace."""

from __future__ import annotations

import errno
import math
import os
import shutil
import tempfile
import unicodedata
import weakref
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache, lru_cache
from pathlib import Path

import xlsxwriter
import xlsxwriter.exceptions
import xlsxwriter.workbook


class _QuickZip(zipfile.ZipFile):
    """The zip xlsxwriter packs a workbook into, deflating at level 1 instead of zlib's default 6: on the
    consolidated workbook and the feedback workbooks a fifth of the packing time for files ~10% larger
    (bench/bench.py). Same format; only how hard the compressor tries."""

    open_now: weakref.WeakSet[_QuickZip] = weakref.WeakSet()    # (closed by _release when writing failed)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("compresslevel", 1)
        super().__init__(*args, **kwargs)
        _QuickZip.open_now.add(self)

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        return super().writestr(zinfo_or_arcname, data, compress_type,
                                self.compresslevel if compresslevel is None else compresslevel)


xlsxwriter.workbook.ZipFile = _QuickZip      # every workbook formkit writes (xlsxwriter has no option for it)

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
    write_string(ws, row, col, text, fmt)


def write_string(ws, row: int, col: int, text: str, fmt=None) -> None:
    """A string as it is, cut at Excel's 32,767 characters. xlsxwriter copies a string that starts with <r> and ends
    with </r> into the XML as rich text, unescaped (shared strings and constant_memory's inline ones alike: a
    submitter typing <r>x & y</r> broke the feedback workbook and the measure forms pre-filled from it); such a
    string is written as three runs of plain text, which are escaped."""
    text = text[:32767]
    if text.startswith("<r>") and text.endswith("</r>"):
        args = (text[:1], text[1:2], text[2:]) + ((fmt,) if fmt is not None else ())
        rc = ws.write_rich_string(row, col, *args)
    else:
        rc = ws.write_string(row, col, text, fmt)
    if rc not in (0, -2):
        raise ValueError(f"xlsxwriter returned {rc} writing a string at row {row}, col {col}")


@cache
def file_mode() -> int:
    """The permissions a new file gets from the umask (mkstemp's temporary files are 0600: a file moved into
    place from one is given these, like every other output)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


TMP_PREFIX = ".tmp-"
"""Names of formkit's temporary files and folders beside its outputs; what an interrupted run left of them is
removed by the next one (`sweep_temporary`)."""


@contextmanager
def atomic_workbook(path: Path, *, constant_memory: bool = False, created: datetime | None = None,
                    title: str = "", subject: str = "", company: str = "") -> Iterator[xlsxwriter.Workbook]:
    """A workbook written in a temporary folder beside it (with xlsxwriter's own temporary files, which hold
    the sheets' contents) and moved into place only when complete; the folder is removed whatever happens.
    A failure to write is an OSError naming `path` (xlsxwriter's FileCreateError is not one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=path.parent, prefix=TMP_PREFIX))
    tmp = folder / "book.xlsx"
    try:
        wb = xlsxwriter.Workbook(str(tmp), {**WORKBOOK_OPTIONS, "constant_memory": constant_memory,
                                            "tmpdir": str(folder)})
        wb.set_properties({"title": title, "subject": subject, "company": company, "author": "formkit",
                           "created": created or datetime(2000, 1, 1)})
        try:
            yield wb
            wb.close()
        except xlsxwriter.exceptions.FileCreateError as exc:
            _release(wb)
            cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else exc.__context__
            raise OSError(getattr(cause, "errno", None), getattr(cause, "strerror", None) or str(exc),
                          str(path)) from None
        except BaseException:
            _release(wb)
            raise
        os.chmod(tmp, file_mode())
        replace_output(tmp, path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _release(wb: xlsxwriter.Workbook) -> None:
    """The open files of a workbook that failed or was interrupted while written (constant_memory keeps each
    sheet's rows in one): closed, so that its temporary folder can go (and Windows lets it)."""
    for ws in wb.worksheets():
        for name in ("row_data_fh", "fh"):
            fh = getattr(ws, name, None)
            if fh is not None and hasattr(fh, "close") and not getattr(fh, "closed", True):
                try:
                    fh.close()
                except (OSError, ValueError):
                    pass
    # and the zip xlsxwriter was packing (a full disk): closed now, its error swallowed, rather than by the garbage
    # collector, which printed "Exception ignored … No space left on device" with a traceback after the message
    for zf in list(_QuickZip.open_now):
        if zf.fp is not None:
            try:
                zf.close()
            except (OSError, ValueError):
                pass


def open_in_office(path: Path) -> bool:
    """Whether Excel or WPS has `path` open: they leave ~$name beside it (and lock it on Windows)."""
    return (path.parent / f"~${path.name}").exists()


def replace_output(tmp: Path, path: Path) -> None:
    """os.replace(tmp, path), its error naming the output (not the temporary file) and saying why in the
    coordinator's terms: a folder in the way, or the workbook open in Excel or WPS."""
    try:
        os.replace(tmp, path)
    except OSError as exc:
        if path.is_dir():
            raise OSError(errno.EISDIR, "同名的文件夹占用了这个位置", str(path)) from None
        if isinstance(exc, PermissionError) and open_in_office(path):
            raise OSError(errno.EBUSY, "文件正在被 Excel 或 WPS 打开", str(path)) from None
        raise OSError(exc.errno, exc.strerror, str(path)) from None


@contextmanager
def atomic_file(path: Path, mode: str = "wb", **open_kw) -> Iterator:
    """A file written through a temporary one beside it and moved into place when complete: an interrupted run
    leaves the old file or the new one, never half of one; a failure (a full disk) names `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TMP_PREFIX, suffix=path.suffix)
    try:
        with os.fdopen(fd, mode, **open_kw) as fh:
            yield fh
        os.chmod(tmp, file_mode())
        replace_output(Path(tmp), path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError) and exc.filename in (None, tmp):   # a full disk: name the output, not tmp
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """`data` into `path` at once; a file that holds them already is left as it is (its time too: a reply draft written
    again at every merge looked new, the coordinator unable to tell it from those not sent yet)."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return
    except OSError:
        pass
    with atomic_file(path) as fh:
        fh.write(data)


def sweep_temporary(folder: Path) -> None:
    """Remove what an interrupted run left of formkit's temporary files (TMP_PREFIX) in `folder` and the folders
    under it (公示/, 反馈/…): the sheets' contents, names included, in files nobody would look at."""
    for place, dirs, files in os.walk(folder):          # (symlinked folders are not followed)
        for name in [d for d in dirs if d.startswith(TMP_PREFIX)]:
            dirs.remove(name)
            if not os.path.islink(os.path.join(place, name)):
                shutil.rmtree(os.path.join(place, name), ignore_errors=True)
        for name in files:
            if name.startswith(TMP_PREFIX):
                try:
                    os.unlink(os.path.join(place, name))
                except OSError:
                    pass


# -- row heights of wrapped text ------------------------------------------------------------------------------

_LINE_PT = 13.5         # one line of 10 pt 宋体
_WIDE_PX, _NARROW_PX = 13.4, 6.7


class _Narrow(dict):
    """A str.translate table deleting every character that is not wide (east Asian width W, F or A), filled in
    as characters are met (the whole BMP up front cost 20 ms in every process that writes)."""

    def __missing__(self, cp: int) -> int | None:
        out = cp if unicodedata.east_asian_width(chr(cp)) in "WFA" else None
        self[cp] = out
        return out


_NARROW = _Narrow()


def _text_px(text: str) -> float:
    if text.isascii():
        return _NARROW_PX * len(text)
    wide = len(text.translate(_NARROW))
    return _WIDE_PX * wide + _NARROW_PX * (len(text) - wide)


@cache
def _column_space(widths: tuple[float, ...]) -> tuple[tuple[float, int], ...]:
    """Per column: the width in pixels less the cell padding, and the most characters that always fit on one
    line there (n wide characters fit when n × _WIDE_PX ≤ that width)."""
    out = []
    for width in widths:
        avail = max(width * 7 + 5 - 8, _WIDE_PX)
        fits = int(avail // _WIDE_PX)
        while (fits + 1) * _WIDE_PX <= avail:
            fits += 1
        while fits and fits * _WIDE_PX > avail:
            fits -= 1
        out.append((avail, fits))
    return tuple(out)


@lru_cache(maxsize=32768)
def _text_lines(text: str, avail: float) -> int:
    """Lines a text wraps to in a column `avail` pixels wide (the catalogue repeats many texts)."""
    return sum(max(1, math.ceil(_text_px(part) / avail)) for part in text.split("\n"))


MAX_ROW_PT = 409.0
"""The tallest row Excel has (409 pt): a row of more text shows only part of it."""


def row_height(values: list[str], widths: list[float]) -> float:
    """An explicit height for a row of wrapped text.

    Excel fits wrapped rows itself, LibreOffice and WPS do not always: the estimate keeps every line
    visible everywhere (and the output deterministic).
    """
    return spaced_row_height(values, column_space(widths))


def column_space(widths: list[float]) -> tuple[tuple[float, int], ...]:
    """What `spaced_row_height` takes: worked out once for a table's columns."""
    return _column_space(tuple(widths))


def spaced_row_height(values: list[str], spaces: tuple[tuple[float, int], ...]) -> float:
    """row_height with the columns' space worked out (column_space): for tables of many rows."""
    lines = 1
    for text, (avail, fits) in zip(values, spaces, strict=True):
        if len(text) <= fits and "\n" not in text:
            continue                                    # one line, whatever its characters
        n = _text_lines(text, avail)
        if n > lines:
            lines = n
    return min(MAX_ROW_PT, round(lines * _LINE_PT + 4, 1))


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
        # a row of more text than the tallest row holds (409 pt): from its top, so the beginning shows and prints
        # (centred, the start and the end of a 2,000-character 风险点 were cut off the printed 公示)
        self.cell_top = fmt(border=1, text_wrap=True, valign="top")
        self.code = fmt(border=1)
        self.center = fmt(border=1, align="center")
        self.num = fmt(border=1, align="center", num_format="0")
        self.pct = fmt(border=1, align="center", num_format="0%")
        self.date = fmt(border=1, align="center", num_format="yyyy-mm-dd")
        self.date_time = fmt(border=1, align="center", num_format="yyyy-mm-dd hh:mm")
        self.total = fmt(border=1, bold=True, bg_color="#F2F2F2", align="center")
        self.total_label = fmt(border=1, bold=True, bg_color="#F2F2F2")
        self.ok = fmt(border=1, align="center", bg_color="#C6EFCE", font_color="#006100")
        self.warn = fmt(border=1, align="center", bg_color="#FFEB9C", font_color="#9C5700")
        self.bad = fmt(border=1, align="center", bg_color="#FFC7CE", font_color="#9C0006")
        self.missing = fmt(border=1, align="center", bg_color="#EDEDED", font_color="#595959")
        self.level1 = fmt(border=1, align="center", bg_color="#FFC7CE", font_color="#9C0006", bold=True)
        self.wrap = fmt(text_wrap=True, valign="top")
        self.link = fmt(border=1, font_color="#0563C1", underline=1)


def print_setup(ws, header_row: int | None, last_col: int, *, landscape: bool = True, paper: int = 9,
                print_cols: int | None = None, last_row: int | None = None) -> None:
    """Landscape A4 (paper 9; 8 is A3), one page wide, header row repeated, page numbers in the footer;
    print_cols: print only the first so many columns (a wide table's business columns, readable on paper)."""
    if landscape:
        ws.set_landscape()
    ws.set_paper(paper)
    if print_cols is not None and last_row is not None:
        ws.print_area(0, 0, max(last_row, 0), min(print_cols, last_col + 1) - 1)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.7)
    ws.set_footer("&C第 &P 页，共 &N 页")
    if header_row is not None:
        ws.repeat_rows(header_row)
