"""The publication (公示): the public view of the risk catalogue, as a print-ready .xlsx and a static HTML page.

What goes public is forms.md "Publication (公示)": 序号 · 单位/科室 · 岗位 · 风险类别 · 风险点 · 主要表现形式 ·
风险等级 · 防控措施 · 部门负责人 · 责任领导, grouped by department in roster order, 序号 restarting in each
department. Personal names, 工号 and phone numbers appear only when [publication] in formkit.toml says so.

Both outputs depend on the analysis and the configuration only (the date is the configured publication date,
else the start of phase 4; never the clock), so the same inputs give byte-identical files.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from formkit.identity import OUTPUT_PROPERTY
from formkit.spec import LEVELS, templates_dir
from formkit.write.common import (
    MAX_ROW_PT,
    Styles,
    atomic_file,
    atomic_workbook,
    cell_text,
    print_setup,
    row_height,
    write_text,
)
from formkit.write.fastrows import RowWriter

SUBDIR = "公示"
FILE_STEM = "廉政风险目录（公示）"
TEMPLATE = "publication.html.j2"

# (label, width in Excel characters); the HTML uses the widths as proportions.
PUBLIC_COLUMNS: list[tuple[str, float]] = [
    ("序号", 5.5),
    ("单位/科室", 13.0),
    ("岗位", 13.0),
    ("风险类别", 9.0),
    ("风险点", 28.0),
    ("主要表现形式", 34.0),
    ("风险等级", 8.5),
    ("防控措施", 34.0),
    ("工作程序", 22.0),
    ("部门负责人", 10.5),
    ("责任领导", 9.0),
]
PERSONAL_FILED = "（个人防控措施已报纪检监察室备案）"
"""What 公示 shows for a personal risk's measure: filed with the office, not published (plan, 第三阶段)."""
# Columns only the configuration adds ([publication] show_names / show_staff_no / show_phone), after 岗位.
NAME_COLUMN = ("姓名", 8.0)
STAFF_NO_COLUMN = ("工号", 10.0)
PHONE_COLUMN = ("联系电话", 13.0)

# the catalogue row keys each public column is taken from (the others are computed)
_FROM_CATALOGUE = {"岗位": "岗位", "风险类别": "风险类别", "风险点": "风险点", "主要表现形式": "主要表现形式",
                   "风险等级": "风险等级", "防控措施": "防控措施", "工作程序": "工作程序", "姓名": "姓名", "联系电话": "联系电话"}
_CENTERED = {"序号", "风险类别", "风险等级", "部门负责人", "责任领导", "姓名", "工号", "联系电话"}
_UNGROUPED = "未归属部门"


# -- the public rows --------------------------------------------------------------------------------------


def public_columns(analysis) -> list[tuple[str, float]]:
    """PUBLIC_COLUMNS plus 姓名 / 工号 / 联系电话 when the configuration publishes them.

    联系电话 needs both show_phone and a row that carries a phone: the catalogue has no phone numbers
    of its own, and an always-empty column would only suggest that something is missing.
    """
    pub = analysis.cfg.publication
    cols = list(PUBLIC_COLUMNS)
    after = "岗位"
    if pub.show_names:
        cols.insert(_index(cols, after) + 1, NAME_COLUMN)
        after = NAME_COLUMN[0]
    if pub.show_staff_no:
        cols.insert(_index(cols, after) + 1, STAFF_NO_COLUMN)
        after = STAFF_NO_COLUMN[0]
    if pub.show_phone and any(_text(r.get("联系电话")) for r in analysis.catalogue):
        cols.insert(_index(cols, after) + 1, PHONE_COLUMN)
    return cols


def _index(cols: list[tuple[str, float]], label: str) -> int:
    return next(i for i, (lab, _) in enumerate(cols) if lab == label)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


@dataclass
class _Group:
    code: str
    name: str
    head: str
    leader: str
    source: list = field(default_factory=list)       # the group's catalogue rows (references, in order)
    labels: list[str] = field(default_factory=list)

    @property
    def levels(self) -> dict[str, int]:
        return _level_counts(self.source)

    @property
    def count(self) -> int:
        return len(self.source)

    @property
    def rows(self) -> Iterator[dict]:
        """The group's public rows, made as they are read (not held)."""
        for n, r in enumerate(self.source, 1):
            yield _public_row(self, n, r)


