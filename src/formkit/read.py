"""Reading a returned workbook into a Submission: values by python-calamine, positions by label.

The reader never trusts positions: it finds the form by its identity (or, when every carrier is
gone, by title and labels), the table by its header labels, the header block and sign-off by their
labels, and keeps the A1 reference of every value. openpyxl is not used on the hot path: identity
carriers and formula cells are read straight from the zip's XML, and only when a sheet has formulas.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from difflib import SequenceMatcher
from functools import lru_cache
from time import thread_time

from defusedxml import ElementTree
from python_calamine import CalamineWorkbook

from formkit import findings as F
from formkit import identity as ident_mod
from formkit import normalize
from formkit.identity import META_SHEET, OUTPUT_PROPERTY, PROPERTY_PREFIX, Identity
from formkit.safety import KEPT_PARTS, col_letters, col_number, ref_order
from formkit.spec import Field, FormSpec

MAX_SCAN_ROWS = 60          # the header row of the table is looked for in the first rows
_CAMPAIGN_LINE = re.compile(r"[（(][^（）()]*(?:19|20)\d\d[^（）()]*[）)]")
"""The line under a form's title that names its campaign: （2023年度廉政风险防控）."""
OWN_SHEETS = frozenset({"填表说明", "问题说明"})
"""The sheets formkit adds beside a form (the instructions; a feedback workbook's list of findings, which quotes
column labels): never a form, whatever labels they show."""
_NOTE_PREFIXES = ("填表说明", "注：", "注:", "说明：", "说明:", "备注：")
_OWN_NOTE = "填表说明见"
"""How the note formkit writes under every form's table begins (generate.write_form): not the submitter's."""


def a1(row: int, col: int) -> str:
    """0-based (row, col) → 'B7'."""
    return f"{col_letters(col + 1)}{row + 1}"


@dataclass
class Row:
    excel_row: int                         # 1-based row number in the submitter's sheet
    values: dict[str, object]              # column key → value as read (str, float, date …)
    refs: dict[str, str]                   # column key → A1
    extra: dict[str, str] = field(default_factory=dict)   # unknown columns: label → text


@dataclass
class Submission:
    form: str
    sheet: str
    identity: Identity | None
    header: dict[str, object]
    header_refs: dict[str, str]
    signoff: dict[str, object]
    signoff_refs: dict[str, str]
    rows: list[Row]
    column_refs: dict[str, str]           # column key → A1 of its header cell
    findings: list[F.Finding] = field(default_factory=list)
    formula_cells: dict[str, str] = field(default_factory=dict)   # A1 → formula text (read cached values)
    campaign_line: tuple[str, str] | None = None   # (A1, text) of the （2023年度…） line above the table
    apart: tuple[str, ...] = ()           # other visible sheets holding a filled form: each read as an input of its own


class NotAForm(Exception):
    """The workbook holds no recognisable form."""


class FormSheetGone(NotAForm):
    """The workbook of a form whose form sheet is not in it (moved or copied into another workbook: 填表说明 and the
    hidden identity left behind); the form's title is the message."""


class OwnOutput(NotAForm):
    """The workbook is one formkit wrote (the consolidated workbook, the publication): no form; its Chinese name is
    the message."""


MAX_FORM_ROWS = 5_000
"""Most table rows one form may hold: a department lists dozens of risks, a person a handful; 200,000 filled rows (a
row dragged down a whole column, a crafted file) are no form, and would make 200,000 catalogue rows and findings."""


MAX_SHEETS = 200
"""Most sheets one workbook may hold (a secretary's collection of her department's forms, one sheet each)."""

MAX_NOT_READ = 200
"""row-not-read findings said one by one in a form; beyond, one more says how many were left unsaid."""

MAX_STRAY_NAMED = 50
"""Rows of a sheet no form is found on named one by one (sheet-not-read); the rest in one note."""


class TooManyRows(Exception):
    """A form too large to be one: its table holds more than MAX_FORM_ROWS rows, its workbook more than MAX_SHEETS
    sheets; the message says which (Chinese)."""


# -- identity carriers ----------------------------------------------------------------------------


class Parts:
    """The zip members of an .xlsx the reader needs besides the cells: the identity carriers, the sheet
    map and the sheet XML (for formulas and error cells).  Served from what `safety.inspect_workbook`
    already inflated; anything else is read from the zip, opened once, on demand."""

    def __init__(self, data: bytes, kept: dict[str, bytes | None] | None = None) -> None:
        self._data = data
        self._kept: dict[str, bytes | None] = dict(kept or {})
        self._absent: set[str] = set()
        self._zip: zipfile.ZipFile | None = None

    def get(self, name: str) -> bytes | None:
        value = self._kept.get(name)
        if value is not None or name in self._absent:
            return value
        try:
            if self._zip is None:
                self._zip = zipfile.ZipFile(io.BytesIO(self._data))
            value = self._zip.read(name)
        except (KeyError, zipfile.BadZipFile, zlib.error, OSError, EOFError):
            self._absent.add(name)
            return None
        self._kept[name] = value
        return value

    def sheets(self) -> list[bytes] | None:
        """Every sheet part, when all of them are in hand (a file that went through `inspect_workbook`
        with no sheet over its KEEP_BYTES); else None."""
        found = [v for k, v in self._kept.items() if k not in KEPT_PARTS]
        return None if not found or any(v is None for v in found) else found  # type: ignore[return-value]

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None


def _zip_identities(parts: Parts) -> list[tuple[str, Identity]]:
    out = []
    for name, member, fn in (("文档属性", "docProps/custom.xml", ident_mod.from_custom_xml),
                             ("定义名称", "xl/workbook.xml", ident_mod.from_workbook_xml)):
        xml = parts.get(member)
        try:
            found = fn(xml) if xml else None
        except Exception:  # a damaged carrier is simply absent  # noqa: BLE001
            found = None
        if found:
            out.append((name, found))
    return out


_KEY_FIELDS = (("表单", "form"), ("活动", "campaign"), ("部门", "department"), ("姓名", "person"))
"""The fields of Identity.key(), as a mismatch names them."""


def _consensus(carriers: list[tuple[str, Identity]]) -> tuple[Identity | None, F.Finding | None]:
    if not carriers:
        return None, None
    counts = Counter(i.key() for _, i in carriers)
    best_key, _ = counts.most_common(1)[0]
    chosen = next(i for _, i in carriers if i.key() == best_key)
    meta = next((i for n, i in carriers if n == "隐藏工作表" and i.key() == best_key), None)
    if meta and meta.risks and not chosen.risks:
        chosen = meta
    if len(counts) > 1:       # each carrier's values where they differ
        differ = [(zh, a) for zh, a in _KEY_FIELDS if len({getattr(i, a) for _, i in carriers}) > 1]
        detail = "；".join(f"{n}：" + "，".join(f"{zh} {getattr(i, a) or '（空）'}" for zh, a in differ)
                          for n, i in carriers)
        return chosen, F.make(F.IDENTITY_MISMATCH, value=f"{chosen.form}（{chosen.department or ''}{chosen.person and '/' + chosen.person}）",
                              detail=detail)
    return chosen, None


# -- formulas and error cells (xlsx only: calamine turns both into '') -----------------------------

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


_FORMULA_HINT = re.compile(rb"""<(?:[\w.-]+:)?f[\s/>]|\st\s*=\s*["']e["']""")
"""A formula (`<f>`, `<x:f …>`) or an error cell (t="e") somewhere in a sheet's XML; `<formula1>` of a
data validation does not count."""


def _has_formula(xml: bytes) -> bool:
    """Whether a sheet's cells hold a formula or an error value: a few byte searches over the cells
    (up to the end of sheetData, so the `<formula1>` of data validations after it does not count), the
    regex only where they cannot tell."""
    end = xml.rfind(b"sheetData>")
    if end < 0:
        end = len(xml)
    if xml.find(b"<f", 0, end) < 0 and xml.find(b":f", 0, end) < 0 and xml.find(b'"e"', 0, end) < 0 \
            and xml.find(b"'e'", 0, end) < 0:
        return False
    return _FORMULA_HINT.search(xml, 0, end) is not None


def _local(tag: str) -> str:
    """An element's or attribute's name without its namespace (transitional, Strict OOXML and prefixed alike)."""
    return tag.rsplit("}", 1)[-1]


def _sheet_member(parts: Parts, sheet: str) -> str | None:
    book, rels_xml = parts.get("xl/workbook.xml"), parts.get("xl/_rels/workbook.xml.rels")
    if not book or not rels_xml:
        return None
    try:
        wb = ElementTree.fromstring(book)
        rels = ElementTree.fromstring(rels_xml)
    except ElementTree.ParseError:
        return None
    rid = next((v for s in wb.iter() if _local(s.tag) == "sheet" and s.get("name") == sheet
                for k, v in s.attrib.items() if _local(k) == "id" and k.startswith("{")), None)
    for rel in rels:
        if rel.get("Id") == rid:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    return None


def _formula_cells(parts: Parts, sheet: str) -> dict[str, tuple[str, bool, str | None, bool]]:
    """A1 → (formula text, has a cached value, error value such as '#REF!' or None, filled down). Whatever the
    namespace (Strict OOXML), for cells and rows without an r attribute (by their places) and for formulas filled down
    (t="shared": the cells below the first hold no text of their own; they are given the first one's, and `filled down`
    says the text is not theirs as written: =A9+1 in A10 is =A8+1 in the XML)."""
    out: dict[str, tuple[str, bool, str | None, bool]] = {}
    in_hand = parts.sheets()
    if in_hand is not None and not any(map(_has_formula, in_hand)):
        return out          # the usual case: no sheet has a formula or an error cell
    member = _sheet_member(parts, sheet)
    xml = parts.get(member) if member else None
    if not xml or not _has_formula(xml):
        return out
    shared: dict[str, str] = {}
    row, col = 0, 0
    try:
        for event, el in ElementTree.iterparse(io.BytesIO(xml), events=("start", "end")):
            name = _local(el.tag)
            if event == "start":
                if name == "row":
                    r = el.get("r")
                    row, col = (int(r) if r and r.isdigit() else row + 1), 0
                continue
            if name != "c":
                continue
            ref = el.get("r") or ""
            if ref:
                letters = ref.rstrip("0123456789")
                col = col_number(letters) if letters else col + 1
            else:
                col += 1
                ref = f"{col_letters(col)}{row}"
            f_el = v_el = None
            for child in el:
                if _local(child.tag) == "f":
                    f_el = child
                elif _local(child.tag) == "v":
                    v_el = child
            kind = el.get("t")
            is_err = kind == "e"
            if f_el is not None or is_err:
                text = (f_el.text or "") if f_el is not None else ""
                copied = False
                if f_el is not None and f_el.get("t") == "shared" and (si := f_el.get("si")) is not None:
                    copied = not text
                    text = shared.setdefault(si, text) if text else shared.get(si, "") or "…"
                cached = v_el is not None and ((v_el.text or "") != "" or kind == "str")
                out[ref] = (text, cached, (v_el.text if is_err and v_el is not None else None), copied)
            el.clear()
    except (ElementTree.ParseError, ValueError):
        pass
    return out


# -- the form in a sheet ------------------------------------------------------------------------------


@lru_cache(maxsize=512)
def _label_keys(f: Field) -> frozenset[str]:
    return frozenset(normalize.label_key(x) for x in (f.label, *f.aliases))


@lru_cache(maxsize=64)
def _column_keys(spec: FormSpec) -> tuple[frozenset[str], int]:
    """Every column label key of a form, and the longest cell text that could fold to one of them
    (generous: whitespace, quotes and full-width forms shrink when folded)."""
    keys = frozenset(k for c in spec.columns for k in _label_keys(c))
    return keys, 4 * max(map(len, keys)) + 16


_MEASURE_KEYS = ("measure", "procedure", "key_link", "deadline")


@lru_cache(maxsize=256)
def measure_form_for(spec: FormSpec, label: str) -> str:
    """For a risk form's column of its submitter's own: the form that takes what it holds ("附件5 个人岗位风险防控措施表")
    when its label is one of that measure form's columns (防控措施, 工作程序, 完成时限, 关键环节); else ""."""
    from formkit.spec import load_forms

    if spec.is_measure_form:
        return ""
    key = normalize.label_key(label)
    for other in load_forms().values():
        if other.measures_for == spec.id and any(
                key in _label_keys(c) for c in other.columns if c.key in _MEASURE_KEYS and not c.prefill):
            return f"{other.id} {other.title}"
    return ""


@lru_cache(maxsize=64)
def _label_index(spec: FormSpec) -> dict[str, str]:
    """Each column label key (label and aliases) of a form → its column's key."""
    return {k: c.key for c in spec.columns for k in _label_keys(c)}


def _header_labels(line: list, spec: FormSpec) -> dict[int, str]:
    """A row of nothing but the form's column labels (three at least; one other cell allowed, a title): column →
    key; {} for any other row (a 风险点 that happens to read 风险等级 is no header)."""
    index = _label_index(spec)
    labels, others = {}, 0
    for j, cell in enumerate(line):
        if cell == "" or cell is None:
            continue
        key = index.get(normalize.label_key(cell)) if type(cell) is str and len(cell) <= 40 else None
        if key is None:
            others += 1
        else:
            labels[j] = key
    return labels if len(labels) >= 3 and others <= 1 else {}


def _header_pasted_over(grid: list[list], spec: FormSpec) -> int | None:
    """The row of a generated form's table header when rows were pasted over it (its header block where generate put
    it, the spacer row above the header empty, the header row holding a data row's values in most of its cells: a 序号
    or a dropdown's choice among them): that row, else None."""
    from formkit.layout import Layout

    layout = Layout(spec, 0)
    at = layout.table_row       # (the header block where generate put it, checked below)
    if at >= len(grid) or any(normalize.to_text(c) for c in grid[at - 1]):
        return None
    placed = 0
    for key, (r, c) in layout.labels.items():
        row = grid[r] if r < len(grid) else []
        placed += c < len(row) and normalize.label_key(row[c]) == normalize.label_key(spec.header_field(key).label)
    if placed < 2 or placed < len(layout.labels) // 2:
        return None
    line = grid[at]
    index = _label_index(spec)
    filled = [j for j in range(min(len(line), len(spec.columns))) if normalize.to_text(line[j])]
    labels = sum(1 for j in filled if type(line[j]) is str and normalize.label_key(line[j]) in index)
    # (values in most of its cells: the labels of the columns the paste did not reach may remain; values a risk has, a
    # 序号 or a choice of a dropdown, not a header written over in other words)
    if len(filled) - labels < 2 or len(filled) - labels <= labels:
        return None
    return at if any(_a_value_of(spec.columns[j], line[j]) for j in filled) else None


def _a_value_of(col: Field, value: object) -> bool:
    """Whether a cell holds what a data row has in this column: a number in 序号, a choice of its dropdown."""
    if col.key == "seq":
        return type(value) in (int, float)
    if not col.allowed:
        return False
    if col.type == "level":
        return normalize.level(value)[0] is not None
    if col.type == "yesno":
        return normalize.yesno(value)[0] is not None
    return normalize.choice(value, col.allowed, col.synonyms)[0] is not None


@lru_cache(maxsize=64)
def _generated_table_row(spec: FormSpec) -> int:
    """The row of the table header in the form as generate writes it."""
    from formkit.layout import Layout

    return Layout(spec, 0).table_row


_GOES_ON = re.compile(r"[；;，,、：:（(—\-－]$")
_ITEM_LEAD = re.compile(r"\s*(?:[(（]?\d{1,2}[)）.．、]|[(（][一二三四五六七八九十]{1,2}[)）]|[\u2460-\u2473]|[一二三四五六七八九十]{1,2}、)")


def _shifted_down(spec: FormSpec, rows: list, named: list[str], values: dict) -> bool:
    """Whether a lone cell under the last row is the end of a column pasted one row too low: a column each row should
    fill (required or wanted), empty in the first of three rows or more and filled in every other, and the lone text no
    continuation of the one above (that one ending in ；，、, or this one numbered as the next item)."""
    if len(named) != 1 or len(rows) < 3:
        return False
    key = named[0]
    col = spec.column(key)
    if col is None or col.need not in ("req", "want") or normalize.to_text(rows[0].values.get(key, "")):
        return False
    if not all(normalize.to_text(x.values.get(key, "")) for x in rows[1:]):
        return False
    above, text = normalize.to_text(rows[-1].values.get(key, "")), normalize.to_text(values[key])
    return not (_GOES_ON.search(above) or _ITEM_LEAD.match(text))


