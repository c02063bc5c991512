"""outbox/廉政风险目录.xlsx: the consolidated workbook the leadership group and auditors open.

Sheets: 说明, 风险目录, 汇总 (with native charts), 提交情况, 问题清单, 权力清单, 领导小组, 公示, and 变化
when a previous round exists. Written by xlsxwriter in constant-memory mode: each sheet row by row,
so a catalogue of a million rows costs no more memory than one of a hundred. The big tables go
through formkit.write.fastrows (whole rows of XML at a time) and take their rows from iterators:
`write_catalogue_workbook` streams rows it is given without holding them.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from formkit import __version__, versions
from formkit import findings as F
from formkit.inputs import STATUS_ZH
from formkit.normalize import shown_time
from formkit.numbering import RETIRED_TITLE
from formkit.pipeline import Analysis, CatalogueRow
from formkit.submissions import (
    DONE,
    MISSING,
    NOT_ISSUED,
    NOT_REQUIRED,
    OVERDUE,
    RETURNED_ZH,
    UNREADABLE,
    WAITING,
    as_of,
    department_of,
    grid,
)
from formkit.write.common import (
    MAX_ROW_PT,
    Styles,
    atomic_workbook,
    cell_text,
    column_space,
    print_setup,
    row_height,
    spaced_row_height,
    write_text,
)
from formkit.write.fastrows import RowWriter

CATALOGUE_COLUMNS: list[tuple[str, float]] = [
    ("风险编号", 16), ("层级", 6), ("部门", 14), ("岗位", 14), ("姓名", 8), ("风险类别", 10), ("风险点", 36),
    ("主要表现形式", 32), ("风险等级", 8), ("涉及三重一大", 8), ("关联权力事项", 16), ("责任人", 8),
    ("关键环节", 8), ("防控措施", 40), ("工作程序", 30), ("完成时限", 10), ("直接管理", 10), ("监督负责", 10),
    ("来源文件", 30), ("来源SHA256", 18), ("来源位置", 12), ("提交时间", 19), ("措施来源文件", 30),
    ("措施来源位置", 12), ("备注", 20), ("措施备注", 20),
]
UNWRAPPED = frozenset({"来源SHA256", "SHA-256"})
"""Columns shown on one line (a digest is copied, not read: wrapped, it made every row four lines high)."""
PRINTED_CATALOGUE_COLUMNS = 18
"""风险目录 prints 风险编号 … 监督负责; 来源文件 and the other sources stay on screen."""
POWER_COLUMNS = [("部门", 14), ("序号", 6), ("权力事项", 26), ("权力类别", 10), ("职权依据", 30), ("行使岗位", 14),
                 ("责任人", 8), ("运行流程", 30), ("涉及三重一大", 8), ("备注", 14), ("来源文件", 30), ("来源位置", 12)]
LEADER_COLUMNS = [("序号", 6), ("机构", 16), ("职务", 8), ("姓名", 10), ("本职", 20), ("联系电话", 14), ("备注", 14),
                  ("来源文件", 30), ("来源位置", 12)]
LEVELS = ("一级", "二级", "三级")
SHEETS = ("说明", "风险目录", "汇总", "提交情况", "问题清单", "权力清单", "领导小组", "公示")


def stamp(analysis: Analysis) -> datetime:
    """The workbook's time: from the inputs, never the wall clock (reproducible outputs)."""
    d = as_of(analysis)
    return datetime(d.year, d.month, d.day)


def _cell(value: object) -> object:
    """What a table cell holds: text, or a whole number (written as a number)."""
    if type(value) is str:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return cell_text(value)


DATE_COLUMNS = frozenset({"完成时限", "提交时间"})
"""Columns whose dates are written as dates (Excel's date filters, sorting by deadline); other text (长期, 6月底前) as
it is."""
_ISO_TIME = re.compile(r"(\d{4})-(\d\d)-(\d\d)(?: (\d\d):(\d\d))?")
_EPOCH = date(1899, 12, 30)


def _date_cell(text: str, st: Styles) -> object:
    """2023-06-30 (2023-03-16 11:00) as an Excel date (with its time), in a date format; any other text as it is."""
    serial = _serial(text)
    if serial is None:
        return text
    return serial, st.date if type(serial) is int else st.date_time


