"""Change between rounds (动态管理): the catalogue compared with the previous round's workbook.

A merge archives the previous consolidated workbook into outbox/历史/ when its inputs differ, and
compares with the newest archived round (or the workbook named by --compare). Re-running on the same
inputs finds the same baseline, so the outputs stay byte-identical.
"""

from __future__ import annotations

import codecs
import filecmp
import html
import os
import re
import shutil
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from formkit import normalize
from formkit.identity import PROPERTY_PREFIX
from formkit.write.common import Styles, cell_text, print_setup, row_height, write_text

HISTORY_DIR = "历史"
DIGEST_PROPERTY = PROPERTY_PREFIX + "inputs"
CAMPAIGN_PROPERTY = PROPERTY_PREFIX + "campaign"
YEAR_PROPERTY = PROPERTY_PREFIX + "year"
"""The campaign and year a consolidated workbook is of (numbering.same_campaign: read without opening its sheets)."""
COMPARED = ("部门", "风险等级", "风险点", "岗位", "风险类别", "主要表现形式", "涉及三重一大", "关联权力事项", "责任人",
            "防控措施", "工作程序", "关键环节", "完成时限", "直接管理", "监督负责")
MEASURE_ITEMS = ("防控措施", "工作程序", "关键环节", "完成时限")          # from the measure form (措施变化)
MEASURES_FIRST = "措施登记"
"""A risk's measures for the first time (its 防控措施 shown; the other items of its measure form with it)."""
RENUMBERED = "编号变化"
"""A risk of the baseline under another number now (its department merged, its person moved, a year on)."""
NOT_YET = "本轮未报"
"""A year on (another campaign's workbook compared): a risk, power item or member of last year's whose form has not come
this round yet (it was 删除: every risk of the departments not yet reported, every member before 附件1 came)."""
CONTENT = "内容变化"
"""The rest of what a risk form says of a risk (岗位, 风险类别, 主要表现形式, …): published or catalogued, so listed."""
KINDS = {"部门": "部门变化", "风险等级": "等级变化", "风险点": "风险点变化",
         "岗位": CONTENT, "风险类别": CONTENT, "主要表现形式": CONTENT, "涉及三重一大": CONTENT, "关联权力事项": CONTENT,
         "责任人": CONTENT,
         "直接管理": "监管变化", "监督负责": "监管变化"}      # (直接管理, 监督负责: from the roster, by level)


@dataclass
class Changes:
    baseline: str | None                     # the compared workbook, relative to the working folder
    rows: list[dict] = field(default_factory=list)
    departments: dict[str, str] = field(default_factory=dict)   # the baseline's department names → their codes
    edited: str = ""        # the baseline saved since by a spreadsheet program: "kept" (compared with its rows as formkit
    # wrote them, kept in the cache), "read" (with what it holds now: the coordinator's own edits count as changes)

    def counts(self) -> dict[str, int]:
        """Risk points per kind of change (one risk whose 防控措施 and 工作程序 both changed is one 措施变化, though
        it has a row per item); power items and members of 领导小组 by their names."""
        seen: dict[str, set] = {}
        for r in self.rows:
            seen.setdefault(r["变化"], set()).add(r["风险编号"] or (r.get("部门", ""), r.get("风险点", ""), r.get("姓名", "")))
        return {kind: len(ids) for kind, ids in seen.items()}

    def to_json(self) -> dict:
        return {"baseline": self.baseline, "counts": self.counts()}


def workbook_digest(path: Path) -> str | None:
    return workbook_property(path, DIGEST_PROPERTY)


