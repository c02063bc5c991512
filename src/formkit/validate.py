"""Validation: small rules, registered in one place, that turn a Submission into findings.

Validation never raises for a submitter's mistake: it returns findings. Cell values are first
coerced by their declared type (level and 是/否 synonyms, dates written as text), then the rules run.
Rules of stage "file" look at one submission; rules of stage "campaign" also see what other
submissions brought (the department's 附件2, the risks accepted so far).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import lru_cache

from formkit import findings as F
from formkit import normalize
from formkit.config import Config, Department, Person, same_round
from formkit.normalize import iso_text
from formkit.read import Submission, a1
from formkit.spec import Field, FormSpec


@dataclass
class CleanRow:
    index: int                      # 0-based position among the submission's data rows
    excel_row: int
    values: dict[str, object]       # key → canonical value (str, or date for date columns)
    refs: dict[str, str]
    extra: dict[str, str] = field(default_factory=dict)

    def at(self, *keys: str) -> str:
        """This row's cell in the column of the first of `keys` it has (else of its first column): where an auditor
        finds the row. refs name where each value is written, and a value merged down from a row above (风险点 over two
        risks' rows) is written up there: citing it sent the second risk's trace to the first risk's row."""
        ref = next((self.refs[k] for k in keys if self.refs.get(k)), None) or next(iter(self.refs.values()), "")
        return ref.rstrip("0123456789") + str(self.excel_row) if ref else ""


@dataclass
class Checked:
    """A submission after validation: canonical values, whose it is, and its findings."""
    sub: Submission
    spec: FormSpec
    header: dict[str, object]
    signoff: dict[str, object]
    rows: list[CleanRow]
    department: Department | None = None
    person: str = ""                 # 姓名 for personal forms
    staff: Person | None = None
    findings: list[F.Finding] = field(default_factory=list)
    retired_code: str = ""           # the department code the form was issued under, no longer in the roster: its
                                     # risk numbers keep it (validate.department)
    merged_from: bool = False        # … a department since merged into another (its name now a 简称 of that one)
    left_no: str = ""                # the 工号 typed in a copy of a form issued to someone who has left since: her
                                     # risk numbers keep it (validate.person)

    @property
    def person_key(self) -> str:
        """Whose personal form this is (normalize.person_key): the 工号 of the roster entry it was matched to, else
        the folded 姓名 (without a staff list one person may send a form with and without his 工号: the same
        person; two people of one name are said, pipeline.SAME_NAME); "" when neither is known."""
        return normalize.person_key(self.staff.staff_no if self.staff else "", self.person)

    @property
    def typed_staff_no(self) -> str:
        """The 工号 written in a personal form's header, when it is a plain one (letters, digits, -)."""
        typed = normalize.fold(self.header.get("staff_no", "")).upper()
        return typed if typed and len(typed) <= 20 and all(ch.isascii() and (ch.isalnum() or ch == "-")
                                                           for ch in typed) else ""

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == F.ERROR)

    def key(self, anonymous: str = "") -> tuple[str, ...]:
        """Same key = same form of the same submitter: a later one supersedes the earlier. anonymous: what sets
        apart a form that names nobody, a personal form without its name or a department's without its 部门 (its
        SHA-256: it supersedes nothing, nothing supersedes it; two departments' forms without 部门 replaced each other)."""
        if self.spec.scope == "coordinator":
            return (self.spec.id,)
        typed = normalize.fold(iso_text(self.header.get("department", "")))
        nobody = f"?#{anonymous or id(self)}"      # (a form that says nobody's it is: supersedes nothing, nothing it)
        dept = self.department.code if self.department else ("?" + typed if typed else nobody)
        if self.spec.scope == "department":
            # a department merged into another: its forms are its own, beside (not replacing) the other's
            return (self.spec.id, dept, self.retired_code) if self.merged_from else (self.spec.id, dept)
        # a personal form without a name is nobody's in particular: it supersedes nothing; one whose person is
        # known by 工号 is theirs whichever department it was sent from (someone moved in the roster)
        who = self.person_key
        return (self.spec.id, "#" if who.startswith("#") else dept, who or nobody)


Rule = Callable[["Checked", "Context"], Iterable[F.Finding]]


@dataclass
class Context:
    cfg: Config
    # filled by the pipeline before campaign rules run
    power_items: dict[str, set[str]] = field(default_factory=dict)   # dept code → folded 权力事项 of its 附件2
    power_names: dict[str, dict[str, str]] = field(default_factory=dict)  # … → folded → as 附件2 writes it
    risks: dict[str, dict] = field(default_factory=dict)             # 风险编号 → catalogue row of accepted risks
    former: dict[str, set[str]] = field(default_factory=dict)        # 风险编号 → folded wordings it had (re-sent)
    pending: set[str] = field(default_factory=set)    # 风险编号 of a re-sent risk form that was returned: not merged
                                                      # until it is corrected, but not withdrawn either
    campaign_risks: dict[str, dict] | None = None     # every accepted risk, while `risks` holds one scope's only
    measures_pending: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)
    # 风险编号 → (file, 防控措施/工作程序/… → sheet!cell) of the row of a returned measure form that answers it: its
    # measures wait for the correction (变化: 退回待改, not a measure deleted)
    measure_rows: dict[str, list[tuple[str, str, str, str]]] = field(default_factory=dict)
    # 风险编号 → (防控措施, 工作程序, 关键环节, 完成时限) of each row, for a risk its measure form answers in several rows
    # (the catalogue joins them; a measure form generated again gives them back as they were sent)
    _issued_names: dict[str, set[str]] | None = None
    _issued_people: dict[str, set[tuple[str, str]]] | None = None
    _issued_runs: dict[str, list[list[str]]] | None = None
    _left: Callable[[Mapping], bool] | None = None

    def left_staff(self) -> Callable[[Mapping], bool]:
        """left_staff of the configuration, made once (every measure form asks)."""
        if self._left is None:
            self._left = left_staff(self.cfg)
        return self._left

    def issued_people(self) -> dict[str, set[tuple[str, str]]]:
        """The staff each department's forms went to (config.issued_people), read once."""
        if self._issued_people is None:
            from formkit.config import issued_people

            self._issued_people = issued_people(self.cfg)
        return self._issued_people

    def issued_runs(self) -> dict[str, list[list[str]]]:
        """Who each department's personal forms went to, generate run by run (config.issued_runs), read once."""
        if self._issued_runs is None:
            from formkit.config import issued_runs

            self._issued_runs = issued_runs(self.cfg)
        return self._issued_runs

    def issued_names(self) -> dict[str, set[str]]:
        """The names each department's forms were issued under (config.issued_names), read once."""
        if self._issued_names is None:
            from formkit.config import issued_names

            self._issued_names = issued_names(self.cfg)
        return self._issued_names


FILE_RULES: list[tuple[str, Rule, tuple[str, ...] | None]] = []
CAMPAIGN_RULES: list[tuple[str, Rule, tuple[str, ...] | None]] = []


def rule(stage: str = "file", forms: tuple[str, ...] | None = None) -> Callable[[Rule], Rule]:
    """Register a rule; forms limits it to some form ids."""
    def register(fn: Rule) -> Rule:
        (FILE_RULES if stage == "file" else CAMPAIGN_RULES).append((fn.__name__, fn, forms))
        return fn
    return register


# -- coercion by type ---------------------------------------------------------------------------------


def _preview(text: str) -> str:
    """What a too long cell holds, as 问题说明 and report.json show it (the cell itself holds all of it)."""
    return text if len(text) <= 100 else text[:99] + "…"


_CELL_LIMIT = 32767
"""What one cell of Excel holds (UTF-16 code units): the outputs' cells are cut there (a text joined from two long
cells, row-continued, can be longer than either)."""


def _too_long(text: str, limit: int) -> str:
    if len(text) > _CELL_LIMIT // 2 and len(text.encode("utf-16-le")) > 2 * _CELL_LIMIT:
        return f"{len(text)} 字，超过 Excel 单元格最多 {_CELL_LIMIT} 字的上限：风险目录和公示表只能保留前 {_CELL_LIMIT} 字"
    return f"{len(text)} 字，最多 {limit} 字；已照原文汇总"


_A_YEAR = re.compile(r"(?:19|20)\d\d")


_WORDED = frozenset({"risk", "manifest", "measure", "procedure", "process", "basis", "power_item"})
"""Columns of descriptions: nobody types a bare number there."""