@lru_cache(maxsize=4096)
def _serial(text: str) -> int | float | None:
    """The Excel day number of 2023-06-30 (with its time of day: 2023-03-16 11:00), None for other text. (A catalogue
    repeats a few: every row of a form shares its 提交时间.)"""
    m = _ISO_TIME.fullmatch(text)
    if m is None:
        return None
    try:
        day = date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None
    if day.year < 1900:
        return None
    serial = (day - _EPOCH).days
    return serial if m[4] is None else serial + (int(m[4]) * 60 + int(m[5])) / 1440


def _table(ws, st: Styles, top: int, columns: list[tuple[str, float]], rows: Iterable[Mapping], *,
           level_col: str | None = None) -> int:
    """A header row and data rows of mappings (any iterable: rows are not held); returns the next free row.
    Text in the cell format, whole numbers centred, 一级 in the level column highlighted."""
    ws.set_row(top, row_height([label for label, _ in columns], [width for _, width in columns]))
    for j, (label, width) in enumerate(columns):
        ws.set_column(j, j, width)
        ws.write_string(top, j, label, st.head)
    labels = [label for label, _ in columns]
    widths = [width for _, width in columns]      # rows as high as their wrapped text (LibreOffice, WPS)
    unwrapped = {j for j, label in enumerate(labels) if label in UNWRAPPED}
    formats = [st.code if j in unwrapped else st.cell for j in range(len(labels))]
    wrapped = [j for j in range(len(labels)) if j not in unwrapped]
    spaces = column_space([widths[j] for j in wrapped])
    level_at = labels.index(level_col) if level_col in labels else None
    dated = [j for j, label in enumerate(labels) if label in DATE_COLUMNS]
    writer = RowWriter(ws)
    if writer.usable:
        center, level1, top_cell = st.center, st.level1, st.cell_top

        pick = CatalogueRow.picker(labels)

        def cell(v: object) -> object:
            v = _cell(v)
            return v if type(v) is str else (v, center)

        heights: deque[float] = deque()

        def values() -> Iterator[list]:
            for row in rows:
                raw = pick(row) if pick is not None and type(row) is CatalogueRow else [row.get(k, "") for k in labels]
                out = [v if type(v) is str else cell(v) for v in raw]
                heights.append(height := spaced_row_height([v if type(v := out[j]) is str else "" for j in wrapped],
                                                           spaces))
                for j in dated:
                    if type(v := out[j]) is str and v[:1].isdigit():
                        out[j] = _date_cell(v, st)
                if level_at is not None and out[level_at] == "一级":
                    out[level_at] = ("一级", level1)
                if height >= MAX_ROW_PT:     # (more text than a row holds: from its top, the beginning shown)
                    out = [(v, top_cell) if type(v) is str and j not in unwrapped else v for j, v in enumerate(out)]
                yield out

        def heights_of() -> Iterator[float]:
            while True:
                yield heights.popleft()

        return writer.write_rows(top + 1, values(), formats, heights_of())
    r = top
    for r, row in enumerate(rows, top + 1):
        ws.set_row(r, row_height([cell_text(row.get(label, "")) if j not in unwrapped else ""
                                  for j, label in enumerate(labels)], widths))
        for j, label in enumerate(labels):
            value = row.get(label, "")
            fmt = st.level1 if (j == level_at and value == "一级") else formats[j]
            if isinstance(value, int) and not isinstance(value, bool):
                ws.write_number(r, j, value, st.center)
            elif j in dated and type(value) is str and type(shown := _date_cell(value, st)) is tuple:
                ws.write_number(r, j, shown[0], shown[1])
            else:
                write_text(ws, r, j, value, fmt)
    return r + 1


def _counted(rows: Iterable, progress: Callable[[str, int, int], None] | None, stage: str, total: int) -> Iterator:
    """rows, reporting progress every 2,000."""
    if progress is None:
        yield from rows
        return
    n = 0
    for n, row in enumerate(rows, 1):
        yield row
        if n % 2000 == 0:
            progress(stage, n, total)
    progress(stage, n, max(n, total))