_GROUP_KEYS = (("category", "risk"), ("power_type", "power_item"))
"""(the choice column a table's rows are grouped by, the column naming each row): 风险类别 over risks, 权力类别 over
power items."""


def _group_key(spec: FormSpec) -> tuple[str, str] | None:
    return next(((g, m) for g, m in _GROUP_KEYS if spec.column(g) is not None and spec.column(m) is not None), None)


_ORDINAL = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．]|第[一二三四五六七八九十\d]{1,3}[类部分项]{1,2}[：:、]?)\s*")


def _category_named(spec: FormSpec, text: str) -> str | None:
    """The one choice of the grouping column (风险类别, 权力类别) a heading names (一、岗位职责风险 → 岗位职责, 岗位职责 alone),
    on a risk form or a power list; None for none or several."""
    keys = _group_key(spec)
    if keys is None or spec.is_measure_form:
        return None
    col = spec.column(keys[0])
    if choice := normalize.choice(_ORDINAL.sub("", text, count=1), col.allowed, col.synonyms)[0]:
        return choice       # (岗位职责, 一、决策类)
    if keys[0] != "category":
        return None         # (权力类别's 决策, 执行, 其他 are words of any heading: 二、其他事项, 三、预算执行)
    key = normalize.fold(text)
    named = [c for c in col.allowed if normalize.fold(c) in key]
    return named[0] if len(named) == 1 else None


def _exact_category(spec: FormSpec, text: str) -> str | None:
    """The grouping column's choice a numbered line is, and nothing else (1、决策类, 1. 岗位职责): a line of a text going on
    (2. 岗位职责交叉，用印登记无人负责; 3. 决策) is none."""
    keys = _group_key(spec)
    if keys is None:
        return None
    col = spec.column(keys[0])
    bare = _ORDINAL.sub("", text, count=1).strip()
    while (shorter := _CATEGORY_WORDS.sub("", bare)) != bare and shorter:
        bare = shorter      # (1、岗位职责类风险, 2.思想道德方面的风险)
    return normalize.choice(bare, col.allowed, col.synonyms)[0]


_CATEGORY_WORDS = re.compile(r"(?:的)?(?:风险点?|类|方面|问题|权力)[。.]?$")


def _heading_group(spec: FormSpec, grid: list[list], r: int, mapping: dict[str, int], text: object,
                   ref: str) -> tuple[str, str, str] | None:
    """(grouping column, the choice, the heading's cell) of a heading naming a category over the rows of its group;
    None for any other row."""
    keys = _group_key(spec)
    text = normalize.to_text(text)
    choice = (_category_named(spec, text) or _exact_category(spec, text)) if keys else None
    return (keys[0], choice, ref) if choice and _group_below(spec, grid, r, mapping, choice) else None


def _in_group(spec: FormSpec, group: tuple[str, str, str], value: object) -> bool:
    """Whether a row's own category (岗位) is the group's its heading named."""
    col = spec.column(group[0])
    if col is not None and col.allowed:
        return normalize.choice(value, col.allowed, col.synonyms)[0] == group[1]
    return normalize.fold(value) == normalize.fold(group[1])


def _post_heading(grid: list[list], r: int, mapping: dict[str, int], text: str, ref: str) -> tuple[str, str, str] | None:
    """("post", the post, the heading's cell) of a heading over the risks of one post on a department's risk form (一 |
    采购管理, 一、文秘岗位 over risks that leave 岗位(环节) empty: it was said to be a heading and the risks under it were
    returned for 岗位 required); None for any other row or form."""
    if "risk" not in mapping or "post" not in mapping or r + 1 >= len(grid):
        return None
    below = grid[r + 1]
    risk, post_below = (normalize.to_text(below[mapping[k]]) if mapping[k] < len(below) else "" for k in ("risk", "post"))
    post = _ORDINAL.sub("", text, count=1).strip()
    if not post or _NO_POST.search(post):       # (二、其他; 一、教学管理类; 部门层面风险: no 岗位 of anyone's)
        return None
    return ("post", post, ref) if risk and not post_below else None


_NO_POST = re.compile(r"类|风险|部分|方面|其[他它]|层面|问题|^第")
"""What says a heading names a kind of risks, not a post."""


def _sub_items_below(grid: list[list], r: int, mapping: dict[str, int], seq: object) -> bool:
    """Whether the rows under a row numbered `seq` are numbered as its sub-items (1 招生录取管理 over 1.1, 1.2): that row
    groups them, no item of its own."""
    head = normalize.to_text(seq).rstrip(".．、")
    j = mapping.get("seq")
    if not head or j is None or r + 1 >= len(grid) or not head.isdigit():
        return False
    below = normalize.to_text(grid[r + 1][j] if j < len(grid[r + 1]) else "")
    return re.fullmatch(re.escape(head) + r"[.．\-－]\d{1,3}", below) is not None


def _group_below(spec: FormSpec, grid: list[list], r: int, mapping: dict[str, int], choice: str) -> bool:
    """Whether the row under a heading naming `choice` is a row of its group: a risk (item) without a category or with
    this one (a category line over its risks, as Word tables group them)."""
    keys = _group_key(spec)
    if keys is None or r + 1 >= len(grid):
        return False
    below = grid[r + 1]
    cells = {key: below[j] if j < len(below) else "" for key, j in mapping.items()}
    group, main = keys
    if not normalize.to_text(cells.get(main)) or sum(1 for v in cells.values() if normalize.to_text(v)) < 2:
        return False
    own = cells.get(group)
    col = spec.column(group)
    return not normalize.to_text(own) or normalize.choice(own, col.allowed, col.synonyms)[0] == choice


def _label_worded_otherwise(cell: object, label_key: str) -> bool:
    """Whether a cell of a header row pasted with last year's rows is its column's label worded otherwise (廉政风险点,
    风险点名称, 风险等级（一、二、三级）, 是否涉及“三重一大”, 主要表现): short text holding the label, or part of it."""
    if type(cell) is not str or len(cell) > 30 or not label_key:
        return False
    key = normalize.label_key(cell)
    return label_key in key or (len(key) >= 2 and key in label_key)


def _reordered_header(line: list, spec: FormSpec, mapping: dict[str, int]) -> list[int]:
    """The cells of a header row (_header_labels) that stand in other columns than `mapping`'s (a header of another
    layout pasted under the table); [] when it is no header, or one of the same layout."""
    labels = _header_labels(line, spec)
    return [j for j, key in labels.items() if mapping.get(key) != j]


def _match_header_row(grid: list[list], spec: FormSpec) -> tuple[int, int]:
    """(row index, number of exact label matches) of the best header row candidate."""
    keys, longest = _column_keys(spec)
    label_key = normalize.label_key
    best = (-1, 0)
    for r, row in enumerate(grid[:MAX_SCAN_ROWS]):
        n = 0
        for cell in row:
            if type(cell) is str and cell and len(cell) <= longest and label_key(cell) in keys:
                n += 1
        if n > best[1]:
            best = (r, n)
            if n >= len(spec.columns):      # every column's label: the header row (no later row beats it)
                break
    return best


def _title_found(grid: list[list], spec: FormSpec) -> bool:
    key = normalize.fold(spec.title)
    for row in grid[:8]:
        for cell in row:
            if isinstance(cell, str) and key in normalize.fold(cell):
                return True
    return False


def recognise(grid: list[list], forms: dict[str, FormSpec]) -> tuple[FormSpec | None, int]:
    """The form a sheet holds, by title and table labels; with its score (the share of the form's column labels
    found, plus 1 for its title). Between forms of equal score (附件3's columns are all among 附件4's, 附件5's
    among 附件6's: a copy without its title matches both fully) the one that explains more of the header row's
    labels wins, so a department's table is not read as a personal one."""
    best: tuple[FormSpec | None, tuple[float, float]] = (None, (0.0, 0.0))
    for spec in forms.values():
        r, matched = _match_header_row(grid, spec)
        if matched < 2:
            continue
        score = matched / len(spec.columns) + (1.0 if _title_found(grid, spec) else 0.0)
        labels = sum(1 for cell in grid[r] if type(cell) is str and cell.strip())
        rank = (score, matched / max(labels, matched))
        if rank > best[1]:
            best = (spec, rank)
    return best[0], int(best[1][0] * 100)


def _map_columns(header: list, spec: FormSpec, sheet: str, hr: int) -> tuple[dict[str, int], dict[int, str], list]:
    found: list[F.Finding] = []
    mapping: dict[str, int] = {}
    used: set[int] = set()
    for col in spec.columns:
        keys = _label_keys(col)
        for j, cell in enumerate(header):
            if j not in used and isinstance(cell, str) and normalize.label_key(cell) in keys:
                mapping[col.key] = j
                used.add(j)
                break
    # recognisably renamed columns: containment or close similarity to the label or an alias
    candidates = []
    for col in spec.columns:
        if col.key in mapping:
            continue
        for j, cell in enumerate(header):
            text = normalize.label_key(cell)
            if j in used or not text:
                continue
            score = 0.0
            for k in _label_keys(col):
                if len(k) >= 2 and (k in text or text in k):
                    score = max(score, 0.8 + min(len(k), len(text)) / max(len(k), len(text)) / 10)
                score = max(score, SequenceMatcher(None, k, text).ratio())
            if score >= 0.6:
                candidates.append((score, col.key, j))
    for _score, key, j in sorted(candidates, key=lambda c: (-c[0], c[2])):
        if key in mapping or j in used:
            continue
        mapping[key] = j
        used.add(j)
        col = spec.column(key)
        found.append(F.make(F.COLUMN_RENAMED, sheet=sheet, cell=a1(hr, j), field=col.label,
                            value=normalize.to_text(header[j])))
    # a label rewritten in other words (主要表现形式 → 具体表现), in its own place: the one label between the columns
    # that come before and after it in the form that rewords it
    cols = spec.columns
    for i, col in enumerate(cols):
        if col.key in mapping or col.prefill or i == 0 or i + 1 == len(cols):
            continue
        before, after = mapping.get(cols[i - 1].key), mapping.get(cols[i + 1].key)
        if before is None or after is None or after <= before + 1:
            continue
        # (a rewording: it shares two characters in a row with the label, 具体表现 / 主要表现形式; a column that means
        # something else, 整改措施 where 主要表现形式 was, stays the submitter's own and the label is said missing; a
        # column of one's own inserted beside it, 责任领导, does not move it out of its place)
        near = [j for j in range(before + 1, after) if j not in used and type(header[j]) is str
                and normalize.to_text(header[j]) and len(header[j]) <= 40
                and _shares_words(normalize.label_key(header[j]), _label_keys(col))]
        if len(near) == 1:
            j = near[0]
            mapping[col.key] = j
            used.add(j)
            found.append(F.make(F.COLUMN_RENAMED, sheet=sheet, cell=a1(hr, j), field=col.label,
                                value=normalize.to_text(header[j])))
    extra = {j: normalize.to_text(c) for j, c in enumerate(header) if j not in used and normalize.to_text(c)}
    return mapping, extra, found


def _shares_words(text: str, labels: frozenset[str]) -> bool:
    """Whether a header text and one of a column's labels have two characters in a row in common."""
    pairs = {text[i:i + 2] for i in range(len(text) - 1)}
    return any(label[i:i + 2] in pairs for label in labels for i in range(len(label) - 1))


_INLINE_PAIR = re.compile(r"^(.{1,12}?)[:：](.+)$", re.S)


@lru_cache(maxsize=64)
def _wanted(fields: tuple[Field, ...]) -> dict[str, Field]:
    """Label key → field, also without a trailing parenthesis (签字（盖章） → 签字)."""
    wanted: dict[str, Field] = {}
    for f in fields:
        for k in _label_keys(f):
            wanted[k] = f
            bare = re.sub(r"[(（].*?[)）]$", "", k)
            wanted.setdefault(bare, f)
    return wanted


@lru_cache(maxsize=64)
def _longest_label(fields: tuple[Field, ...]) -> int:
    """The longest cell text that could fold to one of these labels (generous, as _column_keys)."""
    return 4 * max((len(k) for k in _wanted(fields)), default=0) + 16


def _pairs_in(grid: list[list], rows: range, fields: tuple[Field, ...],
              strict: bool = False, loose: frozenset[int] = frozenset()) -> tuple[dict, dict, set[int]]:
    """Label/value pairs: a label cell, its value in the first non-empty cell to its right (or the cell
    right of it when empty); 'label：value' in one cell also reads. Returns values, refs, rows used.
    strict (the sign-off, searched among the table's rows): a row counts only when every non-empty cell
    in it is a label or a label's value, so a data row holding a label-like value (岗位 = 部门负责人)
    is neither taken for the sign-off nor dropped from the table; the rows are searched from the bottom
    (where the sign-off is) and the search stops once every field is found. loose: columns whose cells do not
    count against that (序号 dragged down past the table, a column the submitter added)."""
    wanted = _wanted(fields)
    longest = _longest_label(fields)
    label_key = normalize.label_key
    values: dict[str, object] = {}
    refs: dict[str, str] = {}
    used_rows: set[int] = set()
    rows = range(rows.start, min(rows.stop, len(grid)))
    n_fields = len({f.key for f in fields})
    for r in (reversed(rows) if strict else rows):
        if strict and len(values) == n_fields:
            break
        row = grid[r]
        label_cols = {}
        for j, cell in enumerate(row):
            if type(cell) is not str or not cell:
                continue
            if len(cell) <= longest:       # a longer cell cannot fold to a label (a data row's text)
                k = label_key(cell)
                if k in wanted:
                    label_cols[j] = (wanted[k], None)
                    continue
            head = cell[:64]                # 'label：value': the colon comes within a label's length
            if ":" not in head and "：" not in head:
                continue
            m = _INLINE_PAIR.match(normalize.to_text(cell))
            if m and label_key(m[1]) in wanted:
                label_cols[j] = (wanted[label_key(m[1])], m[2].strip())
        if not strict and len(label_cols) > 1:
            # a value that is another field's label (填报人 = 部门负责人, typed by the head himself): where that label
            # stands elsewhere in the block too, this cell is the value of the label just left of it
            for j in sorted(label_cols):
                if j not in label_cols or label_cols[j][1]:
                    continue
                k = j + 1                 # in the value's own cell, right of its label
                if k in label_cols and not label_cols[k][1] and _label_elsewhere(grid, rows, (r, k), label_cols[k][0],
                                                                                  wanted, longest):
                    del label_cols[k]
        if strict and label_cols:
            accounted = set(label_cols)
            for j, (_f, inline) in label_cols.items():
                if inline:
                    continue
                for k in range(j + 1, len(row)):
                    if k in label_cols:
                        break
                    if row[k] not in ("", None) and k not in loose:
                        accounted.add(k)
                        break
            if any(c not in ("", None) and j not in accounted and j not in loose and not _sign_word(c)
                   for j, c in enumerate(row)):
                continue      # (a stamp's place or a sign-off word beside the block's own: （盖章）, 日期：)
        for j, (f, inline) in sorted(label_cols.items()):
            if f.key in values:
                continue
            used_rows.add(r)
            if inline:
                values[f.key], refs[f.key] = inline, a1(r, j)
                continue
            value, ref = "", a1(r, j + 1)
            for k in range(j + 1, len(row)):
                if k in label_cols:
                    break
                if row[k] not in ("", None) and k not in loose:
                    value, ref = row[k], a1(r, k)
                    break
            if value == "" and not strict and r + 1 < len(grid) and (j + 1 in label_cols or (
                    len(label_cols) >= 3 and j == max(label_cols)
                    and all(x + 1 in label_cols for x in sorted(label_cols)[:-1]))):
                # labels side by side in one row, their values in the row under them (a form typed anew as a small
                # table): the cell under the label, when it is no label itself
                below = grid[r + 1][j] if j < len(grid[r + 1]) else None
                if not (type(below) is str and len(below) <= longest and label_key(below) in wanted):
                    ref = a1(r + 1, j)           # (left empty: said there, not at the next label's cell)
                    if below not in ("", None):
                        value = below
                        used_rows.add(r + 1)
            values[f.key], refs[f.key] = value, ref
    return values, refs, used_rows