def _public_row(group: _Group, n: int, r) -> dict:
    personal = r.get("层级") == "个人"
    row: dict = {}
    for label in group.labels:
        if label == "序号":
            row[label] = n
        elif label == "单位/科室":
            row[label] = _text(r.get("部门")) or group.name
        elif label == "部门负责人":
            row[label] = group.head
        elif label == "责任领导":          # who answers for the risk by its level (plan, 第四阶段): 监督负责
            row[label] = _text(r.get("监督负责")) or group.leader
        elif label == "防控措施" and personal:
            # personal measures (附件5) are filed with the office, not published (plan, 第三阶段): said where there is one
            # (an empty cell read as "no controls" for most of the published risks)
            row[label] = PERSONAL_FILED if _text(r.get("防控措施")) else ""
        elif label == "工作程序" and personal:
            row[label] = ""
        elif label == "工号":
            row[label] = _text(r.get("_staff_no")) if personal else ""
        elif label == "姓名":
            row[label] = _text(r.get("姓名")) if personal else ""
        elif label == "岗位" and personal and "姓名" not in group.labels:
            row[label] = ""         # a person's own post names them as surely as their name: only with show_names
        else:
            row[label] = _text(r.get(_FROM_CATALOGUE[label]))
    row["_dept"] = group.code
    row["_department"] = group.name
    return row


def _public_groups(analysis, labels: list[str] | None = None) -> list[_Group]:
    """The catalogue by department in roster order (departments missing from the roster last, by name)."""
    cfg = analysis.cfg
    departments = cfg.roster.departments
    labels = labels if labels is not None else [label for label, _ in public_columns(analysis)]
    order = {code: i for i, code in enumerate(departments)}
    buckets: dict[str, list] = {}
    for r in analysis.catalogue:
        code = r.get("_dept") or ""
        key = code if code in departments else "\0" + (_text(r.get("部门")) or _UNGROUPED)
        buckets.setdefault(key, []).append(r)
    keys = sorted(buckets, key=lambda k: (0, order[k], "") if k in order else (1, 0, k))
    groups = []
    for key in keys:
        dept = departments.get(key)
        groups.append(_Group(dept.code if dept else "", dept.name if dept else key[1:], dept.head if dept else "",
                             dept.leader if dept else "", buckets[key], labels))
    return groups


def publication_rows(analysis) -> list[dict]:
    """The public rows, grouped by department in roster order, 序号 restarting in each department.

    Each row holds the public column labels (public_columns) plus "_dept" (roster code, "" when unknown) and
    "_department" (the group's name). Rows of departments missing from the roster come last, by name.
    Within a department the catalogue order is kept (department risks, then personal risks).
    (The writers do not build this list: they take each group's rows as they go.)
    """
    return [row for g in _public_groups(analysis) for row in g.rows]


def _level_counts(rows: Iterable[dict]) -> dict[str, int]:
    counts = dict.fromkeys(LEVELS, 0)
    for r in rows:
        level = r.get("风险等级", "")
        if level in counts:
            counts[level] += 1
    return counts


def publication_date(cfg) -> date:
    """The configured publication date, else the start of phase 4 (监督检查考核); never today."""
    return cfg.publication.date or cfg.phases[4].start


def _zh_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


_DIGITS = "零一二三四五六七八九"


