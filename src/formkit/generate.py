"""Writing forms: blank, pre-filled (stage measures), or filled with a submitter's values (feedback, demo).

One function, write_form, lays out a declaration as a workbook: title, header block, the table with
dropdowns and input help, sign-off, a 填表说明 sheet, print setup, protection, and the identity in
three carriers. generate_campaign decides which workbooks a stage needs.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import xlsxwriter

from formkit import config as config_mod
from formkit import normalize, text
from formkit.config import Config, Department, Person
from formkit.identity import DEFINED_NAME, META_SHEET, PROPERTY_PREFIX, Identity
from formkit.layout import TITLE_ROW, Layout
from formkit.levels import supervision
from formkit.spec import FormSpec, load_forms
from formkit.write.common import write_bytes_atomic, write_string  # (also: deflate level 1, _QuickZip)

FONT = "宋体"
ONE_PAGE_ROWS = 36
"""A form sheet of at most this many rows is printed on one page (A4 landscape, scaled down a little if need be)."""
EXTRA_BLANK_ROWS = 5     # blank rows left under pre-filled rows of a measure form

@dataclass
class FormContent:
    header: dict[str, object] = field(default_factory=dict)
    rows: list[dict[str, object]] = field(default_factory=list)
    signoff: dict[str, object] = field(default_factory=dict)
    prefilled_rows: int = 0          # the first n rows carry locked pre-filled columns
    prefilled_at: frozenset[int] = frozenset()   # … and these rows too (feedback: risks put back at the end)
    extra_columns: list[str] = field(default_factory=list)  # the submitter's own columns (feedback): labels,
    extras: list[dict[str, str]] = field(default_factory=list)  # and each row's texts in them, label → text
    notes: list[str] = field(default_factory=list)   # (feedback) the submitter's lines outside the table (remarks
    # under it, words in 序号, a stray cell below the sign-off): given back under the form, so none is lost


NAME_BYTES = 150
"""The longest file or folder name formkit makes from user text, in UTF-8 bytes (50 Chinese characters):
file systems allow 255 bytes a name, and formkit adds suffixes (_2_反馈.xlsx, _催报.eml)."""


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
"""A day as the catalogue writes it (iso_text of a date)."""
_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])")


def safe_name(name: str, max_bytes: int = NAME_BYTES, max_chars: int | None = None) -> str:
    """A file or folder name from user text: no path separators, no characters Windows refuses, no '!'
    (the container-path separator of report.json), no dot at the end (Windows drops it) nor at the start (a hidden
    folder in Linux and macOS: the coordinator would not see the forms to send); a long one is cut
    and ends in ~ and six characters of its SHA-256, so two long names that start alike stay apart."""
    # (and no bidirectional controls: U+202E turns "…\u202excod.exe.xlsx" into "…xslx.exe.docx" on screen)
    text = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f!\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]', "_", name)
    text = text.strip().strip(".").strip() or "未命名"
    if _RESERVED.fullmatch(text.split(".", 1)[0].strip()):
        text = "_" + text        # CON, NUL, COM1 …: Windows cannot create or open a file or folder so named
    if len(text.encode("utf-8")) <= max_bytes and (max_chars is None or len(text) <= max_chars):
        return text
    tag = "~" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:6]
    budget = max_bytes - len(tag)
    cut = text.encode("utf-8")[:budget].decode("utf-8", "ignore")
    if max_chars is not None:       # (150 bytes are 50 Chinese characters but 150 Latin ones: a path Excel refuses)
        cut = cut[:max_chars - len(tag)]
    return cut.rstrip() + tag


def department_folders(roster) -> dict[str, str]:
    """Department code → the name of its folders and files: the name made safe, and the code added where two
    departments come out the same (招生/就业处 and 招生:就业处 both give 招生_就业处; compared case-blind, as
    Windows and macOS folders are). The same whichever departments a run writes."""
    names = {code: safe_name(d.name) for code, d in roster.departments.items()}
    seen = Counter(n.casefold() for n in names.values())
    return {code: n if seen[n.casefold()] == 1 else safe_name(f"{n}_{code}") for code, n in names.items()}


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook):
        base = {"font_name": FONT, "font_size": 11, "valign": "vcenter"}

        def fmt(**kw: object) -> object:
            return wb.add_format({**base, **kw})

        self.form_no = fmt(bold=True, font_size=12)
        self.title = fmt(bold=True, font_size=18, align="center", valign="vcenter", text_wrap=True, font_name="黑体")
        self.subtitle = fmt(font_size=11, align="center", italic=False)
        self.label = fmt(bold=True, bg_color="#E7E6E6", border=1, align="right", shrink=True)
        self.value = fmt(locked=False, border=1, bottom=1, text_wrap=True)
        self.value_text = fmt(locked=False, border=1, num_format="@", text_wrap=True)
        self.value_date = fmt(locked=False, border=1, num_format="yyyy-mm-dd", align="left")
        self.prefilled = fmt(bg_color="#F2F2F2", border=1, text_wrap=True)
        self.colhead = fmt(bold=True, bg_color="#D9E1F2", border=1, align="center", text_wrap=True)
        self.cell = fmt(locked=False, border=1, text_wrap=True)
        self.cell_text = fmt(locked=False, border=1, num_format="@", text_wrap=True)
        self.cell_date = fmt(locked=False, border=1, num_format="yyyy-mm-dd")
        self.cell_when = fmt(locked=False, border=1, num_format="yyyy-mm-dd", text_wrap=True, align="left")
        self.cell_pre = fmt(bg_color="#F2F2F2", border=1, text_wrap=True, num_format="@")
        self.seq = fmt(border=1, align="center", locked=False)
        self.note = fmt(font_size=10, font_color="#595959", text_wrap=True, valign="top")
        self.own_note = fmt(locked=False, text_wrap=True, valign="top")
        self.gap = fmt(locked=False, text_wrap=True)
        self.open_row = fmt(locked=False)   # a table row's own style: unlocked across the sheet
        self.mark = fmt(locked=False, border=2, border_color="#C00000", bg_color="#FFFF00", text_wrap=True)
        self.mark_date = fmt(locked=False, border=2, border_color="#C00000", bg_color="#FFFF00",
                             num_format="yyyy-mm-dd", align="left")
        self.mark_text = fmt(locked=False, border=2, border_color="#C00000", bg_color="#FFFF00",
                             text_wrap=True, num_format="@")
        # a pre-filled value marked (changed on the form sent, put back here): locked as it was issued (unlocked, it
        # invited typing the change again, warned about again each round)
        self.mark_pre = fmt(border=2, border_color="#C00000", bg_color="#FFFF00", text_wrap=True, num_format="@")


def text_lines(value: object, width: float) -> int:
    """How many lines a wrapped cell of this width needs (CJK characters are two units wide)."""
    if value in (None, ""):
        return 1
    units = 0
    lines = 0
    for part in str(value).split("\n"):
        units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in part)
        lines += max(1, -(-units // max(1, int(width) - 1)))
    return lines


def _write_value(ws, row: int, col: int, value: object, fmt) -> None:
    """User text is always written as text: never a formula, never a link."""
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, datetime | date):
        ws.write_datetime(row, col, value if isinstance(value, datetime) else datetime(value.year, value.month, value.day), fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, "是" if value else "否", fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, fmt)
    else:
        write_string(ws, row, col, str(value), fmt)


def form_layout(spec: FormSpec, content: FormContent) -> Layout:
    """Where everything of a form holding `content` goes (as write_form lays it out)."""
    n_rows = max(spec.blank_rows, content.prefilled_rows + EXTRA_BLANK_ROWS if content.prefilled_rows else 0,
                 len(content.rows) + (EXTRA_BLANK_ROWS if content.rows else 0))
    return Layout(spec, n_rows)


def write_form(target: Path | io.BytesIO, spec: FormSpec, cfg: Config, ident: Identity,
               content: FormContent | None = None, *,
               department: Department | None = None,
               marks: dict[tuple[int | None, str], str] | None = None,
               extra: Callable[[xlsxwriter.Workbook, Layout], None] | None = None) -> Layout:
    """Write one form workbook. marks: {(data row or None for header/sign-off, key): comment} to highlight."""
    content = content or FormContent()
    marks = marks or {}
    lay = form_layout(spec, content)
    n_rows = lay.n_rows
    if isinstance(target, Path):
        target.parent.mkdir(parents=True, exist_ok=True)
    # on disk: assembled in memory and moved into place whole (an interrupted run leaves no half form)
    buf = target if isinstance(target, io.BytesIO) else io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"strings_to_formulas": False, "strings_to_urls": False,
                              "strings_to_numbers": False, "in_memory": True})
    fm = _Formats(wb)
    ws = wb.add_worksheet(spec.sheet_name)
    last = lay.ncols - 1

    for i, col in enumerate(spec.columns):
        ws.set_column(i, i, col.width)
    ws.write_string(0, 0, spec.id, fm.form_no)
    title = f"{cfg.institution}{spec.title}"
    ws.merge_range(TITLE_ROW, 0, TITLE_ROW, last, title, fm.title)
    # a long institution name wraps (an 18 pt character is about 3.3 units of column width)
    title_lines = -(-int(len(title) * 3.3) // max(1, int(sum(c.width for c in spec.columns))))
    ws.set_row(TITLE_ROW, 32 if title_lines <= 1 else 26 * title_lines)
    ws.merge_range(TITLE_ROW + 1, 0, TITLE_ROW + 1, last, f"（{cfg.campaign}）", fm.subtitle)

    def mark_or(key: tuple[int | None, str], normal, marked):
        return marked if key in marks else normal

    def comment(row: int, col: int, key: tuple[int | None, str]) -> None:
        if key in marks:
            ws.write_comment(row, col, marks[key], {"x_scale": 2.2, "y_scale": 1.6, "font_name": FONT})

    widths = [col.width for col in spec.columns]

    def pair_block(fields, positions, values):
        lines: dict[int, int] = {}
        for f in fields:
            r, c = positions[f.key]
            ws.write_string(r, c, f.label, fm.label)
            value = values.get(f.key, "")
            # a long value (a department's full name, a long 岗位) on as many lines as it takes, inside its row
            lines[r] = max(lines.get(r, 1), text_lines(normalize.to_text(value), sum(widths[c + 1:c + 3]) or 20))
            # (a pre-filled cell a feedback workbook marks is open: 姓名 "郑合" to write as the roster has it, locked on a
            # protected sheet, could not be corrected where the reply said)
            locked = bool(f.prefill) and f.lock and value not in ("", None) and (None, f.key) not in marks
            if locked:
                normal = fm.prefilled
            elif f.type == "date":
                normal = fm.value_date
            elif f.is_text_format:
                normal = fm.value_text
            else:
                normal = fm.value
            key = (None, f.key)
            style = mark_or(key, normal, fm.mark_pre if locked else fm.mark_text if f.is_text_format else
                            fm.mark_date if f.type == "date" else fm.mark)
            ws.merge_range(r, c + 1, r, c + 2, "", style)
            _write_value(ws, r, c + 1, value, style)
            comment(r, c + 1, key)
            if not locked and f.allowed:
                ws.data_validation(r, c + 1, r, c + 1, {
                    "validate": "list", "source": list(f.allowed), "error_type": "warning",
                    "input_title": f.label[:32], "input_message": (f.help or "请从下拉列表中选择")[:255],
                    "error_title": "请从列表中选择",
                    "error_message": f"请从下拉列表中选择：{'、'.join(f.allowed)}"[:255]})
            elif not locked and f.type == "date":
                ws.data_validation(r, c + 1, r, c + 1, {
                    "validate": "any", "input_title": f.label[:32], "input_message": "请填写日期，如 2023-03-15"})
            elif not locked and f.help:         # (姓名 and 工号 of a department's form for anyone in it)
                ws.data_validation(r, c + 1, r, c + 1, {
                    "validate": "any", "input_title": f.label[:32], "input_message": f.help[:255]})
        for r, n in lines.items():
            if n > 1:
                ws.set_row(r, min(409, 15 * n + 3))

    pair_block(spec.header, lay.labels, content.header)

    hr = lay.table_row
    ws.set_row(hr, 36)
    for i, col in enumerate(spec.columns):
        ws.write_string(hr, i, col.label, fm.colhead)
    unnumbered = 0      # (rows numbered one after the other: a row of no number, an item at another post's, takes none)
    for r in range(n_rows):
        values = content.rows[r] if r < len(content.rows) else {}
        pre_row = r < content.prefilled_rows or r in content.prefilled_at
        xr = lay.first_data + r
        lines = max((text_lines(values.get(c.key, ""), c.width) for c in spec.columns), default=1)
        if not pre_row:
            # the whole row unlocked, right of the table too: LibreOffice inserts a row into a protected sheet only
            # where every cell of it is unlocked (the forms tell staff to insert rows; Calc refused)
            ws.set_row(xr, min(409, 15 * lines) if lines > 1 else None, fm.open_row)
        elif lines > 1:
            ws.set_row(xr, min(409, 15 * lines))
        for i, col in enumerate(spec.columns):
            value = values.get(col.key, "")
            if col.type == "seq":       # (None: a row of its own with no number, an item at another post's)
                if "seq" in values and values["seq"] is None:
                    value = ""
                    unnumbered += 1
                else:
                    value = value or (r + 1 - unnumbered if (values or pre_row) else "")
                normal = fm.seq
            elif pre_row and col.prefill:
                normal = fm.cell_pre
            elif col.type == "date":
                normal = fm.cell_date
            elif col.type == "when":      # a date typed shows as one (2023-06-30, not 45107); 长期 stays text
                normal = fm.cell_when
            elif col.is_text_format:
                normal = fm.cell_text
            else:
                normal = fm.cell
            if col.type == "when" and isinstance(value, str) and _ISO_DAY.fullmatch(value):
                # an accepted 完成时限 written back (the catalogue's 2023-12-31): a date, as typed (it went back as
                # text, left-aligned, out of Excel's date filters)
                try:
                    value = date.fromisoformat(value)
                except ValueError:
                    pass
            if isinstance(value, date) and col.type not in ("date", "when"):
                value = normalize.to_text(value)        # a date in a text column stays a date to read, not a
            key = (r, col.key)                          # serial number in a text cell
            style = mark_or(key, normal, fm.mark_pre if normal is fm.cell_pre else fm.mark_text if col.is_text_format
                            else fm.mark_date if col.type in ("date", "when") else fm.mark)
            _write_value(ws, xr, i, value, style)
            comment(xr, i, key)
    first, end = lay.first_data, lay.first_data + n_rows - 1
    for i in range(lay.ncols):      # the row under the table is typed in too (one risk more is read, not refused)
        ws.write_blank(end + 1, i, None, fm.gap)
    ws.set_row(end + 1, None, fm.open_row)
    for i, col in enumerate(spec.columns):
        top = first
        if col.prefill and content.prefilled_rows:
            # the pre-filled rows are locked; the rows under them are typed in (a risk not pre-filled): their lists
            top = first + content.prefilled_rows
            if top > end:
                continue
        opts: dict = {"input_title": col.label[:32]}
        if col.allowed and col.multiple:
            # several may be named (决策、执行): the dropdown offers one, typing more is allowed and said so (its help
            # and its warning said "only one of these", and a form pre-filled with 决策、执行 warned about itself)
            several = f"可从下拉列表中选择；涉及几个环节的，可填写几个，用顿号分隔（如：{'、'.join(col.allowed[:2])}）"
            opts.update({"validate": "list", "source": list(col.allowed), "error_type": "information",
                         "input_message": (col.help or several)[:255], "error_title": "请核对",
                         "error_message": f"{col.label}应为：{'、'.join(col.allowed)}（可填几个，用顿号分隔）；"
                                          "如确是这样填写，请点“确定”"[:255]})
        elif col.allowed:
            opts.update({"validate": "list", "source": list(col.allowed), "error_type": "warning",
                         "input_message": (col.help or f"请从下拉列表中选择：{'、'.join(col.allowed)}")[:255],
                         "error_title": "请从列表中选择",
                         "error_message": f"{col.label}只能填写：{'、'.join(col.allowed)}"[:255]})
        elif col.type == "date":
            opts.update({"validate": "any", "input_message": "请填写日期，如 2023-03-15"})
        elif col.max_length < 1000:
            # a tight limit (a 风险点, a name), said where it is typed (a longer text was returned under a limit nobody was
            # told); the 1,000 characters every text may have are no limit anyone meets
            limit = f"不超过 {col.max_length} 字"
            opts.update({"validate": "length", "criteria": "<=", "value": col.max_length, "error_type": "warning",
                         "input_message": (f"{col.help}（{limit}）" if col.help else f"{limit}。")[:255],
                         "error_title": "内容过长", "error_message": f"{col.label}请{limit}，请精简后填写。"[:255]})
        elif col.help:
            opts.update({"validate": "any", "input_message": col.help[:255]})
        else:
            continue
        ws.data_validation(top, i, end + 1, i, opts)      # (with the row under the table, typed in too)
    for i, label in enumerate(content.extra_columns, lay.ncols):
        # a column the submitter added (feedback): given back after the form's own, so nothing they typed is lost
        ws.set_column(i, i, 16)
        ws.write_string(hr, i, label, fm.colhead)
        twice = any(normalize.label_key(label) == normalize.label_key(c.label) for c in spec.columns)
        from formkit.read import measure_form_for

        elsewhere = measure_form_for(spec, label)     # (防控措施 on a risk form: 备注 would register none either)
        ws.write_comment(hr, i, f"这一列是您自己加的，其内容未汇总；本表已有“{label}”列，请把内容移到那一列。" if twice
                         else f"这一列是您自己加的，其内容未汇总：“{label}”请填写在办公室下发的《{elsewhere}》中，"
                              "本表中可以删去这一列。" if elsewhere
                         else "这一列是您自己加的，不属于本表单，其内容未汇总；如需说明请写在“备注”列。",
                         {"x_scale": 2.2, "y_scale": 1.2, "font_name": FONT})
        for r, texts in enumerate(content.extras[:n_rows]):
            if label in texts:
                _write_value(ws, lay.first_data + r, i, texts[label], fm.cell)
    pair_block(spec.signoff, lay.signoff_labels, content.signoff)
    note_row = lay.end_row + 1
    ws.merge_range(note_row, 0, note_row, last,
                   "填表说明见“填表说明”工作表。灰色单元格已锁定；请在白色单元格中填写，不要增删列或改写表头；行数不够时请在最后一个空白行处插入行。", fm.note)
    for i, note in enumerate(content.notes, note_row + 2):
        # the submitter's own lines, as they typed them, one a row under the form (read back as they were: said,
        # not a risk row)
        ws.merge_range(i, 0, i, last, "", fm.own_note)
        _write_value(ws, i, 0, note, fm.own_note)
        ws.set_row(i, min(409, 15 * text_lines(note, sum(widths))))
        if i == note_row + 2:
            ws.write_comment(i, 0, "这里是您原表中表格以外的文字，照原样保留，未汇总。",
                             {"x_scale": 2.2, "y_scale": 1.0, "font_name": FONT})

    ws.freeze_panes(lay.first_data, 0)
    ws.set_landscape()
    ws.set_paper(9)
    ws.repeat_rows(hr)
    # one page wide, as many pages tall as it takes (a 附件3 lengthened by inserted rows was squeezed onto one page);
    # a short fixed list (附件1: its sign-off spilled onto a second page) on one page
    ws.fit_to_pages(1, 1 if spec.one_page and lay.end_row <= ONE_PAGE_ROWS else 0)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    ws.center_horizontally()
    ws.set_footer("&C第 &P 页，共 &N 页")
    ws.print_area(0, 0, note_row + (len(content.notes) + 1 if content.notes else 0),
                  last + len(content.extra_columns))
    ws.protect("", {"insert_rows": True, "delete_rows": True, "format_columns": True, "format_rows": True,
                    "sort": True, "autofilter": True})
    ws.activate()

    _instructions_sheet(wb, spec, cfg, department, ident)
    if extra:
        extra(wb, lay)
    _identity(wb, ident, cfg, spec)
    wb.close()
    if buf is not target:
        write_bytes_atomic(Path(target), buf.getvalue())
    return lay


def _instructions_sheet(wb, spec: FormSpec, cfg: Config, department: Department | None, ident: Identity) -> None:
    ws = wb.add_worksheet("填表说明")
    body = text.render(
        "instructions.txt.j2", form=spec, institution=cfg.institution, department=department,
        person=ident.person, deadline=cfg.deadline(spec.phase), phase=cfg.phases[spec.phase],
        office=cfg.office, contact=cfg.contact, prefilled=bool(ident.risks),
        required=[f.label for f in (*spec.header, *spec.columns) if f.need == "req"])
    title = wb.add_format({"font_name": "黑体", "font_size": 14, "bold": True})
    para = wb.add_format({"font_name": FONT, "font_size": 11, "text_wrap": True, "valign": "top"})
    ws.set_column(0, 0, 110)
    for i, line in enumerate(line for line in body.splitlines() if line.strip()):
        ws.write_string(i, 0, line.strip() if i < 2 else line, title if i < 2 else para)
        if i >= 2:
            ws.set_row(i, 16 * text_lines(line, 110))
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.protect("")


def _identity(wb, ident: Identity, cfg: Config, spec: FormSpec) -> None:
    meta = wb.add_worksheet(META_SHEET)
    for i, (k, v) in enumerate(ident.meta_rows()):
        write_string(meta, i, 0, k)
        write_string(meta, i, 1, v)
    meta.protect("")
    meta.very_hidden()
    for k, v in ident.short().items():
        wb.set_custom_property(PROPERTY_PREFIX + k, v or "-")
    wb.define_name(DEFINED_NAME, ident.defined_name_formula())
    year = cfg.phases[spec.phase].start
    wb.set_properties({
        "title": spec.full_title, "subject": cfg.campaign, "author": cfg.office, "company": cfg.institution,
        "comments": f"由{cfg.office}下发；请直接在本文件中填写后发送。",
        "created": datetime(year.year, year.month, year.day),
    })


# -- which workbooks a stage needs -------------------------------------------------------------


def form_file_name(spec: FormSpec, who: str) -> str:
    return safe_name(f"{spec.id}_{spec.title}_{who}") + ".xlsx"


def header_prefill(spec: FormSpec, cfg: Config, dept: Department | None, person: Person | None) -> dict:
    values = {"department": dept.name if dept else "", "dept_head": dept.head if dept else ""}
    if person:
        values.update(name=person.name, staff_no=person.staff_no, post=person.post, rank=person.rank)
    return {f.key: values[f.prefill] for f in spec.header if f.prefill and values.get(f.prefill)}


def identity_for(spec: FormSpec, cfg: Config, dept: Department | None, person: Person | None,
                 risks: tuple[str, ...] = ()) -> Identity:
    return Identity(form=spec.id, version=spec.version, campaign=cfg.campaign_id,
                    department=dept.code if dept else "", person=person.name if person else "",
                    staff_no=person.staff_no if person else "", risks=risks)


def generate_campaign(cfg: Config, stage: str = "risks", departments: list[str] | None = None,
                      progress: Callable[[int, int], None] | None = None, accepted: object = None,
                      removed: list[Path] | None = None, prefilled: list[int] | None = None,
                      unanswered: list[str] | None = None, blank: list[str] | None = None,
                      changes: dict[str, list[Path]] | None = None) -> list[Path]:
    """Write the blank forms of a stage into outbox/templates/; returns the written paths.

    A form already there the same as the one to write is left alone (its time too: a coordinator tells by it which
    forms to send again); one formkit wrote before is replaced; one changed since formkit wrote it (the coordinator's
    own 附件1 filled in place, a form saved over) is moved to outbox/已改动的表单/ first, never overwritten nor removed.
    `changes` receives the paths by what happened: "new", "changed", "same", "renamed" (written again under the
    department's new name, the one sent before still good), "moved" (a person's form under the department the roster
    moved them to, the one issued before still good), "kept" (where each edited one went),
    "answered" (a measure form that differs only as every row of it now carries the measure accepted for it).

    Forms of this stage that an earlier run wrote and this one does not (a department or person no longer in
    the roster, a person moved to another department) are removed, within the departments written; their
    paths are added to `removed`; `prefilled` receives the number of accepted risks written into the forms, and
    `unanswered` the people whose measure form has none (no 附件3 accepted yet: not sent, returned, pending).

    accepted: for stage measures, the analysis of the inbox (formkit.pipeline.Analysis) whose accepted
    risks pre-fill 附件5 and 附件6.
    """
    from formkit.errors import ConfigError

    forms = load_forms()
    roster = cfg.roster
    chosen = list(roster.departments.values())
    if departments:
        # by code in any case, or by name (--department 财务处, --department cwc); each once
        by_upper = {c.upper(): c for c in roster.departments}

        def code_of(given: str) -> str:
            given = given.strip()
            if given in roster.departments or given.upper() in by_upper:
                return given if given in roster.departments else by_upper[given.upper()]
            found = roster.find_department(given)
            return found.code if found else given

        departments = list(dict.fromkeys(code_of(c) for c in departments))
        unknown = [c for c in departments if c not in roster.departments]
        if unknown:
            raise ConfigError(f"名册中没有部门代码 {'、'.join(unknown)}；可用的代码：{'、'.join(roster.departments)}")
        chosen = [roster.departments[c] for c in departments]
    out = cfg.outbox / "templates"
    folders = department_folders(roster)
    jobs: list[tuple[Path, FormSpec, Identity, FormContent, Department | None]] = []
    for spec in forms.values():
        if spec.stage != stage:
            continue
        if spec.scope == "coordinator":
            if not departments:
                jobs.append((out / form_file_name(spec, cfg.institution), spec, identity_for(spec, cfg, None, None),
                             FormContent(), None))
            continue
        for dept in chosen:
            folder = out / folders[dept.code]
            if spec.scope == "department":
                content = FormContent(header=header_prefill(spec, cfg, dept, None))
                risks: tuple[str, ...] = ()
                if spec.is_measure_form and accepted is not None:
                    content.rows = accepted.measure_rows(spec, dept.code, None)
                    content.prefilled_rows = len(content.rows)
                    risks = tuple(str(r["risk_id"]) for r in content.rows)
                    if not content.rows and blank is not None:
                        blank.append(dept.name)        # (its 附件4 not in, returned, or pending: said on screen)
                jobs.append((folder / form_file_name(spec, folders[dept.code]), spec,
                             identity_for(spec, cfg, dept, None, risks), content, dept))
                continue
            people = roster.people_of(dept.code)
            if not people and not dept.headcount:
                continue                # nobody in it owes a personal form (应报人数 0, nobody listed)
            if not people:
                # no staff list: one form for anyone in the department; at the measures stage also one pre-filled
                # for each person whose risks were accepted (the others still need the blank one)
                jobs.append((folder / form_file_name(spec, f"{folders[dept.code]}_本部门人员通用"), spec,
                             identity_for(spec, cfg, dept, None),
                             FormContent(header=header_prefill(spec, cfg, dept, None)), dept))
                if not (spec.is_measure_form and accepted is not None):
                    continue
                people = accepted.people_with_risks(dept.code)
            for person in people:
                content = FormContent(header=header_prefill(spec, cfg, dept, person))
                risks = ()
                if spec.is_measure_form and accepted is not None:
                    content.rows = accepted.measure_rows(spec, dept.code, person)
                    content.prefilled_rows = len(content.rows)
                    risks = tuple(str(r["risk_id"]) for r in content.rows)
                    if not content.rows and unanswered is not None:
                        # (two of one name in the department: told apart by 工号, as the chase mail does)
                        twin = person.staff_no and sum(p.name == person.name for p in people) > 1
                        unanswered.append(f"{dept.name} {person.name}" + (f"（{person.staff_no}）" if twin else ""))
                    posts = [r["post"] for r in content.rows if r["post"]]
                    if posts and any(f.key == "post" and f.prefill for f in spec.header):
                        content.header["post"] = posts[0]       # the 岗位 of the accepted 附件3, which the person
                        # may have corrected from the roster's, or written where the roster has none
                name = f"{person.name}_{person.staff_no}" if person.staff_no else person.name
                jobs.append((folder / form_file_name(spec, name), spec,
                             identity_for(spec, cfg, dept, person, risks), content, dept))
    written = []
    taken: set[str] = set()
    if prefilled is not None:
        prefilled.append(sum(content.prefilled_rows for _, _, _, content, _ in jobs))
    ledger = _Ledger(cfg.outbox)
    said: dict[str, list[Path]] = {"new": [], "changed": [], "same": [], "kept": [], "answered": [], "renamed": [],
                                   "moved": []}
    for i, (path, spec, ident, content, dept) in enumerate(jobs, 1):
        first, n = path, 2
        while path.as_posix().casefold() in taken:   # two people of one name and no 工号: one file each
            path, n = first.with_name(f"{first.stem}_{n}{first.suffix}"), n + 1
        taken.add(path.as_posix().casefold())
        buf = io.BytesIO()
        write_form(buf, spec, cfg, ident, content, department=dept)
        data = buf.getvalue()
        was, digest = ledger.on_disk(path), hashlib.sha256(data).hexdigest()
        issued = ledger.issued(path)
        if was == digest and issued == digest:
            said["same"].append(path)
        else:
            if was is not None and was != digest and not ledger.ours(path, was):
                said["kept"].append(ledger.set_aside(path))
            if was != digest:
                write_bytes_atomic(path, data)
            # (as last generated, though the file there was changed or gone since: the same form for its receiver; one
            # a run stopped half-way wrote is not "the same as last time": that run recorded nothing, listed nothing)
            kind = "same" if issued == digest else "new" if issued is None and was in (None, digest) else "changed"
            if kind != "same" and content.rows and all(r.get("measure") for r in content.rows):
                # every risk of it answered by an accepted measure form, now pre-filled with those measures: nothing
                # for its receiver to fill (it was "changed: to send", the people who had answered asked again)
                kind = "answered"
            said[kind].append(path)
        ledger.wrote(path, digest)
        written.append(path)
        if progress:
            progress(i, len(jobs))
    new_round = config_mod.issued_round_changed(cfg)       # (read before this run's record replaces it)
    record_issued(cfg, [d.code for d in chosen] if stage == "measures" else [], {d.code: d.name for d in chosen},
                  {d.code: [(p.name, p.staff_no) for p in cfg.roster.people_of(d.code)] for d in chosen})
    gone = _stale_forms(out, written, [s.id for s in forms.values() if s.stage == stage],
                        [out / folders[c] for c in departments] if departments else None)
    if not departments:
        # a new round generated in last round's folder: last round's forms of the other stage (its 附件5/6, pre-filled
        # with last year's risks, in folders of departments since merged or renamed) are no forms to send now
        gone += [p for p in _stale_forms(out, written, [s.id for s in forms.values() if s.stage != stage], None)
                 if new_round or ((campaign := _campaign_of(p)) not in (None, cfg.campaign_id)
                                  and not config_mod.same_round(campaign, cfg))]
    if departments:
        # the chosen departments' forms left elsewhere: under the department's former name (renamed in the roster),
        # a person's under the department they moved from (a coordinator sends folders: a stale one may go out)
        elsewhere = _stale_forms(out, written, [s.id for s in forms.values() if s.stage == stage], None)
        gone += [p for p in elsewhere if p not in gone and _issued_to(p, set(departments), roster)]
    deleted = []
    made = {ident.key() + (ident.staff_no,): path for path, _, ident, _, _ in jobs}
    made_risks = {path: ident.risks for path, _, ident, _, _ in jobs}
    by_person = {(ident.form, ident.campaign, ident.person, ident.staff_no): path for path, _, ident, _, _ in jobs
                 if ident.person and ident.staff_no}
    for path in gone:
        was = ledger.on_disk(path)
        if was is not None and not ledger.ours(path, was):
            said["kept"].append(ledger.set_aside(path))      # (filled in place: moved, not deleted)
        else:
            ident = _identity_of(path) if said["new"] or said["answered"] else None
            now = made.get(ident.key() + (ident.staff_no,)) if ident is not None else None
            if now is not None and now in said["answered"]:
                pass                # (its measures all in: listed as such, the earlier one no form that "no longer applies")
            elif now is None and ident is not None and ident.person and ident.staff_no and (moved := by_person.get(
                    (ident.form, ident.campaign, ident.person, ident.staff_no))) in said["new"]:
                # the person's form under the department the roster moved them to: the one issued before still counts
                # (merge takes it as theirs, person-moved); "new, to send" only, they were asked to fill it again, their
                # accepted risks replaced by what they typed anew
                said["new"].remove(moved)
                said["moved"].append(moved)
            elif now is not None and now in said["new"] and ident.risks == made_risks[now] and _renamed_only(path, now):
                # the same form of the same department (person) under a new name: its department renamed in the roster.
                # The one sent stays good (merge reads it as the department's, department-renamed); it was "new, to
                # send" and "no longer applies", and the coordinator sent the department every form again. (Not one
                # that differs otherwise: a measure form pre-filled since, a 岗位 changed in the roster.)
                said["new"].remove(now)
                said["renamed"].append(now)
            else:
                deleted.append(path)
            path.unlink()
        ledger.forget(path)
        if path.parent != out and not any(path.parent.iterdir()):
            path.parent.rmdir()
    ledger.save()
    if removed is not None:
        removed.extend(deleted)
    if changes is not None:
        changes.update(said)
    return written


GENERATED_FILE = ".formkit-generated.json"
"""outbox/.formkit-generated.json: the SHA-256 of each form generate wrote under outbox/templates/ (by its path there),
so that one changed since (filled in place) is told from formkit's own."""
SET_ASIDE_DIR = "已改动的表单"