OTHER_FORM_SCORE = 50
"""Least recognise() score (title 100 + share of column labels found x 100) for a sheet besides the one read to
count as another form, whose filled rows are then named as not read (sheet-not-read)."""

FAR_ROWS = 20
"""Where the sign-off is not found: a cell alone this many rows below the table's last row is a stray keystroke."""

_REMARK = re.compile(r"(以上(?:内容|风险|措施|为|各|所|填|情况)|上述|本人(?:承诺|保证|确认|声明)|本表|特此|此页|合计|共计"
                     r"|(?:填表人|填报人|审核人|审核|审定|签字|负责人)[\s：:]|注[\s：:，,]|说明[：:]|备注[：:]"
                     r"|经.{1,8}(?:研究|讨论)(?:决定|确定|通过)?[。，,]?$)")
"""How a remark typed under a table begins (以上风险点经科室讨论确定。本人承诺以上内容属实。填表人：……); not how a risk
point may (本人审批权限过大, 以上级名义干预招标, 审核把关不严: a row of one such cell is an incomplete risk row)."""

_SIGN_WORDS = frozenset(normalize.label_key(w) for w in (
    "填表人", "填报人", "制表人", "经办人", "审核人", "审核", "审批人", "负责人", "部门负责人", "科室负责人", "主管领导",
    "分管领导", "审定领导", "审定", "本人签字", "签字", "签名", "签章", "盖章", "公章", "部门盖章", "单位盖章", "签字盖章",
    "盖章签字", "日期", "填表日期", "填报日期", "审核日期", "审定日期", "签字日期",
    # who to call about the form and what the approver wrote (a department adds them under the sign-off: the row was
    # read as a risk, the form returned for 风险类别 and 风险等级)
    "联系电话", "电话", "联系方式", "手机", "手机号", "办公电话", "联系人", "意见", "审核意见", "审定意见", "审批意见",
    "部门意见", "领导意见", "主管领导意见", "分管领导意见", "批准人", "复核人"))
"""What a sign-off says (its labels), typed into the table's rows or beside the form's own sign-off block."""
_STAMP = re.compile(r"[（(【\[]?\s*已?(?:部门|单位)?(?:盖章|签字|签名|签章|公章|印章)处?\s*[)）】\]]?"
                    r"|(?:同意|已?审核|已?审阅|已阅|(?:情况)?属实|审核通过|已核)(?:上报|报送|通过)?[。.！!]?")
"""A stamp's place ((盖章), 已签字) or an approver's word beside the sign-off (同意, 已审核, 情况属实)."""


def _sign_word(cell: object) -> str:
    """'label' for a sign-off label (填表人, 填表人：张三, 日期：2023.3.10), 'mark' for a stamp's place ((盖章), 已签字),
    'date' for a date, else ''."""
    if isinstance(cell, date):
        return "date"
    if type(cell) is not str or len(cell) > 40:
        return ""
    text = cell.strip()
    if _STAMP.fullmatch(text):
        return "mark"
    if normalize.label_key(text) in _SIGN_WORDS:
        return "label"
    m = _INLINE_PAIR.match(normalize.to_text(text))
    if m and normalize.label_key(m[1]) in _SIGN_WORDS:
        return "label"
    return "date" if re.fullmatch(r"[\d\s./\-年月日]{6,}", text) and normalize.parse_date(text)[0] else ""


@lru_cache(maxsize=64)
def _header_keys(spec: FormSpec) -> frozenset[str]:
    """The label keys of a form's header fields (姓名, 工号, 岗位, 填表日期 …)."""
    return frozenset(k for f in spec.header for k in _label_keys(f))


def _pasted_header(line: list, spec: FormSpec, risk_col: int | None) -> tuple[int, str] | None:
    """A row of another copy of the form's header block (two different labels of it at least, 姓名 | 李某 | 工号 | 0099,
    and no long 风险点: a risk row whose 岗位 and 责任人 read 部门负责人 is none): (the first label's column, what
    follows 姓名 or the first label), else None."""
    keys = _header_keys(spec)
    found = [j for j, c in enumerate(line) if type(c) is str and len(c) <= 12 and normalize.label_key(c) in keys]
    if len({normalize.label_key(line[j]) for j in found}) < 2:
        return None
    if risk_col is not None and risk_col < len(line) and type(line[risk_col]) is str and len(line[risk_col]) > 12:
        return None       # (a 风险点 of its own: a risk row)
    name = next((normalize.to_text(line[j + 1]) for j in found if j + 1 < len(line)
                 and normalize.label_key(line[j]) == "姓名" and line[j + 1] not in ("", None)), "")
    return found[0], (f"姓名 {name}" if name else "、".join(normalize.to_text(line[j]) for j in found[:3]))


def _signoff_row(line: list, filled: list[int]) -> bool:
    """A row of the table holding a sign-off instead of a risk (填表人：张三 | 2023-03-10 | 负责人：赵强): every cell a
    sign-off label, a stamp's place, a date, or the value right of a bare label; one label at least."""
    if len(filled) == 1:       # a line of its own: 日期：2023年3月15日, 2023年3月15日, （盖章）
        return _sign_word(line[filled[0]]) in ("label", "date", "mark")
    labelled, previous, before = False, "", None
    for j in filled:           # (a risk row fails at its first cell, its 序号 or 风险类别: looked at no further)
        kind = _sign_word(line[j])
        if not kind and not (previous == "label" and normalize.label_key(line[before]) in _SIGN_WORDS):
            return False
        labelled = labelled or kind == "label"
        previous, before = kind, j
    return labelled


_TOTAL = re.compile(r"(?:合\s*计|小\s*计|总\s*计|共\s*计)")
"""How a totals line under a table begins, in its 序号 column."""
_TOTAL_CELL = re.compile(r"(?:合\s*计|小\s*计|总\s*计|共\s*计)\s*[:：]?\s*(?:共?\s*\d+\s*[项条个行]?)?")
"""… and a cell holding no more than that, in whatever column it begins (合计, 合计：3项; not 总计划管理, 合计核对岗)."""

_HEADING_SEQ = re.compile(r"[（(]?[一二三四五六七八九十]+[)）]?[、.．]?|第[一二三四五六七八九十]+[部分类章节]{0,2}")
"""A 序号 that numbers a section (一, （二）, 第三部分), not an item (1, 1.1, (1))."""

_HEADING_TEXT = re.compile(r"[（(]?[一二三四五六七八九十]+[)）、.．]|第[一二三四五六七八九十]+[部分类章节]{1,2}")
"""A section heading typed with its number in a column of its own (一、教学管理类)."""


@lru_cache(maxsize=64)
def _continued_keys(spec: FormSpec) -> frozenset[str]:
    """The columns whose text, alone in a row, carries on the row above (spec: continues = true)."""
    return frozenset(f.key for f in spec.columns if f.continues)


_JOINER = {"owner": "、"}
"""How a column's text carried on from the row under it is joined to it: on a line of its own, but names one after
the other (张伟、李娜: a line break in a name is none, 张伟\n李娜 was read 张伟李娜)."""
def _joined(key: str, before: str, text: str) -> str:
    """A column's text with what the row under it carries on: on a line of its own; names once each, one after the
    other (张伟、李娜; 张伟 again on a third step is not named twice, nor 、 doubled after 张伟、李娜、)."""
    if not before:
        return text
    if key not in _JOINER:
        return before + "\n" + text
    names = [normalize.person_name(n) for n in normalize.names_in(before) + normalize.names_in(text)]
    return _JOINER[key].join(dict.fromkeys(n for n in names if n))


AT_ANOTHER_POST = frozenset({"post", "owner", "note"})
"""What a row under a power item holds when it is the item at another post: its 行使岗位 and 责任人 (with a 职权依据 or a
运行流程 of its own too, it is an item whose 权力事项 was forgotten: asked for it)."""


def _repeated_above(spec: FormSpec, prev: Row, values: dict[str, object]) -> list[str]:
    """The columns a row carries on from the row above when it repeats that row's 序号 (or has none) and every other cell
    but text that goes on (运行流程, 职权依据, 主要表现形式; not a 行使岗位 of its own: the item at another post); [] for any
    other row."""
    to_text = normalize.to_text
    seq = to_text(values.get("seq"))
    if spec.is_measure_form or (seq and seq != to_text(prev.values.get("seq"))):
        return []
    # (without a 序号 of its own, the item typed again says so: 1 | 私自复印 | 1.… over  | 私自复印 | 2.…)
    item = next((k for k in _ITEM_KEYS if k in values), None)
    if not seq and (item is None or not to_text(values[item])):
        return []
    carried = _continued_keys(spec) - {"post"}
    joined = []
    for key, value in values.items():
        if key == "seq" or (text := to_text(value)) == to_text(prev.values.get(key, "")):
            continue
        if key not in carried:
            return []
        if text:
            joined.append(key)
    return joined


def _row_name(spec: FormSpec, row: Row) -> str:
    """What names a row (its item, 风险点 or 权力事项, else its first required text column), as a finding quotes it (not
    the 岗位 of 附件4, shared by the risks of a post)."""
    key = next((k for k in _ITEM_KEYS if spec.column(k)), None) or \
        next((f.key for f in spec.columns if f.need == "req" and f.type == "text"), None)
    return normalize.to_text(row.values.get(key, "")) if key else ""


_SEQ_LIKE = re.compile(r"[\s(（第]*(?:[0-9０-９一二三四五六七八九十百]+(?:[-－.．][0-9０-９]+)*|[\u2460-\u2473\u3251-\u325f])"
                       r"[\s.、)）项条]*")
"""What a 序号 cell holds when it only numbers a row (3, ３, 三, (3), 3.)."""


def _near_labels(grid: list[list], hr: int, fields: tuple[Field, ...], values: dict, refs: dict, sheet: str,
                 findings: list) -> None:
    """Header-block fields whose label was reworded (填报日期 for 填表日期): a short cell above the table that is
    close to a missing field's label (and is no other field's label or value) is read as that label, the value
    as `_pairs_in` finds it, with a note that says so."""
    wanted = _wanted(fields)
    label_key = normalize.label_key
    taken = set(refs.values())
    for r in range(0, min(hr, len(grid))):
        row = grid[r]
        for j, cell in enumerate(row):
            if type(cell) is not str or not 2 <= len(cell) <= 16 or a1(r, j) in taken:
                continue
            k = label_key(cell)
            if not k or k in wanted:
                continue
            best = max(((SequenceMatcher(None, key, k).ratio(), f.key) for f in fields if f.key not in values
                        for key in _label_keys(f) if len(key) >= 3), default=(0.0, ""))
            if best[0] < 0.75:
                continue
            f = next(f for f in fields if f.key == best[1])
            value, ref = "", a1(r, j + 1)
            for c in range(j + 1, len(row)):
                if row[c] not in ("", None):
                    if type(row[c]) is str and label_key(row[c]) in wanted:
                        break
                    value, ref = row[c], a1(r, c)
                    break
            values[f.key], refs[f.key] = value, ref
            taken.add(ref)
            findings.append(F.make(F.COLUMN_RENAMED, sheet=sheet, cell=a1(r, j), field=f.label, value=cell.strip()))
            if len(values) == len({f.key for f in fields}):
                return


def _label_elsewhere(grid: list[list], rows: range, here: tuple[int, int], field: Field, wanted: dict,
                     longest: int) -> bool:
    """Whether `field`'s label stands in another cell of `rows` (the header block) than `here` (row, column)."""
    label_key = normalize.label_key
    for r in rows:
        for j, cell in enumerate(grid[r]):
            if (r, j) != here and type(cell) is str and cell and len(cell) <= longest \
                    and wanted.get(label_key(cell)) is field:
                return True
    return False


def _is_note(line: list) -> bool:
    """A row whose only non-empty cell is a note (注：…, 填表说明…)."""
    found = None
    for c in line:
        if c != "" and c is not None:
            if found is not None:
                return False
            found = c
    return isinstance(found, str) and found.strip().startswith(_NOTE_PREFIXES)


_HINT = re.compile(r"[（(][^（）()]{1,40}[)）]")
"""A hint in brackets in a cell under the header: （下拉选择）, （一级/二级/三级）, (是/否)."""
_HINT_WORDS = re.compile(r"下拉|请选择|请填写|请输入|简要描述|必填|选填|可不填")
"""What a hint under the header says: 从下拉列表选择, 请填写, 简要描述本岗位的风险点, 必填 (not 选择, 例如, 按规定填写:
risks and measures are worded so, 选择供应商时收受回扣, 例如：实行双人复核)."""
_HINT_START = re.compile(r"(?:从|可|请)?(?:下拉|请选择|请填写|请输入|简要描述|必填|选填|可不填)")
"""… at the start of the cell, where it is not in brackets."""


def _hint(text: object, allowed: frozenset[str] | None, alone: bool) -> bool:
    """Whether a cell under the header is a hint how to fill its column, not a value: in brackets (（下拉选择）), saying
    how (从下拉列表选择, 简要描述…), or listing the column's choices (一级/二级/三级, 是/否). Alone in its row: in brackets and
    saying how (（必填，简要描述）)."""
    if type(text) is not str or not (t := text.strip()) or len(t) > 40:
        return False
    bracketed = _HINT.fullmatch(t) is not None
    if alone:
        return bracketed and _HINT_WORDS.search(t) is not None
    if bracketed or (len(t) <= 16 and _HINT_START.match(t)):
        return True
    parts = [normalize.fold(x) for x in re.split(r"[/／、|｜或]", t) if x.strip()]
    return bool(allowed) and len(parts) > 1 and all(x in allowed for x in parts)


_ITEM_KEYS = ("risk", "power_item")
"""The column naming a risk form's row, a power list's: merged over rows of nothing else, the rows are room for it."""


def _without_room(grid: list[list], merged: list, below: int, items: set[int], seq: int | None,
                  goes_on: set[int]) -> tuple[list, set[int]]:
    """The table's merged ranges without those that only give one row's item more room: a 风险点 (权力事项) merged over
    two rows for one long text, the rows under its first holding nothing of their own (every cell of them empty or
    in a merged range, or a column whose text carries on the row above: a second line of 主要表现形式), and the other
    cells of that row merged alike; and those rows (each was read as a risk of its own, filled down: returned for the
    cells they lacked). Nothing is filled into them then: one row read, what they hold joined to it (row-continued)."""
    if not items:
        return merged, set()
    inside = {(r, c) for (r0, c0), (r1, c1) in merged for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)
              if r1 - r0 <= 50 and c1 - c0 <= 50}
    room = set()
    spare: set[int] = set()     # rows of nothing of their own under an item merged over rows of their own too
    for (r0, c0), (r1, c1) in merged:
        if r1 <= r0 or r0 <= below or not any(c0 <= j <= c1 for j in items) or r1 >= len(grid) or r1 - r0 > 50:
            continue
        # (a 序号 typed ahead in the rows under it, or a second line of 主要表现形式: nothing of their own either)
        empty = [r for r in range(r0 + 1, r1 + 1)
                 if {c for c, v in enumerate(grid[r]) if v not in ("", None) and (r, c) not in inside} <= {seq}
                 or {c for c, v in enumerate(grid[r]) if v not in ("", None) and (r, c) not in inside} <= goes_on]
        if len(empty) == r1 - r0:
            room.add((r0, r1))
        else:
            # (a power item merged over a step of its 运行流程 and a row of another post: the step joined to the row
            # above it, the post's row the item at that post; the step was an item of its own, returned)
            spare.update(empty)
    if not room:
        return merged, spare
    ends: dict[int, int] = {}       # a room's first row → its furthest last row (one lookup per range, not a scan)
    for r0, r1 in room:
        ends[r0] = max(r1, ends.get(r0, r0))
    return ([m for m in merged if not (m[0][0] in ends and m[1][0] <= ends[m[0][0]])],
            {r for r0, r1 in room for r in range(r0 + 1, r1 + 1)} | spare)