def _span_table(ws, st: Styles, top: int, columns: list[tuple[str, int]], rows: list[dict]) -> int:
    """A table whose columns span several sheet columns (merged cells), rows high enough for their text."""
    def put(r: int, col: int, span: int, value: object, fmt) -> None:
        if span > 1:
            ws.merge_range(r, col, r, col + span - 1, "", fmt)
        write_text(ws, r, col, value, fmt)

    col = 0
    for label, span in columns:
        put(top, col, span, label, st.head)
        col += span
    r = top
    for r, row in enumerate(rows, top + 1):
        col, lines = 0, 1
        for label, span in columns:
            text = str(row.get(label, ""))
            chars_per_line = max(1, int((18 if col == 0 else 8.5 * span) / 2))
            lines = max(lines, -(-len(text) // chars_per_line))
            put(r, col, span, text, st.level1 if label == "风险等级" and text == "一级" else st.cell)
            col += span
        ws.set_row(r, min(409, 14 * lines))
    return r + 1


def write_workbook(analysis: Analysis, path: Path, changes=None, properties: dict[str, str] | None = None,
                   progress: Callable[[str, int, int], None] | None = None) -> Path:
    cfg = analysis.cfg
    stage = "写出汇总工作簿"
    with atomic_workbook(path, constant_memory=True, created=stamp(analysis),
                         title=f"{cfg.institution}廉政风险目录", subject=cfg.campaign, company=cfg.institution) as wb:
        for name, value in (properties or {}).items():
            wb.set_custom_property(name, value)
        st = Styles(wb)
        _cover(wb, st, analysis)
        ws = _catalogue(wb, st, _counted(analysis.catalogue, progress, stage, len(analysis.catalogue)))
        ws.set_header(page_header(analysis, "风险目录（来源文件、位置等列见电子版）"))
        _summary(wb, st, analysis)
        _submissions(wb, st, analysis)
        _findings(wb, st, analysis)
        _powers(wb, st, analysis)
        _leaders(wb, st, analysis)
        from formkit.write.publication import write_publication_sheet

        write_publication_sheet(wb, st, analysis, sheet_name="公示")
        if changes is not None:
            from formkit.changes import write_changes_sheet

            write_changes_sheet(wb, st, changes)
        if progress:
            progress(stage, 1, 1)
    return path


def write_catalogue_workbook(path: Path, rows: Iterable[Mapping], *, created: datetime | None = None,
                             progress: Callable[[str, int, int], None] | None = None, total: int = 0) -> Path:
    """A workbook holding only the 风险目录 sheet, written as rows come (they are not held): the catalogue
    writer of the consolidated workbook on its own (bench/bench.py --writer-rows)."""
    with atomic_workbook(path, constant_memory=True, created=created, title="廉政风险目录") as wb:
        _catalogue(wb, Styles(wb), _counted(rows, progress, "写出风险目录", total))
    return path


def _file_digest(path: Path) -> str:
    """SHA-256 of a file in inbox/, read in chunks; a note when it is gone since it was read."""
    import hashlib

    h = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
    except OSError:
        return "（文件已不在收件箱中）"
    return h.hexdigest()


def _cover(wb, st: Styles, a: Analysis) -> None:
    ws = wb.add_worksheet("说明")
    cfg = a.cfg
    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, 44)
    ws.set_column(2, 2, 66)
    ws.set_column(3, 12, 12)
    write_text(ws, 0, 0, f"{cfg.institution}廉政风险目录", st.title)
    counts = Counter(r.status for r in a.inputs)
    lines = [
        ("活动", cfg.campaign),
        ("单位", cfg.institution),
        ("数据截至", as_of(a).isoformat()),
        ("工具版本", f"formkit {__version__}"),
        ("收到文件", f"{len(a.inputs)} 份：" + "，".join(f"{STATUS_ZH[s]} {n}" for s, n in sorted(counts.items()))),
        ("风险点", f"{len(a.catalogue)} 条（部门 {sum(1 for r in a.catalogue if r['层级'] == '部门')}，"
                 f"个人 {sum(1 for r in a.catalogue if r['层级'] == '个人')}），"
                 f"已有防控措施 {sum(1 for r in a.catalogue if r['防控措施'])} 条"),
        ("核对方法", "每份文件的 SHA-256 列在下表；用同一批文件重新运行 formkit merge，得到的工作簿与本文件逐字节相同。"
                 "风险目录每一行的“来源文件”“来源位置”指向报送文件中的单元格。"),
    ]
    for i, (k, v) in enumerate(lines, 2):
        ws.set_row(i, row_height([k, v], [44, 66]))     # rows as high as their wrapped text (LibreOffice, WPS)
        write_text(ws, i, 1, k, st.total_label)
        write_text(ws, i, 2, v, st.cell)
    top = len(lines) + 3
    write_text(ws, top, 0, "收到的文件", st.h2)
    cols = [("序号", 6), ("文件", 44), ("SHA-256", 66), ("所在压缩包/邮件", 24), ("表单", 8), ("部门", 12),
            ("姓名", 8), ("状态", 10), ("错误", 6), ("提醒", 6), ("提交时间", 20), ("时间依据", 12), ("被替代为", 30)]
    names = {d.code: d.name for d in cfg.roster.departments.values()}
    rows = ({
        "序号": i, "文件": r.path, "SHA-256": r.file_sha256, "所在压缩包/邮件": r.raw.container or "",
        "表单": r.form or "", "部门": names.get(department_of(r, cfg.roster) or "", ""), "姓名": r.person or "",
        "状态": STATUS_ZH[r.status], "错误": r.count(F.ERROR), "提醒": r.count(F.WARNING),
        "提交时间": shown_time(r.submitted_at), "时间依据": versions.shown_basis(r, r.time_basis), "被替代为": r.superseded_by or r.duplicate_of or "",
    } for i, r in enumerate(a.inputs, 1))
    end = _table(ws, st, top + 1, cols, rows)
    # the files as they lie in inbox/ when they hold others (mails, archives): what an auditor holds and checks
    containers = sorted({r.raw.container for r in a.inputs if r.raw.container})
    if containers:
        held = Counter(r.raw.disk for r in a.inputs if r.raw.container)
        listed = set(containers)
        on_disk = {r.raw.disk: Path(r.raw.origin) for r in a.inputs if r.raw.origin and r.raw.disk in listed
                   and "!" not in r.raw.disk}    # (a name that is not UTF-8 is shown as text: read where it lies)
        write_text(ws, end + 1, 0, "收件箱中的邮件与压缩包（上表中“所在压缩包/邮件”）", st.h2)
        end = _table(ws, st, end + 2, [("序号", 6), ("文件", 44), ("SHA-256", 66), ("其中的文件", 24)],
                     ({"序号": i, "文件": disk, "SHA-256": _file_digest(on_disk.get(disk) or cfg.root / disk),
                       "其中的文件": held[disk]} for i, disk in enumerate(containers, 1)))
    if a.skipped:       # (the summary screen pointed to report.json for them, which a coordinator does not open)
        write_text(ws, end + 1, 0, "跳过的文件（没有作为表单读取）", st.h2)
        end = _table(ws, st, end + 2, [("序号", 6), ("文件", 44), ("原因", 66)],
                     ({"序号": i, "文件": item.path, "原因": item.reason} for i, item in enumerate(a.skipped, 1)))
    if a.retired:       # (read back with the numbers when the cache is gone: a deleted risk's number stays unused)
        write_text(ws, end + 1, 0, f"{RETIRED_TITLE}（这些风险点已从重报的表中删去，编号不再给别的风险点；文字为比对用的写法）",
                   st.h2)
        # (the widths of the tables above: a table sets its columns' widths for the whole sheet, and narrower ones cut
        # the file paths and SHA-256 of the list of files)
        _table(ws, st, end + 2, [("序号", 6), ("风险编号", 44), ("风险点", 66), ("岗位", 24)],
               ({"序号": i, "风险编号": rid, "岗位": post, "风险点": point}
                for i, (rid, post, point) in enumerate(a.retired, 1)))
    print_setup(ws, top + 1, len(cols) - 1)


def page_header(a: Analysis, what: str) -> str:
    """The printed page's header of a table without a title row: the institution, the sheet, the data's date (a
    printed page of the catalogue named neither)."""
    inst = a.cfg.institution.replace("&", "&&")
    return f"&L{inst}廉政风险防控 {what}&R数据截至 {as_of(a).isoformat()}"[:250]


def _catalogue(wb, st: Styles, rows: Iterable[Mapping]):
    ws = wb.add_worksheet("风险目录")
    end = _table(ws, st, 0, CATALOGUE_COLUMNS, rows, level_col="风险等级")
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, max(end - 1, 1), len(CATALOGUE_COLUMNS) - 1)
    # on paper: A3, the columns up to 监督负责 (the sources are for tracing in the file; all 24 on one page
    # width printed at a third of the font size)
    print_setup(ws, 0, len(CATALOGUE_COLUMNS) - 1, paper=8, print_cols=PRINTED_CATALOGUE_COLUMNS, last_row=end - 1)
    return ws