class _Ledger:
    """What generate wrote under outbox/templates/ (GENERATED_FILE), and the forms changed since set aside."""

    def __init__(self, outbox: Path) -> None:
        self.outbox, self.root = outbox, outbox / "templates"
        try:
            data = json.loads((outbox / GENERATED_FILE).read_text(encoding="utf-8"))
            self.known: dict[str, str] | None = {str(k): str(v) for k, v in data.get("forms", {}).items()}
        except (OSError, ValueError, AttributeError, TypeError):
            self.known = None           # none yet (or an outbox of an older formkit): its forms are taken as formkit's
        self.now = dict(self.known or {})

    def _key(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def on_disk(self, path: Path) -> str | None:
        try:
            return hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return None

    def issued(self, path: Path) -> str | None:
        return (self.known or {}).get(self._key(path))

    def ours(self, path: Path, digest: str) -> bool:
        return self.known is None or self.known.get(self._key(path)) == digest

    def set_aside(self, path: Path) -> Path:
        """Move a form changed since formkit wrote it to outbox/已改动的表单/ (its place under templates/ kept; a
        second one there gets a number)."""
        target = self.outbox / SET_ASIDE_DIR / self._key(path)
        n = 2
        while target.exists():
            target = target.with_name(f"{path.stem}（{n}）{path.suffix}")
            n += 1
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        return target

    def wrote(self, path: Path, digest: str) -> None:
        self.now[self._key(path)] = digest

    def forget(self, path: Path) -> None:
        self.now.pop(self._key(path), None)

    def save(self) -> None:
        data = {"forms": dict(sorted(self.now.items()))}
        write_bytes_atomic(self.outbox / GENERATED_FILE, json.dumps(data, ensure_ascii=False, indent=0).encode("utf-8"))


ISSUED_FILE = config_mod.ISSUED_FILE
RUNS_KEPT = 50


def record_issued(cfg: Config, codes: list[str], names: dict[str, str] | None = None,
                  people: dict[str, list[tuple[str, str]]] | None = None) -> None:
    """Record the departments measure forms went to (`codes`), the names departments' forms were issued under
    (`names`: a name written in a form that its department never had is no renaming, validate.department), and the
    staff (姓名, 工号) each department's forms went to (`people`: a 工号 corrected in the roster since is the same person,
    validate.person)."""
    path = cfg.outbox / ISSUED_FILE
    known, named = config_mod.read_issued(cfg)
    for code, name in (names or {}).items():
        named.setdefault(code, set()).add(name)
    try:
        listed = {code: {tuple(p) for p in ps}
                  for code, ps in config_mod.issued_data(cfg).get("people", {}).items()}
    except (OSError, ValueError, AttributeError, TypeError):
        listed = {}
    for code, ps in (people or {}).items():
        listed.setdefault(code, set()).update(ps)
    # who was issued forms together, run by run (two 李娜 at once are namesakes; 李娜 0031 one run and 李娜 0013 the
    # next is her 工号 corrected in the roster): config.issued_together
    runs = config_mod.issued_runs(cfg)
    for code, ps in (people or {}).items():
        run = sorted({f"{normalize.name_key(name)}|{normalize.staff_no_key(no)}" for name, no in ps if no})
        if run and (not runs.get(code) or runs[code][-1] != run):
            runs[code] = [*runs.get(code, []), run][-RUNS_KEPT:]
    data = {"campaign": cfg.campaign_id, "year": cfg.year, "measures": sorted(known | set(codes)), "names": {code: sorted(n) for code, n in sorted(named.items())},
            "people": {code: sorted(map(list, ps)) for code, ps in sorted(listed.items()) if ps},
            "runs": {code: r for code, r in sorted(runs.items()) if r}}
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


def issued_measures(cfg: Config) -> set[str]:
    """The departments the measure forms were generated for (record_issued)."""
    return config_mod.read_issued(cfg)[0]


def _issued_to(path: Path, codes: set[str], roster) -> bool:
    """Whether a form formkit wrote was issued to one of these departments, or to someone who belongs to one now."""
    ident = _identity_of(path)
    if ident is None:
        return False
    if ident.department in codes:
        return True
    person = roster.find_moved(ident.person, ident.staff_no) if ident.person and ident.staff_no else None
    return person is not None and person.department in codes


def _renamed_only(old: Path, new: Path) -> bool:
    """Whether two forms formkit wrote show the same cells but for one name written otherwise in them (the department's,
    renamed in the roster): the form sheet's texts compared, the new name put back as the old one."""
    from python_calamine import CalamineWorkbook

    try:
        grids = [[[normalize.to_text(v) for v in row] for row in CalamineWorkbook.from_path(str(p)).get_sheet_by_index(0)
                  .to_python(skip_empty_area=False)] for p in (old, new)]
    except Exception:  # noqa: BLE001 - a form that cannot be read back is no evidence
        return False
    if len(grids[0]) != len(grids[1]) or any(len(a) != len(b) for a, b in zip(*grids, strict=True)):
        return False
    said: tuple[str, str] | None = None          # (new name, old name)
    for was, now in ((a, b) for ra, rb in zip(*grids, strict=True) for a, b in zip(ra, rb, strict=True) if a != b):
        if said is None:
            head = len(os.path.commonprefix([was, now]))
            tail = len(os.path.commonprefix([was[head:][::-1], now[head:][::-1]]))
            said = (now[head:len(now) - tail], was[head:len(was) - tail])
        new_part, old_part = said
        if (was.replace(old_part, new_part) != now) if old_part else (now.replace(new_part, "") != was):
            return False
    return True


def _identity_of(path: Path) -> Identity | None:
    """The hidden identity of a form formkit wrote (its document properties), None when it has none readable."""
    import zipfile

    from formkit.identity import from_custom_properties

    try:
        with zipfile.ZipFile(path) as zf:
            return from_custom_properties(zf)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return None


def _campaign_of(path: Path) -> str | None:
    """The campaign a form formkit wrote was issued for, None when it says none."""
    ident = _identity_of(path)
    return ident.campaign if ident is not None and ident.campaign else None


def _stale_forms(out: Path, written: list[Path], form_ids: list[str], folders: list[Path] | None) -> list[Path]:
    """formkit's forms of these ids under outbox/templates/ (in `folders`, or anywhere) not among `written`."""
    if not out.is_dir():
        return []
    keep = {p.resolve() for p in written}
    prefixes = tuple(f"{fid}_" for fid in form_ids)
    places = folders if folders is not None else [out, *sorted(p for p in out.iterdir() if p.is_dir())]
    stale = []
    for place in places:
        if not place.is_dir() or place.is_symlink():
            continue
        for p in sorted(place.iterdir()):
            if p.is_file() and p.suffix == ".xlsx" and p.name.startswith(prefixes) and p.resolve() not in keep:
                stale.append(p)
    return stale


__all__ = ["FormContent", "generate_campaign", "safe_name", "supervision", "write_form"]