def _typed_into_a_date_cell(raw: datetime, where: dict) -> tuple[str, F.Finding]:
    """完成时限 typed as 2026.6 (June 2026) or 6.30 (30 June) into a cell of the form's date format: the spreadsheet
    stored the number, shown as a day of 1900–1905 (it stood in 风险目录 as 1905-07-18 14:24:00, said to be "before
    the campaign, last year's deadline"). What was typed is read back: a year and month, or a month and day; where the
    number lost a last 0 (2026.10 stored as 2026.1, 6.30 or 6.3), it stays unclear."""
    n = round((raw - (datetime(1899, 12, 31) if raw < datetime(1900, 3, 1) else datetime(1899, 12, 30)))
              / timedelta(days=1), 2)
    whole, cents = int(n), round((n - int(n)) * 100)
    typed = f"{n:.2f}".rstrip("0").rstrip(".")
    read = ""
    if 2000 <= whole <= 2100 and cents:
        month = cents // 10 if cents % 10 == 0 else cents
        if month != 1 and 1 <= month <= 12:      # (2026.1: January, or 2026.10 with its 0 dropped)
            read = f"{whole}年{month}月"
    elif 1 <= whole <= 12 and cents:
        day = cents if cents % 10 else (cents // 10 if cents > 31 else 0)     # (6.3: the 3rd, or the 30th?)
        if 1 <= day <= 31:
            read = f"{whole}月{day}日"
    if not read:
        return typed, F.make(F.DATE_UNCLEAR, value=typed, **where)
    return read, F.make(F.DATE_TYPED_AS_NUMBER, value=typed, detail=read, **where)


_YEAR_MONTH = re.compile(r"\s*(?:(?:19|20)\d\d|[二][〇零○][一二三四五六七八九〇零○]{2})\s*(?:年\s*(?:0?[1-9]|1[0-2]|十[一二]?|[一二三四五六七八九])"
                         r"\s*月份?|[-/](?:0?[1-9]|1[0-2]))\s*")
"""A date written to its month only (2023年3月, 2023-03, 2023/3, 二〇二三年三月; not 2023.3, a number a date cell may hold)."""


def coerce(f: Field, raw: object, sheet: str, ref: str | None, row: int | None) -> tuple[object, F.Finding | None]:
    """Canonical value of one cell and at most one finding about it."""
    text = normalize.to_text(raw)
    if f.type == "text":        # most cells: no dict of where-it-is unless there is a finding
        if (isinstance(raw, date) and f.key != "note") or (f.key in _WORDED and isinstance(raw, int | float)
                                                              and not isinstance(raw, bool)):
            # a date in a column of words (运行流程 typed 1-2-3, a range 3-5), a bare number in one of descriptions
            # ((1) stored as -1, 2023.10 as 2023.1): the spreadsheet turned what was typed into it, published as such,
            # unsaid (a 备注 may well hold a date; a phone or a 工号 a number)
            return text, F.make(F.TEXT_CONVERTED, value=text, **_at(f, sheet, ref, row))
        if len(text) > f.max_length:
            return text, F.make(F.TOO_LONG, value=_preview(text), detail=_too_long(text, f.max_length), **_at(f, sheet, ref, row))
        return text, None
    where = _at(f, sheet, ref, row)
    if f.type == "when":
        if isinstance(raw, datetime) and raw.year < 1910:
            return _typed_into_a_date_cell(raw, where)
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            parsed, _ = normalize.parse_date(raw)
            if parsed is not None and 2000 <= parsed.year <= 2099:     # 2023-05-10 typed into a General cell
                return parsed.isoformat(), F.make(F.DATE_AS_NUMBER, value=text, detail=parsed.isoformat(), **where)
        if len(text) > f.max_length:
            return text, F.make(F.TOO_LONG, value=_preview(text), detail=_too_long(text, f.max_length), **where)
        if normalize.impossible_date(text):          # 2023-02-30: published as the deadline, unsaid
            return text, F.make(F.DATE_IMPOSSIBLE, value=text, detail="；若是长期执行的措施，可填写“长期”", **where)
        if text.strip() in PLACEHOLDERS:
            # 待定, 无, /: no time limit, published as one, unsaid (an empty cell is asked about: expected)
            said = F.make(F.EXPECTED, **where)
            return text, replace(said, value=text, message=f"“{f.label}”填写为“{text.strip()}”，没有写出时限；建议写明完成时间"
                                                        "（如 2023年6月底前），长期执行的可填写“长期”。")
        if text.startswith(("二〇", "二零", "二○")) or text[:1].isdigit() and _A_YEAR.search(
                text if text.isascii() else unicodedata.normalize("NFKC", text)):
            # (２０２６－０６－３０ typed in full-width mode: the same date, it stayed text, out of the filter)
            # a whole date however typed (2023/6/30, 2023.6.30, 2023年6月30日, a date cell with a time) as one date, as
            # 风险目录 writes it (a date, filtered and sorted as one); 2023年6月, 6月底前, 长期 as typed
            parsed, _ = normalize.parse_date(raw)
            if parsed is not None and 2000 <= parsed.year <= 2099:
                return parsed.isoformat(), None
        return text, None
    if f.type == "date":
        if not text:
            return "", None
        parsed, as_text = normalize.parse_date(raw)
        if parsed is None:      # an error where the date is required; else a warning (forms.md: 填表日期 is "want")
            if f.need != "req" and normalize.impossible_date(text):     # 2026-11-31: no such day (not "unrecognisable")
                return text, F.make(F.DATE_IMPOSSIBLE, value=text, **where)
            if f.need != "req" and _YEAR_MONTH.fullmatch(text):
                # 2023年3月: how offices date a return, no day to read (a warning drew a "please check" reply)
                return text, F.make(F.DATE_MONTH_ONLY, value=text, **where)
            return text, F.make(F.INVALID_DATE if f.need == "req" else F.DATE_UNCLEAR, value=text, **where)
        if as_text:
            code = F.DATE_AS_NUMBER if isinstance(raw, int | float) and not isinstance(raw, bool) else F.DATE_AS_TEXT
            return parsed, F.make(code, value=text, detail=parsed.isoformat(), **where)
        return parsed, None
    if not text:
        return "", None
    if f.need != "req" and f.type in ("yesno", "choice") and text in _NOT_APPLICABLE:
        return "", None        # / or — in an optional choice: nothing chosen (it was a choice not allowed, returned)
    if f.type == "level":
        canon, changed = normalize.level(raw)
        if canon is None:
            return text, F.make(F.INVALID_LEVEL, value=text, **where)
        return canon, F.make(F.LEVEL_NORMALISED, value=text, detail=canon, **where) if changed else None
    if f.type == "yesno":
        canon, changed = normalize.yesno(raw)
        if canon is None:
            return text, F.make(F.INVALID_CHOICE, value=text, detail="是、否", **where)
        return canon, F.make(F.CHOICE_NORMALISED, value=text, detail=canon, **where) if changed else None
    if f.type == "choice":
        canon, changed = normalize.choice(raw, f.choices, f.synonyms)
        if canon is None and f.multiple and len(parts := [p for p in _SEVERAL.split(text) if p]) > 1:
            # 决策、执行 where one cell may name several (关键环节): each a choice, kept joined with ；
            read = [normalize.choice(p, f.choices, f.synonyms) for p in parts]
            if all(c is not None for c, _ in read):
                canon = "；".join(dict.fromkeys(c for c, _ in read))
                return canon, F.make(F.CHOICE_NORMALISED, value=text, detail=canon, **where) \
                    if any(changed for _, changed in read) else None
        if canon is None:
            return text, F.make(F.INVALID_CHOICE, value=text, detail="、".join(f.choices), **where)
        if changed and normalize.fold(text) != normalize.fold(canon):
            return canon, F.make(F.CHOICE_NORMALISED, value=text, detail=canon, **where)
        return canon, None
    if len(text) > f.max_length:
        return text, F.make(F.TOO_LONG, value=_preview(text), detail=_too_long(text, f.max_length), **where)
    return text, None


_SEVERAL = re.compile(r"[、，,；;/／+＋\s]+|和|及|与|以及")
"""What separates several choices typed in one cell (决策、执行, 决策/执行, 决策和执行, 决策与执行, 执行+监督检查)."""

_NOT_APPLICABLE = frozenset({"/", "／", "-", "－", "—", "——", "\\", "、"})
"""What people write in a column that does not apply to the row."""


def _at(f: Field, sheet: str, ref: str | None, row: int | None) -> dict:
    return {"sheet": sheet, "cell": ref, "field": f.label, "row": row, "key": f.key}


_KEPT_AS_REGISTERED = frozenset({F.TOO_LONG, F.INVALID_LEVEL, F.LEVEL_NORMALISED, F.INVALID_CHOICE, F.CHOICE_NORMALISED})
"""What is not said of a pre-filled measure form's pre-filled columns (风险点, 风险等级, 岗位): the catalogue keeps the risk's
own values, a change is said once (prefilled-risk-changed); "请从下拉列表中选择" beside "已按原值汇总" on one cell (a block
pasted one column off) asked for a fix of a cell whose value is not used."""


def clean(sub: Submission, spec: FormSpec) -> Checked:
    out = Checked(sub, spec, {}, {}, [], findings=list(sub.findings))
    formula_refs = set(sub.formula_cells)
    for fields, raw, refs, target in ((spec.header, sub.header, sub.header_refs, out.header),
                                      (spec.signoff, sub.signoff, sub.signoff_refs, out.signoff)):
        for f in fields:
            value, finding = coerce(f, raw.get(f.key, ""), sub.sheet, refs.get(f.key), None)
            target[f.key] = value
            if finding:
                out.findings.append(finding)
    columns = spec.columns
    # a pre-filled measure form's risks were checked on their own form (a long 风险点 was said there): not again on the
    # locked cells the department cannot change (a reply asked it to shorten one)
    prefilled = spec.is_measure_form and sub.identity is not None and bool(sub.identity.risks)
    for i, r in enumerate(sub.rows):
        values = {}
        raw_values, raw_refs = r.values, r.refs
        for f in columns:
            if f.key not in raw_values:
                continue
            value, finding = coerce(f, raw_values[f.key], sub.sheet, raw_refs.get(f.key), i)
            values[f.key] = value
            if finding and not (prefilled and f.prefill and finding.code in _KEPT_AS_REGISTERED):
                out.findings.append(finding)
        # the cell references and extra columns are the submission's own (never changed): shared, not copied
        out.rows.append(CleanRow(i, r.excel_row, values, raw_refs, r.extra))
    if formula_refs:   # formula findings carry the cell only; attach the field for feedback (a table cell's, and
        # a header's or a sign-off's: the feedback and its mail said "the whole sheet" of a #VALUE! in 岗位)
        by_ref = {ref: (row.index, key) for row in out.rows for key, ref in row.refs.items()}
        for refs in (sub.header_refs, sub.signoff_refs):
            for key, ref in refs.items():
                by_ref.setdefault(ref, (None, key))
        fields = {f.key: f for f in (*spec.signoff, *spec.header, *spec.columns)}
        out.findings = [
            F.Finding(f.code, f.severity, f.message, f.sheet, f.cell,
                      fields[by_ref[f.cell][1]].label, f.value, *by_ref[f.cell])
            if f.cell in by_ref and f.code.startswith(("formula", "cell-picture")) and by_ref[f.cell][1] in fields
            else f for f in out.findings]
    return out


def check_file(sub: Submission, spec: FormSpec, ctx: Context) -> Checked:
    """Coerce values and run every file rule; never raises for what the submitter wrote."""
    checked = clean(sub, spec)
    _year_supplied(checked, ctx)
    for _, fn, forms in FILE_RULES:
        if forms is None or spec.id in forms:
            checked.findings.extend(fn(checked, ctx))
    # one cell said once: a value that stands for several rows (an item merged over its posts' rows, or typed once over
    # them: item-at-post) was said at its cell once per row, the same words
    seen: set[tuple] = set()
    checked.findings = [f for f in checked.findings if not f.cell or (
        (key := (f.code, f.sheet, f.cell, f.message)) not in seen and not seen.add(key))]
    return checked


def check_campaign(checked: Checked, ctx: Context) -> list[F.Finding]:
    found: list[F.Finding] = []
    for _, fn, forms in CAMPAIGN_RULES:
        if forms is None or checked.spec.id in forms:
            found.extend(fn(checked, ctx))
    checked.findings.extend(found)
    return found


# -- file rules -----------------------------------------------------------------------------------------


_MONTH_DAY = re.compile(r"\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*[日号]?\s*")


def _year_supplied(checked: Checked, ctx: Context) -> None:
    """A date written without its year (填表日期 3月16日, as people write it within the year): the campaign's year (the one
    that puts it within the campaign), said as a date read from text (it was date-unclear: no submission time, a reply
    asking to check it)."""
    window = campaign_window(ctx.cfg)
    if window is None:
        return
    first = window[0] + timedelta(days=366)          # the first phase's start
    spec, sub = checked.spec, checked.sub
    for fields, values, raws in ((spec.header, checked.header, sub.header), (spec.signoff, checked.signoff, sub.signoff)):
        for f in fields:
            if f.type != "date":
                continue
            text, raw = values.get(f.key), raws.get(f.key)
            if isinstance(raw, datetime) and raw.year == 1900 and raw.month == 1:
                # 3.16 typed into a date cell: stored as the number 3.16, shown as 1900-01-03 (it was "a year typed
                # wrong"): read as the text it was, 4.2 (4月2日 or 4月20日?) stays unclear
                text = f"{raw.day + (raw.hour * 3600 + raw.minute * 60 + raw.second) / 86400:.2f}"
                values[f.key] = text
            elif isinstance(raw, float) and len(str(raw).partition(".")[2]) < 2:
                continue       # (4.2 in a General cell: 4月2日, or 4.20 typed?)
            if not isinstance(text, str) or not (m := _MONTH_DAY.fullmatch(unicodedata.normalize("NFKC", text))):
                continue
            if text.endswith("0") and isinstance(raw, datetime):
                checked.findings.append(F.make(F.DATE_UNCLEAR, sheet=sub.sheet, cell=_refs_of(sub, f.key), field=f.label,
                                               value=text, key=f.key))
                continue
            for year in (first.year, first.year + 1):
                try:
                    when = date(year, int(m[1]), int(m[2]))
                except ValueError:
                    continue
                if first - timedelta(days=60) <= when <= window[1]:
                    break
            else:
                continue
            values[f.key] = when
            said = F.make(F.DATE_AS_TEXT, sheet=sub.sheet, cell=_refs_of(sub, f.key), field=f.label, value=text,
                          detail=f"{when.isoformat()}（年份按本轮活动）", key=f.key)
            unclear = [i for i, found in enumerate(checked.findings)
                       if found.code in (F.DATE_UNCLEAR, F.INVALID_DATE) and found.key == f.key]
            if unclear:
                checked.findings[unclear[0]] = said
            else:          # (a number in a date cell gave no finding: it read as a date of 1900)
                checked.findings.append(said)


def _refs_of(sub: Submission, key: str) -> str | None:
    return sub.header_refs.get(key) or sub.signoff_refs.get(key)


def campaign_window(cfg) -> tuple[date, date] | None:
    """The dates a form of this campaign can plausibly carry: a year either side of its phases (None outside a
    working folder, where there is no campaign to speak of)."""
    if not getattr(cfg, "campaign", "") or not cfg.phases:
        return None
    start = min(p.start for p in cfg.phases.values())
    end = max(p.end for p in cfg.phases.values())
    return start - timedelta(days=366), end + timedelta(days=366)


@rule()
def dates_in_campaign(c: Checked, ctx: Context) -> Iterator[F.Finding]:
    """A date years away from the campaign (2033 for 2023) is a typo: said, and not used as the submission time
    (it would move 数据截至 and make everyone else late)."""
    window = campaign_window(ctx.cfg)
    if window is None:
        return
    for fields, values, refs in ((c.spec.header, c.header, c.sub.header_refs),
                                 (c.spec.signoff, c.signoff, c.sub.signoff_refs)):
        for f in fields:
            v = values.get(f.key)
            if f.type == "date" and isinstance(v, date) and not window[0] <= v <= window[1]:
                yield F.make(F.DATE_IMPLAUSIBLE, sheet=c.sub.sheet, cell=refs.get(f.key), field=f.label,
                             value=v.isoformat(), detail=f"{window[0].year + 1}–{window[1].year - 1} 年", key=f.key)
            elif f.type == "date" and isinstance(v, date) and v < campaign_begun(ctx.cfg):
                # last year's year typed early in the year (2023-04-02 for 2024): before the forms existed; taken as
                # the time it was sent, a correction lost to the draft it corrects and 数据截至 went back
                yield F.make(F.DATE_BEFORE_CAMPAIGN, sheet=c.sub.sheet, cell=refs.get(f.key), field=f.label,
                             value=v.isoformat(), detail=min(p.start for p in ctx.cfg.phases.values()).isoformat(),
                             key=f.key)


@rule()
def deadlines_in_campaign(c: Checked, ctx: Context) -> Iterator[F.Finding]:
    """A 完成时限 before the campaign began (last year's measures copied in, 2023-05-10 in 2024's form) is no deadline
    of this round's measure: said (it went into the catalogue and 公示 as it was, unsaid)."""
    whens = [f for f in c.spec.columns if f.type == "when"]
    if not whens or not ctx.cfg.phases:
        return
    begun = min(p.start for p in ctx.cfg.phases.values())
    for row in c.rows:
        for f in whens:
            text = iso_text(row.values.get(f.key, ""))
            if not text or not text[:1].isdigit():
                continue
            parsed, _ = normalize.parse_date(text)
            if parsed is not None and parsed < begun:
                yield F.make(F.DEADLINE_BEFORE_CAMPAIGN, sheet=c.sub.sheet, cell=row.refs.get(f.key), field=f.label,
                             value=text, detail=begun.isoformat(), row=row.index, key=f.key)


_BEFORE_DAYS = 30
"""How long before its first phase a campaign's forms may be about (generated, sent out a little early)."""


def campaign_begun(cfg) -> date:
    """The earliest date a form of this campaign can carry: a month before its first phase."""
    return min(p.start for p in cfg.phases.values()) - timedelta(days=_BEFORE_DAYS)






def _version(text: str) -> str:
    """A form version as compared: "1.0" (a number property, as LibreOffice may save "1") is "1"."""
    text = str(text).strip()
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() else str(number)


def _other_campaign(ident, cfg) -> bool:
    """Whether a form's hidden identity is of another campaign (not a renamed one: identity-campaign)."""
    return bool(ident and ident.campaign and cfg.campaign_id and ident.campaign != cfg.campaign_id
                and not same_round(ident.campaign, cfg))


@rule()
def identity_campaign(c: Checked, ctx: Context) -> Iterator[F.Finding]:
    ident = c.sub.identity
    if ident and ident.campaign and ctx.cfg.campaign_id and ident.campaign != ctx.cfg.campaign_id:
        if same_round(ident.campaign, ctx.cfg):     # the name changed in formkit.toml since the forms went out
            yield F.make(F.CAMPAIGN_RENAMED, sheet=c.sub.sheet, cell="A1", value=ident.campaign,
                         detail=ctx.cfg.campaign_id)
        else:
            yield F.make(F.IDENTITY_CAMPAIGN, sheet=c.sub.sheet, cell="A1", value=ident.campaign,
                         detail=ctx.cfg.campaign_id)
    elif ident and ident.version and _version(ident.version) != _version(c.spec.version):
        yield F.make(F.FORM_VERSION, sheet=c.sub.sheet, cell="A1", value=ident.version, detail=c.spec.version)
    elif not ident and (line := c.sub.campaign_line) and ctx.cfg.campaign_id:
        # no hidden identity (the cells pasted into a new workbook): the line under the title still says whose
        # campaign the form was issued for; another year's is not this campaign's
        ref, text = line
        if not same_round(text, ctx.cfg) and re.search(r"(?:19|20)\d\d", text) \
                and normalize.fold(text) != normalize.fold(ctx.cfg.campaign):
            yield F.make(F.IDENTITY_CAMPAIGN, sheet=c.sub.sheet, cell=ref, value=text, detail=ctx.cfg.campaign)


@rule()
def department(c: Checked, ctx: Context) -> Iterator[F.Finding]:
    """The department written in the form, the one the form was issued to, and the roster must agree."""
    roster = ctx.cfg.roster
    if c.spec.scope == "coordinator" or not roster.departments:
        return
    ref = c.sub.header_refs.get("department")
    written = iso_text(c.header.get("department", ""))
    ident = c.sub.identity
    issued = roster.departments.get(ident.department) if ident and ident.department else None
    found = roster.find_department(written) if written else None
    sample = "、".join(d.name for d in list(roster.departments.values())[:3])
    if issued:
        c.department = issued
        if written and found is None:
            # a name no department of the roster has: the department was renamed in the roster since its
            # forms were made (or the name is misspelt); the form's identity says whose it is. Unless the forms went
            # out under the names generate recorded, and this is none of them: typed over the locked name (第二党支部
            # on 第一党支部's form), no renaming: whose the rows are is not known
            issued_under = ctx.issued_names().get(issued.code)
            if issued_under and normalize.fold(written) not in {normalize.fold(n) for n in issued_under}:
                # not a name its forms went out under (as far as outbox/ remembers: deleted and generated again after
                # a renaming, it knows the new name only): accepted as the department's, its sender asked to check
                yield F.make(F.DEPARTMENT_NAME_DIFFERS, sheet=c.sub.sheet, cell=ref, field="部门", value=written,
                             detail=issued.name, key="department")
                return
            yield F.make(F.DEPARTMENT_RENAMED, sheet=c.sub.sheet, cell=ref, field="部门", value=written,
                         detail=issued.name, key="department")
        elif written and found is not issued and c.spec.scope == "person" and ident.person \
                and (now := roster.find_moved(ident.person, ident.staff_no)) is not None and now.department == found.code:
            return      # the person moved there, the roster says so since: the department they are in (person-moved)
        elif written and found is not issued:
            # (one's own personal form: not the department's 附件3 for anyone in it, issued to nobody by name, which a
            # person of another department filled: told to write the issued department, his rows were filed there)
            own_form = c.spec.scope == "person" and bool(ident.person)
            said = F.make(F.DEPARTMENT_MISMATCH, sheet=c.sub.sheet, cell=ref, field="部门", value=written,
                          detail=issued.name, key="department")
            if own_form:
                # (one's own form, the reply to oneself: no other department's form to use, nobody to pass it on to)
                said = replace(said, message=f"表内部门为“{written}”，但这份表单是按名册中的“{issued.name}”下发给本人的；"
                                             f"请把部门改回“{issued.name}”后发送。如果已调到“{written}”，请告知办公室更新名册。")
            yield said
            # filed under the department written in it (that department filled another's form): not a later version
            # of the form's owner, whose own accepted form it replaced (its risks gone from the catalogue, the owner
            # chased as 退回 for what it never sent). Not one's own personal form: a slip of one's own (filed under the
            # other department, it was said to have been issued there before the person moved, person-moved)
            if not own_form:
                c.department = found
        return
    if ident and ident.department and written and not found:
        if _other_campaign(ident, ctx.cfg):
            yield F.make(F.DEPARTMENT_UNKNOWN, sheet=c.sub.sheet, cell=ref, field="部门", value=written, detail=sample,
                         key="department")
            return
        # issued to a department the roster no longer has (deleted: merged into another without its name written as a
        # 简称 there, or abolished): where its people are now says where it went (its forms were "department-unknown",
        # the staff asked to write a full name into a locked cell, the risks gone from the catalogue)
        to, who = _department_now(c, ctx, ident)
        if to is None:
            yield F.make(F.DEPARTMENT_REMOVED, sheet=c.sub.sheet, cell=ref, field="部门", value=written, detail=who,
                         key="department")
            return
        c.department, c.retired_code = to, ident.department
        c.merged_from = c.spec.scope == "department"
        yield F.make(F.DEPARTMENT_GONE, sheet=c.sub.sheet, cell=ref, field="部门", value=written, detail=who,
                     key="department")
        return
    if found:
        c.department = found
        if ident and ident.department and ident.department != found.code:
            # issued under a code the roster no longer has: the office changed the department's code, or merged the
            # department into another (its name now a 简称 of that one); the risk numbers keep the old code, so
            # the measures that carry them still find their risks
            c.retired_code = ident.department
            c.merged_from = c.spec.scope == "department" and normalize.fold(found.name) != normalize.fold(written)
            if _other_campaign(ident, ctx.cfg):
                return      # (last year's form: identity-campaign says all; "its numbers keep the old code" is untrue)
            yield F.make(F.DEPARTMENT_MERGED if c.merged_from else F.DEPARTMENT_CODE_RETIRED, sheet=c.sub.sheet,
                         cell=ref, field="部门", value=ident.department, detail=found.name, key="department")
    elif written:
        yield F.make(F.DEPARTMENT_UNKNOWN, sheet=c.sub.sheet, cell=ref, field="部门", value=written, detail=sample,
                     key="department")


def _department_now(c: Checked, ctx: Context, ident) -> tuple[Department | None, str]:
    """The department of the roster a form issued to a department it no longer has belongs to now, and how that is
    known: a personal form's person's (by name and 工号), else the one department all the staff its forms went to are in
    now (merged into it)."""
    roster = ctx.cfg.roster
    if c.spec.scope == "person" and ident.person and ident.staff_no:
        p = roster.find_moved(ident.person, ident.staff_no)
        if p is not None and p.department in roster.departments:
            to = roster.departments[p.department]
            return to, f"{p.name}现在名册中属于“{to.name}”，本表已归入“{to.name}”汇总"
    went = ctx.issued_people().get(ident.department, set())
    now = sorted({p.department for p in roster.staff if (normalize.name_key(p.name), normalize.staff_no_key(p.staff_no))
                  in went and p.department in roster.departments})
    if len(now) == 1:
        to = roster.departments[now[0]]
        return to, f"原部门的人员现在都在“{to.name}”，本表作为原部门的表单归入“{to.name}”汇总（不替代它自己的表单）"
    if now:
        return None, "原部门的人员现在分在" + "、".join(roster.departments[d].name for d in now)
    return None, "名册中没有原部门的人员" if roster.staff else "名册没有人员名单，看不出原部门的人员去了哪里"


def _named_so(name: str, ident, roster) -> bool:
    """Whether a name written with a bracketed part is, as written, the one the form was issued to or a staff
    member's (王芳（女）)."""
    key = normalize.name_key(name)
    return bool(ident and ident.person and normalize.name_key(ident.person) == key) or \
        any(normalize.name_key(p.name) == key for p in roster.staff)


def _mistyped(was: str, now: str) -> bool:
    """Whether one 工号 reads as a mistyping of the other (a digit wrong, two digits swapped or in another order: 0302 and
    0312, 0031 and 0013; compared with the leading zeros staff_no_key drops put back): a correction in the roster, not
    someone else who took her place (0031 left, 0045 came)."""
    n = max(len(was), len(now))
    was, now = was.zfill(n), now.zfill(n)
    return sorted(was) == sorted(now) or sum(a != b for a, b in zip(was, now, strict=True)) <= 1


def _staff_no_corrected(name: str, was: str, now: str, issued: set[tuple[str, str]],
                        runs: list[list[str]] | None) -> bool:
    """Whether the 工号 `was` a form of `name` went out under is corrected to `now` in the roster (the same person), not
    a namesake's who has left: never the two issued in one generate run, and `now` reached from `was` by mistypings
    (_corrected_by_steps); with no runs recorded (an outbox/ of an older formkit): no form ever went out under `now`."""
    if not runs:
        return (name, now) not in issued
    both = (f"{name}|{was}", f"{name}|{now}")
    return not any(both[0] in run and both[1] in run for run in runs) and _corrected_by_steps(name, was, now, runs)


def _corrected_by_steps(name: str, was: str, now: str, runs: list[list[str]]) -> bool:
    """Whether the 工号 a form went out under leads to today's by corrections, each a mistyping of the one before,
    through the 工号 this name was issued under run by run (0302 → 0312 → 0321: corrected twice)."""
    seen, todo = {was}, [was]
    numbers = {entry.split("|", 1)[1] for run in runs for entry in run if entry.split("|", 1)[0] == name} | {now}
    while todo:
        here = todo.pop()
        if _mistyped(here, now):
            return True
        for other in numbers - seen:
            if _mistyped(here, other):
                seen.add(other)
                todo.append(other)
    return False


@rule()
def person(c: Checked, ctx: Context) -> Iterator[F.Finding]:
    """姓名 against the form's identity and the staff list."""
    if c.spec.scope != "person":
        return
    name = normalize.person_name(c.header.get("name", ""))
    ident = c.sub.identity
    if (bare := _BRACKETED.sub("", name).strip()) and bare != name and not _named_so(name, ident, ctx.cfg.roster):
        name = bare                 # 张伟（教务员）: a note after the name, not part of it (but 王芳（女） is the
        # roster's very name for her, told from a namesake: her untouched pre-filled form was "not on the staff list")
    c.person = name
    ref = c.sub.header_refs.get("name")
    if not name and ident and ident.person:     # 姓名 empty or not found (required_and_expected says so):
        c.person = ident.person                 # whose form it is, by its identity
        if ctx.cfg.roster.staff and c.department:
            c.staff = ctx.cfg.roster.find_person(c.department.code, ident.person, ident.staff_no)
        return
    if ident and ident.person and name and normalize.name_key(name) != normalize.name_key(ident.person):
        roster = ctx.cfg.roster
        key = normalize.name_key(name)
        if (renamed := _renamed(roster, c, ident)) is not None and normalize.name_key(renamed.name) == key:
            # the name the form went out under corrected in the roster since (许若 → 许诺, the same 工号), and she wrote
            # it right: hers (it was returned as a colleague's form, telling her to write the misspelt name)
            c.person, c.staff = renamed.name, renamed
            yield F.make(F.PERSON_RENAMED, sheet=c.sub.sheet, cell=ref, field="姓名", value=renamed.name,
                         detail=ident.person, key="name")
            return
        listed = not roster.staff or any(normalize.name_key(p.name) == key for p in roster.staff)
        typed_no = iso_text(c.header.get("staff_no", ""))
        if not listed and ident.staff_no and normalize.staff_no_key(typed_no) == normalize.staff_no_key(ident.staff_no) \
                and _name_variant(ident.person, name):
            # her own form, her 工号 kept, her name with one character as her keyboard gives it (陳明 typed 陈明, 𠮷田
            # 吉田): hers (returned, she was told to write a character she cannot type)
            yield from _name_differs(c, ctx, ref, name, ident.person, ident.staff_no)
            return
        yield F.make(F.PERSON_MISMATCH if listed else F.PERSON_NOT_LISTED, sheet=c.sub.sheet, cell=ref, field="姓名",
                     value=name, detail=ident.person, key="name")
        # her name with her 工号 anywhere on the staff list first (two 张伟: 财务处's typed his 0104 on 教务处's form), then
        # her name in the form's department, else in another (her name alone)
        typed = roster.find_moved(name, typed_no) if roster.staff and typed_no else None
        if typed is None and roster.staff and c.department:
            typed = roster.find_person(c.department.code, name, typed_no)
        if typed is None and roster.staff:
            typed = roster.find_moved(name, typed_no)
            if typed is None:
                others = [p for p in roster.staff if normalize.name_key(p.name) == key]
                typed = others[0] if len(others) == 1 else None
        if typed is not None and normalize.name_key(typed.name) == key:
            # a listed colleague filled the owner's form (陈立 on 何平's): the form is the colleague's, returned to him; not a
            # later version of the owner's, whose own accepted form it replaced (his risks gone, him chased as 退回)
            c.person, c.staff = typed.name, typed
            if typed.department in roster.departments:
                c.department = roster.departments[typed.department]
            return
        if typed_no and ident.staff_no and normalize.staff_no_key(typed_no) != normalize.staff_no_key(ident.staff_no):
            # another name and another 工号: someone not on the staff list (a newcomer) who filled a colleague's copy,
            # no misspelling of the owner's name: his, returned to him (taken for the owner's, it replaced her accepted
            # form: her risks left the catalogue)
            c.person = name
            return
        c.person = ident.person
        if roster.staff and c.department:   # the form's owner by the roster (a misspelt name), so that her own
            # form, sent later, supersedes this one (and 提交情况 and the chase mail agree on whose form is returned)
            c.staff = roster.find_person(c.department.code, ident.person, ident.staff_no)
        return
    roster = ctx.cfg.roster
    if not name or not c.department or not roster.people_of(c.department.code):
        return                  # no staff list for this department: nobody to check the name against
    staff_no = iso_text(c.header.get("staff_no", ""))
    # find_person falls back to the name when the 工号 names nobody (or someone else), so a wrong 工号
    # shows as a match whose own 工号 differs from the one written; a 工号 left empty is the identity's (the form issued
    # to her: which of two 李娜 it is)
    issued_no = ident.staff_no if ident and normalize.name_key(ident.person) == normalize.name_key(name) else ""
    match = roster.find_person(c.department.code, name, staff_no or issued_no)
    corrected = False
    if match is not None and issued_no and normalize.staff_no_key(staff_no or issued_no) == \
            normalize.staff_no_key(issued_no) != normalize.staff_no_key(match.staff_no) \
            and roster.find_moved(name, issued_no) is None:
        issued = ctx.issued_people().get(c.department.code)
        if issued and _staff_no_corrected(normalize.name_key(match.name), normalize.staff_no_key(issued_no),
                                          normalize.staff_no_key(match.staff_no), issued,
                                          ctx.issued_runs().get(c.department.code)):
            # no form ever went out to the one who stays under her 工号 while it went to this one (never two of the
            # name at once): the 工号 was corrected in the roster since (0530 → 0503), she is the one it was issued
            # to (taken for someone who had left, she was chased; once generate had run again after the correction,
            # her earlier forms and the measures on them were "of someone who left"); also when the 工号 she had is
            # a colleague's now (two 工号 swapped in the roster, corrected: the office's mistake, not hers to check)
            corrected = True
        elif not any(normalize.staff_no_key(p.staff_no) == normalize.staff_no_key(issued_no) for p in roster.staff):
            match = None    # issued to a namesake who has left the staff list since (person-left): not the one who stays
    if match is not None and ident is None and staff_no \
            and normalize.staff_no_key(staff_no) != normalize.staff_no_key(match.staff_no) \
            and (other := roster.find_moved(name, staff_no)) is not None and other.department != c.department.code:
        # a copy whose 姓名 and 工号 are a namesake's of another department (财务处's 李娜 typed 教务处 over her own form):
        # hers, by the roster (taken for 教务处's 李娜, it replaced her accepted form: her risks left the catalogue)
        match = None
    if match is not None and ident is None and not staff_no and (by_post := _namesake_by_post(roster, c, name, match)):
        # … and without a 工号, its 岗位 (会计) a namesake's of another department, not the department's 李娜's (教学秘书):
        # hers with 部门 typed wrong, or his with a new post; which one only the 工号 tells (taken for the department's,
        # it replaced her accepted form; taken for the namesake's, his): asked, nobody's form replaced
        who = "、".join(f"{roster.departments[p.department].name} 工号 {p.staff_no}" + (f"（{p.post}）" if p.post else "")
                       for p in (match, by_post))
        yield F.make(F.PERSON_AMBIGUOUS, sheet=c.sub.sheet, cell=c.sub.header_refs.get("staff_no") or ref,
                     field="工号", value=name, detail=f"有 2 位{name}：{who}", key="staff_no")
        return
    if match is None:
        moved = roster.find_moved(name, staff_no or (ident.staff_no if ident else ""))
        if moved is not None and moved.department in roster.departments and ident is None:
            # a copy (no identity) naming another department than the roster's for her: not a form issued to that one
            # (the catalogue put her risks there while 提交情况 counted her under the roster's): the roster's
            c.staff, c.department = moved, roster.departments[moved.department]
            yield F.make(F.PERSON_DEPARTMENT, sheet=c.sub.sheet, cell=c.sub.header_refs.get("department") or ref,
                         field="部门", value=name, detail=c.department.name, key="department")
            return
        if moved is not None and moved.department in roster.departments:
            # moved since the form was made: still the same person (工号), so the same 风险编号
            c.staff = moved
            yield F.make(F.PERSON_MOVED, sheet=c.sub.sheet, cell=ref, field="姓名", value=name,
                         detail=roster.departments[moved.department].name, key="name")
            return
        if (renamed := _renamed(roster, c, ident)) is not None:
            # the name it went out under corrected in the roster since (许若 → 许诺, the same 工号 and department): hers,
            # under the roster's name (taken for someone who had left: she was chased for the form she had sent)
            c.person, c.staff = renamed.name, renamed
            yield F.make(F.PERSON_RENAMED, sheet=c.sub.sheet, cell=ref, field="姓名", value=renamed.name,
                         detail=ident.person, key="name")
            return
        if ident and ident.staff_no and ident.person and roster.find_moved(ident.person, ident.staff_no) is None:
            # the form was issued to this person, who has left the staff list since: a note for the office
            yield F.make(F.PERSON_LEFT, sheet=c.sub.sheet, cell=ref, field="姓名", value=name, detail=ident.staff_no,
                         key="name")
            return
        if ident is None and (typed := c.typed_staff_no) and _issued_then_left(ctx, c.department.code, name, typed):
            # a copy of the form issued to someone who has left since, her 工号 on it: hers as the original is (her
            # numbers kept: they were given anew by her name, the measures already carrying the old ones unmatched)
            c.left_no = typed
            yield F.make(F.PERSON_LEFT, sheet=c.sub.sheet, cell=ref, field="姓名", value=name, detail=typed, key="name")
            return
        same = [p for p in roster.people_of(c.department.code) if normalize.name_key(p.name) == normalize.name_key(name)]
        if len(same) > 1 and c.spec.is_measure_form:
            # her measure form copied without its 工号: the 风险编号 pre-filled in it carry it (JJX-01002-01)
            ids = [normalize.fold(r.values.get("risk_id", "")).upper() for r in c.rows]
            owners = [p for p in same if any(f"-{normalize.fold(p.staff_no).upper()}-" in i for i in ids)]
            if len(owners) == 1:
                c.staff, c.person = owners[0], owners[0].name
                return
        if len(same) > 1:
            # two 李娜 in the department and no 工号 (or another's) to tell them apart: not "not listed", and not
            # guessed (a person the roster does not have was made of her, her colleagues chased for her form)
            who = "、".join(f"工号 {p.staff_no}" + (f"（{p.post}）" if p.post else "") for p in same)
            yield F.make(F.PERSON_AMBIGUOUS, sheet=c.sub.sheet, cell=c.sub.header_refs.get("staff_no") or ref,
                         field="工号", value=name, detail=f"{c.department.name}有 {len(same)} 位{name}：{who}",
                         key="staff_no")
            return
        holder = roster.find_person(c.department.code, "", staff_no) if staff_no else None
        if holder is not None and _name_variant(holder.name, name):
            # a copy of the form, the 工号 hers and her name with one character as her keyboard gives it (陳明 typed
            # 陈明): hers (a person the roster does not have was made of her, and she was chased for her form)
            yield from _name_differs(c, ctx, ref, name, holder.name, holder.staff_no)
            return
        yield F.make(F.PERSON_UNKNOWN, sheet=c.sub.sheet, cell=ref, field="姓名", value=name,
                     detail=c.department.name, key="name")
        if holder is not None:          # (whose 工号 it is: a name typed wrong, or a 工号)
            yield F.make(F.STAFF_NO_MISMATCH, sheet=c.sub.sheet, cell=c.sub.header_refs.get("staff_no"), field="工号",
                         value=staff_no, detail=f"{holder.name}的工号相同，而表内姓名为“{name}”", key="staff_no")
        return
    c.staff = match
    c.person = match.name           # the roster's spelling (张 伟, 张\u200b伟 typed: 张伟)
    if corrected:
        yield F.make(F.STAFF_NO_CORRECTED, sheet=c.sub.sheet, cell=c.sub.header_refs.get("staff_no") or ref,
                     field="工号", value=issued_no, detail=f"名册中{match.name}的工号已更正为 {match.staff_no}")
        return
    if staff_no and normalize.staff_no_key(staff_no) != normalize.staff_no_key(match.staff_no):
        # whose 工号 it is, when someone else's (a namesake in another department): which one was taken is said
        other = next((p for p in roster.staff if normalize.staff_no_key(p.staff_no) == normalize.staff_no_key(staff_no)
                      and p is not match), None)
        detail = f"{c.department.name}{match.name}的工号（{match.staff_no}）不一致"
        if other is not None:
            where = roster.departments[other.department].name if other.department in roster.departments else ""
            detail += f"（“{staff_no}”是{where}{other.name}的工号），已按{c.department.name}{match.name}汇总"
        yield F.make(F.STAFF_NO_MISMATCH, sheet=c.sub.sheet, cell=c.sub.header_refs.get("staff_no"),
                     field="工号", value=staff_no, detail=detail, key="staff_no")


def _namesake_by_post(roster, c: Checked, name: str, match: Person) -> Person | None:
    """The one namesake of another department whose 岗位 is the one typed in a copy of the form, when the department's
    own person of the name has another 岗位; None otherwise."""
    post, own = normalize.fold(iso_text(c.header.get("post", ""))), normalize.fold(match.post)
    if not post or not own or post in own or own in post:
        return None         # (no 岗位 in the roster, or 教师 for 专任教师: nothing against the department's own)
    others = [p for p in roster.named(name) if p is not match and normalize.fold(p.post) == post
              and p.department in roster.departments]
    return others[0] if len(others) == 1 else None


def _issued_then_left(ctx: Context, code: str, name: str, staff_no: str) -> bool:
    """Whether this department's personal forms went out to this 姓名 with this 工号 (generate's record) and nobody on
    the staff list has the 工号 now: someone who has left since."""
    return (normalize.name_key(name), normalize.staff_no_key(staff_no)) in ctx.issued_people().get(code, set()) \
        and not ctx.cfg.roster.numbered(staff_no)


def _renamed(roster, c: Checked, ident) -> Person | None:
    """The one of the form's department who has the 工号 it was issued under, by another name, when nobody there has the
    name it was issued under any more: the name corrected in the roster since (许若 → 许诺)."""
    if not (ident and ident.staff_no and ident.person and c.department and roster.staff):
        return None
    people = roster.people_of(c.department.code)
    if any(normalize.name_key(p.name) == normalize.name_key(ident.person) for p in people):
        return None
    same = [p for p in people if normalize.staff_no_key(p.staff_no) == normalize.staff_no_key(ident.staff_no)]
    if len(same) != 1 or normalize.name_key(same[0].name) == normalize.name_key(ident.person):
        return None
    # a correction reads as one (_name_corrected); another name is someone else given the 工号 of one who left (张伟 →
    # 王强, 张伟 → 张晓红: his forms were taken for the newcomer's and replaced by the newcomer's own, his risks and
    # measures gone; taken for someone who left, a correction is only chased for what was sent: nothing is lost)
    return same[0] if _name_corrected(normalize.name_key(ident.person), normalize.name_key(same[0].name)) else None


def _name_variant(listed: str, typed: str) -> bool:
    """Whether a typed name is the listed one with one character written as another keyboard gives it: a traditional or
    rare character typed with a simplified input method (陳明 as 陈明, 𠮷田 as 吉田), or the other way round; told by one of
    the two characters lying outside GB 2312 (the simplified characters every input method has). Not two common
    characters (孙三 and 孙五, 王明 and 王敏 are two people: a newcomer on a colleague's copy took over his forms)."""
    a, b = normalize.name_key(listed), normalize.name_key(typed)
    if len(a) != len(b) or len(a) < 2:
        return False
    differ = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return len(differ) == 1 and _common(differ[0][0]) != _common(differ[0][1])


def _common(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _name_differs(c: Checked, ctx: Context, ref, typed: str, name: str, staff_no: str) -> Iterator[F.Finding]:
    c.person = name
    if ctx.cfg.roster.staff and c.department:
        c.staff = ctx.cfg.roster.find_person(c.department.code, name, staff_no)
    yield F.make(F.PERSON_NAME_VARIANT, sheet=c.sub.sheet, cell=ref, field="姓名", value=typed, detail=name,
                 key="name")


def _name_corrected(was: str, now: str) -> bool:
    """Whether a name in the roster reads as a correction of the one before: the full name of it (阿依古丽 →
    阿依古丽·买买提), a character added or left out (欧明 → 欧阳明), or the same surname with one character of a two-
    character name, two of a longer one, typed otherwise (许若 → 许诺, 王晓丽 → 王小莉 by sound)."""
    was, now = was.replace("·", ""), now.replace("·", "")
    if was in now or now in was:
        return True
    if len(was) == len(now):
        wrong = sum(a != b for a, b in zip(was, now, strict=True))
        return was[:1] == now[:1] and 0 < wrong <= (1 if len(was) <= 2 else 2)
    short, long = sorted((was, now), key=len)
    return len(long) - len(short) == 1 and any(long[:i] + long[i + 1:] == short for i in range(len(long)))


_NAME_COLUMNS = frozenset(normalize.label_key(x) for x in ("姓名", "人员姓名", "教职工姓名", "本人姓名", "员工姓名",
                                                          "职工姓名"))      # (填表人: who typed it, not whose it is)
"""Labels of a column someone added to a personal form to say whose each row is (a department's staff in one
table)."""


@rule()
def rows_of_others(c: Checked, ctx: Context) -> Iterator[F.Finding]:
    """A personal form with a 姓名 column added, rows of other people in it (a secretary collecting a department's
    risks into one person's form): those rows are not that person's; they would be credited to them."""
    if c.spec.scope != "person" or not c.person:
        return
    own = normalize.name_key(c.person)
    columns = {f.value: f.cell.rstrip("0123456789") for f in c.findings if f.code == F.COLUMN_EXTRA and f.cell}
    for row in c.rows:
        for label, text in row.extra.items():
            if normalize.label_key(label) not in _NAME_COLUMNS or label not in columns:
                continue
            name = _name_in(text)
            if name and normalize.name_key(name) != own:
                yield F.make(F.ROWS_OF_OTHERS, sheet=c.sub.sheet, cell=f"{columns[label]}{row.excel_row}", field=label,
                             value=name, detail=c.person, row=row.index)


_BRACKETED = re.compile(r"\s*[（(][^（）()]*[）)]\s*$")
_SELF_WORDS = frozenset({"本人", "自己", "本人填写", "同上", "〃", '"'})
_LEADING_NAME = re.compile(r"[\u3400-\u9fff·•．.・‧﹒]{2,}|[A-Za-z][A-Za-z .'-]*[A-Za-z]")


def _name_in(text: str) -> str:
    """The name a 姓名 cell someone added gives (张伟 0001, 张伟（教务员）: 张伟); "" for 本人, 同上 and the like."""
    text = normalize.to_text(text).strip()
    if normalize.fold(text) in _SELF_WORDS:
        return ""
    m = _LEADING_NAME.match(normalize.person_name(text.split("\n")[0]))
    return m.group(0) if m else ""


def _header_place(c: Checked, key: str) -> str | None:
    """Where a header field's value belongs when its label is gone (deleted with its value): its place in the
    generated form, moved by as many rows as the table was (rows inserted or deleted above it). None for a form
    typed anew in a workbook of one's own (no identity: no generated layout to go by; a guess named an unrelated
    empty cell)."""
    from formkit.layout import Layout

    lay = Layout(c.spec, 0)
    if key not in lay.labels or c.sub.identity is None:
        return None
    row, col = lay.header_value(key)
    table = next(iter(c.sub.column_refs.values()), None)
    if table:
        row += int(table.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) - 1 - lay.table_row
    return a1(max(row, 0), col)


@rule()
def prefilled_header_lost(c: Checked, ctx: Context) -> Iterator[F.Finding]:
    """A pre-filled header value (部门, 姓名, 工号, 岗位, 部门负责人) left empty on a form issued in this campaign: the
    value it was issued with, said (a column of the table deleted took the header cells above it along: the form was
    returned for “岗位为必填项”, a field the person never touched)."""
    ident = c.sub.identity
    if ident is None or ident.campaign != ctx.cfg.campaign_id or ident.form != c.spec.id:
        return
    dept = c.department if c.department is not None and ident.department == c.department.code else None
    staff = c.staff if c.staff is not None and ident.person \
        and normalize.name_key(ident.person) == normalize.name_key(c.staff.name) else None
    # only where the form still says whose it is: its 姓名 typed and the one issued (never the 姓名 itself: a colleague's
    # file with the name cleared is not the colleague's), its 部门负责人 none or the department's own (another
    # department reusing this one's file, 部门 cleared and its own head typed in, replaced this department's return)
    typed_head = normalize.name_key(normalize.person_name(c.header.get("dept_head", "")))
    if dept is not None and typed_head and typed_head != normalize.name_key(dept.head):
        dept = None
    typed_name = normalize.name_key(normalize.person_name(c.header.get("name", "")))
    if staff is not None and typed_name != normalize.name_key(staff.name):
        staff = None
    issued = {"department": dept.name if dept else "", "dept_head": dept.head if dept else "",
              # (a form issued before its person was on the staff list went out without a 工号: not "changed")
              "staff_no": staff.staff_no if staff and ident.staff_no else "", "post": staff.post if staff else "",
              "rank": staff.rank if staff else ""}
    for f in c.spec.header:
        value = issued.get(f.prefill) if isinstance(f.prefill, str) else ""
        if value and not iso_text(c.header.get(f.key, "")):
            c.header[f.key] = value
            yield F.make(F.PREFILLED_CHANGED, sheet=c.sub.sheet, field=f.label, value="（空白）", detail=value,
                         cell=c.sub.header_refs.get(f.key) or _header_place(c, f.key), key=f.key)


@rule()
def required_and_expected(c: Checked, ctx: Context) -> Iterator[F.Finding]:
    prefilled = c.spec.is_measure_form and c.sub.identity is not None and bool(c.sub.identity.risks)
    # a formula cell without a usable value already has its finding: one finding per cell
    broken = {f.cell for f in c.findings if f.code in (F.FORMULA_ERROR, F.FORMULA_UNCACHED, F.FORMULA_ERROR_BLANK,
                                                        F.CELL_PICTURE, F.CELL_PICTURE_BLANK, F.CELL_NOT_USED)}
    for f in c.spec.header:
        if f.need in ("req", "want") and not iso_text(c.header.get(f.key, "")) \
                and c.sub.header_refs.get(f.key) not in broken:
            code = F.REQUIRED if f.need == "req" else F.EXPECTED
            yield F.make(code, sheet=c.sub.sheet, cell=c.sub.header_refs.get(f.key) or _header_place(c, f.key),
                         field=f.label, key=f.key)
    chain = False           # the row above names a risk, or carries one on itself
    # (a measure form's risks answered in a row of their own: another row of one of them with nothing typed in it, such as
    # the row a feedback workbook put back for it, left empty once its measure was written elsewhere, is no row missing
    # its measure)
    answered = {rid for r in c.rows if iso_text(r.values.get("measure", ""))
                and (rid := id_key(iso_text(r.values.get("risk_id", ""))))} if c.spec.is_measure_form else set()
    own = [f.key for f in c.spec.columns if not f.prefill and f.key != "seq"]
    for row in c.rows:
        if answered and (rid := id_key(iso_text(row.values.get("risk_id", "")))) and rid in answered \
                and not any(iso_text(row.values.get(k, "")) for k in own):
            chain = True
            continue
        # a measure form's row of a measure (or a 工作程序) only, under a row naming its risk or carrying one on:
        # another measure of that risk (measures_answer_risks), not a row lacking its 风险点 (a third row was returned)
        continues = c.spec.is_measure_form and chain and _carries_on(row)
        chain = continues or _names_risk(row)
        for f in c.spec.columns:
            if f.need not in ("req", "want") or f.key not in row.values:
                continue
            if f.prefill and prefilled:
                continue
            if continues:
                continue       # (its 关键环节, 工作程序 … are the row above's unless it says otherwise)
            if f.key == "risk" and c.spec.is_measure_form and iso_text(row.values.get("risk_id", "")):
                continue       # the 风险编号 names the risk (a blank 附件5 with the numbers typed in)
            text = iso_text(row.values.get(f.key, ""))
            if not text and row.refs.get(f.key) not in broken:
                code = F.REQUIRED if f.need == "req" else F.EXPECTED
                yield F.make(code, sheet=c.sub.sheet, cell=row.refs.get(f.key), field=f.label, row=row.index,
                             key=f.key)
            elif f.need == "req" and f.type == "text" and not f.choices and (
                    text.strip() in PLACEHOLDERS or _FILL_HINT.fullmatch(text.strip())):
                # 防控措施 = 无, 工作程序 = / (a risk skipped): accepted as a measure, counted, published in 公示
                yield F.make(F.REQUIRED_PLACEHOLDER, sheet=c.sub.sheet, cell=row.refs.get(f.key), field=f.label,
                             value=text.strip(), row=row.index, key=f.key)
            elif f.key == "measure" and (what := _other_columns_value(row.values.get(f.key))):
                # a risk level, a 是/否 or a time limit where the measure goes (a block pasted one column off, 附件3's
                # 风险等级 and 涉及“三重一大” pasted onto 防控措施 and 完成时限): merged and published as the measure
                yield F.make(F.MEASURE_NOT_MEASURE, sheet=c.sub.sheet, cell=row.refs.get(f.key), field=f.label,
                             value=text.strip(), detail=what, row=row.index, key=f.key)


def _other_columns_value(value: object) -> str:
    """What a 防控措施 cell holds when it is another column's value: a risk level, a 是/否, a date or time limit; ""."""
    if isinstance(value, date):
        return "日期（完成时限）"
    text = normalize.to_text(value)
    if not text or len(text) > 12:
        return ""
    if normalize.level(text)[0] is not None and len(text) <= 6:
        return "风险等级"
    if normalize.fold(text) in ("是", "否"):
        return "“是/否”"
    if _TIME_LIMIT.fullmatch(text):
        return "完成时限"
    return ""


_TIME_LIMIT = re.compile(r"(?:长期(?:坚持|执行)?|即时|立即|随时|每(?:学期|学年|年|季度|月|周)|常态化|"
                         r"(?:\d{2,4}\s*[年.\-/])?\s*\d{1,2}\s*(?:月|[.\-/]\d{1,2}日?)?\s*(?:底|末|中旬|上旬|下旬)?\s*(?:前|以前|之前)?|"
                         r"\d{4}\s*年(?:底|末|内)?(?:前|以前|之前)?|\d{4}[.\-/]\d{1,2}(?:[.\-/]\d{1,2})?)")


_FILL_HINT = re.compile(r"[（(]\s*(?:必填|选填|必填项|请填写|请输入|请选择|下拉选择|简要描述|此处填写|在此填写|待填写)"
                        r"[^（）()]{0,12}[)）]|必填|选填|必填项|请填写|请输入|请选择|下拉选择|此处填写|在此填写|待填写")
"""A fill-in hint left in a required cell: （必填）, 请填写, （简要描述风险点）: no content (it went into the catalogue and 公示
as the 风险点); in brackets, or the hint alone (必填信息审核把关不严, 请选择三家以上供应商比价 are what they say)."""


PLACEHOLDERS = frozenset({"无", "/", "／", "-", "—", "——", "－", "\\", "、", "暂无", "待定", "待补充", "待填", "没有", "略",
                          "空", "无。", "暂无。", "…", "……", "...", "?", "？", "N/A", "n/a", "NA", "×", "x", "X"})
"""What stands in a required text cell for nothing written (a risk skipped): not a 防控措施."""


def _names_risk(row) -> bool:
    return bool(iso_text(row.values.get("risk_id", "")) or iso_text(row.values.get("risk", "")))


def _carries_on(row) -> bool:
    """A measure form's row holding a measure or a 工作程序 and naming no risk: it goes on with the risk above."""
    v = row.values
    return bool(iso_text(v.get("measure", "")) or iso_text(v.get("procedure", ""))) and not _names_risk(row)


@rule()
def has_rows(c: Checked, ctx: Context) -> Iterator[F.Finding]:
    if len(c.rows) < c.spec.min_rows and c.sub.column_refs \
            and not any(f.code == F.HEADER_BELOW_ROWS for f in c.sub.findings):    # (said there: rows above the header)
        first = min(c.sub.column_refs.values(), key=lambda ref: (len(ref), ref))
        yield F.make(F.NO_ROWS, sheet=c.sub.sheet, cell=first, detail=c.spec.row_noun)


@rule()
def duplicate_rows(c: Checked, ctx: Context) -> Iterator[F.Finding]:
    seen: dict[tuple, int] = {}
    formulas = c.sub.formula_cells
    # rows can only be duplicates when their main column folds the same: fold the others only then
    main = next((k for k in ("risk", "power_item", "measure", "name") if any(k in r.values for r in c.rows)), None)
    mains = [normalize.fold(iso_text(r.values.get(main, ""))) if main else "" for r in c.rows]
    counts = Counter(mains)
    for row, first in zip(c.rows, mains, strict=True):
        if counts[first] < 2 or (main and not first):
            continue    # (rows naming no risk are told so, each: "counted once" of rows with errors said nothing true)
        key = tuple(normalize.fold(iso_text(v)) for k, v in sorted(row.values.items()) if k != "seq")
        if not any(key):
            continue
        if formulas and any(ref in formulas for ref in row.refs.values()):
            continue                # a formula cell reads empty whatever it shows: no ground to call rows alike
        if key in seen:
            first_key = next((k for k in ("risk", "power_item", "measure", "name") if k in row.refs), None)
            ref = row.refs.get(first_key) if first_key else None
            yield F.make(F.DUPLICATE_ROW, sheet=c.sub.sheet, cell=ref, detail=seen[key], row=row.index, key=first_key)
        else:
            seen[key] = row.excel_row


_ENUMERATED = re.compile(r"(?:^|(?<=[\n；;。]))\s*(?:(\d{1,2})[.．、)）](?!\d)|[(（](\d{1,2})[)）]|([\u2460-\u2469])"
                         r"|([一二三四五六七八九十])、)")


def _enumerated(text: str) -> int:
    """How many items a text numbers one after another from the first (1. … ；2. …, （1）…（2）…, ①…②…, 一、…二、…), each
    at its start or after a line break, ；or 。; 0 for fewer than two."""
    if len(text) < 6 or len(text) > 2000:
        return 0
    numbers = []
    for m in _ENUMERATED.finditer(text):
        digits, bracketed, circled, chinese = m.groups()
        numbers.append(int(digits or bracketed) if digits or bracketed else
                       ord(circled) - 0x245F if circled else "一二三四五六七八九十".index(chinese) + 1)
    count = 0
    for n in numbers:
        if n != count + 1:
            break
        count = n
    return count if count >= 2 else 0


@rule(forms=("附件3", "附件4"))
def risks_in_one_cell(c: Checked, ctx: Context) -> Iterator[F.Finding]:
    """Two or three risks pasted from Word into one 风险点 cell (1.公文处理不及时；2.公章使用不规范): one risk with one level,
    one number, one measure, unsaid. Said; the cell holding a numbered list, items 1, 2, … one after another."""
    for row in c.rows:
        text = row.values.get("risk")
        if type(text) is str and text[:1] in "1１(（①一 \n" and (n := _enumerated(text)):
            yield F.make(F.RISKS_IN_ONE_CELL, sheet=c.sub.sheet, cell=row.refs.get("risk"), field="风险点", value=text,
                         detail=n, row=row.index, key="risk")


@rule(forms=("附件2", "附件3", "附件4"))
def major_is_level1(c: Checked, ctx: Context) -> Iterator[F.Finding]:
    """涉及“三重一大”=是 deserves 一级 (plan, 第二阶段)."""
    if not c.spec.column("level"):
        return
    for row in c.rows:
        level = row.values.get("level")
        if row.values.get("major") == "是" and level in ("二级", "三级"):
            yield F.make(F.MAJOR_NOT_LEVEL1, sheet=c.sub.sheet, cell=row.refs.get("level"), field="风险等级",
                         value=level, row=row.index, key="level")


def _names_in(cell: object) -> int:
    """How many people a 姓名 cell names: 刘洪、周建国 two, as 刘洪 and 周建国 on two lines; 刘洪（党委书记、院长）, 刘洪 with
    （主持工作） or 党委书记 on a line under it, 艾尔肯· ⏎ 吐尔逊, one (normalize.names_in)."""
    return max(1, len(normalize.names_in(cell)))


@rule(forms=("附件1",))
def leadership(c: Checked, ctx: Context) -> Iterator[F.Finding]:
    """组长/副组长 only in 领导小组, 主任/副主任 only in 办公室; one 组长 and one 主任."""
    only = {"组长": "领导小组", "副组长": "领导小组", "主任": "领导小组办公室", "副主任": "领导小组办公室"}
    for row in c.rows:
        role, body = row.values.get("role"), row.values.get("body")
        if role in only and body in ("领导小组", "领导小组办公室") and body != only[role]:
            yield F.make(F.LEADER_ROLE, sheet=c.sub.sheet, cell=row.refs.get("role"), field="职务", value=role,
                         detail=only[role], row=row.index, key="role")
    for role, label in (("组长", "领导小组组长"), ("主任", "领导小组办公室主任")):
        # a 主任 put under 领导小组 is no 办公室主任 (leader-role says so at its row): counted where it belongs
        holders = [row for row in c.rows if row.values.get("role") == role and row.values.get("body") in
                   (only[role], "", None)]
        # (two names in one cell, 刘洪、周建国 as 组长, are two holders: they passed as one; not a note in brackets or on a
        # line of its own: 刘洪（党委书记、院长）)
        names = {id(row): _names_in(row.values.get("name")) for row in holders}
        count = sum(names.values())
        if count > 1:        # each of them, where the submitter has to choose (in the 姓名 where it names two)
            for row in holders:
                two = names[id(row)] > 1
                yield F.make(F.LEADER_COUNT, sheet=c.sub.sheet, cell=row.refs.get("name" if two else "role"),
                             field="姓名" if two else "职务", value=count, detail=label, row=row.index,
                             key="name" if two else "role")
        elif not holders and c.rows and not any(f.code == F.INVALID_CHOICE and f.key == "role" and role in (f.value or "")
                                                 and "副" + role not in (f.value or "") for f in c.findings):
            # nobody: the column (not where a 职务 naming it could not be read, 总组长: "请从下拉列表中选择" said there,
            # and "0 名组长" beside a cell the person reads as the 组长 contradicted what they see; 秘书长 is no 组长)
            yield F.make(F.LEADER_COUNT, sheet=c.sub.sheet, cell=c.sub.column_refs.get("role"), field="职务",
                         value=0, detail=label)


# -- campaign rules -------------------------------------------------------------------------------------


_ITEM_SEPARATORS = re.compile(r"[、，,；;\n]+")
_ITEM_NUMBER = re.compile(r"^\s*(?:\d{1,2}(?:[.．]\d{1,2})+\s*[)）.．、]?|[(（]?\s*(?:\d{1,2}|[一二三四五六七八九十]{1,2})\s*[)）.．、]"
                          r"|[\u2460-\u2473])\s*")


_ITEM_JOINS = re.compile(r"[/／及和与]+")


def _listed_joined(key: str, items: set[str]) -> bool:
    """Whether a folded 关联权力事项 is two or more listed items joined by / 及 和 与 or nothing (a space, folded away);
    an item may hold 及 itself: 招生及录取管理和报销审核 is 招生及录取管理 and 报销审核. Worked out once per place in the
    text, looking up the pieces of each length items have (items that begin one another in a hostile cell took hours);
    not for a text longer than several items could be."""
    if len(key) > 240:
        return False
    lengths = sorted({len(item) for item in items if item and len(item) <= len(key)})
    # reach[i]: the most items the text from i on is made of (0 at its end), None where it is made of none
    reach: list[int | None] = [None] * len(key) + [0]
    for i in range(len(key) - 1, -1, -1):
        best = None
        for n in lengths:
            j = i + n
            if j > len(key) or key[i:j] not in items:
                continue
            m = _ITEM_JOINS.match(key, j)
            for after in ((m.end(),) if m and m.end() < len(key) else ()) + (j,):
                if reach[after] is not None and (best is None or 1 + reach[after] > best):
                    best = 1 + reach[after]
        reach[i] = best
    return (reach[0] or 0) > 1


_TITLE_MARKS = str.maketrans("", "", "《》〈〉<>【】[]〔〕「」『』")
"""Book-title marks and brackets around a 权力事项 (《资金支付审批》, 【技能竞赛选拔推荐】)."""
_NUMBER_ONLY = re.compile(r"[(（]?\s*(?:\d{1,2}|[一二三四五六七八九十]{1,2})\s*[)）.．]?|[\u2460-\u2473]")


_SECTION_PREFIX = re.compile(r"^[^：:\-—－]{1,8}类[：:\-—－]\s*")
_QUALIFIER = re.compile(r"[（(][^）)]{1,12}[）)]$")


def _listed_variant(key: str, items: set[str]) -> bool:
    """A listed item as people write it in 关联权力事项: under its section (决策类：招生计划制定), qualified (教学仪器设备
    采购（大额）), with a 的 (招生计划的制定), or shortened to its beginning (招生计划 for 招生计划制定: one item only)."""
    texts = {key, _SECTION_PREFIX.sub("", key), _QUALIFIER.sub("", key), key.replace("的", "")}
    texts |= {_QUALIFIER.sub("", _SECTION_PREFIX.sub("", t)).replace("的", "") for t in texts}
    # (… and an item qualified in 附件2 named without it: 物资采购 for 物资采购（5万元以下）, one item only; not with another
    # qualifier: 物资采购（10万元以上） is another power)
    if not _QUALIFIER.search(key) and len([i for i in items if _QUALIFIER.search(i) and _QUALIFIER.sub("", i) in texts]) == 1:
        return True
    # (an item listed with a 、 in it named without: 评优评先推荐 for 评优、评先推荐; or with 等 after it; its parts joined
    # otherwise: 考试命题阅卷组织, 考试命题和阅卷组织, 考试命题、阅卷组织 for 考试命题与阅卷组织)
    if _JOIN_WORDS.sub("", key) in {_JOIN_WORDS.sub("", i) for i in items} or (key.endswith("等") and key[:-1] in items):
        return True
    for text in texts:
        if text in items:
            return True
        if len(text) >= 4:
            # (only a light word left off the end: 招生计划 for 招生计划制定, not 设备采购 for 设备采购验收, another power;
            # or one added: 考试成绩管理工作 for 考试成绩管理)
            starting = [i for i in items if i.startswith(text) and i[len(text):] in _LIGHT_ENDINGS]
            if len(starting) == 1 or any(text.endswith(e) and text[:-len(e)] in items for e in _LIGHT_ENDINGS):
                return True
    return False


_JOIN_WORDS = re.compile(r"[、与和及]")


_LIGHT_ENDINGS = frozenset({"管理", "工作", "制定", "办理", "事项", "事务", "业务", "的制定", "的管理", "工作的", "审批", "审核",
                            "评定", "评审", "认定", "核定", "备案", "登记"})


def power_item_key(text: str) -> str:
    """A 权力事项 as compared between 附件2 and 附件4's 关联权力事项: folded, without a list number in front (1、 （2） ①)
    or a full stop after (考试成绩管理。)."""
    return normalize.fold(_ITEM_NUMBER.sub("", text).rstrip("。.;；,，、 ").translate(_TITLE_MARKS))


@rule(stage="campaign", forms=("附件4",))
def power_item_listed(c: Checked, ctx: Context) -> Iterator[F.Finding]:
    """附件4 关联权力事项 should name an item of the department's 附件2 (when one has arrived)."""
    if not c.department or c.department.code not in ctx.power_items:
        return
    items = ctx.power_items[c.department.code]
    for row in c.rows:
        item = iso_text(row.values.get("power_item", ""))
        if not item or power_item_key(item) in items or item.strip() in PLACEHOLDERS \
                or _NO_ITEM.fullmatch(normalize.fold(item)):
            continue        # (无, /, 暂无, 不涉及, （无）: no item linked, as an empty cell)
        unknown = _items_unknown(item, items)
        if unknown:
            # (the listed item nearest to what was typed, to choose from: 公文审核签发 for 公文审核)
            near = difflib.get_close_matches(power_item_key(unknown[0]), sorted(items), n=1, cutoff=0.6) \
                if len(unknown) == 1 else []
            yield F.make(F.POWER_ITEM_UNKNOWN, sheet=c.sub.sheet, cell=row.refs.get("power_item"),
                         field="关联权力事项", value="、".join(unknown), row=row.index, key="power_item",
                         detail=f"（清单中相近的是“{ctx.power_names.get(c.department.code, {}).get(near[0], near[0])}”）"
                         if near else "")


_NO_ITEM = re.compile(r"[(（]?(?:无|暂无|暂不涉及|不涉及|无涉及|无关联|无对应|不适用)(?:相关|关联|对应)?(?:的)?(?:权力事项)?[)）]?")
_STRONG_SEPARATORS = re.compile(r"[，,；;\n]+")
_INLINE_NUMBERS = re.compile(r"[(（]\s*\d{1,2}\s*[)）]|(?:^|(?<=\s))\d{1,2}\s*[.．、]|[\u2460-\u2473]")


def _items_unknown(item: str, items: set[str]) -> list[str]:
    """The parts of a 关联权力事项 that name no item of 附件2. Several items in one cell (教学计划审批；考试成绩管理, one per
    line, numbered 1、… 2、… or （1）…（2）… on one line, or joined by 、): each must be listed; an item whose own name
    holds a 、 (奖学金、助学金评定) is one (it was cut apart and said not to be in the 附件2 that lists it); joined by / , a
    space, 及, 和 (资金支付审批/报销审核): read so where every piece is a listed item (招生及录取管理 may be one item of its
    own); a listed item as people shorten or qualify it is one too (_listed_variant)."""
    def known(part: str) -> bool:
        key = power_item_key(part)
        if len(key) > 2 and key[0] in "(（" and key[-1] in ")）":     # ((教学经费分配): the whole item in brackets)
            key = key[1:-1]
        return key in items or _listed_joined(key, items) or _listed_variant(key, items)

    unknown: list[str] = []
    named = False
    for piece in (p.strip() for p in _STRONG_SEPARATORS.split(item)):
        if not piece or not power_item_key(piece) or _NUMBER_ONLY.fullmatch(piece):
            continue
        named = True
        if known(piece):
            continue
        # (split after a number in front is taken off: 1、考试成绩管理 is one item, not 1 and 考试成绩管理; pieces joined
        # again where together they are an item holding a 、: 教学计划审批、奖学金、助学金评定)
        for numbered in _INLINE_NUMBERS.split(_ITEM_NUMBER.sub("", piece)):
            subs = [q.strip() for q in numbered.split("、")]
            subs = [q for q in subs if power_item_key(q) and not _NUMBER_ONLY.fullmatch(q)]
            i = 0
            while i < len(subs):
                j = next((j for j in range(len(subs), i, -1) if known("、".join(subs[i:j]))), None)
                if j is None:
                    unknown.append(_ITEM_NUMBER.sub("", subs[i]))
                    i += 1
                else:
                    i = j
    if not named:           # only a number (the item's 序号 in 附件2: 2): no item named (an auditor cannot trace it)
        return [item.strip()]
    return list(dict.fromkeys(unknown))


def similarity(a: str, b: str, floor: float = 0.0) -> float:
    """How alike two texts are (difflib's ratio; 0.9 for one inside the other). floor: below it, only that the score is
    below it matters: a cheap upper bound is returned as soon as one is below it (every row of a long form against every
    registered risk made a merge quadratic: a minute at 1,000 rows)."""
    from difflib import SequenceMatcher

    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if a in b or b in a:
        # (as difflib scores it, at least 0.9: a long text one character short of another is nearer it than 0.9)
        return max(0.9, 2 * min(len(a), len(b)) / (len(a) + len(b)))
    if floor:
        la, lb = len(a), len(b)
        if (bound := 2 * min(la, lb) / (la + lb)) < floor:
            return bound
        ca, cb = _chars(a), _chars(b)
        if len(ca) > len(cb):
            ca, cb = cb, ca
        if (bound := 2 * sum(min(n, cb.get(ch, 0)) for ch, n in ca.items()) / (la + lb)) < floor:
            return bound           # (the characters in common bound the ratio: difflib's quick_ratio, counted once)
    return SequenceMatcher(None, a, b).ratio()


@lru_cache(maxsize=65536)
def _chars(text: str) -> dict[str, int]:
    return Counter(text)


def _shortened(text: str, n: int = 20) -> str:
    return text if len(text) <= n else text[:n] + "…"


def _risk_form_title(spec) -> str:
    from formkit.spec import load_forms

    other = load_forms().get(spec.measures_for)
    return other.title if other else ""


def scope_risks(c: Checked, ctx: Context) -> list[dict]:
    """The accepted risks a measure form answers: the person's 附件3 risks, or the department's 附件4 risks (and those of
    its people who have left since, left_staff)."""
    if not c.department:
        return []
    code = c.department.code
    if c.spec.scope == "person":
        who = c.person_key              # by 工号: the person's risks whichever department they were sent under
        return [r for r in ctx.risks.values() if r["层级"] == "个人" and r["_person"] == who
                and (who.startswith("#") or r["_dept"] == code)]
    left = ctx.left_staff()      # (not one answered by their own 附件5, accepted before they left)
    own = [r for r in ctx.risks.values() if r["_dept"] == code and (r["层级"] == "部门" or left(r) and not r["防控措施"])]
    # a person's risk this very form was pre-filled with (they had left then) and still without a measure of their own:
    # answered here too (put back on the staff list since, the department's accepted measures were "withdrawn")
    everything = ctx.campaign_risks if ctx.campaign_risks is not None else ctx.risks
    ident = c.sub.identity
    seen = {id(r) for r in own}
    own += [r for rid in (ident.risks if ident else ()) if (r := everything.get(rid)) is not None and id(r) not in seen
            and r["层级"] == "个人" and r["_dept"] == code and not r["防控措施"]]
    return own


def left_staff(cfg: Config) -> Callable[[Mapping], bool]:
    """Whether a catalogue row is the personal risk of someone taken off a staff list since (left the college): no 附件5
    goes to them, so their department answers it in its 附件6 (nobody was asked for its measures: a 一级 risk stayed
    without one, unsaid)."""
    listed = {normalize.person_key(p.staff_no, p.name) for p in cfg.roster.staff}
    with_list = {p.department for p in cfg.roster.staff}
    return lambda r: r["层级"] == "个人" and r["_dept"] in with_list and r["_person"] not in listed


_PREFILLED_COLUMNS = (("post", "岗位"), ("level", "风险等级"))
"""Columns a measure form is pre-filled with from the risk's own form (besides 风险编号 and 风险点) that its
submitter must not change. 直接管理 and 监督负责 are pre-filled too, but follow the level table and the roster,
which the office may change after the form went out (the catalogue takes them from there, not from the form)."""


def former_token(column: str, value: str) -> str:
    """How an earlier 岗位 or 风险等级 of a risk is kept among its earlier wordings (ctx.former): a measure form
    pre-filled before the risk's form was re-sent carries it, and that is no change by the submitter."""
    return f"\0{column}\0{value}"


def id_key(rid: str) -> str:
    """A 风险编号 as compared: case, width and spaces aside, _ read as - (jwc_b02 is JWC-B02)."""
    return normalize.fold(rid).upper().replace("_", "-")


def _risk_named(scope: list[dict], text: str, rid: str) -> dict | None:
    key = match_key(text)
    return next((r for r in scope if r["风险编号"] != rid and match_key(r["风险点"]) == key), None)


@lru_cache(maxsize=65536)
def _unpunctuated(folded: str) -> str:
    """Without punctuation, except between two digits (1.5万元 is not 15万元; 1,000)."""
    n = len(folded)
    return "".join(ch for i, ch in enumerate(folded) if not unicodedata.category(ch).startswith("P")
                   or (0 < i < n - 1 and folded[i - 1].isdigit() and folded[i + 1].isdigit()))


def match_key(text: object) -> str:
    """A 风险点 as a measure form's row is matched to a registered one: folded, without punctuation (its "。" at the
    end, a ； for a ，: "A。" was nearer a long registered B one character from A than A itself, the measures swapped)."""
    return _unpunctuated(normalize.fold(text))


_OTHER_RISK = 0.3
"""Below this likeness (difflib's ratio) a 风险点 written on a measure form's row may name another risk than the one its
风险编号 registered (教材征订中收受回扣 / 招生录取中违规操作: 0.11; a rewording of it scores 0.5 and more, an elaboration may
score less: nothing_alike also counts the words they share)."""


def nothing_alike(text: str, registered: str) -> bool:
    """Whether a 风险点 on a pre-filled measure form (or a copy of one) names another risk than the registered one: little
    alike, and at most one word of two characters (outside the words risks are worded with) in common: 违规使用公章 /
    违规发放津贴补贴 share 违规, as most risks share 违规, 管理, 工作 (教材征订中收受回扣 elaborated keeps 教材 and 回扣; a risk
    rewritten at length in other words reads as another too: returned, the message says to keep the pre-filled one)."""
    if similarity(text, registered, _OTHER_RISK) >= _OTHER_RISK:
        return False
    words = {text[i:i + 2] for i in range(len(text) - 1)
             if text[i] not in normalize.FUNCTION_CHARS and text[i + 1] not in normalize.FUNCTION_CHARS}
    return len(words & {registered[i:i + 2] for i in range(len(registered) - 1)}) <= 1


def _number_changed(c: Checked, row, rid: str, risk: dict) -> F.Finding:
    """A pre-filled 风险编号 changed to `rid` on the row of `risk` (its 风险点 says whose row it is)."""
    return F.make(F.PREFILLED_CHANGED, sheet=c.sub.sheet, cell=row.refs.get("risk_id"), field="风险编号", value=rid,
                  detail=risk["风险编号"], row=row.index, key="risk_id")


def _prefilled_columns_kept(c: Checked, row, match: dict, ctx: Context) -> Iterator[F.Finding]:
    """A pre-filled 岗位 or 风险等级 changed (the sheet unprotected): said at its cell; the catalogue keeps the
    risk's own values. A value the risk had before its form was re-sent is no change (ctx.former)."""
    earlier = ctx.former.get(match["风险编号"], ())
    for key, column in _PREFILLED_COLUMNS:
        field = c.spec.column(key)
        value = iso_text(row.values.get(key, ""))
        if field is None or not field.prefill or not value or key not in row.refs:
            continue
        was = iso_text(match.get(column, ""))
        mine = (normalize.level(value)[0] or value) if key == "level" else normalize.fold(value)
        if mine != (was if key == "level" else normalize.fold(was)) and former_token(key, mine) not in earlier:
            yield F.make(F.PREFILLED_RISK_CHANGED, sheet=c.sub.sheet, cell=row.refs[key], field=field.label,
                         value=value, detail=was, row=row.index, key=key)
    for key, column in (("direct", "直接管理"), ("supervisor", "监督负责")):
        # (the roster may have changed since the form went out, or someone unlocked the cell: a note either way, so
        # that an auditor comparing the form with the catalogue knows which one counts)
        field = c.spec.column(key)
        value = iso_text(row.values.get(key, ""))
        if field is not None and field.prefill and value and key in row.refs \
                and normalize.fold(value) != normalize.fold(iso_text(match.get(column, ""))):
            yield F.make(F.SUPERVISION_BY_ROSTER, sheet=c.sub.sheet, cell=row.refs[key], field=field.label,
                         value=value, detail=iso_text(match.get(column, "")), row=row.index, key=key)


def _unknown_number(c: Checked, row, rid: str, ctx: Context) -> F.Finding:
    """A 风险编号 that names none of the form's own risks: another department's or person's risk (said whose:
    "不在已登记的风险中" sent them looking for a mistake in a number that is registered), else unknown."""
    everything = ctx.campaign_risks if ctx.campaign_risks is not None else ctx.risks
    key = id_key(rid)
    other = everything.get(rid) or next((r for n, r in everything.items() if id_key(n) == key), None) \
        if key[:1].isalpha() else None
    if other is not None:
        whose = other.get("部门", "") + (f"{other['姓名']}的个人" if other.get("姓名") else "的")
        return F.make(F.RISK_ID_ELSEWHERE, sheet=c.sub.sheet, cell=row.refs.get("risk_id"), field="风险编号",
                      value=other["风险编号"], detail=whose, row=row.index, key="risk_id")
    return F.make(F.RISK_ID_UNKNOWN, sheet=c.sub.sheet, cell=row.refs.get("risk_id"), field="风险编号",
                  value=rid, row=row.index, key="risk_id")


_SEQ_ONLY = re.compile(r"\d{1,3}(?:\.0)?")
"""A row's number typed for its 风险编号 (1, 2, 3) on a blank measure form."""


@rule(stage="campaign", forms=("附件5", "附件6"))
def measures_answer_risks(c: Checked, ctx: Context) -> Iterator[F.Finding]:
    """Each measure row names a registered risk (by 风险编号, or by its text on a blank 附件5), and
    every risk in the form's scope gets a measure. The matched 风险编号 is kept in row.values['_risk_id']."""
    scope = scope_risks(c, ctx)
    by_id = {r["风险编号"]: r for r in scope}
    prefilled = c.sub.identity is not None and bool(c.sub.identity.risks)
    carried = set(c.sub.identity.risks) if prefilled and c.sub.identity else set()
    typed_ids = Counter(id_key(iso_text(row.values.get("risk_id", ""))) for row in c.rows)
    # a copy of the pre-filled form (no identity: most rows' 风险点 word for word the registered one under their number),
    # not a blank one typed in the person's own words: a row of another risk in it is one as on the form itself
    numbered = [(by_id.get(iso_text(row.values.get("risk_id", ""))), iso_text(row.values.get("risk", ""))) for row in c.rows]
    exact = sum(1 for r, text in numbered if r is not None and match_key(text) == match_key(r["风险点"]))
    copied = c.sub.identity is None and exact >= 1 and 2 * exact >= sum(1 for r, _ in numbered if r is not None)
    # cwc-3002-02, ＣＷＣ－3002－02 typed in: the number (also of a risk withdrawn since, or waiting for its correction)
    typed = {id_key(rid): rid for rid in (*carried, *by_id)}
    registered = "本人已登记的风险点（附件3）" if c.spec.scope == "person" else "本部门已登记的风险点（附件4）"
    if not scope and c.department is not None and c.rows \
            and (c.spec.scope != "person" or c.staff is not None) \
            and not any(f.severity == F.ERROR for f in c.findings) \
            and not any(iso_text(row.values.get("risk_id", "")) in ctx.pending for row in c.rows):
        # (whose form it is known: a 姓名 typed 孫八 on a department's general form is not someone "whose 附件3 has not
        # come", he may well have one; and nothing else to mend in it: "this form needs no change" beside 姓名 required;
        # a pre-filled one whose risk form has left the inbox since: each row was "deleted from the re-sent form, no
        # need to do anything", and the form counted as sent)
        # a blank 附件5 whose 附件3 is not in (not sent, or returned): every row "matched none of the registered risks,
        # write them as registered", though they were written right and nothing was registered yet
        yield F.make(F.MEASURES_BEFORE_RISKS, sheet=c.sub.sheet, cell=c.sub.column_refs.get("risk") or
                     c.sub.column_refs.get("measure"), detail="本人" if c.spec.scope == "person" else "本部门",
                     value=f"{c.spec.measures_for} {_risk_form_title(c.spec)}")
        return
    covered: set[str] = set()
    other_risk: set[str] = set()
    unmatched = 0
    post = iso_text(c.header.get("post", ""))
    field = c.spec.header_field("post")
    if prefilled and scope and post and field is not None and field.prefill and (ref := c.sub.header_refs.get("post")):
        # 附件5's 岗位 is pre-filled (locked) from the accepted 附件3: changed, it is said (the catalogue keeps its own)
        theirs = {normalize.fold(r["岗位"]) for r in scope}
        earlier = {t for r in scope for t in ctx.former.get(r["风险编号"], ())}
        if normalize.fold(post) not in theirs and former_token("post", normalize.fold(post)) not in earlier:
            yield F.make(F.PREFILLED_CHANGED, sheet=c.sub.sheet, cell=ref, field=field.label, value=post,
                         detail=scope[0]["岗位"], key="post")
    above: tuple[str, object] | None = None      # what the row above named: ("risk", catalogue row), ("pending" |
    for row in c.rows:                           # "withdrawn", 风险编号) or ("unmatched", what it named)
        rid = iso_text(row.values.get("risk_id", ""))
        if not prefilled and _SEQ_ONLY.fullmatch(rid) and iso_text(row.values.get("risk", "")):
            rid = ""        # 1, 2 typed for 风险编号 on a blank 附件5 (the numbers never seen): the 风险点 names the risk
        if rid and (key := id_key(rid)) in typed:
            rid = typed[key]
        elif rid and rid not in ctx.pending:       # (a number typed otherwise: rare; pending is checked only then)
            rid = next((p for p in ctx.pending if id_key(p) == key), rid)
        text = iso_text(row.values.get("risk", ""))
        if rid:
            if rid not in by_id and rid in ctx.pending:  # its risk form re-sent, and returned: waits for it
                yield F.make(F.RISK_PENDING, sheet=c.sub.sheet, cell=row.refs.get("risk_id"), field="风险编号",
                             value=rid, row=row.index, key="risk_id")
                above = ("pending", rid)
                continue
            # the row of a risk deleted from the re-sent 附件3/4 typed over with a risk added there (its 风险点 word for word,
            # a measure for it): that risk's measure, said (it was "withdrawn, 无需处理" and the new risk "not in the
            # table", the department's measure lost)
            reused = None
            if rid not in by_id and rid in carried and text and iso_text(row.values.get("measure", "")):
                # (not another pre-filled risk's row: handled below, its number was changed; nor one answered above;
                # of two added with this 风险点, the one at the row's 岗位, else neither)
                added = [r for r in scope if r["风险编号"] != rid and r["风险编号"] not in carried
                         and r["风险编号"] not in covered and match_key(r["风险点"]) == match_key(text)]
                post = normalize.fold(iso_text(row.values.get("post", "")))
                if len(added) > 1:
                    added = [r for r in added if post and normalize.fold(r.get("岗位", "")) == post]
                reused = added[0] if len(added) == 1 else None
            if rid not in by_id and rid in carried and reused is None:     # pre-filled, then deleted from the re-sent 附件3/4
                elsewhere = (ctx.campaign_risks if ctx.campaign_risks is not None else ctx.risks).get(rid)
                if elsewhere is not None and elsewhere["层级"] == "个人" and elsewhere["防控措施"]:
                    # someone's risk this department form answered while they were off the staff list, answered by
                    # their own 附件5 since: not withdrawn (it said 已删去, asking to put it back)
                    yield F.make(F.RISK_ANSWERED_BY_PERSON, sheet=c.sub.sheet, cell=row.refs.get("risk_id"),
                                 field="风险编号", value=rid, row=row.index, key="risk_id")
                    above = ("withdrawn", rid)
                    continue
                yield F.make(F.RISK_WITHDRAWN, sheet=c.sub.sheet, cell=row.refs.get("risk_id"), field="风险编号",
                             value=rid, row=row.index, key="risk_id")
                above = ("withdrawn", rid)
                continue
            if reused is not None:
                yield F.make(F.RISK_ID_OTHER_ROW, sheet=c.sub.sheet, cell=row.refs.get("risk_id"), field="风险编号",
                             value=rid, detail=f"“{_preview(reused['风险点'])}”，编号 {reused['风险编号']}",
                             row=row.index, key="risk_id")
                match = reused
            elif rid not in by_id:
                other = _risk_named(scope, text, rid) if text else None
                if prefilled and other is not None and other["风险编号"] in carried:
                    # a pre-filled number overwritten, its row otherwise intact: the number was changed
                    yield _number_changed(c, row, rid, other)
                    match = other
                elif not prefilled and other is not None and typed_ids[id_key(rid)] == 1 \
                        and _unknown_number(c, row, rid, ctx).code == F.RISK_ID_UNKNOWN:
                    # a copy of the form (or a blank one) holding this year's risk word for word under last year's
                    # number (2025-JWC-07): that risk, said (returned: "no such number", and the risk "without a
                    # measure" while its row was there, the measures typed a second time)
                    yield F.make(F.RISK_ID_BY_TEXT, sheet=c.sub.sheet, cell=row.refs.get("risk_id"), field="风险编号",
                                 value=rid, detail=f"{other['风险编号']}（{_preview(other['风险点'])}）", row=row.index,
                                 key="risk_id")
                    match = other
                else:
                    yield _unknown_number(c, row, rid, ctx)
                    above = ("unmatched", rid)
                    continue
            else:
                match = by_id[rid]
            # (a 风险点 cell merged down from the row above, over the row of another pre-filled risk (its number there
            # once, as issued): that row's text is not its own; its 风险编号 says whose row it is (its measure was filed
            # under the risk above, the form returned for numbers "changed" that nobody touched). Not on a blank form,
            # nor where the number stands twice (dragged down from the row above): the text decides, as before)
            risk_ref = row.refs.get("risk") or ""
            merged_down = prefilled and rid in carried and typed_ids[id_key(rid)] == 1 and bool(risk_ref) \
                and risk_ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != str(row.excel_row)
            earlier = {_unpunctuated(w) for w in ctx.former.get(rid, ())}
            if text and not merged_down and match_key(text) != (now := match_key(match["风险点"])) \
                    and match_key(text) in earlier and not normalize.words_kept(match_key(text), now) \
                    and iso_text(row.values.get("measure", "")):
                # an earlier wording of it, now another in what it names (公车私用 → 公款私用, its number kept by the
                # wordings' likeness), or more (…收受供应商好处的风险，并向学生高价推销教辅材料: every word kept and another
                # thing added): the measure written for the one is merged for the other, asked to be checked (it went on
                # unsaid, to the publication); not where the risk only lost words or was reworded (可能… → 存在…的风险)
                yield F.make(F.MEASURE_FOR_EARLIER_WORDING, sheet=c.sub.sheet, cell=row.refs.get("measure"),
                             field="防控措施", value=text, detail=match["风险点"], row=row.index, key="measure")
            if text and not merged_down and match_key(text) != match_key(match["风险点"]) \
                    and match_key(text) not in earlier:
                # (an earlier wording of it is no change)
                other = _risk_named(scope, text, rid)
                if other is not None and rid in carried and other["风险编号"] in carried:
                    # the 风险点 is another pre-filled risk's: the 风险编号 is what was changed (pasted over: last year's
                    # rows in another order; "改为 -01（原为 -02）" on a cell pre-filled -01 and still holding it)
                    yield F.make(F.RISK_ID_OTHER_ROW, sheet=c.sub.sheet, cell=row.refs.get("risk_id"), field="风险编号",
                                 value=rid, detail=f"“{_preview(other['风险点'])}”，编号 {other['风险编号']}",
                                 row=row.index, key="risk_id")
                    match = other
                elif (prefilled or copied) and iso_text(row.values.get("measure", "")) \
                        and nothing_alike(match_key(text), match_key(match["风险点"])):
                    # nothing alike the risk registered under the number (last year's row pasted over a pre-filled one,
                    # or added under this year's number): its measure is for that other risk (it was merged for this one,
                    # and published, with a note that read as a rewording)
                    yield F.make(F.MEASURE_OTHER_RISK, sheet=c.sub.sheet, cell=row.refs.get("risk"), field="风险点",
                                 value=text, detail=f"{rid} 登记的“{_preview(match['风险点'])}”", row=row.index, key="risk")
                    other_risk.add(rid)     # (its number listed: no risk "registered after the form was made")
                    continue        # (its 岗位 and 风险等级 are the other risk's too: not said as changes of this one)
                elif prefilled:
                    yield F.make(F.PREFILLED_RISK_CHANGED, sheet=c.sub.sheet, cell=row.refs.get("risk"), field="风险点",
                                 value=text, detail=match["风险点"], row=row.index, key="risk")
                else:         # a blank form: nothing was pre-filled, the 风险编号 typed in names another wording
                    yield F.make(F.RISK_TEXT_DIFFERS, sheet=c.sub.sheet, cell=row.refs.get("risk"), field="风险点",
                                 value=text, detail=match["风险点"], row=row.index, key="risk")
            if prefilled:
                yield from _prefilled_columns_kept(c, row, match, ctx)
        else:
            key = match_key(text)
            scored = sorted(((similarity(key, match_key(r["风险点"]), 0.75), i) for i, r in enumerate(scope)),
                            reverse=True)
            best = scope[scored[0][1]] if scored else None
            if len(scored) > 1 and scored[1][0] == scored[0][0] == 1.0:
                # one 风险点 registered under two 岗位 (收受礼品礼金 for 教材科 and 考务科): the row's 岗位 tells which, else
                # the risk the row goes on under (the last of them was taken, unsaid)
                tied = [scope[i] for score, i in scored if score == 1.0]
                post = normalize.fold(iso_text(row.values.get("post", "")))
                named = [r for r in tied if post and normalize.fold(r.get("岗位", "")) == post]
                under = [r for r in tied if above is not None and above[0] == "risk" and r is above[1]]
                best = (named or under or [best])[0]
            if len(scored) > 1 and scored[0][0] >= 0.75 and scored[1][0] == scored[0][0] and scored[0][0] < 1.0:
                # as close to two registered risks (优亲厚友 within two of them): which one is a guess
                unmatched += 1
                both = "、".join(f"{scope[i]['风险编号']}“{_shortened(scope[i]['风险点'])}”"
                                for score, i in scored if score == scored[0][0])
                yield F.make(F.MEASURE_AMBIGUOUS, sheet=c.sub.sheet, cell=row.refs.get("risk"), field="风险点",
                             value=text, row=row.index, key="risk", detail=both)
                above = ("unmatched", text)
                continue
            if best is None or similarity(key, match_key(best["风险点"])) < 0.75:
                if text:
                    # a warning: the file is still accepted, its matched rows merged (forms.md, 附件5) …
                    unmatched += 1
                    yield F.make(F.MEASURE_UNMATCHED, sheet=c.sub.sheet, cell=row.refs.get("risk"), field="风险点",
                                 value=text, row=row.index, key="risk", detail=registered)
                    above = ("unmatched", text)
                    continue
                if above is not None and (iso_text(row.values.get("measure", "")) or
                                          iso_text(row.values.get("procedure", ""))):
                    # a row inserted under a risk's row with a measure only (its 风险编号 left empty): another measure
                    # of that risk (the form was returned, every measure of it dropped), said where it is; under a
                    # risk that waits, is withdrawn or names nothing registered, it shares that risk's fate
                    kind, what = above
                    cell = row.refs.get("risk_id") or row.refs.get("measure")
                    if kind != "risk":
                        if kind == "unmatched":
                            unmatched += 1
                        code = {"pending": F.RISK_PENDING, "withdrawn": F.RISK_WITHDRAWN}.get(kind, F.MEASURE_UNMATCHED)
                        yield F.make(code, sheet=c.sub.sheet, cell=cell, field="风险编号", value=str(what),
                                     detail=registered if kind == "unmatched" else None, row=row.index, key="risk_id")
                        continue
                    yield F.make(F.MEASURE_CONTINUES, sheet=c.sub.sheet, cell=cell, value=what["风险编号"],
                                 detail=str(row.excel_row), row=row.index, key="risk_id")
                    best = what
                else:
                    if prefilled and "risk_id" in row.refs:
                        # a row added under the pre-filled ones, naming no risk: required_and_expected skips
                        # pre-filled columns there, so without this its measure would vanish unreported
                        yield F.make(F.REQUIRED, sheet=c.sub.sheet, cell=row.refs["risk_id"], field="风险编号",
                                     row=row.index, key="risk_id")
                    elif iso_text(row.values.get("measure", "")) or iso_text(row.values.get("procedure", "")):
                        # … and on a blank form, a measure on its first row naming no risk (风险编号 empty or 同上,
                        # 风险点 empty): dropped unsaid, the form accepted
                        key = "risk" if "risk" in row.refs or not row.refs.get("risk_id") else "risk_id"
                        yield F.make(F.REQUIRED, sheet=c.sub.sheet, cell=row.refs.get(key) or row.at("measure"),
                                     field=c.spec.column(key).label if c.spec.column(key) else "风险点",
                                     row=row.index, key=key)
                    continue
            match = best
        row.values["_risk_id"] = match["风险编号"]
        above = ("risk", match)
        if iso_text(row.values.get("measure", "")):
            covered.add(match["风险编号"])
    matched_rows = {row.values.get("_risk_id") for row in c.rows}
    listed = any(iso_text(row.values.get("risk_id", "")) and row.values.get("_risk_id") for row in c.rows)
    anchor = c.sub.column_refs.get("risk_id") or c.sub.column_refs.get("risk")
    # a risk the form does not list is to be added under its rows: named at the 防控措施 cell of the first row below
    # them, what is to be filled there and what the feedback marks (the 风险编号 column's header cell was named)
    measure_ref = c.sub.column_refs.get("measure")
    letters = (measure_ref or anchor).rstrip("0123456789") if anchor else ""
    below = max((row.excel_row for row in c.rows), default=int(anchor[len(letters):])) + 1 if anchor else 0
    # no empty row left above the sign-off (every row filled): the last row of the table, where one is inserted under
    # (it named the sign-off's label, 主管领导审定, marked in the feedback workbook)
    signoff_top = min((int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) for ref in c.sub.signoff_refs.values() if ref),
                      default=0)
    if unmatched and matched_rows == {None}:      # … unless no row answers a registered risk: nothing to merge
        yield F.make(F.MEASURES_MATCH_NOTHING, sheet=c.sub.sheet, cell=c.sub.column_refs.get("risk") or anchor,
                     value=unmatched, detail=registered)
    for r in scope:
        rid = r["风险编号"]
        if rid not in covered and rid not in matched_rows:
            # a pre-filled form owes a measure for each risk it was pre-filled with; a risk registered since
            # (its 附件3/4 re-sent with a new row) is not this form's mistake
            # (a sheet without its identity, a copy or a secretary's second sheet, that lists the numbers it was
            # pre-filled with: a risk it does not list was registered since, like one the identity does not carry)
            later = rid not in carried if prefilled else (listed and rid not in other_risk)
            code = F.RISK_REGISTERED_LATER if later else F.RISK_WITHOUT_MEASURE
            at = below if not signoff_top or below < signoff_top else max(
                (row.excel_row for row in c.rows), default=below)
            yield F.make(code, sheet=c.sub.sheet, cell=f"{letters}{at}" if anchor else None, value=rid,
                         detail=r["风险点"][:30])
            below += 1          # (two risks to add: two rows, as the feedback adds them)