def _fill_merged(grid: list[list], merged: list, below: int) -> list[tuple[int, int, int, int]]:
    """Cells merged down over several rows under row `below` (the table's header): each covered row gets the
    top row's values in those columns (one post with several risks, its 岗位 merged over their rows), as a
    person reading the table understands them. Returns the ranges filled, (r0, c0, r1, c1), 0-based."""
    filled = []
    for (r0, c0), (r1, c1) in sorted(merged or ()):
        if r1 <= r0 or r0 <= below or r0 >= len(grid):
            continue
        top = grid[r0]
        values = [top[c] if c < len(top) else "" for c in range(c0, c1 + 1)]
        if all(v in ("", None) for v in values):
            continue
        for r in range(r0 + 1, min(r1, len(grid) - 1) + 1):
            row = grid[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            row[c0:c1 + 1] = values
        filled.append((r0, c0, r1, c1))
    return filled


_DITTO = re.compile(r"(?:同\s?上|同上(?:一)?[行条项]|同上述|同上所述|如上|见上|同前(?:一)?[行条项]?)[。.]?|〃|[\"”″]{1,2}")
"""What a person types for "the same as the row above" (同上, 同 上, 同上条, 同上一条, 如上, 见上, 〃, a ditto mark)."""
_CONTINUED = re.compile(r"(?:续上|[（(]续[）)])[。.]?")
"""…and, for a measure form's 风险点 only, that the row goes on with the risk above (续上, （续）: in a 备注 they say a risk
carried over from last year)."""
_DITTO_START = frozenset("同如见续（(〃\"”″")


def _ditto(values: dict, above: Row | None, spec: FormSpec, mapping: dict[str, int], sheet: str, r: int,
           findings: list, index: int | None = None) -> None:
    """A cell of `values` holding 同上 (or 〃): the value of its column in the data row above, said (it was taken as the
    text 同上: 岗位 = 同上 in 风险目录, and in the measure form pre-filled from it, locked); with nothing above to take,
    an error at the cell. Not 序号 nor 风险编号 (the number is the form's own)."""
    for key, value in values.items():
        if type(value) is not str or not value or len(value) > 6 or value.lstrip()[:1] not in _DITTO_START \
                or key == "seq" or not (_DITTO.fullmatch(value.strip()) or (
                    key == "risk" and spec.is_measure_form and _CONTINUED.fullmatch(value.strip()))):
            continue
        col = spec.column(key)
        if col is None:
            continue
        if key == "risk_id":
            # 风险编号 同上 on a measure's row under a risk's: the same risk, as a row left without it (measure-continues;
            # taken as a number, the form was returned: "同上 is no registered risk, do not change pre-filled numbers")
            values[key] = ""
            continue
        taken = above.values.get(key, "") if above is not None else ""
        if key == "risk" and spec.is_measure_form and above is not None and not normalize.to_text(taken):
            # 风险点 同上 (续上) under a measure carried on (no number, no 风险点 of its own): the same risk, carried on as
            # that row is (it was "nothing above to take", the form returned)
            values[key] = ""
            continue
        if normalize.to_text(taken) and not (type(taken) is str and _DITTO.fullmatch(taken.strip())):
            values[key] = taken
            findings.append(F.make(F.DITTO, sheet=sheet, cell=a1(r, mapping[key]), field=col.label,
                                   value=normalize.to_text(taken), detail=value.strip(), row=index, key=key))
        else:       # the first row, or nothing above to take: 同上 would stand in 风险目录 (and a measure form) as it is
            # (with its row and column: the feedback workbook marks that cell, it said "the whole sheet")
            findings.append(F.make(F.DITTO_NOTHING_ABOVE, sheet=sheet, cell=a1(r, mapping[key]), field=col.label,
                                   value=value.strip(), row=index, key=key))


FILLER_TEXTS = frozenset({"无", "/", "-", "—", "——", "－", "\\", "暂无", "否"})
"""What people drag down an optional column of blank rows; alone in a row, it makes no data row."""
NOTHING_TEXTS = FILLER_TEXTS | frozenset({"以下空白", "以下无内容", "以下无", "此处空白", "空白", "（以下空白）", "(以下空白)",
                                          "以下空白。", "无。", "没有", "暂无。", "无风险", "无风险点", "暂无风险点"})
"""What a row says when it says there is nothing: alone in a row, no data row (said)."""


@lru_cache(maxsize=64)
def _filler_keys(spec: FormSpec) -> tuple[frozenset[str], frozenset[str]]:
    """(optional columns, those with a dropdown): a row holding nothing but these is no data row when their
    values are a dropdown choice or a FILLER_TEXTS placeholder."""
    optional = frozenset(f.key for f in spec.columns if f.need != "req" and not f.prefill)
    return optional, frozenset(f.key for f in spec.columns if f.key in optional and f.allowed)


@lru_cache(maxsize=256)
def _allowed_of(spec: FormSpec, key: str | None) -> frozenset[str] | None:
    """A column's dropdown choices, folded (None for a column without)."""
    col = spec.column(key) if key else None
    return frozenset(normalize.fold(v) for v in col.allowed) if col is not None and col.allowed else None


@lru_cache(maxsize=64)
def _dropdown_keys(spec: FormSpec) -> frozenset[str]:
    """The columns with a dropdown (required ones too): a value of theirs the same as the row above's is dragged down."""
    return frozenset(f.key for f in spec.columns if f.allowed and not f.prefill)


def _columns_of(mapping: dict[str, int], header_row: list) -> tuple:
    """What reading a table's rows needs of its header (the form's, or one of another layout further down): column →
    key, (key, column) pairs, (key, column letters), each column's label key and longest label-like text (a header
    repeated), and the header's texts (a quick test of whether a row may be a header)."""
    items = list(mapping.items())
    return ({j: key for key, j in items}, items, [(key, col_letters(j + 1)) for key, j in items],
            {j: (normalize.label_key(header_row[j]), len(normalize.to_text(header_row[j])) + 4) for j in mapping.values()},
            frozenset(header_row[j] for j in mapping.values() if type(header_row[j]) is str))


def read_sheet(grid: list[list], spec: FormSpec, sheet: str, header_row: tuple[int, int] | None = None,
               merged: list | None = None) -> Submission:
    """The form in a sheet's cells. merged: the sheet's merged ranges ((r0, c0), (r1, c1)), 0-based, where
    the reader knows them (python-calamine: .xlsx and .xls)."""
    hr, matched = header_row or _match_header_row(grid, spec)
    if (matched < 2 or (matched <= len(spec.columns) // 2 and hr == _generated_table_row(spec))) \
            and (at := _header_pasted_over(grid, spec)) is not None:
        # rows pasted one row too high, over the form's own header: read by the form's columns from there (it was
        # "header not found", the rows in no output, the feedback workbook's table empty while it said "已填入")
        pasted = [list(row) for row in grid]
        pasted[at - 1] = [c.label for c in spec.columns]
        sub = read_sheet(pasted, spec, sheet, (at - 1, len(spec.columns)), merged)
        sub.findings.insert(0, F.make(F.HEADER_PASTED_OVER, sheet=sheet, cell=a1(at, 0), detail=str(at + 1),
                                      value="、".join(c.label for c in spec.columns[:3]) + "…"))
        return sub
    if matched < 2:   # the header block still says whose form it is
        header, header_refs, _ = _pairs_in(grid, range(0, min(len(grid), MAX_SCAN_ROWS)), spec.header)
        sub = Submission(spec.id, sheet, None, header, header_refs, {}, {}, [], {})
        sub.findings.append(F.make(F.TABLE_NOT_FOUND, sheet=sheet, cell="A1",
                                   detail="、".join(c.label for c in spec.columns)))
        return sub
    header_row = grid[hr]
    mapping, extra_cols, findings = _map_columns(header_row, spec, sheet, hr)
    campaign_line = next(((a1(r, j), v.strip()[1:-1]) for r in range(min(hr, 8)) for j, v in enumerate(grid[r])
                          if type(v) is str and _CAMPAIGN_LINE.fullmatch(v.strip())), None)
    for col in spec.columns:
        if col.key not in mapping and not col.prefill and col.need in ("req", "want"):
            findings.append(F.make(F.COLUMN_MISSING if col.need == "req" else F.COLUMN_DROPPED, sheet=sheet,
                                   cell=a1(hr, 0), field=col.label))
    header, header_refs, _ = _pairs_in(grid, range(0, hr), spec.header)
    if len(header) < len({f.key for f in spec.header}):
        _near_labels(grid, hr, spec.header, header, header_refs, sheet, findings)
    loose = frozenset(extra_cols) | ({mapping["seq"]} if "seq" in mapping else set())
    signoff, signoff_refs, signoff_rows = _pairs_in(grid, range(hr + 1, len(grid)), spec.signoff, strict=True,
                                                    loose=loose)
    # merged table cells, once the sign-off is found (a cell merged down there is not a table value)
    by_col, mapping_items, ref_letters, own_labels, header_texts = _columns_of(mapping, header_row)
    table_merges = [m for m in merged or () if not signoff_rows.intersection(range(m[0][0], m[1][0] + 1))]
    room: set[int] = set()
    # the item's column (风险点, 权力事项), the 序号, and those whose text goes on in the rows under a merged item (a
    # risk's 主要表现形式; a power item's steps of 运行流程 or lines of 职权依据, one per row; but a power item merged over
    # rows of their own 行使岗位 is exercised at each of those posts: rows of their own)
    items = {mapping[k] for k in _ITEM_KEYS if k in mapping}
    seq = mapping.get("seq")
    goes_on = {mapping[k] for k in _continued_keys(spec) - {"post"} if k in mapping}
    if table_merges and not spec.is_measure_form:
        table_merges, room = _without_room(grid, table_merges, hr, items, seq, goes_on)
    covered: dict[int, dict[int, int]] = {}      # row → column → the row of the merged cell's value (its 来源位置)
    for r0, c0, r1, c1 in _fill_merged(grid, table_merges, hr):
        for r in range(r0 + 1, r1 + 1):
            covered.setdefault(r, {}).update(dict.fromkeys(range(c0, c1 + 1), r0))
        key = by_col.get(c0)
        if key is not None:
            # the 风险点 itself merged over rows: each row is catalogued as a risk of its own, which may not be what
            # was meant (one risk, its 主要表现形式 split over two rows): asked; a 岗位 or 风险类别 merged over its
            # risks is how such tables are drawn
            # (on a measure form, a 风险点 merged over its measures' rows is how two measures of one risk are drawn)
            code = F.MERGED_RISK_ROWS if key == "risk" and not spec.is_measure_form else F.MERGED_ROWS
            findings.append(F.make(code, sheet=sheet, cell=a1(r0, c0), field=spec.column(key).label,
                                   value=normalize.to_text(grid[r0][c0]), detail=f"第 {r0 + 1}–{r1 + 1} 行"))
    if covered and not spec.is_measure_form:
        # … and a row inside a 岗位 merged over a post's risks that holds nothing of its own, not even the item (a blank
        # row between two risks): no risk with only its 岗位 (returned for every other cell), nor 岗位 twice in the row above
        # (a 序号 typed in it, as pre-numbered rows are, is nothing of its own either; a second line of the 主要表现形式
        # above it is that risk's, joined as where nothing is merged: it was a risk of 岗位 only, the form returned)
        # (not both: a 序号 and a 主要表现形式 is a risk whose other cells were forgotten, asked for them with its 岗位)
        for r, cols in covered.items():
            own = {j for j, v in enumerate(grid[r]) if v not in ("", None) and j not in cols}
            if r not in room and items and not items & cols.keys() and (own <= {seq} or own <= goes_on):
                room.add(r)
    for r in room:      # (a 岗位 merged over this risk and the next: nothing of it in the room)
        for j in covered.pop(r, {}):
            grid[r][j] = ""
    rows: list[Row] = []
    extra_used = set()
    extra_sets = [(hr, extra_cols)]      # (header row, its columns of the submitter's own): one more per header
    first_mapping = mapping              # reordered further down (_reordered_header)
    to_text = normalize.to_text
    filler, choice_keys = _filler_keys(spec)
    dropdowns = _dropdown_keys(spec)
    dragged_to = -2      # the last row of dropdown values dragged down (no data row)
    # the last row holding anything but what is dragged down (序号, dropdown values, optional placeholders): a run of
    # dropdown values is dragged down only below it (between risks, they are risks whose 风险点 was forgotten: asked),
    # and only from a row of content above it (two rows alike under the header, their 风险点 an error value read empty,
    # were "dragged down" from nothing: the form said to hold no rows)
    real_below: list[int] = []    # (worked out when first asked: most forms have no value repeated alone in a row)

    def last_real() -> int:
        if not real_below:
            plain = [j for j, key in by_col.items() if key != "seq" and key not in dropdowns and key not in filler]
            # (above the sign-off: its labels and what is written under it are no rows)
            real_below.append(max((r for r in range(hr + 1, min(signoff_rows, default=len(grid))) if (line := grid[r])
                                   and any(j < len(line) and line[j] not in ("", None) for j in plain)), default=hr))
        return real_below[0]
    heading_after = -1   # the number of rows read when the last section heading came (nothing joins across it)
    group: tuple[str, str, str] | None = None    # (column, choice, its cell) of a category line over the rows under it
    said = [0]       # row-not-read findings so far: at most MAX_NOT_READ (a value dragged down a million rows
                     # gave a million findings: a 344 MiB report.json, 2 GB in the merge process), the rest counted

    def label_of(j: int) -> str:
        key = by_col.get(j)
        return spec.column(key).label if key else (normalize.to_text(header_row[j]) if j < len(header_row)
                                                   else "") or f"{col_letters(j + 1)}"

    def not_read(r: int, j: int, value: object, label: str = "") -> None:
        said[0] += 1
        if said[0] > MAX_NOT_READ:
            return
        label = label or label_of(j)
        findings.append(F.make(F.ROW_NOT_READ, sheet=sheet, cell=a1(r, j), field=label,
                               value=normalize.to_text(value)))

    unheaded: dict[int, int] = {}        # a column with no label right of the table: its first filled row
    # below the sign-off a cell alone in its row (a date or name under the signature, 部门盖章, a stray keystroke)
    # is no table row; without a sign-off, one far below the table's last row is not either
    signoff_end = max(signoff_rows) if signoff_rows else len(grid)
    last_seen = hr                       # the last row of the table or its sign-off (a stray cell does not count)
    hints_said: list[int] = []
    for r in range(hr + 1, len(grid)):
        line = grid[r]
        if not any(line) and line.count("") + line.count(None) == len(line):
            continue            # a blank row (most rows of a form): nothing to look at (0 and FALSE are not blank)
        gap = r - last_seen
        if r in signoff_rows:   # every cell of it is a sign-off label or its value (_pairs_in strict)
            last_seen = r
            continue
        if _is_note(line):
            note = next(c for c in line if c != "" and c is not None)
            if not note.strip().startswith(_OWN_NOTE):
                # a note of the submitter's own (注：本表经处务会研究通过): no data row, but said, not dropped
                not_read(r, next(j for j, c in enumerate(line) if c != "" and c is not None), note)
            continue
        filled = [j for j, c in enumerate(line) if c != "" and c is not None]
        if rows and len(filled) > 1 and (pasted := _pasted_header(line, spec, mapping.get("risk"))):
            # another form's header block (姓名 | 李某 | 工号 | 0099) under this one's table: a second form pasted below
            # (its 姓名/工号 rows were read as risk rows: "风险类别 … 当前为“姓名”"); not read from here on, said once
            findings.append(F.make(F.FORM_PASTED_BELOW, sheet=sheet, cell=a1(r, pasted[0]), detail=str(r + 1),
                                   value=pasted[1]))
            break
        if len(filled) > 1 and rows and _signoff_row(line, filled):
            # a sign-off typed into the table's rows (填表人：张三 | 2023-03-10): no risk, said where it is
            findings.append(F.make(F.SIGNOFF_IN_TABLE, sheet=sheet, cell=a1(r, filled[0]), detail=str(r + 1),
                                   value="　".join(to_text(line[j]) for j in filled)))
            last_seen = r
            continue
        below = r > signoff_end if signoff_rows else gap > FAR_ROWS
        if len(filled) == 1 and (below or (rows and type(line[filled[0]]) is str
                                           and _REMARK.match(line[filled[0]].strip()))
                                 or (rows and _signoff_row(line, filled))):     # (日期：2023年3月15日 on its own)
            # one cell alone: a keystroke far below the form, or a remark under the table (以上风险点经科室讨论确定、
            # 本人承诺……、填表人：……): no data row, said where it is
            not_read(r, filled[0], line[filled[0]])
            continue
        if all(_hint(line[j], _allowed_of(spec, by_col.get(j)), len(filled) == 1) for j in filled) and (
                not rows or all(type(line[j]) is str and _HINT.fullmatch(line[j].strip()) for j in filled)):
            # (under the rows too, a line dragged down past them, where it is all in brackets: （下拉选择） | （必填）)
            # a line of hints under the header, each in brackets: （下拉选择） | （一级/二级/三级） | （是/否）: no risk (it was
            # one, returned for its level and choices); said once (a line dragged down 3,000 rows: one note)
            if not hints_said:
                hints_said = [len(findings), r, 1]      # (the note, its first row, how many lines)
                findings.append(F.make(F.HEADER_HINTS, sheet=sheet, cell=a1(r, filled[0]), detail=str(r + 1),
                                       value="、".join(line[j].strip() for j in filled[:3]) + ("…" if len(filled) > 3 else "")))
            else:       # (50 lines of hints: the note named the first only, 49 rows left out unsaid)
                at, first, hints_said[2] = hints_said[0], hints_said[1], hints_said[2] + 1
                lines = f"{first + 1}–{r + 1}" if hints_said[2] == r - first + 1 else f"{first + 1} 行等 {hints_said[2]}"
                findings[at] = F.make(F.HEADER_HINTS, sheet=sheet, cell=findings[at].cell, detail=lines,
                                      value=findings[at].value)
            last_seen = r
            continue
        width = len(line)
        values = {key: (line[j] if j < width else "") for key, j in mapping_items}
        repeated = [j for j, (k, longest) in own_labels.items() if j < width and type(line[j]) is str
                    and 0 < len(line[j]) <= longest and normalize.label_key(line[j]) == k] \
            if not header_texts.isdisjoint(line) else ()
        if len(repeated) >= 2 and all(j in repeated or j not in own_labels or line[j] in ("", None)
                                      or _label_worded_otherwise(line[j], own_labels[j][0]) for j in range(width)):
            # the column labels again (a second table pasted under the first, a printout's header copied):
            # no data row
            findings.append(F.make(F.HEADER_REPEATED, sheet=sheet, cell=a1(r, min(repeated)), detail=str(r + 1),
                                   value="、".join(normalize.to_text(line[j]) for j in sorted(repeated)[:3]) +
                                   ("…" if len(repeated) > 3 else "")))
            continue
        if mapping is not first_mapping and _header_labels(line, spec) and not _reordered_header(line, spec, first_mapping):
            # the form's own header again, after a table of another layout: its rows are read by the form's columns
            findings.append(F.make(F.HEADER_REPEATED, sheet=sheet, cell=a1(r, min(first_mapping.values())),
                                   detail=str(r + 1), value="、".join(normalize.to_text(line[j]) for j in
                                                                   sorted(_header_labels(line, spec))[:3]) + "…"))
            mapping, extra_cols, header_row = first_mapping, extra_sets[0][1], grid[hr]
            by_col, mapping_items, ref_letters, own_labels, header_texts = _columns_of(mapping, header_row)
            last_seen = r
            continue
        if not header_texts.isdisjoint(line) and (moved := _reordered_header(line, spec, mapping)):
            # the column labels in another order (last year's table pasted under this one): the rows under it are
            # read by its own labels (read by this table's columns, 风险点 and 主要表现形式 were swapped unsaid)
            findings.append(F.make(F.HEADER_REORDERED, sheet=sheet, cell=a1(r, min(moved)), detail=str(r + 1),
                                   value="、".join(normalize.to_text(line[j]) for j in sorted(moved)[:4]) +
                                   ("…" if len(moved) > 4 else "")))
            mapping, extra_cols, more = _map_columns(line, spec, sheet, r)
            findings.extend(more)
            extra_sets.append((r, extra_cols))
            header_row = line
            by_col, mapping_items, ref_letters, own_labels, header_texts = _columns_of(mapping, header_row)
            last_seen = r
            continue
        seq = values.get("seq")
        named = [k for k, v in values.items() if k != "seq" and to_text(v)]
        # (a parent over its sub-items may name its post and a title: 1 | 实验室管理 | 实验室建设 over 1.1, 1.2)
        parent = len(named) == 2 and set(named) <= {"post", "category", "power_type", *_ITEM_KEYS} \
            and _sub_items_below(grid, r, mapping, seq)
        if (len(named) == 1 or parent) and not spec.is_measure_form and not any(j not in by_col for j in filled) and (
                parent or (type(seq) is str and _HEADING_SEQ.fullmatch(seq.strip()))
                or (not to_text(seq) and ((_HEADING_TEXT.match(lone := to_text(values[named[0]]))
                                           # (not 二、多发、少发工资 alone in 主要表现形式 under a risk: its second item)
                                           and not (named[0] in _continued_keys(spec) and len(rows) > heading_after))
                                          or (
                    # (决策类, 决策类权力 alone too: a category line over the items of its group)
                    named[0] not in _continued_keys(spec) and _exact_category(spec, lone)
                    and _heading_group(spec, grid, r, mapping, lone, ""))))
                or (named[0] in (*_ITEM_KEYS, "post") and (_sub_items_below(grid, r, mapping, seq) or (
                    # (1 | 决策类 over the items of its group: a category line numbered as items are)
                    _exact_category(spec, item_text := to_text(values[named[0]]))
                    and _heading_group(spec, grid, r, mapping, item_text, ""))))):
            # a section heading (一 | 教学管理, 一、教学管理类) over the items under it: no item, said where it is (it
            # was returned as an item missing every other column); in a measure form such a row is a measure numbered
            # 二、 carried on under the risk above. One naming a 风险类别 (一、岗位职责风险) over risks without one: theirs
            text = " ".join(to_text(line[j]) for j in filled)
            # (its number in the 序号 cell, 一 | 决策类: the category named by the text beside it)
            group = _heading_group(spec, grid, r, mapping, text, a1(r, mapping[named[0]])) or (
                _heading_group(spec, grid, r, mapping, values[named[0]], a1(r, mapping[named[0]])) if to_text(seq) else None) \
                or _post_heading(grid, r, mapping, to_text(values["post" if "post" in named else named[0]]),
                                 a1(r, mapping["post" if "post" in named else named[0]]))
            if group is not None:
                findings.append(F.make(F.POST_HEADING, sheet=sheet, cell=group[2], detail=str(r + 1), value=group[1],
                                       field="岗位(环节)") if group[0] == "post" else
                                F.make(F.CATEGORY_HEADING, sheet=sheet, cell=group[2], detail=str(r + 1), value=text,
                                       field=spec.column(group[0]).label))
            else:
                findings.append(F.make(F.SECTION_HEADING, sheet=sheet, cell=a1(r, mapping[named[0]]), detail=str(r + 1),
                                       field=spec.column(named[0]).label, value=text))
            last_seen = r
            heading_after = len(rows)
            continue
        if len(named) == 1 and (not to_text(seq) or _SEQ_LIKE.fullmatch(to_text(seq))) \
                and all(j in by_col for j in filled) and (keys := _group_key(spec)) \
                and named[0] == keys[0] and (found := _heading_group(spec, grid, r, mapping, values[named[0]],
                                                                     a1(r, mapping[named[0]]))):
            # a category line over its risks, as Word tables group them (岗位职责 alone, the risks under it with no
            # 风险类别 or with this one; 决策 alone over power items; numbered as items are, 1 | 决策): theirs (it was a
            # risk missing 风险点 and 风险等级, the form returned)
            group = found
            findings.append(F.make(F.CATEGORY_HEADING, sheet=sheet, cell=group[2], detail=str(r + 1),
                                   value=to_text(values[named[0]]), field=spec.column(group[0]).label))
            last_seen = r
            heading_after = len(rows)
            continue
        first = filled[0] if filled else None
        if (type(seq) is str and _TOTAL.match(seq.strip())) or (
                first is not None and type(lead := line[first]) is str and lead.lstrip()[:1] in "合小总共"
                and _TOTAL_CELL.fullmatch(lead.strip())):
            # a totals line (合计 | 共 2 条), 合计 in its first cell whatever the column (typed in 风险类别, it was a risk
            # of category 合计, the form returned): no data row, said where it is (it was merged as a measure)
            texts = [j for j in filled if to_text(line[j])]
            not_read(r, first if first is not None else mapping["seq"], "　".join(to_text(line[j]) for j in texts),
                     "、".join(map(label_of, texts)))
            continue
        said_nothing = [(k, t) for k, v in values.items() if k != "seq" and (t := to_text(v).strip())] \
            if len(filled) <= 4 else ()         # (a row of data fills more cells: not worked out for each)
        if said_nothing and all(t in NOTHING_TEXTS for _, t in said_nothing) \
                and any(k not in filler for k, _ in said_nothing) \
                and not any(j < width and to_text(line[j]) for j in extra_cols):
            # a row saying there is nothing (风险点 = 无 from someone with no risk to name, 以下空白 under the last risk):
            # no data row, said (three "required" errors returned a correct form; "no risks" is told by no-rows)
            not_read(r, mapping[said_nothing[0][0]], said_nothing[0][1])
            continue
        if "note" in mapping and (note := to_text(values.get("note", ""))) and \
                all(k in ("seq", "note") or not to_text(v) for k, v in values.items()):
            # a row of nothing but a 备注 (由科室负责人落实) between or under the rows: a note, said (a row naming no
            # risk, it returned a good form)
            not_read(r, mapping["note"], note)
            continue
        extras = {}
        for j, label in extra_cols.items():
            if j < width and (text := to_text(line[j])):
                extras[label] = text
        above = grid[r - 1] if r - 1 > hr else ()
        copied = None        # an optional column's value the same as the row above's (dragged down), or dropdown
        # values (风险类别 = 岗位职责 dragged down the blank rows after the last risk: 28 errors, the form returned) in a
        # run of such rows (one alone under a risk is a risk whose 风险点 was forgotten: asked for)
        for k, v in values.items():      # a data row: some column holds more than a filler (first hit wins)
            if k != "seq" and (t := to_text(v)) and (k not in filler or (k not in choice_keys and t not in FILLER_TEXTS)):
                # (one optional column alone as it always was; dropdown values, or several columns, in a run: 关键环节
                # and 完成时限 dragged down together returned a correct 附件6 with 39 errors)
                # (the run's first row need not repeat the row above: a level picked in the first empty row and
                # dragged down from there, its first row was read as a risk, the form returned)
                j = mapping[k]
                same_above, same_below = j < len(above) and above[j] == v, \
                    r + 1 < len(grid) and j < len(grid[r + 1]) and grid[r + 1][j] == v
                # (… and a run begun in an empty row, on a risk form, is of one column: a level picked and dragged;
                # several values alike in two rows under the last risk are two risks whose 风险点 was forgotten; on a
                # measure form, 完成时限 and 备注 picked in an empty row and dragged are no measure)
                if (k in filler or k in dropdowns) and (same_above or same_below) \
                        and ((k in filler and copied is None and same_above) or hr < last_real() < r and (
                            (dragged_to == r - 1 and same_above)
                            or (same_below and (same_above or len(named) == 1 or not spec.is_risk_form)))):
                    copied = copied or k   # (alone in its row it makes none; with anything else it is a row begun)
                    continue
                break
        else:
            if copied is not None:
                dragged_to = r
            # only a 序号, an optional choice (涉及三重一大 = 否), a 无 or one optional column's value dragged down past
            # the table (完成时限 = 长期 filled down the blank rows: the rows were returned for 防控措施 missing; named
            # as not read), or a column of the submitter's own: no data row; that column is named below
            # (column-extra) so its content is not dropped unsaid
            if copied is not None:      # (naming every column written in it: 完成时限 and a 备注 dragged together)
                texts = [j for j in filled if j in by_col and by_col[j] != "seq" and to_text(line[j])]
                not_read(r, mapping[copied], "　".join(to_text(line[j]) for j in texts) or values[copied],
                         "、".join(map(label_of, texts)))
            extra_used.update(extras)
            for j in filled:    # text beside the table in a row of none (另：… typed to its right): said, not dropped
                if j not in by_col and j not in extra_cols and (text := to_text(line[j])):
                    not_read(r, j, text)
            seq = to_text(values.get("seq", ""))
            group = _heading_group(spec, grid, r, mapping, seq, a1(r, mapping["seq"])) \
                if seq and not _SEQ_LIKE.fullmatch(seq) and not _TOTAL.match(seq) else None
            if group is None and seq and _HEADING_TEXT.match(seq) and not _HEADING_SEQ.fullmatch(seq) \
                    and not _TOTAL.match(seq):      # (一、文秘岗位 over the risks of that post)
                group = _post_heading(grid, r, mapping, seq, a1(r, mapping["seq"]))
            if group is not None or (seq and _HEADING_TEXT.match(seq) and not _HEADING_SEQ.fullmatch(seq)
                                     and not _TOTAL.match(seq)):
                # a section heading typed in the 序号 column (一、决策类权力): said as a heading (it was told to move it
                # into 备注); one naming a 风险类别 (权力类别: 1、决策类) over the rows of its group is theirs
                findings.append(F.make(F.POST_HEADING, sheet=sheet, cell=group[2], detail=str(r + 1), value=group[1],
                                       field="岗位(环节)") if group and group[0] == "post" else
                                F.make(F.CATEGORY_HEADING, sheet=sheet, cell=group[2], detail=str(r + 1), value=seq,
                                       field=spec.column(group[0]).label) if group else
                                F.make(F.SECTION_HEADING, sheet=sheet, cell=a1(r, mapping["seq"]), detail=str(r + 1),
                                       field="序号", value=seq))
            elif seq and not _SEQ_LIKE.fullmatch(seq) and seq not in FILLER_TEXTS:
                # words in the 序号 column (合计：共 3 项…): no data row, but said, not dropped
                not_read(r, mapping["seq"], seq)
            continue
        number = str(r + 1)
        if rows and not to_text(seq) and not extras and all(j in by_col for j in filled) and heading_after != len(rows) \
                and ((len(named) == 1 and named[0] in _continued_keys(spec)
                      and not (named[0] == "post" and "power_item" in mapping))    # (a post alone: the item at it, below)
                     # (under an item merged over it: what goes on there, a step of 运行流程 with its 责任人)
                     or (r in room and named and set(named) <= _continued_keys(spec) - {"post"})):
            # only 运行流程 (职权依据, 行使岗位 …) in a row under an item: the item goes on in it (a long 运行流程 typed over
            # two rows): joined to the row above, said (it was returned as an item missing 权力事项 and the rest). Not
            # several columns (an item whose 权力事项 was forgotten: joined, it was lost), nor across a section heading
            prev = rows[-1]
            shifted = _shifted_down(spec, rows, named, values)
            for key in named:
                text, before = to_text(values[key]), to_text(prev.values.get(key, ""))
                prev.values[key] = _joined(key, before, text)
                if not before:
                    prev.refs[key] = col_letters(mapping[key] + 1) + number
            if shifted:
                # the column empty in the first row, filled in every other and one cell more under the last: pasted one
                # row too low (copied column by column from Word, every risk given its upper neighbour's), or the last
                # text going on in the row below with the first row's left empty: which one only the sender can tell
                # (read one row up, a correct form was misread; returned, a correct form was returned): joined, asked
                findings.append(F.make(F.COLUMN_SHIFTED, sheet=sheet, cell=a1(r, mapping[named[0]]), key=named[0],
                                       detail=str(rows[0].excel_row), field=spec.column(named[0]).label,
                                       value=to_text(values[named[0]])[:30]))
            else:
                findings.append(F.make(F.ROW_CONTINUED, sheet=sheet, cell=a1(r, mapping[named[0]]), detail=number,
                                       field="、".join(spec.column(k).label for k in named),
                                       value=_row_name(spec, prev) or f"第 {prev.excel_row} 行"))
            last_seen = r
            continue
        if rows and not extras and not (r in covered and items & covered[r].keys()) \
                and (joined := _repeated_above(spec, rows[-1], values)):
            # (not an item merged over the rows: merged-risk-rows asks about that)
            # the item typed again, its 序号 too, on each row of a step of its 运行流程 (a law of its 职权依据, a line of a
            # risk's 主要表现形式): one item, as where its cells are merged over those rows (it was an item per step)
            prev = rows[-1]
            for key in joined:
                before = to_text(prev.values.get(key, ""))
                text = to_text(values[key])
                prev.values[key] = _joined(key, before, text)
                if not before:
                    prev.refs[key] = col_letters(mapping[key] + 1) + number
            findings.append(F.make(F.ROW_REPEATED, sheet=sheet, cell=a1(r, mapping[joined[0]]), detail=number,
                                   field="、".join(spec.column(k).label for k in joined), value=_row_name(spec, prev)))
            last_seen = r
            continue
        inherited = {}
        if rows and "post" in named and "power_item" in mapping and not to_text(seq) and not extras \
                and set(named) <= AT_ANOTHER_POST and all(j in by_col for j in filled) and heading_after != len(rows):
            # only a 行使岗位 (and its 责任人) in a row under a power item: the item exercised at another post, as
            # where the item's cells are merged over its posts' rows (it was an item missing 权力事项, 权力类别 and
            # 三重一大, the correct form returned)
            prev = rows[-1]
            # (every cell of the item, those left empty too: asked for where the item was typed, not in this row, where
            # filling it made the row no longer the item at a post, returned again for the rest)
            # (nor the 责任人 of the post above: each post's own)
            inherited = {key: prev.refs.get(key) for key in prev.values if key != "seq" and key not in AT_ANOTHER_POST}
            for key in inherited:
                values[key] = prev.values[key]
            findings.append(F.make(F.ITEM_AT_POST, sheet=sheet, cell=a1(r, mapping["post"]), detail=number,
                                   field="、".join(spec.column(k).label for k in named), value=_row_name(spec, prev)))
        _ditto(values, rows[-1] if rows else None, spec, mapping, sheet, r, findings, len(rows))
        refs = {key: letters + number for key, letters in ref_letters}
        refs.update((key, ref) for key, ref in inherited.items() if ref)
        if r in covered:       # a value of a merged cell: where it is written (the cells it covers are empty)
            for key, j in mapping_items:
                if j in covered[r]:
                    refs[key] = col_letters(j + 1) + str(covered[r][j] + 1)
        if group is not None and not to_text(values.get(group[0])):
            values[group[0]], refs[group[0]] = group[1], group[2]
        elif group is not None and not _in_group(spec, group, values[group[0]]):
            # a risk with another category (岗位) of its own ends the group (one further down that forgot its own is
            # asked for it, not given the heading's); one with the heading's own stays in it (决策类 over 招生计划制定 |
            # 决策 and 专业设置 left empty: the second was returned, the note saying rows without one are the group's)
            group = None
        for j in filled:         # text in a column with no label: kept with the row, and said (column-extra)
            if j not in by_col and j not in extra_cols and (text := to_text(line[j])):
                extras[f"{col_letters(j + 1)}列"] = text
                unheaded.setdefault(j, r)
        if extras:
            extra_used.update(extras)
        rows.append(Row(r + 1, values, refs, extras))
        if len(rows) > MAX_FORM_ROWS:
            raise TooManyRows(f"表格中填写的行超过 {MAX_FORM_ROWS} 行")
        last_seen = r
    if said[0] > MAX_NOT_READ:
        findings.append(F.make(F.ROWS_NOT_READ_MORE, sheet=sheet, detail=said[0] - MAX_NOT_READ))
    for at, columns in extra_sets:
        for j, label in columns.items():
            if label in extra_used and (answered_on := measure_form_for(spec, label)):
                # 防控措施 typed into a column added to the risk form (sent again instead of 附件5): "write it in 备注"
                # would not register them either
                findings.append(F.make(F.MEASURES_ON_RISK_FORM, sheet=sheet, cell=a1(at, j), value=label,
                                       detail=answered_on))
            elif label in extra_used:
                # a second 备注 beside the form's own: "not of this form, write it in 备注" contradicted itself
                twice = normalize.label_key(label) in _column_keys(spec)[0]
                findings.append(F.make(F.COLUMN_EXTRA, sheet=sheet, cell=a1(at, j), value=label, detail=(
                    f"本表已有“{label}”列，这是多出的一列，请把内容移到原有的“{label}”列" if twice
                    else "这一列不属于本表单，如需说明请写在“备注”列")))
    for j, r in sorted(unheaded.items()):
        findings.append(F.make(F.COLUMN_EXTRA, sheet=sheet, cell=a1(r, j),
                               value=f"{col_letters(j + 1)}列：{to_text(grid[r][j])}",
                               detail="这一列没有表头，不属于本表单，如需说明请写在“备注”列"))
    if not rows and (above := _rows_above(grid, hr, first_mapping, header_refs)):
        # the table sorted with its header row inside the range (数据包含标题 unticked): the header sank below the rows
        # (said as "no risk written", untrue of what the person sees, the rows named nowhere)
        findings.append(F.make(F.HEADER_BELOW_ROWS, sheet=sheet, cell=a1(hr, 0), detail=str(hr + 1),
                               value=f"第 {above[0] + 1}–{above[-1] + 1} 行" if len(above) > 1 else f"第 {above[0] + 1} 行"))
        named = next((first_mapping[k] for k in ("risk", "measure", "power_item", "name") if k in first_mapping),
                     min(first_mapping.values()))
        for r in above:         # (each row named where it is: nothing lost unsaid, interfaces.md)
            findings.append(F.make(F.ROW_NOT_MERGED, sheet=sheet, cell=a1(r, named),
                                   detail=f"第 {r + 1} 行，在表头（第 {hr + 1} 行）之上，没有读取"))
    column_refs = {key: a1(hr, j) for key, j in first_mapping.items()}
    return Submission(spec.id, sheet, None, header, header_refs, signoff, signoff_refs, rows, column_refs, findings,
                      campaign_line=campaign_line)


def _rows_above(grid: list[list], hr: int, mapping: dict[str, int], header_refs: dict[str, str]) -> list[int]:
    """Rows between the header block and the table's header row that hold two or more of the table's columns: rows
    of the table above its header (0-based, in order)."""
    top = max((int(re.sub(r"^[A-Z]+", "", ref)) for ref in header_refs.values() if ref), default=0)
    cols = [j for key, j in mapping.items() if key != "seq"]
    found = []
    for r in range(hr - 1, top - 1, -1):
        line = grid[r]
        if sum(1 for j in cols if j < len(line) and normalize.to_text(line[j])) >= 2:
            found.append(r)
        elif found:
            break
    return sorted(found)


PARSE_CPU: list[float] | None = None
"""When a list (FORMKIT_TIMINGS in a merge's workers), the CPU seconds spent inside python-calamine are
added to its first item: the bench tells the parse apart from the rest of reading."""


def _cells(wb: CalamineWorkbook, name: str) -> tuple[list[list], list]:
    """A sheet's cells from A1, and its merged ranges (an empty list where the format does not say: .ods)."""
    t0 = thread_time() if PARSE_CPU is not None else 0.0
    sheet = wb.get_sheet_by_name(name)
    grid = sheet.to_python(skip_empty_area=False)
    # (a range recorded backwards, B10:B8, is the block LibreOffice and Excel show: B8:B10)
    # (and once each: one range recorded 20,000 times gave as many notes, a 7 MB report.json)
    merged = list(dict.fromkeys(((min(r0, r1), min(c0, c1)), (max(r0, r1), max(c0, c1)))
                                for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []))
    if PARSE_CPU is not None:
        PARSE_CPU[0] += thread_time() - t0
    return grid, merged


def read_workbook(data: bytes, kind: str, forms: dict[str, FormSpec],
                  kept: dict[str, bytes] | None = None, sheet: str | None = None) -> Submission:
    """Read one workbook's bytes (already checked by formkit.safety; `kept`: the parts
    `safety.inspect_workbook` inflated). Raises NotAForm or the parser's own error for files that are
    not forms or cannot be parsed.

    A workbook holding several filled forms (a secretary's collection of her colleagues' 附件3, one sheet each; a
    department's 附件2 and 附件4 in one file) is read as its main form, the others named in `apart`; `sheet` then
    reads one of those as the form (its own input)."""
    t0 = thread_time() if PARSE_CPU is not None else 0.0
    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    if PARSE_CPU is not None:
        PARSE_CPU[0] += thread_time() - t0
    parts = Parts(data, kept) if kind == "xlsx" else None
    content = _ods_content(data) if kind == "ods" else None      # (inflated once for merges, hidden rows, errors)
    try:
        try:
            sub = _read_workbook(wb, parts, forms, _ods_merged(content) if kind == "ods" else None, sheet)
        except Exception as exc:
            # a merged range recorded as no range (A0:A2, 1:1, garbage) stops python-calamine reading the sheet: the
            # file was "damaged, cannot be opened", its rows lost, where Excel and LibreOffice drop that range and show
            # the form. Read without the ranges that are none, said.
            if kind != "xlsx" or not _BAD_RANGE.search(str(exc)) or (cleaned := _without_bad_merges(data)) is None:
                raise
            if parts is not None:
                parts.close()
                parts = None
            sub = read_workbook(cleaned[0], kind, forms, None, sheet)
            if cleaned[1]:          # (not for B$9:$B$10, read as B9:B10)
                sub.findings.append(F.make(F.MERGES_DAMAGED, sheet=sub.sheet, cell="A1"))
            return sub
        if parts is not None and sub.form in forms and (book := parts.get("xl/workbook.xml")) \
                and _DATE1904.search(book):
            _from_1904(sub, forms[sub.form])
        if kind == "ods" and sub.form in forms:
            _ods_early_days(sub, forms[sub.form])
    finally:
        if parts is not None:
            parts.close()
    if kind in ("ods", "xls"):
        if kind == "ods":
            hidden, errors = _ods_hidden_rows(content, sub.sheet), _ods_error_cells(content, sub.sheet)
        else:
            hidden, errors = _xls_hidden_rows_and_errors(data, sub.sheet)
        _say_hidden(sub, hidden)     # (as for .xlsx: the file said nothing of them)
        needed, used = _cells_of(sub, forms[sub.form]) if errors and sub.form in forms else (frozenset(),) * 2
        for ref, (formula, shown) in sorted(errors.items(), key=lambda kv: ref_order(kv[0])):
            sub.formula_cells[ref] = formula
            sub.findings.append(_error_value(sub.sheet, ref, shown, needed, used, sub, formula.lstrip("=")))
    return sub


_BAD_RANGE = re.compile(r"Range is missing|Expecting alphanumeric|[Ii]nvalid (?:cell )?(?:range|reference)")
"""What python-calamine says of a merged range that is no range."""
_MERGE_CELL = re.compile(rb"""<(?:[\w.-]+:)?mergeCell\b[^>]*?\bref\s*=\s*(["'])(.*?)\1[^>]*?"""
                         rb"""(?:/>|>\s*</(?:[\w.-]+:)?mergeCell\s*>)""", re.S)
_RANGE_REF = re.compile(rb"[A-Z]{1,3}[1-9][0-9]{0,6}(?::[A-Z]{1,3}[1-9][0-9]{0,6})?")


def _merge_kept(m: re.Match) -> bytes:
    """A <mergeCell> as python-calamine reads it: its range without $ (B$9:$B$10), or nothing when it is no range."""
    ref = m[2].replace(b"$", b"").strip()
    return b'<mergeCell ref="' + ref + b'"/>' if _RANGE_REF.fullmatch(ref) else b""


def _without_bad_merges(data: bytes) -> tuple[bytes, bool] | None:
    """The .xlsx with the merged ranges that are no cell range taken out of its sheets (and $ taken out of those that
    are), and whether any was taken out; None when nothing changed."""
    changed = dropped = False
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml") and b"mergeCell" in body:
                kept = _MERGE_CELL.sub(_merge_kept, body)
                changed = changed or kept != body
                dropped = dropped or len(_MERGE_CELL.findall(kept)) < len(_MERGE_CELL.findall(body))
                body = kept
            dst.writestr(info, body)
    return (out.getvalue(), dropped) if changed else None


def _xls_hidden_rows_and_errors(data: bytes, sheet: str) -> tuple[set[int], dict[str, tuple[str, str]]]:
    """The hidden rows (as Excel numbers them) and the cells showing an error value ({A1: ("", "#NAME?")}) of an .xls sheet, by
    xlrd: python-calamine gives neither (a row hidden as void was merged unsaid; =1/0 in 风险等级 read as empty, "required").
    Nothing when xlrd cannot read the file (a WPS .et of another make: calamine read it)."""
    if len(data) > _XLRD_MAX:       # (a sheet of many thousand rows: its formatting read again would cost more than it says)
        return set(), {}
    try:
        import xlrd

        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True, logfile=io.StringIO())
        sh = book.sheet_by_name(sheet)
        hidden = {r + 1 for r, info in sh.rowinfo_map.items() if info.hidden}     # (as Excel numbers rows)
        errors = {a1(r, c): ("", xlrd.error_text_from_code.get(sh.cell_value(r, c), "#错误"))
                  for r in range(min(sh.nrows, MAX_FORM_ROWS * 2)) for c, t in enumerate(sh.row_types(r))
                  if t == xlrd.XL_CELL_ERROR}
        return hidden, errors
    except Exception:  # noqa: BLE001 - what xlrd cannot read: the rest was read by calamine
        return set(), {}


_XLRD_MAX = 8 << 20
"""The largest .xls whose hidden rows and error cells xlrd reads (a form of hundreds of rows is a few hundred KB)."""


def _error_value(sheet: str, ref: str, shown: str, needed: frozenset[str], used: frozenset[str],
                 sub: Submission | None = None, formula: str = "") -> F.Finding:
    """What an error value (#REF!, #N/A) in a cell is: an error where the cell is required; a warning, read as empty,
    where it is taken but not required (#N/A in 备注); a note where nothing is taken from it (序号, a sign-off, beside
    the form). Words after a = (=违规收受回扣, #NAME?) are read as the words, and said how to type them: the feedback
    workbook showed the cell empty, the person's 风险点 gone from the form to correct."""
    if ref not in used:
        return F.make(F.CELL_NOT_USED, sheet=sheet, cell=ref, detail=f"显示错误值 {shown}")
    said = F.make(F.FORMULA_ERROR if ref in needed else F.FORMULA_ERROR_BLANK, sheet=sheet, cell=ref, value=shown)
    if sub is not None and _WORDS_AS_FORMULA.fullmatch(formula):
        _blank_cell(sub, ref, formula)
        said = replace(said, message=f"这一格填写的“={formula}”以“=”开头，被表格程序当作公式，显示错误值 {shown}；内容应是"
                                     f"“{formula}”：请去掉开头的“=”后发送（要保留“=”时在前面加英文单引号 '）。")
    return said


_CELL_PICTURE = re.compile(r"^(?:_xlfn\.)?DISPIMG\(", re.IGNORECASE)


def _cells_of(sub: Submission, spec: FormSpec) -> tuple[frozenset[str], frozenset[str]]:
    """(the cells of required fields, the cells of every field taken into the outputs): the header's and the table's
    (not 序号's, nor the sign-off's)."""
    need = {f.key for f in (*spec.columns, *spec.header) if f.need == "req"}
    needed, used = set(), set()
    for refs in (sub.header_refs, *(row.refs for row in sub.rows)):
        for key, ref in refs.items():
            if key != "seq":
                used.add(ref)
                if key in need:
                    needed.add(ref)
    return frozenset(needed), frozenset(used)


def _blank_cell(sub: Submission, ref: str, value: str = "") -> None:
    """The value read from cell `ref` taken as empty, or as `value` (the words of =违规收受回扣), wherever the submission
    holds it."""
    for values, refs in ((sub.header, sub.header_refs), (sub.signoff, sub.signoff_refs),
                         *((row.values, row.refs) for row in sub.rows)):
        for key, at in refs.items():
            if at == ref and key in values:
                values[key] = value


_WORDS_AS_FORMULA = re.compile(r"[^()\[\]!:+\-*/^&<>=,\"'$]*[\u4e00-\u9fff][^()\[\]!:+\-*/^&<>=,\"'$]*")
"""A formula that is words (=违规收受回扣: a = typed before them, taken by LibreOffice or Excel for a formula, #NAME?)."""


_DATE1904 = re.compile(rb"""date1904\s*=\s*["'](?:1|true)["']""")
_DAYS_1904 = 1462          # 1904-01-01 is day 1462 of the 1900 system


_EXCEL_LEAP = datetime(1900, 3, 1)


def _ods_early_days(sub: Submission, spec: FormSpec) -> None:
    """An .ods counts days from 1899-12-30 throughout; Excel's 1900 system counts its first two months from 1899-12-31
    (it has a 29 February 1900). A number typed into a date cell (3.16 for 3月16日, 6.30 for a deadline) becomes such a
    day: read as Excel's, as the rules that recover what was typed expect (an .ods gave 2月16日, a month early, unsaid)."""
    def shift(values: dict, fields) -> None:
        for f in fields:
            v = values.get(f.key)
            if f.type in ("date", "when") and isinstance(v, datetime) and v < _EXCEL_LEAP:
                values[f.key] = v + timedelta(days=1)

    shift(sub.header, spec.header)
    shift(sub.signoff, spec.signoff)
    for row in sub.rows:
        shift(row.values, spec.columns)


def _from_1904(sub: Submission, spec: FormSpec) -> None:
    """A workbook counting days from 1904 (old Mac Excel): a date typed as a bare number (a serial pasted as a value
    into a General cell) counts from there; it was read 4 years and a day early (python-calamine converts the cells
    formatted as dates itself)."""
    def shift(values: dict, fields) -> None:
        for f in fields:
            v = values.get(f.key)
            if f.type in ("date", "when") and isinstance(v, int | float) and not isinstance(v, bool):
                values[f.key] = v + _DAYS_1904

    shift(sub.header, spec.header)
    shift(sub.signoff, spec.signoff)
    for row in sub.rows:
        shift(row.values, spec.columns)


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"


def _ods_content(data: bytes) -> bytes | None:
    """An .ods package's content.xml (None when it has none); each use parses it only when it holds its marker."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return zf.read("content.xml")
    except (KeyError, zipfile.BadZipFile, OSError, RuntimeError):
        return None


def _ods_cells(xml: bytes) -> Iterator[tuple[str, int, int, object]]:
    """(sheet name, row, column, element) of every cell of an .ods content.xml, 0-based, repeated rows and columns
    counted as a reader counts them (safety.inspect_workbook has checked the package). Stops at a parse error."""
    name, row, col = "", 0, 0
    try:
        for event, elem in ElementTree.iterparse(io.BytesIO(xml), events=("start", "end")):
            tag = elem.tag
            if tag == _ODS_TABLE + "table":
                if event == "start":
                    name, row = elem.get(_ODS_TABLE + "name") or "", 0
            elif tag == _ODS_TABLE + "table-row":
                if event == "start":
                    col = 0
                else:
                    row += int(elem.get(_ODS_TABLE + "number-rows-repeated") or 1)
                    elem.clear()
            elif tag in (_ODS_TABLE + "table-cell", _ODS_TABLE + "covered-table-cell") and event == "end":
                yield name, row, col, elem
                col += int(elem.get(_ODS_TABLE + "number-columns-repeated") or 1)
    except (ElementTree.ParseError, ValueError):
        return


def _ods_error_cells(content: bytes | None, sheet: str) -> dict[str, tuple[str, str]]:
    """Cells of an .ods sheet that show an error value (#NAME?, Err:502 …): A1 → (formula, what it shows).
    python-calamine hands them back empty; LibreOffice marks them calcext:value-type="error". Only files
    that hold such a mark are parsed."""
    xml = content if content and b'value-type="error"' in content else None
    found: dict[str, tuple[str, str]] = {}
    for name, row, col, elem in _ods_cells(xml) if xml else ():
        if name == sheet and elem.get(_ODS_CALCEXT + "value-type") == "error":
            formula = (elem.get(_ODS_TABLE + "formula") or "").removeprefix("of:")
            found[a1(row, col)] = (formula.lstrip("="), "".join(elem.itertext()).strip() or "错误值")
    return found


def _ods_hidden_rows(content: bytes | None, sheet: str) -> set[int]:
    """The rows of an .ods sheet hidden by hand or by a filter (table:visibility collapse / filter), 1-based; only
    files that hold such a row are parsed."""
    hidden: set[int] = set()
    if not content or (b'visibility="collapse"' not in content and b'visibility="filter"' not in content):
        return hidden
    name, row = "", 0
    try:
        for event, elem in ElementTree.iterparse(io.BytesIO(content), events=("start", "end")):
            if elem.tag == _ODS_TABLE + "table" and event == "start":
                name, row = elem.get(_ODS_TABLE + "name") or "", 0
            elif elem.tag == _ODS_TABLE + "table-row" and event == "end":
                n = int(elem.get(_ODS_TABLE + "number-rows-repeated") or 1)
                if name == sheet and elem.get(_ODS_TABLE + "visibility") in ("collapse", "filter"):
                    hidden.update(range(row + 1, row + 1 + min(n, MAX_FORM_ROWS)))
                row += n
                elem.clear()
    except (ElementTree.ParseError, ValueError):
        pass
    return hidden


def _ods_merged(content: bytes | None) -> dict[str, list]:
    """The merged ranges of an .ods, sheet by sheet, as python-calamine gives them for .xlsx ((r0, c0), (r1, c1),
    0-based): calamine gives none for .ods, and a 岗位 merged over its risks' rows read as empty cells (required,
    on cells the submitter sees filled). Only files that hold a merge are parsed."""
    xml = content if content and b"-spanned=" in content else None
    found: dict[str, list] = {}
    for name, row, col, elem in _ods_cells(xml) if xml else ():
        rows = int(elem.get(_ODS_TABLE + "number-rows-spanned") or 1)
        cols = int(elem.get(_ODS_TABLE + "number-columns-spanned") or 1)
        if rows > 1 or cols > 1:
            found.setdefault(name, []).append(((row, col), (row + rows - 1, col + cols - 1)))
    return found


def filled_rows(sub: Submission, spec: FormSpec) -> list[Row]:
    """The rows of a sheet that someone filled in: a value in a column that is not pre-filled (a measure form's
    pre-filled risks alone are a blank form)."""
    own = [f.key for f in spec.columns if not f.prefill and f.key != "seq"]
    return [row for row in sub.rows if row.extra or any(normalize.to_text(row.values.get(k, "")) for k in own)]


def _own_output(visible: list[str], grid_of) -> str | None:
    """Which of formkit's outputs a workbook is, by its sheets' content (whatever format it was saved in), else None."""
    for name in visible:
        if name.startswith("风险目录"):
            head = grid_of(name)[:1]
            if head and "来源SHA256" in head[0] and "风险编号" in head[0]:
                return "汇总工作簿“廉政风险目录”"
        elif name.startswith("公示"):
            top = grid_of(name)[:2]
            title = str(top[0][0]) if top and top[0] else ""
            if title.endswith("廉政风险目录（公示）") and len(top) > 1 \
                    and any("公示日期" in str(v) for v in top[1]):
                return "公示版"
    return None


def _all_labels(forms: dict[str, FormSpec]) -> frozenset[str]:
    """Every column label (and alias) of the forms, as label_key gives them."""
    return _labels_of(tuple(forms.values()))


@lru_cache(maxsize=8)
def _labels_of(specs: tuple[FormSpec, ...]) -> frozenset[str]:
    return frozenset(k for f in specs for c in f.columns for k in _label_keys(c))


def _stray_row(line: list, seen: set[str], labels: frozenset[str], choices: frozenset[str]) -> tuple[int, str] | None:
    """(the column, the text) of a row of a sheet no form is found on that holds a table's row: three cells or more,
    none about a risk read on the form, not a header of labels nor a row of dropdown choices; else None."""
    cells = [(j, v) for j, v in enumerate(line) if v not in ("", None)]
    texts = [normalize.fold(v) for _, v in cells if isinstance(v, str)]
    if len(cells) < 3 or any(t in seen for t in texts) \
            or sum(1 for _, v in cells if isinstance(v, str) and normalize.label_key(v) in labels) >= 2 \
            or (texts and len(texts) == len(cells) and all(t in choices for t in texts)):
        return None
    return cells[0][0], next((str(v) for _, v in cells if isinstance(v, str) and len(v) > 1), str(cells[0][1]))


def _export_summary(grid) -> bool:
    """The sheet Apple Numbers puts first when it exports to Excel ("导出摘要"/"Export Summary": which Numbers table became
    which worksheet): nothing of the submitter's (its rows were "not read", a reply asking to unhide it)."""
    top = " ".join(normalize.to_text(v) for line in grid[:6] for v in line[:4] if v not in (None, ""))
    return "Numbers" in top and ("Excel 工作表" in top or "Excel Worksheet" in top or "Excel worksheet" in top)


def _choice_in(line: list, choices: frozenset[str]) -> bool:
    """A row that reads as one of a form: holding a word of the forms' dropdowns (a level, a category…; 是/否 are in any
    table), or a level however written (2, II, 高) beside a description (a continuation typed without its header, levels
    written 1/2/3 as forms.md says people do: one quiet note, its risks lost unsaid)."""
    if any(isinstance(v, str) and (t := normalize.fold(v)) in choices and t not in ("是", "否") and _CJK.search(t)
           for v in line):
        return True
    return any(normalize.level(v)[0] for v in line if v not in (None, "")) and any(
        isinstance(v, str) and len(v.strip()) >= 5 and _CJK.search(v) and not _POST_OR_UNIT.search(v.strip())
        for v in line)


def _risk_like(line: list, choices: frozenset[str]) -> bool:
    """A row that reads as a risk written down (a level or category beside a description of 6 characters or more, not a
    post or unit), not a row of dropdown lists (教务员 | 思想道德 | 一级)."""
    texts = [normalize.fold(v) for v in line if isinstance(v, str) and v.strip()]
    return any(t in choices and _CJK.search(t) for t in texts) \
        and any(len(t) >= 6 and t not in choices and _CJK.search(t) and not _POST_OR_UNIT.search(t) for t in texts)


_CJK = re.compile(r"[\u4e00-\u9fff]")
_POST_OR_UNIT = re.compile(r"(?:科长|处长|部长|院长|主任|员|岗位|岗|书记|干事|秘书|中心|办公室|科|处|学院)$")
"""How a post or a unit's name ends (教务处教材科科长, 实验室管理员岗位, 招生就业办公室): a list's item, no risk written down."""


@lru_cache(maxsize=8)
def _choice_words(specs: tuple[FormSpec, ...]) -> frozenset[str]:
    """Every value a dropdown of the forms offers (and the levels, 是/否), folded: what a sheet of lists holds."""
    words = {*normalize.LEVEL_WORDS, "是", "否"}
    for f in specs:
        for c in (*f.columns, *f.header):
            words.update(c.choices)
            words.update(c.synonyms)
    return frozenset(normalize.fold(w) for w in words)


_ROW_KEYS = ("risk", "power_item", "name")


def _row_texts(row: Row) -> set[str]:
    """What a row is about: its 风险点 (a risk form's, a measure form's), else its 权力事项 (附件2), else its 姓名 (附件1),
    folded; not what rows share (the 关联权力事项 of several risks)."""
    return next(({normalize.fold(row.values[k])} for k in _ROW_KEYS if row.values.get(k)), set())


def _uncovered(rows: list[Row], subs: list[Submission]) -> list[Row]:
    """The rows whose 风险点 (权力事项, 姓名) is not among the rows of the forms read."""
    seen = set().union(*(_row_texts(r) for s in subs for r in s.rows))
    return [row for row in rows if not (texts := _row_texts(row)) or not texts <= seen]


def _shares_rows(a: Submission, b: Submission) -> bool:
    """Whether two sheets of a form have a row about the same thing (a draft and its final version do; a table and its
    continuation do not)."""
    return bool(set().union(*map(_row_texts, a.rows)) & set().union(*map(_row_texts, b.rows)))


def _whose(sub: Submission, spec: FormSpec) -> str:
    """Whose form a sheet is, to tell a continuation from another submitter's: a department form is the department's
    (one per file), a personal one its 姓名's and 工号's (two 张伟 of one department are two people)."""
    if spec.scope != "person":
        return ""
    return f"{normalize.name_key(sub.header.get('name', ''))}#{normalize.staff_no_key(sub.header.get('staff_no', ''))}"


def _owners(sub: Submission, spec: FormSpec, identity: Identity | None) -> bool:
    """Whether a personal form's sheet is the one issued to the identity's person (or names nobody)."""
    if spec.scope != "person" or identity is None or not identity.person:
        return True
    who = normalize.name_key(sub.header.get("name", ""))
    return not who or who == normalize.name_key(identity.person)


def _whole_form(grid: list[list], sub: Submission, spec: FormSpec) -> bool:
    """A sheet that is a form of its own (its title, or its header block's labels), not an overview of a few of a
    form's columns (序号 | 姓名 | 风险点 | 风险等级 …, one line per colleague's risk)."""
    return _title_found(grid, spec) or bool(sub.header_refs)


def _read_workbook(wb: CalamineWorkbook, parts: Parts | None, forms: dict[str, FormSpec],
                   ods_merges: dict[str, list] | None = None, apart: str | None = None) -> Submission:
    carriers = _zip_identities(parts) if parts is not None else []
    visible: list[str] = []
    hidden: list[str] = []
    for meta in wb.sheets_metadata:
        if meta.name == META_SHEET:
            try:
                found = ident_mod.from_meta_rows(_cells(wb, META_SHEET)[0])
            except Exception:  # noqa: BLE001 - a damaged carrier is simply absent
                found = None
            if found:
                carriers.append(("隐藏工作表", found))
        elif str(meta.visible).endswith("Visible") and "Hidden" not in str(meta.visible):
            visible.append(meta.name)
        else:
            hidden.append(meta.name)        # a copy someone hid: read only when no visible sheet has the form
    if len(visible) + len(hidden) > MAX_SHEETS:
        # each sheet holding a form is an input of its own, and each such input looks at the whole workbook: a
        # thousand sheets would take a quarter of an hour (and not one form per sheet is anyone's collection)
        raise TooManyRows(f"一个文件中有 {len(visible) + len(hidden)} 张工作表，超过 {MAX_SHEETS} 张的上限；"
                          "请分成几个文件发送")
    identity, mismatch = _consensus(carriers)

    grids: dict[str, list[list]] = {}
    merges: dict[str, list] = {}

    def grid_of(name: str) -> list[list]:
        if name not in grids:
            grids[name], merges[name] = _cells(wb, name)
            if ods_merges and name in ods_merges:
                merges[name] = ods_merges[name]
        return grids[name]

    if identity is None and parts is not None:
        # formkit's own outputs, put back into inbox/ (a leader's copy mailed back): their 公示 and 领导小组 sheets
        # show a form's labels, and read as one they replaced the real 附件1 or made a 附件3 of the publication. Told
        # by the property formkit writes into them, not by their sheets' names (a department's own workbook may
        # well have a 说明 or a 公示 sheet beside its form)
        custom = parts.get("docProps/custom.xml") or b""
        if f'name="{PROPERTY_PREFIX}inputs"'.encode() in custom:
            raise OwnOutput("汇总工作簿“廉政风险目录”")
        if f'name="{OUTPUT_PROPERTY}"'.encode() in custom:
            raise OwnOutput("公示版")
    if identity is None:
        # … and re-saved as .ods or .xls (an auditor's copy with a note), where the property is kept elsewhere: told by
        # what only formkit's outputs show, the catalogue's 来源SHA256 column, the publication's title and 公示日期 line
        own = _own_output(visible, grid_of)
        if own:
            raise OwnOutput(own)

    chosen: tuple[FormSpec, str] | None = None
    matched_row: tuple[int, int] | None = None
    read: dict[str, Submission] = {}
    if apart is not None:
        # another sheet of a workbook read before: the form its table shows; the file's identity is the workbook's
        # (of the form and person it was issued for): kept for its campaign and department, not its person or
        # pre-filled risks (the sheet is a colleague's, or another form's)
        spec = recognise(grid_of(apart), forms)[0] if apart in visible else None
        if spec is None:
            raise NotAForm()
        chosen = (spec, apart)
        if identity is not None:
            identity = replace(identity, form=spec.id, person="", staff_no="", risks=(), corrects="")
    elif identity and identity.form in forms:
        spec = forms[identity.form]
        if spec.sheet_name in visible:
            order = sorted(visible, key=lambda n: n != spec.sheet_name) + hidden
        else:
            # the form's sheet renamed: the sheet that shows most of the form (its title, then its column
            # labels) before one that shows a few of its labels (the department's own summary put first)
            # (a personal form: first the sheet that names the person it was issued to, where a secretary put
            # colleagues' sheets before it)
            owner = normalize.fold(identity.person) if spec.scope == "person" and identity.person else ""

            def strength(n: str) -> tuple[bool, bool, int]:
                grid = grid_of(n)
                named = bool(owner) and any(type(v) is str and normalize.fold(normalize.person_name(v)) == owner
                                            for line in grid[:12] for v in line)
                return named, _title_found(grid, spec), _match_header_row(grid, spec)[1]
            order = sorted(visible, key=strength, reverse=True) + hidden
        first = next(((n, f) for n in order if (f := _match_header_row(grid_of(n), spec))[1] >= 2), None)
        if first is not None:
            chosen, matched_row = (spec, first[0]), first[1]
            read[first[0]] = sub = read_sheet(grid_of(first[0]), spec, first[0], first[1], merges.get(first[0]))
            if not (filled_rows(sub, spec) if spec.is_measure_form else sub.rows):
                # blank: a copy of the form's sheet ("附件3 (2)", perhaps hidden) filled instead is the form; only
                # sheets of this form (another form's table shares a few labels with it)
                for name in order:
                    if name in read or name in OWN_SHEETS:
                        continue
                    found = _match_header_row(grid_of(name), spec)
                    if found[1] < 2 or recognise(grid_of(name), forms)[0] not in (spec, None):
                        continue
                    read[name] = copy = read_sheet(grid_of(name), spec, name, found, merges.get(name))
                    if filled_rows(copy, spec) and _owners(copy, spec, identity) \
                            and _whole_form(grid_of(name), copy, spec):
                        chosen, matched_row = (spec, name), found
                        break
    others = []
    if chosen is None:
        scored = []
        for name in visible:
            spec, score = recognise(grid_of(name), forms) if name not in OWN_SHEETS else (None, 0)
            if spec:
                scored.append((score, name, spec))
        if identity and identity.form in forms:
            # the identity names a form whose table is not found: another form is believed only on strong
            # evidence (its title and at least half its column labels), not on a few labels that a rearranged
            # sheet (a transposed table, say) happens to show in one row
            scored = [s for s in scored if s[0] >= 150]
        if not scored and identity and identity.form in forms and visible:
            # ours by its identity, but the table's header row is gone: read_sheet says table-not-found,
            # so the submitter gets feedback instead of a rejection as "not one of our forms"
            spec = forms[identity.form]
            if all(n in OWN_SHEETS for n in visible) and spec.sheet_name not in visible:
                # only 填表说明 left (the form's sheet moved into a new workbook, the old file sent): read as the form,
                # its instructions gave six false errors at cells of their text
                raise FormSheetGone(spec.full_title)
            scored.append((0, spec.sheet_name if spec.sheet_name in visible else visible[0], spec))
        if not scored:
            raise NotAForm()
        scored.sort(key=lambda s: -s[0])
        _, name, spec = scored[0]
        chosen = (spec, name)
        others = [(n, o_spec) for score, n, o_spec in scored[1:] if score >= OTHER_FORM_SCORE]
        if identity and identity.form != spec.id:
            mismatch = mismatch or F.make(F.IDENTITY_MISMATCH, value=spec.id,
                                          detail=f"隐藏标识为{identity.form}，表格内容为{spec.id}")
            identity = None
    elif apart is None:
        spec, name = chosen
        for other in visible + hidden:
            if other != name and other not in OWN_SHEETS:
                # another form's sheet: its title, or half its column labels (a department's own overview of a few
                # columns, 风险点 | 风险等级 | 数量, repeats rows already read: it is no second form)
                o_spec, score = (spec, 100) if other in read else recognise(grid_of(other), forms)
                if o_spec and score >= OTHER_FORM_SCORE:
                    others.append((other, o_spec))
    spec, name = chosen
    if apart is None and others:
        # the form's own sheet left blank (the template kept as the first sheet of a secretary's collection, the 附件2
        # of a file whose 附件4 was filled): the first filled form sheet is the file's form, not a blank one returned
        # as empty (or a colleague's sheet taken for the owner's: returned as "not your form")
        read[name] = main = read.get(name) or read_sheet(grid_of(name), spec, name, matched_row, merges.get(name))
        if not filled_rows(main, spec):
            for other, o_spec in others:
                if other not in visible:
                    continue
                read[other] = o_sub = read.get(other) or read_sheet(grid_of(other), o_spec, other, None,
                                                                    merges.get(other))
                if filled_rows(o_sub, o_spec) and _whole_form(grid_of(other), o_sub, o_spec):
                    others = [(n, s_) for n, s_ in others if n != other]
                    chosen, matched_row = (o_spec, other), None
                    if identity is not None and not (o_spec.id == identity.form and _owners(o_sub, o_spec, identity)):
                        identity = replace(identity, form=o_spec.id, person="", staff_no="", risks=(), corrects="")
                    break
    spec, name = chosen
    sub = read.get(name) or read_sheet(grid_of(name), spec, name, matched_row, merges.get(name))
    if apart is not None and identity is not None and identity.department \
            and normalize.to_text(sub.header.get("department", "")):
        # a colleague of another department put into the workbook: the department written in her sheet, not the file's
        identity = replace(identity, department="")
    sub.identity = identity
    if mismatch:
        sub.findings.insert(0, mismatch)
    if identity is None:
        sub.findings.insert(0, F.make(F.IDENTITY_MISSING, sheet=name, value=spec.full_title))
    # another visible sheet holding a filled form (a colleague's 附件3, the department's 附件4 beside its 附件2) is read as
    # an input of its own (`apart`); a sheet of the same submitter's same form again (a department's 附件4 (2), a
    # person's second sheet) continues the first one (its rows belong in that table: sheet-continued, said on the
    # input whose continuation it is); the filled rows of any other form sheet are named (nothing is lost): a hidden
    # one (a copy someone put away), or an overview that is no whole form and holds rows none of the forms read has
    position = {n: i for i, n in enumerate(visible + hidden)}
    unread: list[tuple[str, str]] = []
    apart_sheets: list[str] = []

    def name_rows(other: str, o_spec: FormSpec, rows: list[Row], code: str, into: str) -> None:
        # the row named by what it is about: its 风险点 / 防控措施 / 权力事项 / 姓名, else its first text
        own = [k for k in ("risk", "measure", "power_item", "name") if o_spec.column(k)] + \
            [f.key for f in o_spec.columns if not f.prefill and f.key != "seq"]
        for row in rows:
            said = next(((k, t) for k in own if (t := normalize.to_text(row.values.get(k, "")))), None)
            cell = row.refs.get(said[0]) if said else next((ref for key, ref in row.refs.items() if key != "seq"), None)
            sub.findings.append(F.make(code, sheet=other, cell=cell, detail=into,
                                       value=said[1] if said else "、".join(row.extra.values())))

    if apart is not None:
        mine = (spec.id, _whose(sub, spec))
        for other in visible:
            if position[other] <= position[name] or other in OWN_SHEETS:
                continue
            o_spec, score = recognise(grid_of(other), forms)
            if o_spec is None or score < OTHER_FORM_SCORE:
                continue
            o_sub = read_sheet(grid_of(other), o_spec, other, None, merges.get(other))
            rows = filled_rows(o_sub, o_spec)
            if rows and (o_spec.id, _whose(o_sub, o_spec)) == mine and not _shares_rows(o_sub, sub):
                unread.append((other, ""))
                name_rows(other, o_spec, rows, F.SHEET_CONTINUED, name)
    holder = {(spec.id, _whose(sub, spec)): name}
    holder_subs = {(spec.id, _whose(sub, spec)): sub}
    read_subs = [sub]
    loose: list[tuple[str, FormSpec, list[Row]]] = []
    for other, o_spec in sorted(others, key=lambda o: position.get(o[0], len(position))):
        o_sub = read.get(other) or read_sheet(grid_of(other), o_spec, other, None, merges.get(other))
        rows = filled_rows(o_sub, o_spec)
        if not rows:
            continue
        key = (o_spec.id, _whose(o_sub, o_spec))
        if other in visible and key in holder and o_sub.header == holder_subs[key].header \
                and [r.values for r in o_sub.rows] == [r.values for r in holder_subs[key].rows]:
            # a copy of the sheet left as it was (附件3 (2), a backup): nothing to choose, read once (read apart, it was
            # "superseded by a later submission" naming its own file)
            sub.findings.append(F.make(F.SHEET_COPY_SAME, sheet=holder[key], value=other))
            continue
        if other in visible and key in holder and _shares_rows(o_sub, holder_subs[key]):
            # the same submitter's form again, repeating rows of the first (a draft and its final version): a
            # version of it, read as an input of its own (which one stands is the versions' to say)
            apart_sheets.append(other)
            read_subs.append(o_sub)
            continue
        if other in visible and key in holder:
            if holder[key] == name:
                unread.append((other, ""))
                name_rows(other, o_spec, rows, F.SHEET_CONTINUED, name)
            continue            # (another sheet's continuation: said on that sheet's input)
        if other in visible and _whole_form(grid_of(other), o_sub, o_spec):
            apart_sheets.append(other)
            holder[key], holder_subs[key] = other, o_sub
            read_subs.append(o_sub)
            continue
        loose.append((other, o_spec, rows))
    for other, o_spec, rows in loose:
        if other in visible:    # a department's overview of its people's sheets: the rows read there are not named
            rows = _uncovered(rows, read_subs)
        if rows:
            unread.append((other, o_spec.id))
            name_rows(other, o_spec, rows, F.SHEET_NOT_READ, name)
    if apart is None:
        # a visible sheet no form's labels are found on, holding rows of a table (a continuation typed without the
        # header): its rows are named, not lost (a notes sheet of single cells is no table)
        known = {name, *apart_sheets, *(o for o, _ in others), *OWN_SHEETS}
        # (hidden too, and one showing a form's label or two over its own table: its rows were dropped unsaid)
        strays = [o for o in visible + hidden if o not in known and not o.startswith("WpsReserved")
                  and not _export_summary(grid_of(o))
                  and ((found := recognise(grid_of(o), forms))[0] is None or found[1] < OTHER_FORM_SCORE)]
        seen = set().union(*(_row_texts(r) for s_ in read_subs for r in s_.rows)) if strays else set()
        labels = _all_labels(forms) if strays else frozenset()
        choices = _choice_words(tuple(forms.values())) if strays else frozenset()
        for other in strays:            # (a form's own sheet set aside blank is recognised: not one of them)
            rows = [(r, hit) for r, line in enumerate(grid_of(other)[:MAX_NOT_READ * 10])
                    # (not a header row of labels, nor a row about a risk read on the form: a department's overview)
                    if (hit := _stray_row(line, seen, labels, choices)) is not None]
            if other in hidden and not any(_risk_like(grid_of(other)[r], choices) for r, _ in rows):
                # a sheet of lists behind a dropdown, hidden (posts, names): one note, no reply for a correct form
                if rows:
                    r, (j, text) = rows[0]
                    sub.findings.append(F.make(F.HIDDEN_SHEET_ROWS, sheet=other, cell=a1(r, j), value=str(len(rows)),
                                               detail=text[:40]))
                continue
            if rows and not any(_choice_in(grid_of(other)[r], choices) for r, _ in rows):
                # the sender's own records beside the form (an address list, a budget): no level, category or other
                # word of the forms' dropdowns in any row: one note (a warning per row, 1,300 of them and a reply)
                r, (j, text) = rows[0]
                sub.findings.append(F.make(F.SHEET_OTHER_CONTENT, sheet=other, cell=a1(r, j), value=str(len(rows)),
                                           detail=text[:40]))
                continue
            for r, (j, text) in rows[:MAX_STRAY_NAMED]:   # (said row by row, not as "another form in the file")
                sub.findings.append(F.make(F.SHEET_NOT_READ, sheet=other, cell=a1(r, j), detail=name, value=text[:60]))
            if len(rows) > MAX_STRAY_NAMED:
                r, (j, text) = rows[MAX_STRAY_NAMED]
                sub.findings.append(F.make(F.SHEET_OTHER_CONTENT, sheet=other, cell=a1(r, j),
                                           value=str(len(rows) - MAX_STRAY_NAMED), detail=text[:40]))
    if apart_sheets:
        sub.apart = tuple(apart_sheets)
        sub.findings.append(F.make(F.FORMS_APART, sheet=name, value=str(len(apart_sheets)),
                                   detail="、".join(f"“{n}”" for n in apart_sheets)))
    if unread:      # (value: the forms not read, for the chase mail of a department whose form came that way; not
        # a continuation's, the form of this input)
        sub.findings.append(F.make(F.MULTIPLE_FORMS, sheet=name, detail="、".join(n for n, _ in unread),
                                   value="、".join(dict.fromkeys(f for _, f in unread if f))))
    if parts is not None:
        formulas = _formula_cells(parts, name)
        sub.formula_cells = {ref: f for ref, (f, _, _, _) in formulas.items()}
        needed, used = _cells_of(sub, forms[sub.form]) if formulas and sub.form in forms else (frozenset(),) * 2
        signed = frozenset(sub.signoff_refs.values()) if formulas else frozenset()
        for ref, (formula, cached, err, copied) in sorted(formulas.items(), key=lambda kv: ref_order(kv[0])):
            shown = "与上方单元格相同的公式" if copied else f"={formula}" if formula else ""
            if err:     # (#REF! in a 序号 kept as =A8+1 after a row was deleted returned the whole form)
                sub.findings.append(_error_value(name, ref, err, needed, used, sub, formula))
            elif _CELL_PICTURE.search(formula):
                # WPS's picture in a cell (嵌入单元格图片): its cached "value" is the formula's text, not what it shows;
                # a signature or a stamp (in the sign-off, beside the form) is no content of the form
                _blank_cell(sub, ref)
                sub.findings.append(F.make(F.CELL_PICTURE, sheet=name, cell=ref) if ref in needed else
                                    F.make(F.CELL_PICTURE_BLANK, sheet=name, cell=ref) if ref in used else
                                    F.make(F.CELL_NOT_USED, sheet=name, cell=ref,
                                           detail="是一张图片（如签名、印章，WPS“嵌入单元格图片”）"))
            elif formula and not cached:
                sub.findings.append(F.make(F.FORMULA_UNCACHED, sheet=name, cell=ref, value=shown))
            elif formula and (ref in used or ref in signed):
                # (not a 序号 counted by a formula, =ROW()-8 filled down the empty rows too: nothing of it is taken,
                # and a note at each row, thousands over a campaign, said nothing)
                sub.findings.append(F.make(F.FORMULA_CACHED, sheet=name, cell=ref, value=shown))
        _say_hidden(sub, _hidden_rows(parts, name))
    return sub


def _say_hidden(sub: Submission, hidden_rows: set[int]) -> None:
    """Rows hidden by hand or by a filter left on: read (nothing typed is dropped), and said, since whoever printed or
    looked at the sheet did not see them."""
    if hidden_rows and (read_hidden := [row for row in sub.rows if row.excel_row in hidden_rows]):
        sub.findings.append(F.make(F.ROWS_HIDDEN, sheet=sub.sheet, cell=next(iter(read_hidden[0].refs.values()), None),
                                   detail="、".join(str(row.excel_row) for row in read_hidden[:10])
                                   + ("等" if len(read_hidden) > 10 else ""), value=str(len(read_hidden))))


_HIDDEN_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?\bhidden=\"(?:1|true)\"[^>]*>")
_ROW_NUMBER = re.compile(rb"\br=\"(\d+)\"")


def _hidden_rows(parts: Parts, sheet: str) -> set[int]:
    """The rows of a sheet marked hidden (by hand, or by a filter), 1-based; only rows that say their number."""
    in_hand = parts.sheets()
    if in_hand is not None and not any(b'hidden="' in xml for xml in in_hand):
        return set()        # the usual case: nothing hidden in any sheet (the sheet's part is not looked up)
    member = _sheet_member(parts, sheet)
    xml = parts.get(member) if member else None
    if not xml or b'hidden="' not in xml:
        return set()
    return {int(m[1]) for tag in _HIDDEN_ROW.finditer(xml) if (m := _ROW_NUMBER.search(tag[0]))}