_SUMMARY_ONE_PAGE = 64
"""The rows of 汇总 that print on one A4 landscape page at the width it is fitted to."""


def _summary(wb, st: Styles, a: Analysis) -> None:
    ws = wb.add_worksheet("汇总")
    cfg = a.cfg
    ws.set_column(0, 0, 18)
    ws.set_column(1, 11, 8.5)
    write_text(ws, 0, 0, f"{cfg.institution}廉政风险排查汇总", st.title)
    write_text(ws, 1, 0, f"{cfg.campaign}，数据截至 {as_of(a).isoformat()}", st.subtitle)
    by = Counter((r["_dept"], r["层级"], r["风险等级"]) for r in a.catalogue)
    depts = list(cfg.roster.departments.values())

    # 1. department × level, department and personal risks apart
    top = 3
    write_text(ws, top, 0, "一、各部门风险点数量（按等级）", st.h2)
    head = ["部门", "部门风险·一级", "部门风险·二级", "部门风险·三级", "个人风险·一级", "个人风险·二级", "个人风险·三级",
            "一级合计", "二级合计", "三级合计", "合计"]
    ws.set_row(top + 1, 30)
    for j, h in enumerate(head):
        ws.write_string(top + 1, j, h, st.head)
    first = top + 2
    totals = [0] * (len(head) - 1)
    for i, d in enumerate(depts):
        r = first + i
        ws.set_row(r, row_height([d.name], [18]))      # a long name on two lines (LibreOffice printed it over the next)
        write_text(ws, r, 0, d.name, st.cell)
        dept = [by[(d.code, "部门", lv)] for lv in LEVELS]
        personal = [by[(d.code, "个人", lv)] for lv in LEVELS]
        values = dept + personal + [a + b for a, b in zip(dept, personal, strict=True)] + [sum(dept) + sum(personal)]
        for j, v in enumerate(values):
            ws.write_number(r, j + 1, v, st.total if j == len(values) - 1 else st.num)
            totals[j] += v
    total_row = first + len(depts)
    write_text(ws, total_row, 0, "合计", st.total_label)
    for j, v in enumerate(totals):
        ws.write_number(total_row, j + 1, v, st.total)
    colours = {"一级": "#C00000", "二级": "#ED7D31", "三级": "#70AD47"}
    # levels by department, department and personal risks together
    chart_height = _bars_by_department(wb, ws, top + 1, len(head) + 1, "各部门风险点等级分布", "风险点数", first, len(depts),
                                       [(lv, 7 + k, colours[lv]) for k, lv in enumerate(LEVELS)], 36, stacked=True)

    # 2. category × level
    top = max(total_row + 3, top + 1 + chart_height // 20 + 2)
    sections = [top]
    write_text(ws, top, 0, "二、风险类别分布", st.h2)
    cats = []
    for spec_id in ("附件4", "附件3"):
        for c in a.forms[spec_id].column("category").choices:
            if c not in cats:
                cats.append(c)
    cat_by = Counter((r["风险类别"], r["风险等级"]) for r in a.catalogue)
    for j, h in enumerate(["风险类别", *LEVELS, "合计"]):
        ws.write_string(top + 1, j, h, st.head)
    first_c = top + 2
    for i, c in enumerate(cats):
        write_text(ws, first_c + i, 0, c, st.cell)
        values = [cat_by[(c, lv)] for lv in LEVELS]
        for j, v in enumerate([*values, sum(values)]):
            ws.write_number(first_c + i, j + 1, v, st.num)
    last_c = first_c + len(cats) - 1
    chart2 = wb.add_chart({"type": "column", "subtype": "stacked"})
    for k, lv in enumerate(LEVELS):
        chart2.add_series({"name": lv, "categories": ["汇总", first_c, 0, last_c, 0],
                           "values": ["汇总", first_c, 1 + k, last_c, 1 + k], "fill": {"color": colours[lv]}})
    chart2.set_title({"name": "风险类别分布", "name_font": {"name": "黑体", "size": 12}})
    chart2.set_legend({"position": "bottom"})
    chart2.set_size({"width": 520, "height": 300})
    ws.insert_chart(top + 1, len(head) + 1, chart2)

    # 3. personal-form completion
    top = max(last_c + 3, top + 17)
    top3 = top
    sections.append(top)
    write_text(ws, top, 0, "三、个人自查表完成情况", st.h2)
    for j, h in enumerate(["部门", "应报人数", "附件3已报", "附件3完成率", "附件5已报", "附件5完成率"]):
        ws.write_string(top + 1, j, h, st.head)
    # the counts of 提交情况 (submissions.grid): a person counts for the department the roster now puts them in
    status = {d.code: d.personal for d in grid(a)}
    people3 = Counter({code: p["附件3"].accepted for code, p in status.items()})
    acc5 = Counter({code: p["附件5"].accepted for code, p in status.items()})
    # a rate counts at most the people owed (three people sharing a department's general form where the roster
    # says two: 100%, not 150%, and not more than is owed in 合计); the surplus is said under the table
    over = [d for d in depts if d.headcount and max(people3[d.code], acc5[d.code]) > d.headcount]
    r = top + 2
    for d in depts:
        ws.set_row(r, row_height([d.name], [18]))
        write_text(ws, r, 0, d.name, st.cell)
        ws.write_number(r, 1, d.headcount, st.num)
        ws.write_number(r, 2, people3[d.code], st.num)
        ws.write_number(r, 4, acc5[d.code], st.num)
        for col, done in ((3, people3[d.code]), (5, acc5[d.code])):
            if d.headcount:
                ws.write_number(r, col, min(done, d.headcount) / d.headcount, st.pct)
            else:           # nobody owes it (应报人数 0): no rate to show (0% read as nobody having done it)
                write_text(ws, r, col, "无需报送", st.center)
        r += 1
    write_text(ws, r, 0, "合计", st.total_label)
    headcount = sum(d.headcount for d in depts)
    n3, n5 = sum(people3.values()), sum(acc5.values())
    c3 = sum(min(people3[d.code], d.headcount) for d in depts)
    c5 = sum(min(acc5[d.code], d.headcount) for d in depts)
    ws.write_number(r, 1, headcount, st.total)
    ws.write_number(r, 2, n3, st.total)
    ws.write_number(r, 4, n5, st.total)
    for col, done in ((3, c3), (5, c5)):
        if headcount:
            ws.write_number(r, col, done / headcount, st.pct)
        else:
            write_text(ws, r, col, "无需报送", st.total)
    if over:
        r += 1
        write_text(ws, r, 0, "注：" + "；".join(f"{d.name}已报 {max(people3[d.code], acc5[d.code])} 人，多于名册的应报人数 "
                                              f"{d.headcount} 人" for d in over[:10]) + (" 等" if len(over) > 10 else "")
                   + "。完成率按应报人数计（最多 100%），请核对名册中的应报人数。", st.subtitle)
    # people moved to another department since their form went out: counted above where the roster has them now,
    # their risks where the form was issued (person-moved): a department "100% done" with no risk in tables 一 and 二
    moved = sorted({(r.person or "", r.department, r.checked.staff.department) for r in a.inputs
                    if r.status == "accepted" and r.form == "附件3" and r.checked is not None and r.checked.staff is not None
                    and r.department in a.cfg.roster.departments and r.checked.staff.department in a.cfg.roster.departments
                    and r.checked.staff.department != r.department})
    if moved:
        r += 1
        names = {d.code: d.name for d in depts}
        write_text(ws, r, 0, f"注：{len(moved)} 人在表单下发后调到了其他部门（" + "；".join(
            f"{who}：{names.get(was, was)} → {names.get(now, now)}" for who, was, now in moved[:10])
                   + (" 等" if len(moved) > 10 else "") + "）：上表按名册中现在的部门统计他们的报送，他们已报的风险点仍计入原部门"
                   "（表一、表二；问题清单 person-moved）。", st.subtitle)
    # completion against headcount by department, as the other two tables have theirs (interfaces.md)
    most = max([d.headcount for d in depts] + list(people3.values()) + list(acc5.values()) + [1])
    chart3_height = _bars_by_department(wb, ws, top3 + 1, len(head) + 1, "个人自查表完成情况（人）", "人数", top3 + 2,
                                        len(depts), [("应报人数", 1, "#A5A5A5"), ("附件3已报", 2, "#4472C4"),
                                                     ("附件5已报", 4, "#70AD47")], 48, whole=most <= 10)

    # 4. every 一级 risk with who manages and who answers for it
    top = max(r + 3, top3 + 1 + chart3_height // 20 + 2)
    sections.append(top)
    write_text(ws, top, 0, "四、一级风险点及分级监管", st.h2)
    # columns of this sheet are narrow (A is 18, the rest 8.5): long texts span several merged cells
    cols = [("风险编号", 1), ("部门", 2), ("层级", 1), ("岗位", 2), ("风险点", 5), ("直接管理", 1), ("监督负责", 1),
            ("防控措施", 6)]
    level1 = [r for r in a.catalogue if r["风险等级"] == "一级"]
    end = _span_table(ws, st, top + 1, cols, level1)
    if not level1:
        write_text(ws, top + 2, 0, "（暂无一级风险点）", st.subtitle)
        end = top + 3
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    if end > _SUMMARY_ONE_PAGE:
        # more than a page (a college of 60 departments): each section on a page of its own, its table and chart
        # together (they were cut across pages wherever the page ended)
        ws.set_h_pagebreaks(sections)
    ws.set_footer("&C第 &P 页，共 &N 页")
    ws.print_area(0, 0, end, 21)


_STATE_STYLE = {DONE: "ok", RETURNED_ZH: "warn", MISSING: "missing", OVERDUE: "bad", "部分": "warn", NOT_REQUIRED: "cell",
                NOT_ISSUED: "cell", WAITING: "cell", UNREADABLE: "bad"}


def _submissions(wb, st: Styles, a: Analysis) -> None:
    ws = wb.add_worksheet("提交情况")
    cfg = a.cfg
    write_text(ws, 0, 0, "各部门表单报送情况", st.title)
    deadlines = "；".join(f"{fid} {cfg.deadline(a.forms[fid].phase).isoformat()}" for fid in ("附件2", "附件3", "附件4",
                                                                                           "附件5", "附件6"))
    write_text(ws, 1, 0, f"截止日期：{deadlines}。数据截至 {as_of(a).isoformat()}。"
                        "已报=已接收；退回=有错误待修改；未报=尚未收到；逾期=已过截止日期仍未收到；未下发=措施表尚未生成下发；"
                        "已收到，待风险点表=措施表已收到，风险点表（附件3/4）改正接收后自动汇总，不必重发；"
                        "收到但无法读取=收到了这张表的文件，但无法读取，请部门按回复邮件重新发送。", st.subtitle)
    head = ["部门", "附件2 权力清单", "附件4 部门风险", "附件6 部门措施", "附件3 个人自查（已报/应报）", "附件3 退回",
            "附件5 个人措施（已报/应报）", "附件5 退回", "无法读取的文件"]
    widths = [18, 14, 14, 14, 18, 10, 18, 10, 12]
    # files that could not be read as forms, by the department their mail, folder or name says they came from
    from formkit.write.feedback import unreadable_by_department

    unreadable = unreadable_by_department(a)
    for j, (h, w) in enumerate(zip(head, widths, strict=True)):
        ws.set_column(j, j, w)
        ws.write_string(3, j, h, st.head)
    ws.set_row(3, row_height(head, widths))      # labels on two lines (the closing bracket printed over row 5)
    r = 4
    for d in grid(a):
        ws.set_row(r, row_height([d.name], widths[:1]))
        write_text(ws, r, 0, d.name, st.cell)
        for j, fid in enumerate(("附件2", "附件4", "附件6"), 1):
            cell = d.forms[fid]
            label = cell.state + ("（逾期）" if cell.late else "") + (f"（待补措施 {len(cell.pending)} 条）" if cell.pending else "")
            ws.write_string(r, j, label, getattr(st, _STATE_STYLE[cell.state]))
        for j, fid in ((4, "附件3"), (6, "附件5")):
            p = d.personal[fid]
            late = "，有逾期" if p.late and p.state == DONE else ""     # every form in, some after the deadline
            late += "，逾期" if p.overdue and p.state != OVERDUE else ""    # some returned, others not sent at all
            late += "，多于应报人数" if p.expected and p.accepted > p.expected else ""   # (the roster's 应报人数?)
            late += f"，待补措施 {len(p.pending)} 条" if p.pending else ""  # risks registered after it was accepted
            ws.write_string(r, j, f"{p.accepted}/{p.expected}（{p.state}{late}）", getattr(st, _STATE_STYLE[p.state]))
            ws.write_number(r, j + 1, p.returned, st.num)
        n = unreadable.get(d.code, 0)
        ws.write_number(r, 8, n, st.bad if n else st.num)
        r += 1
    leaders = [res for res in a.inputs if res.form == "附件1" and res.status in ("accepted", "returned")]
    write_text(ws, r + 1, 0, "附件1 领导小组名单", st.total_label)
    overdue = as_of(a) > cfg.deadline(a.forms["附件1"].phase)
    state = DONE if any(x.status == "accepted" for x in leaders) else \
        (RETURNED_ZH if leaders else (OVERDUE if overdue else MISSING))
    ws.write_string(r + 1, 1, state, getattr(st, _STATE_STYLE[state]))
    ws.freeze_panes(4, 1)
    print_setup(ws, 3, len(head) - 1)


def _findings(wb, st: Styles, a: Analysis) -> None:
    ws = wb.add_worksheet("问题清单")
    cols = [("序号", 6), ("文件", 36), ("状态", 9), ("表单", 7), ("部门", 12), ("姓名", 8), ("程度", 6), ("代码", 18),
            ("工作表", 9), ("单元格", 8), ("字段", 12), ("填写内容", 20), ("说明与改正方法", 60)]
    names = {d.code: d.name for d in a.cfg.roster.departments.values()}
    roster = a.cfg.roster
    rows = ({"序号": n, "文件": res.path, "状态": STATUS_ZH[res.status], "表单": res.form or "",
             "部门": names.get(department_of(res, roster) or "", ""), "姓名": res.person or "",
             "程度": F.SEVERITY_ZH[f.severity], "代码": f.code, "工作表": f.sheet or "", "单元格": f.cell or "",
             "字段": f.field or "", "填写内容": f.value or "", "说明与改正方法": f.message}
            for n, (res, f) in enumerate(((res, f) for res in a.inputs for f in res.findings), 1))
    end = _table(ws, st, 0, cols, rows)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(end - 1, 1), len(cols) - 1)
    print_setup(ws, 0, len(cols) - 1)
    ws.set_header(page_header(a, "问题清单"))


def _bars_by_department(wb, ws, row: int, col: int, title: str, axis: str, first: int, n: int,
                        series: list[tuple[str, int, str]], per_department: int, *, stacked: bool = False,
                        whole: bool = False) -> int:
    """A native bar chart of 汇总 with a bar per department (rows first … first+n-1, names in column A): series (name,
    column, colour); whole: ticks at whole units (people, no 0.5). Returns its height in pixels."""
    chart = wb.add_chart({"type": "bar", **({"subtype": "stacked"} if stacked else {})})
    for name, column, colour in series:
        chart.add_series({"name": name, "categories": ["汇总", first, 0, first + n - 1, 0],
                          "values": ["汇总", first, column, first + n - 1, column],
                          "fill": {"color": colour}, "gap": 60, "data_labels": {"value": False}})
    chart.set_title({"name": title, "name_font": {"name": "黑体", "size": 12}})
    chart.set_x_axis({"name": axis, "num_font": {"name": "宋体"}, "major_gridlines": {"visible": True},
                      **({"min": 0, "major_unit": 1} if whole else {})})
    chart.set_y_axis({"reverse": True, "num_font": {"name": "宋体"}, "interval_unit": 1})
    chart.set_legend({"position": "bottom", "font": {"name": "宋体"}})
    height = max(300, per_department * n + 120)
    chart.set_size({"width": 560, "height": height})
    ws.insert_chart(row, col, chart)
    return height


def _powers(wb, st: Styles, a: Analysis) -> None:
    ws = wb.add_worksheet("权力清单")
    end = _table(ws, st, 0, POWER_COLUMNS, a.powers)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(end - 1, 1), len(POWER_COLUMNS) - 1)
    print_setup(ws, 0, len(POWER_COLUMNS) - 1)
    ws.set_header(page_header(a, "权力清单"))


def _leaders(wb, st: Styles, a: Analysis) -> None:
    ws = wb.add_worksheet("领导小组")
    write_text(ws, 0, 0, f"{a.cfg.institution}廉政风险防控工作领导小组和办公室成员名单", st.title)
    _table(ws, st, 2, LEADER_COLUMNS, a.leaders)
    print_setup(ws, 2, len(LEADER_COLUMNS) - 1)