def workbook_property(path: Path, name: str) -> str | None:
    """A text custom property of a workbook formkit wrote (None when it has none)."""
    try:
        with zipfile.ZipFile(path) as zf:
            xml = zf.read("docProps/custom.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    marker = f'name="{name}"'
    at = xml.find(marker)
    if at < 0:
        return None
    start = xml.find("<vt:lpwstr>", at)
    end = xml.find("</vt:lpwstr>", start)
    return html.unescape(xml[start + len("<vt:lpwstr>"):end]) if start >= 0 and end > start else None


def workbook_company(path: Path) -> str | None:
    """The 单位 a consolidated workbook was written for (its document's company, as formkit sets it), None when unknown."""
    try:
        with zipfile.ZipFile(path) as zf:
            xml = zf.read("docProps/app.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    found = re.search(r"<Company>(.*?)</Company>", xml, re.S)
    return (html.unescape(found.group(1)).strip() or None) if found else None


def history(outbox: Path) -> list[Path]:
    """The workbooks of outbox/历史/, oldest first: not the owner files Excel and WPS leave beside a workbook open in
    them (~$…xlsx), nor LibreOffice's lock files (one of them, taken for the last round's workbook, stopped every merge)."""
    folder = outbox / HISTORY_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.xlsx") if not p.name.startswith(("~$", ".")) and p.is_file())


_CORE_BY = re.compile(r"<cp:lastModifiedBy>(.*?)</cp:lastModifiedBy>", re.S)
_CORE_CREATED = re.compile(r"<dcterms:created\b[^>]*>(.*?)</dcterms:created>", re.S)
_CORE_MODIFIED = re.compile(r"<dcterms:modified\b[^>]*>(.*?)</dcterms:modified>", re.S)


def saved_elsewhere(path: Path) -> bool:
    """Whether a workbook formkit wrote has been saved since by a spreadsheet program (Excel, WPS, LibreOffice, a
    script): its core properties are no longer formkit's (last modified by formkit, at the time it was created)."""
    try:
        with zipfile.ZipFile(path) as zf:
            xml = zf.read("docProps/core.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return True
    by, created, modified = _CORE_BY.search(xml), _CORE_CREATED.search(xml), _CORE_MODIFIED.search(xml)
    return not (by and by[1] == "formkit" and created and modified and created[1] == modified[1])


def archive_previous(current: Path, digest: str) -> tuple[Path | None, bool]:
    """Move the previous round's workbook into outbox/历史/ when it came from other inputs, or when it was saved since by
    a spreadsheet program (edits the coordinator made in it, a column of notes, were overwritten unsaid): the copy made,
    if any, and whether it was saved elsewhere."""
    if not current.is_file():
        return None, False
    old = workbook_digest(current)
    edited = saved_elsewhere(current)
    if old == digest and not edited:
        return None, False
    history_dir = current.parent / HISTORY_DIR
    history_dir.mkdir(parents=True, exist_ok=True)
    archived = history(current.parent)
    if archived and (filecmp.cmp(current, archived[-1], shallow=False) if edited else (
            old and archived[-1].name.endswith(f"_{old[:8]}.xlsx") and workbook_digest(archived[-1]) == old)):
        # archived already, by a merge that then could not replace it (the workbook open in Excel)
        return archived[-1], edited
    n = len(archived) + 1
    copy = history_dir / f"{n:03d}_{current.stem}_{(old or 'unknown')[:8]}{'_已修改' if edited else ''}.xlsx"
    shutil.copy2(current, copy)
    return copy, edited


def find_baseline(outbox: Path, digest: str) -> Path | None:
    for path in reversed(history(outbox)):
        if workbook_digest(path) != digest:
            return path
    return None


_CELL = re.compile(r'<c r="([A-Z]+)[0-9]+"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_TEXT = re.compile(r"<t(?:\s[^>]*)?>(.*?)</t>", re.S)
_VALUE = re.compile(r"<v>(.*?)</v>", re.S)
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_SHEET = re.compile(r'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"')
_REL = re.compile(r'<Relationship\b[^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"')


class _NotOurs(Exception):
    """Not a sheet formkit wrote (shared strings, formulas …): read it with python-calamine instead."""


def _sheet_part(zf: zipfile.ZipFile, name: str) -> str:
    book = zf.read("xl/workbook.xml").decode("utf-8")
    rels = dict((i, t) for i, t in _REL.findall(zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")))
    for sheet, rid in _SHEET.findall(book):
        if html.unescape(sheet) == name and rid in rels:
            target = rels[rid]
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    raise KeyError(name)


def _text_of(attrs: str, body: str | None) -> str:
    if not body:
        return ""
    if 't="inlineStr"' in attrs:
        text = "".join(_TEXT.findall(body))
        return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), html.unescape(text))
    if "t=" in attrs or "<f" in body:
        raise _NotOurs
    v = _VALUE.search(body)
    return normalize.to_text(float(v.group(1))) if v else ""


def _stream_rows(path: Path, sheet: str) -> Iterator[dict[str, str]]:
    """The rows of a sheet formkit wrote (inline strings), column letter → text, read as the zip inflates:
    a 300,000-row catalogue never sits in memory whole."""
    with zipfile.ZipFile(path) as zf, zf.open(_sheet_part(zf, sheet)) as fh:
        decode = codecs.getincrementaldecoder("utf-8")()
        rest = ""
        while True:
            chunk = fh.read(1 << 20)
            rest += decode.decode(chunk, final=not chunk)
            *rows, rest = rest.split("</row>")
            for row in rows:
                yield {col: _text_of(attrs, body) for col, attrs, body in _CELL.findall(row)}
            if not chunk:
                break


def check_baseline(path: Path) -> None:
    """A workbook named with --compare must be one whose 风险目录 can be read; else a FormkitError saying so
    (before anything is merged)."""
    from python_calamine import CalamineWorkbook

    from formkit.errors import FormkitError

    if not path.is_file():
        raise FormkitError(f"找不到用于比较的工作簿 {path}；请指定 formkit 写出的 廉政风险目录.xlsx（或 outbox/历史/ 中的一份）。")
    try:
        names = CalamineWorkbook.from_path(str(path)).sheet_names
    except Exception:  # noqa: BLE001 - whatever python-calamine says of a file that is no workbook
        raise FormkitError(f"无法读取用于比较的工作簿 {path}（不是 Excel 工作簿，或已损坏）；请指定 formkit 写出的"
                           " 廉政风险目录.xlsx（或 outbox/历史/ 中的一份）。") from None
    if "风险目录" not in names:
        raise FormkitError(f"{path} 中没有“风险目录”工作表，不是 formkit 写出的汇总工作簿；请指定 廉政风险目录.xlsx。")


_SERIAL = re.compile(r"\d{4,6}(?:\.\d+)?")
_DAY0 = date(1899, 12, 30)


def _dated(row: dict[str, str]) -> dict[str, str]:
    """A row read back with its 完成时限 and 提交时间 as the catalogue holds them (2023-06-30, 2023-03-16 11:00): the
    workbook writes them as dates (write.workbook.DATE_COLUMNS), read back as their day numbers."""
    for label in ("完成时限", "提交时间"):
        v = row.get(label)
        if v and _SERIAL.fullmatch(v):
            days = float(v)
            whole = int(days)
            minutes = round((days - whole) * 1440)
            day = (_DAY0 + timedelta(days=whole)).isoformat()
            row[label] = day if not minutes else f"{day} {minutes // 60:02d}:{minutes % 60:02d}"
        elif v and len(v) >= 19 and v[10] in " T" and v[:4].isdigit():     # (a datetime as python-calamine gives it)
            row[label] = v[:10] if v[11:16] == "00:00" and label == "完成时限" else v[:10] + " " + v[11:16]
    return row


def iter_catalogue(path: Path) -> Iterator[dict[str, str]]:
    """The rows of a workbook's 风险目录 sheet, header label → text, one at a time."""
    for row in _iter_catalogue(path):
        yield _dated(row)


CATALOGUE_SHEET = "风险目录"
_CATALOGUE_HEAD = frozenset({"风险编号", "层级", "风险点", "风险等级", "来源文件"})
"""Labels of 风险目录's header row, by which it is found where the coordinator renamed the sheet or put a title above."""


class CatalogueUnreadable(Exception):
    """A workbook in which no 风险目录 can be found (not a workbook, the sheet deleted, its header gone)."""


def _catalogue_grid(path: Path) -> list[list]:
    """python-calamine's rows of a workbook's 风险目录 from its header row down: the sheet of that name, else the
    one renamed from it (风险目录（审定稿）) or any sheet whose header has the catalogue's labels, the header found
    among the first rows (a title row put above it for printing: the title was taken for the header, and every
    number read back lost)."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        names = wb.sheet_names
    except Exception as exc:  # noqa: BLE001 - whatever python-calamine says of a file that is no workbook
        raise CatalogueUnreadable(f"无法打开：{type(exc).__name__}") from None
    for name in sorted(names, key=lambda n: (n != CATALOGUE_SHEET, CATALOGUE_SHEET not in n)):
        try:
            grid = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception:  # noqa: BLE001 - a chart sheet, a sheet python-calamine cannot read: not the one
            continue
        for i, line in enumerate(grid[:12]):
            if _CATALOGUE_HEAD <= (labels := {normalize.to_text(v) for v in line}) and "变化前" not in labels:
                return grid[i:]
    raise CatalogueUnreadable("没有“风险目录”工作表，或找不到它的表头")


def catalogue_problem(path: Path) -> str | None:
    """Why a workbook's 风险目录 cannot be read back (None when it can)."""
    try:
        for _ in _iter_catalogue(path):
            break
    except CatalogueUnreadable as exc:
        return str(exc)
    return None


def _iter_catalogue(path: Path) -> Iterator[dict[str, str]]:
    first = True
    try:
        rows = _stream_rows(path, CATALOGUE_SHEET)
        head = next(rows, None)
        if head is None:
            return
        labels = {col: normalize.to_text(v) for col, v in head.items()}
        if not _CATALOGUE_HEAD <= set(labels.values()) or "变化前" in labels.values():
            raise _NotOurs          # (a title row above the header: found by python-calamine)
        for row in rows:
            first = False
            yield {labels[c]: normalize.to_text(v) for c, v in row.items() if c in labels}
        return
    except _NotOurs:
        if not first:
            raise RuntimeError(f"{path}: 风险目录 changes its cell encoding half way") from None
    except (KeyError, zipfile.BadZipFile, UnicodeDecodeError):
        pass
    grid = _catalogue_grid(path)
    head = [normalize.to_text(h) for h in grid[0]]
    for row in grid[1:]:
        yield {h: normalize.to_text(v) for h, v in zip(head, row, strict=False)}


def read_catalogue(path: Path) -> dict[str, dict]:
    """风险编号 → row, for the whole 风险目录 of a workbook (compare streams it instead)."""
    return {item["风险编号"]: item for item in iter_catalogue(path) if item.get("风险编号")}


KEPT = ("风险编号", "层级", "姓名", "来源文件", "来源位置", *COMPARED)
"""What a comparison needs of each row of a baseline catalogue."""


def _as_read(value: object) -> str:
    """A catalogue value as reading the written workbook back gives it (iter_catalogue)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return normalize.to_text(cell_text(value))


@lru_cache(maxsize=256)
def _columns(spec: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in spec.split(";") if "=" in part)


def _content_column(spec: str, item: str) -> str | None:
    """The column of a 内容变化 item in the risk form's row (CatalogueRow _cols), or None."""
    return _columns(spec).get(item) if spec else None


def compared_rows(catalogue: Iterable[Mapping]) -> Iterator[tuple[str, ...]]:
    """The rows of a catalogue as a later comparison reads them from its workbook (KEPT, in order): kept
    with the workbook's digest (formkit.cache), so the next round need not read the workbook again."""
    return (tuple(_as_read(r.get(k, "")) for k in KEPT) for r in catalogue)


PENDING = "退回待改"
"""What a risk of the baseline is when its form was re-sent and returned: not deleted, waiting for the correction."""
RESTORED = "改正后接收"
"""A risk back in the catalogue that the baseline showed as 退回待改 (its form corrected): not new."""


def _pending_in(baseline: Path) -> dict[str, dict]:
    """The 风险编号 the baseline workbook's 变化 sheet lists as 退回待改: {"items": item → its 变化前 there (what was
    accepted before the returned form: what the correction is compared with), "row": 风险编号, 部门, 层级, 姓名, 风险点,
    来源文件, 来源位置}."""
    out: dict[str, dict] = {}
    for row in _changes_sheet(baseline):
        if len(row) > 10 and row[0] == PENDING:
            rid = normalize.to_text(row[1])
            # (the row itself, for a risk the correction then leaves out: 删除 after all)
            entry = out.setdefault(rid, {"items": {}, "row": [normalize.to_text(v) for v in (*row[1:6], *row[9:11])]})
            entry["items"][normalize.to_text(row[6])] = normalize.to_text(row[7])
    return out


def deleted_in(workbook: Path) -> dict[str, str]:
    """The 风险编号 a workbook's 变化 sheet lists as 删除, with their 风险点 (numbers retired: not to be given to another
    risk when the numbers are read back from it, outbox/ deleted)."""
    return {normalize.to_text(row[1]): normalize.to_text(row[5]) for row in _changes_sheet(workbook)
            if len(row) > 5 and row[0] == "删除" and normalize.to_text(row[1])}


def _changes_sheet(workbook: Path) -> list[list]:
    """The rows of a workbook's 变化 sheet; none for an older workbook without it, or one that cannot be read."""
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(workbook)).get_sheet_by_name("变化").to_python()
    except Exception:  # noqa: BLE001 - a workbook of any origin: nothing to read
        return []


def compare(catalogue: list[dict], baseline: Path | None, root: Path,
            known: Iterable[tuple[str, ...]] | None = None, pending: Collection[str] = (),
            measures_pending: Mapping[str, tuple[str, Mapping[str, str]]] | None = None,
            waiting: Mapping[str, dict] | None = None, other_campaign: bool = False,
            departments: Collection[str] = (), reported: Collection[tuple[str, str, str]] | None = None) -> Changes:
    """What changed from the baseline workbook's 风险目录 to `catalogue`. known: the baseline's rows as
    `compared_rows` gave them when it was written (then the workbook is not read). pending: 风险编号 of re-sent
    risk forms that were returned (shown as 退回待改, not 删除). measures_pending: 风险编号 → (file, sheet!cell) of a
    returned measure form's row answering it (its measures gone from the catalogue: 退回待改, named there at each
    item's cell; back with the correction: 改正后接收). waiting: what the baseline's 变化 listed as 退回待改 (pending_of,
    kept in the cache), else read from the baseline workbook when needed. reported: (部门, 层级, 姓名) of the risk forms
    that came this round (a year on, the baseline's risks of others are 本轮未报, not 删除)."""
    measures_pending = measures_pending or {}
    if baseline is None:
        return Changes(None)
    try:
        rel = baseline.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        # (last year's folder beside this one: ../2023廉政风险防控/outbox/廉政风险目录.xlsx, not the bare file name, which
        # read as this round's own workbook compared with itself)
        try:
            rel = Path(os.path.relpath(baseline.resolve(), root.resolve())).as_posix()
        except ValueError:      # (another drive on Windows)
            rel = baseline.name
    now = {r["风险编号"]: r for r in catalogue}
    out = Changes(rel, edited=("kept" if known is not None else "read") if saved_elsewhere(baseline) else "")

    def entry(kind: str, r: dict, item: str = "", old: str = "", new: str = "") -> dict:
        # a measure came from the measure form (措施来源), the rest from the risk form; the cell of the item that
        # changed (风险等级, 工作程序, 关键环节, 完成时限: their columns in that row), else the row's own
        # (a risk answered by several rows: each of them)
        measure = item in MEASURE_ITEMS and r.get("措施来源文件")
        source = ("措施来源文件", "措施来源位置") if measure else ("来源文件", "来源位置")
        where = r.get(source[1], "")
        column = {"风险等级": r.get("_level_col"), "工作程序": r.get("_procedure_col"), "关键环节": r.get("_link_col"),
                  "完成时限": r.get("_deadline_col")}.get(item) or _content_column(r.get("_cols", ""), item) if new else None
        if column and "!" in where:
            where = "；".join(f"{sheet}!{column}{cell.lstrip('ABCDEFGHIJKLMNOPQRSTUVWXYZ')}"
                             for sheet, cell in (part.rsplit("!", 1) for part in where.split("；") if "!" in part))
        return {"变化": kind, "风险编号": r["风险编号"], "部门": r.get("部门", ""), "层级": r.get("层级", ""),
                "姓名": r.get("姓名", ""), "风险点": r.get("风险点", ""), "项目": item, "变化前": old, "变化后": new,
                "来源文件": r.get(source[0], ""), "来源位置": where}

    # the baseline is streamed: only what changed is kept (a later row of the same 风险编号 counts)
    before: dict[str, dict] = {}          # 风险编号 → its baseline row, only for rows that differ or are gone
    seen: set[str] = set()
    rows = (dict(zip(KEPT, t, strict=True)) for t in known) if known is not None else iter_catalogue(baseline)
    for b in rows:
        rid = b.get("风险编号")
        if not rid:
            continue
        seen.add(rid)
        if (dept := b.get("部门")) and dept not in out.departments:
            out.departments[dept] = rid.split("-", 1)[0]
        r = now.get(rid)
        if r is None or any(b.get(item, "") != normalize.to_text(r.get(item, "")) for item in COMPARED):
            before[rid] = {k: b.get(k, "") for k in KEPT}
        else:
            before.pop(rid, None)
    restored = dict(waiting) if waiting is not None else \
        _pending_in(baseline) if not seen.issuperset(now) else None     # (None: not read yet)

    # last year's catalogue compared with this year's before its measures round (other_campaign, no measure in it at
    # all): no measure was taken away (a 措施变化 "→ empty" for every measure buried the rest)
    measures_round = not other_campaign or any(normalize.to_text(r.get("防控措施", "")) for r in now.values()) \
        or bool(measures_pending)

    def differ(rid: str, r: dict, b: dict) -> None:
        """The items of risk `rid` (now `r`) that differ from the baseline's row `b`."""
        nonlocal restored
        first_measures = not any(b.get(item, "") for item in MEASURE_ITEMS)
        for item in COMPARED:
            old, new = b.get(item, ""), normalize.to_text(r.get(item, ""))
            if item in MEASURE_ITEMS and not new and not measures_round:
                continue
            if old != new and not (KINDS.get(item) == "监管变化" and
                                   b.get("风险等级", "") != normalize.to_text(r.get("风险等级", ""))):
                # (who manages a risk follows its level: listed when the roster or its department changed it)
                kind = KINDS.get(item, "措施变化")
                if item in MEASURE_ITEMS and first_measures and new and restored is None:
                    restored = _pending_in(baseline)
                if item in MEASURE_ITEMS and first_measures and rid not in (restored or {}) and rid not in measures_pending:
                    # the risk's first measures: one line (措施登记, its 防控措施), not one 措施变化 per item from
                    # nothing (82 lines for 28 risks buried what had changed)
                    if item == "防控措施":
                        out.rows.append(entry(MEASURES_FIRST, r, item, old, new))
                    continue
                if item in MEASURE_ITEMS and old and not new and rid in measures_pending:
                    # the measure form re-sent and returned: its measures wait for the correction, at its row
                    e = entry(PENDING, r, item, old, new)
                    e["来源文件"], e["来源位置"] = measures_pending[rid][0], measures_pending[rid][1][item]
                    out.rows.append(e)
                    continue
                if item in MEASURE_ITEMS and new and not old:
                    if restored is None:
                        restored = _pending_in(baseline)
                    if rid in restored:        # the measures of a returned form, back with its correction: compared
                        kind = RESTORED        # with what was accepted before it (a measure changed shows)
                        old = restored[rid]["items"].get(item, "")
                out.rows.append(entry(kind, r, item, old, new))

    # a risk under another number than the baseline's (a year on: its department merged into another, its person
    # moved to another department; a 工号 corrected): the same person's (department's) same 风险点 among the gone and
    # the new ones, paired one to one: 编号变化 and what else changed (it was a 删除 and a 新增, the risk unchanged)
    # (a person by name and the 工号 in the number, JWC-0013-01 → CWC-0013-01: two 张伟 of two departments, one
    # deleting a risk and the other adding the same, are no pair; a department's risks only a year on: within a
    # campaign a department keeps its numbers whatever its code or name)
    def same_risk(rid: str, r: Mapping) -> tuple[str, ...] | None:
        level_kind = normalize.to_text(r.get("层级", ""))
        point = normalize.fold(normalize.to_text(r.get("风险点", "")))
        if level_kind == "个人":
            parts = rid.split("-")
            return level_kind, normalize.fold(normalize.to_text(r.get("姓名", ""))), "-".join(parts[1:-1]), point
        return (level_kind, point) if other_campaign else None

    def same_department(old: dict, r: Mapping) -> bool:
        # a department's risk under another code: the department's own (its code changed, its name kept), or one of a
        # department no longer in the roster (merged); not one a department still there dropped and another lists now
        return old.get("层级") != "部门" or old.get("部门") == normalize.to_text(r.get("部门", "")) \
            or old.get("部门") not in departments

    def post(r: Mapping) -> str:
        return normalize.fold(normalize.to_text(r.get("岗位", "")))

    # within a campaign: a risk gone paired with a new one; a year on, when the numbers are given afresh (a department's
    # rows in another order, a person's risk added before the others), any risk that differs under its number: the
    # same person's (department's) same 风险点 is the same risk whatever its number now (it was compared with another
    # risk under its old number: 风险点变化 for risks that had not changed); by 岗位 and 风险点 first, as numbering
    # matches (one department's two risks of one wording at two posts)
    renumbered: dict[str, str] = {}      # the baseline's number → the risk's number now
    for with_post in (True, False) if other_campaign else (False,):
        by_content: dict[tuple, list[str]] = {}
        for rid, b in before.items():
            if rid not in pending and rid not in renumbered and (other_campaign or rid not in now) \
                    and (key := same_risk(rid, b)) is not None:
                by_content.setdefault((*key, post(b)) if with_post else key, []).append(rid)
        taken_now = set(renumbered.values())
        for rid, r in now.items():
            if (rid in seen and (rid not in before or not other_campaign)) or (restored and rid in restored) \
                    or rid in taken_now or (key := same_risk(rid, r)) is None \
                    or not (olds := by_content.get((*key, post(r)) if with_post else key)):
                continue
            if (old := next((o for o in olds if same_department(before[o], r)), None)) is not None:
                olds.remove(old)
                renumbered[old] = rid
    for old_rid, rid in renumbered.items():
        r, b = now[rid], before[old_rid]
        if old_rid != rid and not (other_campaign and old_rid.rsplit("-", 1)[0] == rid.rsplit("-", 1)[0]):
            # (a year on, only its place in the form's order changed (JWC-B02 → JWC-B01): no change of its own; its
            # department's code, its person's department did: said)
            out.rows.append(entry(RENUMBERED, r, "风险编号", old_rid, rid))
        differ(rid, r, b)

    taken = set(renumbered.values())
    consumed = set(renumbered)           # baseline rows said above (their numbers may be other risks' now)
    for rid, r in now.items():
        if rid in taken:
            continue
        if rid not in seen or rid in consumed:     # (under a number whose risk of the baseline is another: new)
            back = restored.get(rid) if restored else None
            out.rows.append(entry(RESTORED if back is not None else "新增", r, "风险等级",
                                  back["items"].get("风险等级", "") if back else "", r["风险等级"]))
            if back is not None:
                # back with its correction: what the correction changed besides its level (its 风险点 reworded, its
                # department) against what was accepted before it (said nowhere)
                _, dept, _, _, point, _, _ = back["row"]
                for item, old in (("部门", dept), ("风险点", point)):
                    if old and old != (new := normalize.to_text(r.get(item, ""))):
                        out.rows.append(entry(KINDS[item], r, item, old, new))
                # … and its measures: the first ones, come while it waited (措施登记: said in no round), or changed
                items = back["items"]
                if not any(items.get(item) for item in MEASURE_ITEMS):
                    if measure := normalize.to_text(r.get("防控措施", "")):
                        out.rows.append(entry(MEASURES_FIRST, r, "防控措施", "", measure))
                else:
                    for item in MEASURE_ITEMS:
                        if (old := items.get(item, "")) != (new := normalize.to_text(r.get(item, ""))) and new:
                            out.rows.append(entry("措施变化", r, item, old, new))
            continue
        b = before.get(rid)
        if b is not None:
            differ(rid, r, b)
    for rid, b in before.items():
        if (rid not in now or (rid in taken and rid not in consumed)) and rid not in renumbered:
            gone = PENDING if rid in pending else NOT_YET if other_campaign and reported is not None and (
                b.get("部门", ""), b.get("层级", ""), b.get("姓名", "") if b.get("层级") == "个人" else "") not in reported \
                else "删除"
            out.rows.append(entry(gone, b, "风险等级", b.get("风险等级", ""), ""))
    # a risk the baseline showed as 退回待改 (not in its catalogue), left out of the correction that is now accepted:
    # deleted after all (said now: the returned form decided nothing)
    # … or still waiting after this round too (the correction not yet in, another form merged meanwhile): said again,
    # so that the round after it still knows (it lost the state: the risk became 新增, its deletion unsaid)
    listed = {r["风险编号"] for r in out.rows if r["变化"] == PENDING}
    for rid, waited in (restored if restored is not None else _pending_in(baseline)).items():
        if rid in listed:
            continue
        _, dept, level_kind, name, point, file, where = waited["row"]
        base = {"风险编号": rid, "部门": dept, "层级": level_kind, "姓名": name, "风险点": point, "变化后": "",
                "来源文件": file, "来源位置": where}
        if rid not in now and rid not in seen:
            if rid in pending:
                out.rows.extend({**base, "变化": PENDING, "项目": item, "变化前": before_value}
                                for item, before_value in waited["items"].items())
            elif waited["items"].get("风险等级"):
                out.rows.append({**base, "变化": "删除", "项目": "风险等级", "变化前": waited["items"]["风险等级"]})
        elif rid in now and rid in measures_pending and not normalize.to_text(now[rid].get("防控措施", "")):
            file, cells = measures_pending[rid]
            out.rows.extend({**base, "变化": PENDING, "项目": item, "变化前": before_value, "来源文件": file,
                             "来源位置": cells.get(item, where)}
                            for item, before_value in waited["items"].items() if item in MEASURE_ITEMS)
    order = {"新增": 0, RESTORED: 1, "删除": 2, PENDING: 3, NOT_YET: 3.5, RENUMBERED: 4, "部门变化": 5, "等级变化": 6,
             "风险点变化": 7, CONTENT: 8, MEASURES_FIRST: 9, "措施变化": 10, "监管变化": 11}
    out.rows.sort(key=lambda r: (order[r["变化"]], r["风险编号"], r["项目"]))
    return out


POWER_COMPARED = ("权力类别", "职权依据", "行使岗位", "责任人", "运行流程", "涉及三重一大")
LEADER_COMPARED = ("机构", "职务", "本职", "联系电话")
LIST_KINDS = ("权力新增", "权力删除", "权力变化", "领导小组新增", "领导小组删除", "领导小组变化")
"""What 变化 says of 权力清单 and 领导小组 (动态管理: the plan asks for the power items added and removed)."""


def compare_lists(changes: Changes, baseline: Path | None, powers: list[dict], leaders: list[dict],
                  department: Callable[[str], str | None] = lambda name: None,
                  unreported: tuple[Collection[str], bool] | None = None) -> None:
    """权力清单 and 领导小组 against the baseline workbook's: items and members added, removed, changed (变化 said "no
    change" after a re-sent 附件2 dropped, renamed and added items). department: a department's name (as the sheets
    show it) → its code (None when unknown: a name the baseline's 风险编号 give a code, else the name itself).
    unreported (a year on): the departments whose 附件2 has not come this round, and whether 附件1 has not: their items
    and members are 本轮未报, not 删除."""
    if baseline is None:
        return
    old_powers = _sheet_table(baseline, "权力清单", "权力事项")
    old_leaders = _sheet_table(baseline, "领导小组", "姓名")

    named = changes.departments          # (the baseline's departments by its 风险编号: a year on, renamed since)

    def power_key(r: Mapping, old: bool = False) -> tuple[str, str]:
        name = normalize.to_text(r.get("部门", ""))
        code = department(name) or (named.get(name) if old else None) or normalize.fold(name)
        return code, normalize.fold(normalize.to_text(r.get("权力事项", "")))

    def leader_key(r: Mapping, old: bool = False) -> tuple[str, str]:
        # (by the body too: the 纪检 head is a member of 领导小组 and the director of its office, two rows)
        return normalize.fold(normalize.to_text(r.get("机构", ""))), normalize.fold(normalize.to_text(r.get("姓名", "")))

    def same(item: str, old: str, new: str) -> bool:
        if item == "联系电话":            # (0371-6000001 and 037160000001 are one number)
            return re.sub(r"\D", "", old) == re.sub(r"\D", "", new)
        return old == new

    def row(kind: str, r: Mapping, item: str, old: str, new: str, power: bool) -> dict:
        return {"变化": kind, "风险编号": "", "部门": normalize.to_text(r.get("部门", "")) if power else "",
                "层级": "部门" if power else "", "姓名": "" if power else normalize.to_text(r.get("姓名", "")),
                "风险点": normalize.to_text(r.get("权力事项", "")) if power else "", "项目": item, "变化前": old,
                "变化后": new, "来源文件": normalize.to_text(r.get("来源文件", "")),
                "来源位置": normalize.to_text(r.get("来源位置", ""))}

    out: list[dict] = []
    for old_rows, new_rows, key, compared, power, prefix, name, anchor in (
            (old_powers, powers, power_key, POWER_COMPARED, True, "权力", "权力事项", "行使岗位"),
            (old_leaders, leaders, leader_key, LEADER_COMPARED, False, "领导小组", "姓名", "职务")):
        if old_rows is None:           # (a workbook of an older formkit, without the sheet)
            continue
        # rows of one key paired in their order (two departments merged into one, each listing 固定资产管理)
        before: dict[tuple, list[Mapping]] = {}
        for r in old_rows:
            if (k := key(r, True))[-1]:
                before.setdefault(k, []).append(r)
        now: dict[tuple, list[Mapping]] = {}
        for r in new_rows:
            if (k := key(r))[-1]:
                now.setdefault(k, []).append(r)
        for k in dict.fromkeys([*now, *before]):
            olds, news = list(before.get(k, [])), list(now.get(k, []))
            for r in list(news):      # (the same rows first, whatever their order: then the rest in order)
                same_row = next((b for b in olds if all(same(item, normalize.to_text(b.get(item, "")),
                                                             normalize.to_text(r.get(item, ""))) for item in compared)), None)
                if same_row is not None:
                    olds.remove(same_row)
                    news.remove(r)
            pairs = []
            for r in list(news):      # (… then by who exercises it: one item at two posts, one of them changed)
                by_post = next((b for b in olds if normalize.to_text(b.get(anchor, "")) == normalize.to_text(r.get(anchor, ""))),
                               None)
                if by_post is not None:
                    olds.remove(by_post)
                    news.remove(r)
                    pairs.append((by_post, r))
            for b, r in [*pairs, *zip(olds, news, strict=False)]:
                for item in compared:
                    old, new = normalize.to_text(b.get(item, "")), normalize.to_text(r.get(item, ""))
                    if not same(item, old, new):
                        out.append(row(prefix + "变化", r, item, old, new, power))
            for r in news[len(olds):]:
                out.append(row(prefix + "新增", r, name, "", normalize.to_text(r.get(name, "")), power))
            for b in olds[len(news):]:
                waits = unreported is not None and (normalize.to_text(b.get("部门", "")) in unreported[0] if power
                                                    else unreported[1])
                out.append(row(NOT_YET if waits else prefix + "删除", b, name, normalize.to_text(b.get(name, "")), "",
                               power))
    order = {kind: i for i, kind in enumerate((*LIST_KINDS, NOT_YET))}
    changes.rows.extend(sorted(out, key=lambda r: (order[r["变化"]], r["部门"], r["风险点"], r["姓名"], r["项目"])))


def _sheet_table(path: Path, sheet: str, label: str) -> list[dict] | None:
    """A table sheet of a workbook formkit wrote, its header found by one of its labels: rows as label → text; None when
    the sheet is not there."""
    from python_calamine import CalamineWorkbook

    try:
        grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception:  # noqa: BLE001 - no such sheet, or a workbook python-calamine cannot read
        return None
    head_at = next((i for i, line in enumerate(grid[:10]) if label in [normalize.to_text(v) for v in line]), None)
    if head_at is None:
        return None
    head = [normalize.to_text(v) for v in grid[head_at]]
    return [{h: normalize.to_text(v) for h, v in zip(head, line, strict=False) if h}
            for line in grid[head_at + 1:] if any(normalize.to_text(v) for v in line)]


def pending_of(changes: Changes) -> dict[str, dict]:
    """What a round's 变化 lists as 退回待改, as _pending_in reads it back from its workbook (kept in the cache with the
    catalogue: the next round need not read the workbook for it)."""
    out: dict[str, dict] = {}
    for r in changes.rows:
        if r["变化"] == PENDING:
            row = [_as_read(r.get(k, "")) for k in ("风险编号", "部门", "层级", "姓名", "风险点", "来源文件", "来源位置")]
            entry = out.setdefault(row[0], {"items": {}, "row": row})
            entry["items"][_as_read(r.get("项目", ""))] = _as_read(r.get("变化前", ""))
    return out


def write_changes_sheet(wb, st: Styles, changes: Changes) -> None:
    ws = wb.add_worksheet("变化")
    write_text(ws, 0, 0, "与上一轮相比的变化（动态管理）", st.title)
    if changes.baseline is None:
        write_text(ws, 1, 0, "没有可比较的上一轮汇总（outbox/历史/ 中没有往期工作簿，也未用 --compare 指定）。", st.subtitle)
        return
    counts = changes.counts()
    items = {k: sum(1 for r in changes.rows if r["变化"] == k) for k in counts}    # (措施变化: one risk, several items)
    summary = "，".join(f"{k} {v} 条" + (f"（{items[k]} 项）" if items[k] != v else "")
                       for k, v in counts.items()) or "没有变化"
    edited = {"kept": "（它在汇总后用其他程序保存过，按汇总时写出的内容比较）",
              "read": "（它在汇总后用其他程序保存过，按保存后的内容比较：其中直接改动的等级、删去的行等也显示为变化）"}
    write_text(ws, 1, 0, f"比较对象：{changes.baseline}{edited.get(changes.edited, '')}。{summary}。", st.subtitle)
    cols = [("变化", 10), ("风险编号", 16), ("部门", 14), ("层级", 6), ("姓名", 8), ("风险点", 36), ("项目", 10),
            ("变化前", 36), ("变化后", 36), ("来源文件", 30), ("来源位置", 12)]
    for j, (label, width) in enumerate(cols):
        ws.set_column(j, j, width)
        ws.write_string(3, j, label, st.head)
    widths = [width for _, width in cols]
    for i, row in enumerate(changes.rows, 4):
        ws.set_row(i, row_height([cell_text(row.get(label, "")) for label, _ in cols], widths))   # (LibreOffice, WPS)
        for j, (label, _) in enumerate(cols):
            write_text(ws, i, j, row.get(label, ""), st.cell)
    ws.freeze_panes(4, 0)
    print_setup(ws, 3, len(cols) - 1)