def _zh_number(n: int) -> str:
    """1 → 一, 12 → 十二, 105 → 一百零五 (for the 一、二、… of group headings)."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = "" if rest == 0 else ("零" + _DIGITS[rest] if rest < 10 else
                                     ("一" + _zh_number(rest) if rest < 20 else _zh_number(rest)))
        return _DIGITS[n // 100] + "百" + tail
    return str(n)


def _summary(counts: dict[str, int], total: int) -> str:
    parts = "、".join(f"{level} {counts[level]} 个" for level in LEVELS)
    return f"共登记廉政风险点 {total} 个，其中{parts}。"


def _heading(index: int, group: _Group) -> str:
    counts = group.levels
    parts = "、".join(f"{level} {counts[level]}" for level in LEVELS if counts[level])
    return f"{_zh_number(index)}、{group.name}　共 {group.count} 项" + (f"（{parts}）" if parts else "")


def _titles(analysis) -> tuple[str, str]:
    cfg = analysis.cfg
    return (f"{cfg.institution}廉政风险目录（公示）",
            f"{cfg.campaign}　　公示日期：{_zh_date(publication_date(cfg))}")


def _notice(cfg) -> str:
    contact = f"（{cfg.contact}）" if getattr(cfg, "contact", "") else ""
    return f"对公示内容如有意见或建议，请向{cfg.office}反映{contact}。"


def _not_yet(analysis, groups: list[_Group]) -> str:
    """The roster's departments with no risk in the publication (not sent, returned, being checked): named, so that
    the list is not read as complete (they were simply missing)."""
    shown = {g.code for g in groups}
    names = [d.name for d in analysis.cfg.roster.departments.values() if d.code not in shown]
    return f"以下部门暂无汇总的廉政风险点（尚未报送、退回修改或正在审核）：{'、'.join(names)}。" if names else ""


# -- the workbook ----------------------------------------------------------------------------------------------

def write_publication_sheet(wb, styles: Styles, analysis, *, sheet_name: str = "公示",
                            progress: Callable[[str, int, int], None] | None = None) -> None:
    """Add the 公示 sheet to an open xlsxwriter workbook (the consolidated workbook uses it too)."""
    cols = public_columns(analysis)
    labels = [label for label, _ in cols]
    widths = [w for _, w in cols]
    groups = _public_groups(analysis, labels)
    total = sum(g.count for g in groups)
    last = len(cols) - 1
    title, subtitle = _titles(analysis)

    def fmt(**kw):
        return wb.add_format({"font_name": "宋体", "font_size": 10, "valign": "vcenter", **kw})

    f_title = fmt(bold=True, font_size=16, font_name="黑体", align="center")
    f_sub = fmt(font_color="#595959", align="center")
    f_summary = fmt(align="center")
    f_group = fmt(bold=True, font_size=11, bg_color="#EDF2F9", border=1, align="left")
    f_center = fmt(border=1, align="center", text_wrap=True)
    f_note = fmt(font_color="#595959", text_wrap=True, valign="top")

    ws = wb.add_worksheet(sheet_name)
    for c, (_, width) in enumerate(cols):
        ws.set_column(c, c, width)
    ws.set_row(0, 28)
    ws.merge_range(0, 0, 0, last, "", f_title)
    write_text(ws, 0, 0, title, f_title)
    ws.merge_range(1, 0, 1, last, "", f_sub)
    write_text(ws, 1, 0, subtitle, f_sub)
    ws.merge_range(2, 0, 2, last, "", f_summary)
    write_text(ws, 2, 0, _summary(_level_counts(analysis.catalogue), total), f_summary)

    header_row = 3
    ws.set_row(header_row, 22)
    for c, (label, _) in enumerate(cols):
        write_text(ws, header_row, c, label, styles.head)

    formats = [styles.num if label == "序号" else f_center if label in _CENTERED else styles.cell for label in labels]
    level_at, seq_at = labels.index("风险等级"), labels.index("序号")
    writer = RowWriter(ws)
    r = header_row + 1
    if not groups:
        ws.merge_range(r, 0, r, last, "", styles.cell)
        write_text(ws, r, 0, "暂无已登记的廉政风险点。", styles.cell)
        r += 1
    done = 0
    for gi, group in enumerate(groups, 1):
        ws.set_row(r, 20)
        ws.merge_range(r, 0, r, last, "", f_group)
        write_text(ws, r, 0, _heading(gi, group), f_group)
        r += 1
        if writer.usable:
            heights: deque[float] = deque()

            def rows_of(g: _Group = group, heights: deque = heights) -> Iterator[list]:
                for row in g.rows:
                    values = [cell_text(row[label]) for label in labels]
                    heights.append(height := row_height(values, widths))
                    out: list = values
                    if height >= MAX_ROW_PT:
                        out = [(v, styles.cell_top) if formats[j] is styles.cell else v for j, v in enumerate(out)]
                    out[seq_at] = row["序号"]
                    if values[level_at] == LEVELS[0]:
                        out[level_at] = (LEVELS[0], styles.level1)
                    yield out

            def heights_of(heights: deque = heights) -> Iterator[float]:
                while True:
                    yield heights.popleft()

            r = writer.write_rows(r, rows_of(), formats, heights_of())
        else:
            for row in group.rows:
                ws.set_row(r, row_height([cell_text(row[label]) for label in labels], widths))
                for c, label in enumerate(labels):
                    value = row[label]
                    if label == "序号":
                        ws.write_number(r, c, value, styles.num)
                    elif label == "风险等级":
                        write_text(ws, r, c, value, styles.level1 if value == LEVELS[0] else f_center)
                    else:
                        write_text(ws, r, c, value, formats[c])
                r += 1
        done += group.count
        if progress:
            progress("写出公示", done, total)
    ws.merge_range(r + 1, 0, r + 1, last, "", f_note)
    write_text(ws, r + 1, 0, _notice(analysis.cfg), f_note)
    if missing := _not_yet(analysis, groups):
        ws.set_row(r + 2, row_height([missing], [sum(widths)]))
        ws.merge_range(r + 2, 0, r + 2, last, "", f_note)
        write_text(ws, r + 2, 0, missing, f_note)

    print_setup(ws, header_row, last)
    ws.center_horizontally()
    # (with the note of the departments not in it yet: printed, a 公示 without it read as the whole institution's)
    ws.print_area(0, 0, r + 2 if missing else r + 1, last)
    ws.freeze_panes(header_row + 1, 0)


# -- the HTML page ----------------------------------------------------------------------------------------------


@cache
def _environment() -> jinja2.Environment:
    # autoescape=True for every template of this environment: formkit.text's select_autoescape(["html"])
    # would not escape "publication.html.j2" (the name ends in .j2).
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir() / "text")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _html_context(analysis) -> dict:
    cols = public_columns(analysis)
    groups = _public_groups(analysis, [label for label, _ in cols])
    total_width = sum(w for _, w in cols)
    title, _ = _titles(analysis)
    cfg = analysis.cfg
    columns = [{"label": label, "pct": f"{100 * w / total_width:.2f}",
                "cls": "c" if label in _CENTERED else "t"} for label, w in cols]
    levels = _level_counts(analysis.catalogue)
    total = len(analysis.catalogue)
    return dict(
        title=title,
        institution=cfg.institution,
        campaign=cfg.campaign,
        date=_zh_date(publication_date(cfg)),
        summary=_summary(levels, total),
        total=total,
        levels=levels,
        level_names=LEVELS,
        columns=columns,
        groups=[{"anchor": f"d{i}", "heading": _zh_number(i), "name": g.name, "head": g.head,
                 "leader": g.leader, "count": g.count, "levels": g.levels,
                 "rows": _rows_html(g, columns)}   # rows: made as read
                for i, g in enumerate(groups, 1)],
        notice=_notice(cfg),
        not_yet=_not_yet(analysis, groups),
    )


def _rows_html(group: _Group, columns: list[dict]) -> Iterator[Markup]:
    """The group's table rows as HTML, every value escaped; made as they are read (a template loop per
    cell costs ten times as much)."""
    cells = [(c["label"], f'<td class="{c["cls"]}">') for c in columns]
    top = LEVELS[0]
    for row in group.rows:
        parts = ['      <tr class="lv1">' if row["风险等级"] == top else "      <tr>"]
        for label, open_td in cells:
            value = row[label]
            if label == "风险等级":
                inner = escape(value)
                if value in LEVELS:
                    inner = f'<span class="pill lv{LEVELS.index(value) + 1}">{inner}</span>'
                parts.append(f'<td class="c level">{inner}</td>')
            else:
                parts.append(f"{open_td}{escape(value)}</td>")
        parts.append("</tr>")
        yield Markup("".join(parts))


def render_publication_html(analysis) -> str:
    """The static publication page (self-contained: inline CSS, no scripts, no external assets)."""
    return _environment().get_template(TEMPLATE).render(**_html_context(analysis))


def _atomic_write_text(path: Path, text: str | Iterable[str]) -> None:
    """Write text (or text in pieces, as a template streams it) to path, atomically."""
    with atomic_file(path, "w", encoding="utf-8", newline="\n") as fh:
        if isinstance(text, str):
            fh.write(text)
        else:
            fh.writelines(text)


def write_publication(analysis, outdir: Path, progress: Callable[[str, int, int], None] | None = None) -> list[Path]:
    """Write 公示/廉政风险目录（公示）.xlsx and .html under outdir (the outbox); returns both paths.

    outdir may also be the 公示 folder itself. Both are written as their rows come (the page is
    streamed from the template), so a catalogue of any size costs no more memory than its rows.
    """
    outdir = Path(outdir)
    folder = outdir if outdir.name == SUBDIR else outdir / SUBDIR
    cfg = analysis.cfg
    title, subtitle = _titles(analysis)
    xlsx = folder / f"{FILE_STEM}.xlsx"
    with atomic_workbook(xlsx, constant_memory=True, created=datetime.combine(publication_date(cfg), time()),
                         title=title, subject=cfg.campaign, company=cfg.institution) as wb:
        wb.set_custom_property(OUTPUT_PROPERTY, "公示")      # (put back into inbox/, it is told from a form)
        write_publication_sheet(wb, Styles(wb), analysis, progress=progress)
    html = folder / f"{FILE_STEM}.html"
    _atomic_write_text(html, _environment().get_template(TEMPLATE).generate(**_html_context(analysis)))
    return [xlsx, html]
