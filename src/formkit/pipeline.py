"""The analysis shared by merge, check and generate --stage measures.

inbox → intake (walk, unpack, sniff) → read (isolated workers: safety checks, parse, file rules) →
statuses (duplicate, superseded) → risk numbering → campaign rules (measures against risks) →
final statuses → catalogue, 权力清单 and 领导小组 rows.

Scale: a merge of 100,000 returned forms must fit in well under a GiB. So the parent process never
holds every file's bytes (a lazy walk hands the workers paths; they read, sniff, check, parse and
run the file rules, and send back a compact result), nor every parsed submission: each input keeps a
`Brief` (form, whose it is, 填表日期, findings), and its `Checked` submission lives in a store (the
cache, formkit.cache) from which it is loaded when the campaign rules, the catalogue or the feedback
need its rows, and dropped again. The catalogue rows themselves are compact (`CatalogueRow`).
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cmp_to_key
from operator import itemgetter
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from formkit import findings as F
from formkit import normalize, numbering, versions
from formkit.cache import MemoryStore, Store
from formkit.config import Config, Person
from formkit.inputs import ACCEPTED, DUPLICATE, REJECTED, RETURNED, SUPERSEDED, InputResult
from formkit.intake import (
    ADDR_SPEC,
    SPREADSHEET_EXTS,
    RawInput,
    Skipped,
    walk_inbox,
)
from formkit.levels import supervision
from formkit.normalize import iso_text, shown_time
from formkit.read import filled_rows
from formkit.spec import FormSpec, load_forms
from formkit.validate import (
    Checked,
    Context,
    campaign_window,
    check_campaign,
    left_staff,
    power_item_key,
    similarity,
)
from formkit.workers import read_all


@contextmanager
def timed(timings: dict | None, name: str) -> Iterator[None]:
    t0 = time.perf_counter()
    try:
        yield
    finally:
        if timings is not None:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - t0


# -- the analysis ----------------------------------------------------------------------------------------


class CatalogueRow(Mapping):
    """One row of 风险目录: its column labels (and _dept, _person, _staff_no) to values.

    A mapping like the dict it replaces (r["风险点"], r.get(...), dict(r), == a dict), stored as one list:
    300,000 rows as dicts would repeat the 28 keys 300,000 times.
    """

    __slots__ = ("_v",)
    KEYS = ("风险编号", "层级", "部门", "岗位", "姓名", "风险类别", "风险点", "主要表现形式", "风险等级", "涉及三重一大",
            "关联权力事项", "责任人", "关键环节", "防控措施", "工作程序", "完成时限", "直接管理", "监督负责", "来源文件",
            "来源SHA256", "来源位置", "提交时间", "措施来源文件", "措施来源位置", "备注", "措施备注", "_dept", "_person", "_staff_no",
            "_level_col", "_procedure_col", "_link_col", "_deadline_col", "_cols")
    # _level_col, _procedure_col, _link_col, _deadline_col: the column letters of the 风险等级, 工作程序, 关键环节 and 完成时限
    # cells in the rows 来源位置 and 措施来源位置 name (变化 points at the cell of the item that changed; one or two
    # letters: shared strings, no memory per row); _cols: the columns of the rest of the risk form's row (岗位=B;风险类别=C…,
    # one string per form: _content_columns)
    _INDEX = {k: i for i, k in enumerate(KEYS)}

    def __init__(self, values: list) -> None:
        self._v = values

    def __getitem__(self, key: str) -> object:
        i = self._INDEX.get(key)
        if i is None:
            raise KeyError(key)
        return self._v[i]

    def __setitem__(self, key: str, value: object) -> None:
        self._v[self._INDEX[key]] = value

    def get(self, key: str, default: object = None) -> object:
        i = self._INDEX.get(key)
        return default if i is None else self._v[i]

    def __contains__(self, key: object) -> bool:
        return key in self._INDEX

    def __iter__(self) -> Iterator[str]:
        return iter(self.KEYS)

    def __len__(self) -> int:
        return len(self.KEYS)

    def __repr__(self) -> str:
        return f"CatalogueRow({dict(self)!r})"

    @classmethod
    def picker(cls, keys: Sequence[str]) -> Callable[[CatalogueRow], tuple] | None:
        """A function giving a row's values of `keys`, in that order (for writing rows out); None when one of
        the keys is not a column or there are fewer than two."""
        if len(keys) < 2 or any(k not in cls._INDEX for k in keys):
            return None
        get = itemgetter(*(cls._INDEX[k] for k in keys))
        return lambda row: get(row._v)


@dataclass
class Analysis:
    cfg: Config
    forms: dict[str, FormSpec]
    inputs: list[InputResult]
    skipped: list[Skipped]
    ctx: Context
    catalogue: list[CatalogueRow] = field(default_factory=list)
    powers: list[dict] = field(default_factory=list)
    leaders: list[dict] = field(default_factory=list)
    store: Store | None = None
    _by_scope: dict | None = field(default=None, repr=False)
    as_of: date | None = field(default=None, repr=False)     # submissions.as_of, once computed
    statuses: list | None = field(default=None, repr=False)  # submissions.grid, once computed
    mailed_back: dict | None = field(default=None, repr=False)  # write.feedback's feedback workbooks mailed back unchanged
    first_sent: dict[tuple, str] = field(default_factory=dict, repr=False)
    """A submitter's form (supersession key) → when its first version was sent (ISO): lateness is judged by it. The
    first in sending order, not the earliest date: a corrected feedback workbook carries the 填表日期 of the
    version it corrects, which may be earlier than the mail that brought that version after the deadline."""

    numbering: dict[str, tuple[str, str | None]] = field(default_factory=dict, repr=False)
    """The risk numbers this analysis gave, by submitter (cache.Store.put_numbering; merge keeps them)."""

    kept: list[InputResult] = field(default_factory=list, repr=False)
    retired: list[tuple[str, str, str]] = field(default_factory=list, repr=False)
    """(风险编号, 岗位, 风险点) of the numbers of risks deleted (numbering.retired_numbers): never given to another risk,
    listed in 说明 so that they survive the cache."""
    """Superseded 附件1/附件2 whose rows stand in 领导小组/权力清单 while the version that replaced them is returned (a
    corrected list with one mistake emptied the leadership group's sheet until the correction came)."""

    def accepted(self, form: str | None = None) -> list[InputResult]:
        return [i for i in self.inputs if i.status == ACCEPTED and (form is None or i.form == form)]

    def findings(self) -> list[tuple[InputResult, F.Finding]]:
        return [(i, f) for i in self.inputs for f in i.findings]

    def _scoped(self) -> dict:
        if self._by_scope is None:
            index: dict = {}
            left = left_staff(self.cfg)
            by_6 = {res.raw.file_path for res in self.accepted("附件6")}
            for r in self.catalogue:
                index.setdefault((r["_dept"], r["层级"]), []).append(r)
                if r["层级"] == "个人":
                    index.setdefault(_risk_scope(r), []).append(r)
                    if left(r) and (not r["防控措施"] or r["措施来源文件"] in by_6):
                        # (answered by the department: its 附件6 asks for it; by their own 附件5 before: not again)
                        index.setdefault((r["_dept"], "部门"), []).append(r)
            self._by_scope = index
        return self._by_scope

    # used by generate --stage measures
    def measure_rows(self, spec: FormSpec, dept: str, person: Person | None) -> list[dict]:
        """The accepted risks a measure form of `dept` (and of `person`, for 附件5) answers."""
        level = "个人" if spec.scope == "person" else "部门"
        who = normalize.person_key(person.staff_no, person.name) if person else None
        key = (dept, level) if who is None else _person_scope(dept, who)
        # with the measures already accepted for them: a form generated again (a risk added since) asks only for
        # what is missing, and sending it back does not drop what was accepted
        # (a risk answered by several rows: those rows, as they were sent; a 关键环节 joined with ； is no choice)
        rows = []
        for r in self._scoped().get(key, []):
            parts = self.ctx.measure_rows.get(r["风险编号"]) or \
                [(r["防控措施"], r["工作程序"], r["关键环节"], r["完成时限"])]
            head = parts[0]     # (a row that gave a measure only: the 工作程序, 关键环节 … of the first, as they were read)
            # the 备注 accepted with the measures on the first row (the form sent back as generated dropped it: 措施备注
            # emptied, 变化 saying nothing)
            rows.extend({**risk_prefill(r), "measure": m, "procedure": p or head[1], "key_link": (k or head[2]).replace("；", "、"),
                         "deadline": d or head[3], **({"note": r["措施备注"]} if i == 0 and r["措施备注"] else {})}
                        for i, (m, p, k, d) in enumerate(parts))
        return rows

    def people_with_risks(self, dept: str) -> list[Person]:
        """The people of a department without a staff list who sent a 附件3: those with accepted risks, then those
        whose only 附件3 waits for a correction (their measure form goes out blank, and they are listed as such)."""
        seen: dict[str, Person] = {}
        for r in self._scoped().get((dept, "个人"), []):
            if r["_person"] not in seen:
                seen[r["_person"]] = Person(r.get("_staff_no", ""), r["姓名"], dept, r["岗位"], "")
        names = {normalize.name_key(p.name) for p in seen.values()}
        for res in self.inputs:
            if res.form == "附件3" and res.status == RETURNED and res.department == dept and res.person \
                    and normalize.name_key(res.person) not in names:
                names.add(normalize.name_key(res.person))
                seen["?" + res.person] = Person("", res.person, dept, "", "")
        return list(seen.values())


def risk_prefill(r: Mapping) -> dict:
    """The columns a measure form is pre-filled with from a catalogue row (generate, and feedback's put-back rows)."""
    return {"risk_id": r["风险编号"], "post": r["岗位"], "risk": r["风险点"], "level": r["风险等级"],
            "direct": r["直接管理"], "supervisor": r["监督负责"]}


def _person_scope(dept: str | None, who: str) -> tuple:
    """The scope of a person's risks: (department, "个人", normalize.person_key); a person known by 工号 in any
    department (someone moved in the roster answers for the risks they sent before)."""
    return (None if who.startswith("#") else dept, "个人", who)


def _scope_key(checked: Checked) -> tuple:
    """Which accepted risks a measure form answers (validate.scope_risks): its person's, or its
    department's own; the same key as _risk_scope of those risks."""
    code = checked.department.code if checked.department else None
    return _person_scope(code, checked.person_key) if checked.spec.scope == "person" else (code, "部门", "")


def _risk_scope(r: CatalogueRow) -> tuple:
    """A catalogue row's scope: (department, 层级, "") for a department's risk, _person_scope for a person's."""
    return _person_scope(r["_dept"], r["_person"]) if r["层级"] == "个人" else (r["_dept"], r["层级"], "")


@contextmanager
def _risks_of(ctx: Context, checked: Checked, by_scope: dict[tuple, dict]) -> Iterator[None]:
    """The campaign rules of a measure form look at the accepted risks of its own scope only
    (validate.scope_risks); hand them those risks, in the same order, instead of scanning every risk of
    the campaign (or of the department) for each form: quadratic at 100,000 forms."""
    everything = ctx.risks
    ctx.risks = by_scope.get(_scope_key(checked), {}) if checked.department else {}
    ctx.campaign_risks = everything
    try:
        yield
    finally:
        ctx.risks, ctx.campaign_risks = everything, None


def analyse(cfg: Config, progress: Callable[[str, int, int], None] | None = None,
            raws: list[RawInput] | None = None, skipped: list[Skipped] | None = None,
            campaign_rules: bool = True, *, store: Store | None = None, timings: dict | None = None,
            while_reading: Callable[[], None] | None = None, compare_with: Path | None = None) -> Analysis:
    """The whole analysis of an inbox (or of the given inputs); campaign_rules=False checks files alone.

    store: where read outcomes are kept and looked up (formkit.cache; default: in memory, for this run).
    timings: when given, seconds spent per stage are added to it ("intake", "read", "analyse"), and the CPU
    seconds the workers spent on each part of reading ("cpu_io", "cpu_safety", … see READ_PARTS).
    while_reading: called once while the workers read (this process mostly waits then), e.g. to import
    what writing the outputs needs. compare_with: the previous round's consolidated workbook (merge --compare), whose
    risk numbers stand where the cache that kept them is gone.
    """
    forms = load_forms()
    store = store if store is not None else MemoryStore()
    with timed(timings, "intake"):
        if raws is None:
            raws, skipped = walk_inbox(cfg.root, cfg.inbox, lazy=True,
                                       progress=(lambda d, t: progress("收件（拆邮件与压缩包）", d, t)) if progress else None)
        results = [InputResult(r) for r in raws]
    with timed(timings, "read"):
        results, late_skipped = read_all(results, cfg, store,
                                         (lambda d, t: progress("读取", d, t)) if progress else None, cfg.root,
                                         while_reading=while_reading, cpu=timings)
    skipped = sorted([*(skipped or []), *late_skipped], key=lambda s: s.path) if late_skipped else (skipped or [])
    with timed(timings, "analyse"):
        analysis = _analyse(cfg, forms, results, skipped, store, campaign_rules, progress, compare_with)
    return analysis


def _analyse(cfg: Config, forms: dict[str, FormSpec], results: list[InputResult], skipped: list[Skipped],
             store: Store, campaign_rules: bool, progress: Callable[[str, int, int], None] | None,
             compare_with: Path | None = None) -> Analysis:
    ctx = Context(cfg)
    _SHARED.clear()
    if compare_with is not None and not numbering.same_campaign(compare_with, cfg):
        compare_with = None     # (last year's workbook, for a year-on-year 变化: its numbers are not this campaign's)

    # rejections found by intake; byte-identical duplicates; what reading gave. Of several copies of the same
    # bytes the one received first is the submission (an old form attached again to the mail that brings its
    # correction keeps its first date, so the correction stays the later one; a form sent again weeks later keeps
    # the time and provenance of the first copy); else the first by path
    window = campaign_window(cfg)
    first_of: dict[str, InputResult] = {}
    seen = store.get_seen() if campaign_rules else {}     # the path each input's bytes were first read as
    if campaign_rules and not seen and store.persistent:
        seen = numbering.seen_from_workbook(cfg.outbox)    # (the cache gone: the last workbook's sources)
    for res in results:
        if res._outcome is None or res._outcome[0] != "intake":
            kept = first_of.get(res.sha256)
            if kept is None:
                first_of[res.sha256] = res
            elif seen.get(res.sha256) in (kept.path, res.path):
                # a copy of bytes an earlier merge read: the file it read them as stays the original (a copy saved
                # into inbox/ from the mail, or sent again in a zip, took over, 来源文件 and 提交时间 with it)
                first_of[res.sha256] = res if seen[res.sha256] == res.path else kept
            elif versions.received_earlier(res, kept, window):
                first_of[res.sha256] = res
    for res in results:
        stage, value = res._outcome or ("read", F.make(F.FILE_READ_FAILED, detail="读取失败"))
        if stage == "intake":
            res.status, res.findings = REJECTED, [value]
            continue
        if first_of[res.sha256] is not res:
            res.same_as = first_of[res.sha256]
            if versions.in_campaign(res, window):
                res.same_as.copies += (res,)
            res.status, res.duplicate_of = DUPLICATE, res.same_as.path
            res.findings = [F.make(F.DUPLICATE_FILE, value=res.duplicate_of)]
            continue
        if stage != "ok":
            res.status, res.findings = REJECTED, [value]
            continue
        res.brief = value
        res.findings = list(value.findings)
        res.raw.kind, res.raw.has_macros = value.kind, value.has_macros

    _office_notices(cfg, results, skipped)

    # supersede: the latest submission of each (form, department, person) is the current one
    groups: dict[tuple, list[InputResult]] = {}
    versions.dated_corrections(results)
    for res in results:
        if res.brief:
            res.filled_late = versions.filled_after_sending(res, window)
            ts, basis = versions.when(res, window)
            res.submitted_at, res.order_basis = versions.iso(ts), basis
            res.time_basis = basis
            if (said := (res.raw.mail or {}).get("date_header")) and (taken := res.raw.mail.get("date")):
                res.findings.append(F.make(F.MAIL_DATE_WRONG, value=shown_time(versions.beijing(said)),
                                           detail=shown_time(versions.beijing(taken))))
            groups.setdefault(res.brief.key, []).append(res)
            if after := res.filled_late:
                c = res.checked
                res.findings.append(F.make(
                    F.DATE_AFTER_SENDING, field="填表日期", value=res.brief.filled.isoformat(), detail=after, key="date",
                    sheet=c.sub.sheet if c is not None else None, cell=c.sub.header_refs.get("date") if c is not None else None))
    _corrections_join(results, groups)
    if not campaign_rules:
        # files checked alone (check outside a working folder) are no versions of one another: a draft checked beside
        # its final copy was "superseded", its errors uncounted and exit 0, where the screen says no versions are compared
        groups = {(key, i): [res] for key, members in groups.items() for i, res in enumerate(members)}
    held: dict[str, set] = {}       # an archive or mail → whose forms it holds (a department's, a person's)
    for res in results:
        if res.brief and res.raw.container:
            held.setdefault(res.raw.container, set()).add((res.brief.department, res.brief.person))
    # (a collection of several submitters' forms: a person's 附件3 beside the department's 附件4 too; not one department's
    # 附件2 and 附件4, whose earlier 附件4 sent again on purpose, a risk withdrawn, was set aside as an old copy)
    collections = {container for container, whose in held.items() if len(whose) > 1}
    current: list[InputResult] = []
    first_sent: dict[tuple, str] = {}
    numbered: dict[str, dict[int, int]] = {}      # a re-sent risk form's path → its rows' numbers (_row_numbers)
    worded: dict[str, dict[int, set[str]]] = {}   # … → number → the wordings its risk had
    versions_of: dict[str, list[InputResult]] = {}   # a risk form's current version's path → its versions
    earlier_of: dict[str, list[InputResult]] = {}    # a 附件1/2/5/6's current version's path → the versions before it
    kept: list[InputResult] = []                      # … the one standing in for it while it is returned (Analysis.kept)
    used: dict[str, set[int]] = {}                    # an earlier 附件5/6's path → its rows whose measures stand
    copies: dict[str, str] = {}     # a sheet copy set aside (sheet-copies) → the sheet of its file taken instead
    split_aside: set[str] = set()   # the files of one form sent together that nothing tells from the last (split-versions)
    registry = store.get_numbering() if campaign_rules else {}     # the numbers earlier merges gave
    if campaign_rules and not registry and store.persistent:
        # (the cache gone: read back from their workbook, the one merge --compare names first)
        registry = numbering.registry_from_workbook(cfg.outbox, compare_with)
    given: dict[str, tuple[str, str | None]] = {}                 # … and those this one gives (merge keeps them)
    from_workbook: list[dict] = []

    def earlier_numbers(prefix: str, sha: str = "") -> tuple[str, str | None] | None:
        """A submitter's numbers where the file an earlier merge numbered in order is no longer in the inbox (the
        registry kept only which file that was): its rows as the cache still holds them (the merge where it leaves),
        else as the last consolidated workbook shows them (read once, when needed)."""
        if sha and store.persistent:
            try:
                # (the shared objects the results already point at, when there are results)
                refs = next((r._refs for r in results if r._refs is not None), None)
                if refs is None:
                    from formkit.cache import Refs

                    refs = Refs(forms, cfg.roster)
                c = store.load_checked(sha, refs)
            except Exception:  # noqa: BLE001 - a damaged or missing entry: the workbook then
                c = None
            if c is not None and getattr(c, "rows", None) is not None:
                return sha, numbering.rows_in_order(c)
        if not from_workbook:
            from_workbook.append(numbering.registry_from_workbook(cfg.outbox, compare_with) if store.persistent else {})
        return from_workbook[0].get(prefix)

    first_dept: dict[str, str] = {}               # … → the department its first version came from, where another
    # another department's template filled by a department and sent as its own (its address, its name on the file):
    # the content is the sender's, so it is no version of the template's department (credited to it, it showed as
    # that department's 权力清单, replaced what it sent, stopped its chase): returned to the sender instead
    sent_by = {res.path: other for members in groups.values() for res in members
               if campaign_rules and (other := versions.sent_by_another(res, cfg)) is not None}
    sent_aside: list[InputResult] = []
    for members in groups.values():
        unchanged = versions.unchanged_feedback(members)
        # (not one its feedback workbook corrected since: superseded by it)
        for res in [m for m in members if m.path in sent_by and not any(versions.corrects(o, m) for o in members)]:
            members.remove(res)
            res.status = RETURNED
            c = res.checked
            ref = c.sub.header_refs.get("department") if c is not None else None
            ident = c.sub.identity if c is not None else None
            if ident is None or ident.department != sent_by[res.path]:
                # (the form's department name kept or renamed says nothing here: the rows are no one's of that
                # department)
                res.findings = [f for f in res.findings if f.code not in (F.DEPARTMENT_RENAMED, F.DEPARTMENT_NAME_DIFFERS)]
                res.findings.append(F.make(F.DEPARTMENT_SENDER_ASIDE, value=cfg.roster.departments[sent_by[res.path]].name,
                                           detail=cfg.roster.departments[res.department].name,
                                           **({"sheet": c.sub.sheet, "cell": ref, "field": "部门", "key": "department"}
                                              if ref else {})))
            # (else the sender's own form, another department's name typed in its 部门: department-mismatch says so; it
            # was also "that department's form filled by the sender", backwards, and its reply went to the other's mailbox)
            res.credited = sent_by[res.path]     # the sender's (report.json, 问题清单, 提交情况, its feedback)
            sent_aside.append(res)
        if not members:
            continue
        if len(members) > 1 and 0 < sum(map(_other_campaign, members)) < len(members):
            # last year's form (identity-campaign) beside this campaign's: set aside, replacing nothing (a stray copy
            # of it mailed or saved into inbox/ after this year's was accepted took its place, the person's accepted
            # risks gone from the catalogue; returned, it asked the person again for a form already sent)
            strays = [m for m in members if _other_campaign(m)]
            members[:] = [m for m in members if not _other_campaign(m)]
        else:
            strays = []
        members.sort(key=cmp_to_key(lambda a, b: versions.compare(a, b, window)[0]))
        if len(members) > 1 and _mismatched(members[-1]) and not all(map(_mismatched, members)) \
                and not any(versions.corrects(m, members[-1]) for m in members):
            # a form naming another person than it was issued to (a colleague's sheet pasted into one's own), sent
            # after that person's own: returned on its own, replacing nothing (it took over her accepted form, her
            # risks gone); one of hers sent later still replaces it, as does its feedback workbook corrected, whatever
            # the dates say (put after it below)
            own = max(i for i, m in enumerate(members) if not _mismatched(m))
            current.extend(members[own + 1:])
            del members[own + 1:]
        if len(members) > 1:
            members[-1].order_basis = versions.compare(members[-1], members[-2], window)[1]
            if members[-1].order_basis == "文件名顺序" and (versions.holding_all_last(
                    members, lambda a, b: versions.compare(a, b, window)[1] == "文件名顺序")
                                                         or versions.original_sheet_first(members)
                                                         or versions.copy_edited_last(members)
                                                         or versions.superset_last(members)):
                members[-1].order_basis = versions.compare(members[-1], members[-2], window)[1]
            # the files nothing tells from the last and that share no row with it: parts of one table (each of them,
            # not the one before it only: of three parts the last two sharing a row, the first's rows were dropped)
            undecided = [m for m in members[:-1] if (members[-1].order_basis if m is members[-2] else versions.compare(
                members[-1], m, window)[1]) == "文件名顺序"] if members[-1].order_basis == "文件名顺序" else []
            # (and, one of them a part, every one nothing tells from it: the department is told to merge those named)
            parts = undecided if any(versions.split(members[-1], m) for m in undecided) else []
            if parts:
                split_aside.update(m.path for m in parts)
                members[-1].findings.append(F.make(F.SPLIT_VERSIONS, value="、".join(m.file_name for m in parts)))
            elif members[-1].order_basis == "文件名顺序" and (other := versions.sheet_copy(members[-1], members[-2])):
                # a sheet copied in the same workbook (附件3 (2), a backup) and one of the two edited since: nothing
                # says which is the last (the copy took the other's place, the rows typed since gone unsaid)
                members[-1].findings.append(F.make(F.SHEET_COPIES, sheet=members[-1].checked.sub.sheet, value=other))
                copies[members[-2].path] = members[-1].checked.sub.sheet
                for m in members[-2:]:      # (the file's note "the other sheet is read and merged as a form of its own"
                    m.findings = _not_apart(m, other)       # contradicted sheet-copies' "merged as 附件3")
            elif members[-1].order_basis == "文件名顺序" and (other := versions.sent_together(members[-1], members[-2])):
                # two versions in one mail or archive, differing, sharing rows: nothing says which is the last (the
                # names' order chose, unsaid)
                members[-1].findings.append(F.make(F.VERSIONS_TOGETHER, value=other))
        versions.corrections_last(members)
        aside = versions.older_resent(members, collections) + versions.blank_after_filled(members, forms)
        # lateness by the first sending that had rows (a blank form sent before the deadline is no submission)
        if sent := next((m.submitted_at for m in members if m.submitted_at
                         and not any(f.code == F.NO_ROWS for f in m.findings)), None):
            first_sent[members[0].brief.key] = sent
        latest = members[-1]
        current.append(latest)
        if len(members) > 1 and (latest.form in _LISTS or (latest.form in forms and forms[latest.form].is_measure_form)):
            earlier_of[latest.path] = members[:-1]
        if latest.form in forms and forms[latest.form].is_risk_form and not (len(members) == 1 and _mismatched(latest)):
            # numbered below (numbering.number_rows; not a form of nobody's: it would take the numbers of the person
            # it names)
            versions_of[latest.path] = members
            if len(members) > 1 and members[0].department:
                # moved (or the department's code changed since the first version): the numbers keep their prefix
                head = members[0].checked
                origin = (head.retired_code if head is not None else "") or members[0].department
                if origin != latest.department:
                    first_dept[latest.path] = origin
        for i, older in enumerate(members[:-1]):
            older.status, older.superseded_by = SUPERSEDED, latest.path
            said = F.make(F.SUPERSEDED, value=latest.path)
            if older.path in copies:    # (not "a newer submission": a sheet of the same file)
                said = replace(said, message=f"同一文件中还有一张同样的表（工作表“{copies[older.path]}”），已按那一张汇总，"
                                             "本工作表未汇总。")
            elif older.path in split_aside:
                # (not "a newer submission" beside the other's "nothing says which is newer")
                said = replace(said, message=f"同一次报送中还有一份同样的表（{latest.path}），看不出哪一份更新，已与那一份一起"
                                             "退回核对（见那一份的说明）；本文件暂未汇总。")
            older.findings.append(said)
            if i + 2 < len(members):    # what put the next version after it (the last one's own: set above)
                after = members[i + 1]
                older.order_basis = "更正反馈" if versions.corrects(after, older) else \
                    versions.compare(after, older, window)[1]
            else:
                older.order_basis = latest.order_basis
        for res in (*aside, *unchanged, *strays):     # (blank-resent, feedback-unchanged, identity-campaign say why)
            res.status, res.superseded_by = SUPERSEDED, latest.path
        if len(members) > 1 and latest.form in forms and forms[latest.form].scope == "person":
            versions.same_name_told(members)

    # sent by another department on this one's form, then that department's own form came after it: the mistake is
    # made good (it stayed returned for good, every merge ending with 1 and a reply drafted for it)
    own_latest = {(r.form, r.department): r for r in current}
    for res in sent_aside:
        if (own := own_latest.get((res.form, res.credited))) is None:
            continue
        if versions.compare(own, res, window)[0] > 0:
            res.status, res.superseded_by = SUPERSEDED, own.path
            res.findings.append(F.make(F.SUPERSEDED, value=own.path))
        else:
            # the sender has its own form in already: its feedback (the sender's form with these rows only), sent back
            # as told, replaces that one (its accepted risks gone unsaid): said, with what to do if it only adds
            res.findings = [replace(f, message=f.message + f"注意：{cfg.roster.departments[res.credited].name}"
                                                f"已报送过本部门的{res.form}（{own.path}），发回反馈附件将替代那一份；如只是补充，"
                                                "请把两份的内容合在一份表中再发回。")
                            if f.code == F.DEPARTMENT_SENDER_ASIDE else f for f in res.findings]
    by_form: dict[str, list[InputResult]] = {}
    for res in sorted(current, key=lambda r: r.path):
        by_form.setdefault(res.form or "", []).append(res)
    n_current, n_done = len(current), 0

    def step() -> None:
        nonlocal n_done
        n_done += 1
        if progress and (n_done % 64 == 0 or n_done == n_current):
            progress("校验", n_done, n_current)

    # 附件2 first: the power items each department declared (latest readable one counts)
    for res in by_form.get("附件2", []):
        if res.department:
            lists = [res]
            if any(f.severity == F.ERROR for f in res.findings) and res.path in earlier_of:
                # returned: the list that stands in 权力清单 until it is corrected (_keep_previous) too (a 附件4 naming an
                # item the returned version left out was told it is not in the list), and the returned one's items (one
                # it added was told it is missing from a list that has it)
                lists.append(_standing(earlier_of[res.path]) or res)
            for one in lists:
                # (two current lists of one department: one merged into it since, its 附件2 still standing for its items)
                texts = [iso_text(r.values.get("power_item", "")) for r in one.checked.rows]
                # (and an item over its sub-items, 1 招生录取管理 over 1.1 and 1.2: a heading, which 附件4 names all the same)
                texts += [_SEQ_IN_FRONT.sub("", f.value) for f in one.findings
                          if f.code == F.SECTION_HEADING and f.field == "权力事项" and f.value]
                names = ctx.power_names.setdefault(res.department, {})
                for text in texts:
                    names.setdefault(power_item_key(text), text)
                ctx.power_items.setdefault(res.department, set()).update(map(power_item_key, texts))

    def settle(res: InputResult) -> None:
        res.status = RETURNED if any(f.severity == F.ERROR for f in res.findings) else ACCEPTED

    prefix_of: dict[str, str] = {}       # a risk form's path → its numbers' prefix (numbering.number_rows)

    def _rid(c: Checked, n: int, path: str) -> str:
        prefix = prefix_of.get(path)
        return f"{prefix}{n:02d}" if prefix else numbering.risk_id(c, n, first_dept.get(path))

    for form_id in ("附件1", "附件2", "附件3", "附件4"):
        for res in by_form.get(form_id, []):
            c = res.checked
            if res.path in versions_of and c is not None:
                prefix_of[res.path] = numbering.number_rows(res, c, versions_of[res.path], first_dept.get(res.path),
                                                            registry, given, numbered, worded, earlier_numbers)
            if campaign_rules and not _other_campaign(res):     # (another campaign's rows are of no risk of this one)
                check_campaign(c, ctx)
            settle(res)
            if res.status == RETURNED and res.path in prefix_of:
                given.pop(prefix_of[res.path], None)    # numbers given by a version accepted only (numbering._returned)
            if res.status == RETURNED and res.path in earlier_of:
                _keep_previous(kept, res, earlier_of[res.path])
            if res.status == ACCEPTED and c.spec.is_risk_form:
                numbers, wordings = numbered.get(res.path, {}), worded.get(res.path, {})
                columns = _content_columns(c)
                for row in _distinct_rows(res, c):
                    n = numbers.get(row.index, row.index + 1)
                    rid = _rid(c, n, res.path)
                    if n in wordings:
                        ctx.former[rid] = wordings[n]
                    ctx.risks[rid] = _risk_row(cfg, res, c, row, rid, columns)
            elif res.status == RETURNED and c.spec.is_risk_form and (
                    res.path in numbered or (prev := registry.get(prefix_of.get(res.path, ""))) is not None):
                # a re-sent risk form returned: its risks wait for the correction (not withdrawn, not deleted); so do
                # those of the earlier versions it leaves out (a returned form decides no deletion); also where the
                # accepted version is gone from the inbox (the re-send saved over it: its pre-filled 附件5 was "waiting
                # for a risk form never received")
                for row in c.rows:
                    n = numbered.get(res.path, {}).get(row.index, row.index + 1)
                    ctx.pending.add(_rid(c, n, res.path))
                for n in worded.get(res.path, {}):
                    ctx.pending.add(_rid(c, n, res.path))
                if res.path not in numbered and prev is not None:
                    shown = prev if prev[1] else earlier_numbers(prefix_of[res.path], prev[0])
                    for n in json.loads(shown[1]) if shown and shown[1] else ():
                        ctx.pending.add(f"{prefix_of[res.path]}{int(n):02d}")
            step()
    # measures: the campaign rules match each row to an accepted risk; accepted measures fill the catalogue
    by_scope: dict[tuple, dict] = {}
    left = left_staff(cfg)
    for rid, r in ctx.risks.items():
        by_scope.setdefault(_risk_scope(r), {})[rid] = r
        if left(r):
            by_scope.setdefault((r["_dept"], "部门", ""), {})[rid] = r
    for form_id in ("附件5", "附件6"):
        for res in by_form.get(form_id, []):
            c = res.checked
            if campaign_rules and not _other_campaign(res):
                with _risks_of(ctx, c, by_scope):
                    check_campaign(c, ctx)
            settle(res)
            if res.status == ACCEPTED:
                _apply_measures(ctx, res, c)
                if campaign_rules and res.path in earlier_of and not _other_campaign(res):
                    # re-sent: the measures of earlier versions stand for the risks it does not list
                    _keep_measures(ctx, res, earlier_of[res.path], by_scope, used)
            elif c is not None and not _other_campaign(res):
                for row in c.rows:
                    if (rid := row.values.get("_risk_id")) and rid not in ctx.measures_pending:
                        anchor = row.at("measure")
                        ctx.measures_pending[rid] = (res.raw.file_path, {
                            item: f"{c.sub.sheet}!{row.refs.get(key) or anchor}" for item, key in
                            (("防控措施", "measure"), ("工作程序", "procedure"), ("关键环节", "key_link"), ("完成时限", "deadline"))})
                for f in res.findings:
                    # … and a risk it was to answer and has no row for (a pre-filled row deleted): waiting for the same
                    # correction, at the cell the row is to be put back (it was 措施变化 to nothing, beside 退回待改)
                    if f.code == F.RISK_WITHOUT_MEASURE and f.value and f.value not in ctx.measures_pending:
                        at = f"{c.sub.sheet}!{f.cell}" if f.cell else c.sub.sheet
                        ctx.measures_pending[f.value] = (res.raw.file_path, dict.fromkeys(
                            ("防控措施", "工作程序", "关键环节", "完成时限"), at))
            step()
    for res in results:
        if res.brief and res.status in (RETURNED, SUPERSEDED) and res not in kept and not any(
                f.code in (F.BLANK_RESENT, F.FEEDBACK_UNCHANGED) for f in res.findings):
            c = res.checked
            reason = {RETURNED: "所在文件有错误，已退回修改", SUPERSEDED: "同一表单有更新的提交"}[res.status] \
                if res.path not in split_aside else "与同一次报送的另一份一起退回核对"
            for row in c.rows:
                if row.index in used.get(res.path, ()):
                    continue        # (its measure stands for a risk the newer version does not list: _keep_measures)
                # at the cell that names the row (its 风险点, 权力事项 or 姓名), with that text: 序号 is often left empty
                key = next((k for k in _ROW_NAMED_BY if row.refs.get(k)), None)
                anchor = (row.at(key) if key else row.at()) or None
                value = row.values.get(key) if key else None
                res.findings.append(F.make(F.ROW_NOT_MERGED, sheet=c.sub.sheet, cell=anchor,
                                           value=str(value) if value not in (None, "") else None,
                                           detail=f"第 {row.excel_row} 行，{reason}", row=row.index))
    _scans_followed_up(results, cfg.roster)
    _loose_unreadable_followed_up(results, cfg.roster)
    _sent_unreadable_first(results, first_sent, window)
    if campaign_rules:
        from formkit.write.feedback import told_before

        _warned_before(results, told_before(cfg.outbox))
    if campaign_rules and registry:
        # a file an earlier merge numbered in order, gone from the inbox with no version of its submitter left: its
        # rows are written down now, while the cache still holds them (next round, a correction coming in its place
        # took its numbers by place: an issued number given to another risk)
        present = {r.sha256 for r in results if r.sha256}
        for prefix, (sha, numbers) in registry.items():
            if numbers is None and prefix not in given and sha not in present:
                shown = earlier_numbers(prefix, sha)
                # (nowhere to be found: recorded as such, not looked for again at every merge, the last workbook read
                # whole each time)
                given[prefix] = shown if shown is not None and shown[1] else (sha, "{}")
    analysis = Analysis(cfg, forms, results, skipped, ctx, store=store, first_sent=first_sent, numbering=given,
                        kept=kept, retired=numbering.retired_numbers({**registry, **given}) if campaign_rules else [])
    _consolidate(analysis)
    return analysis


def _row_names(c: Checked) -> list[str]:
    """What names each row of a form, folded: its 风险点, 权力事项, member's name or measure ("" where left empty)."""
    key = next((k for k in ("risk", "power_item", "name", "measure") if c.spec.column(k) is not None), None)
    return [normalize.fold(iso_text(r.values.get(key, ""))) for r in c.rows] if key else []


def _rows_shared(a: InputResult, b: InputResult) -> bool:
    """Whether the rows of form `a` meet those of `b` (by what names them), or `a` names none at all (nothing to tell
    them apart by)."""
    ca, cb = a.checked, b.checked
    if ca is None or cb is None:
        return False
    mine = set(_row_names(ca)) - {""}
    return not mine or bool(mine & set(_row_names(cb)))


def _same_rows(a: InputResult, b: InputResult) -> bool:
    """Whether form `b` holds the rows of form `a` as they were typed, but for the cells the feedback asked to correct
    (its errors; not those it only asked to check: a colleague's form alike but for an empty cell filled took over a
    nameless one): `a` corrected in its own file (the name typed in, a missing level filled), not a colleague's form
    sharing a risk or two, nor another department's with rows alike."""
    ca, cb = a.checked, b.checked
    if ca is None or cb is None or not ca.rows or len(ca.rows) != len(cb.rows):
        return False
    flagged = {(f.row, f.key) for f in a.findings if f.severity == F.ERROR and f.row is not None}
    for ra, rb in zip(ca.rows, cb.rows, strict=True):
        for key in set(ra.values) | set(rb.values):
            if key != "seq" and (ra.index, key) not in flagged and \
                    normalize.to_text(ra.values.get(key, "")) != normalize.to_text(rb.values.get(key, "")):
                return False
    return True


_SEQ_IN_FRONT = re.compile(r"^\s*[0-9０-９]+(?:[.．][0-9０-９]+)*[\s.．、]*")
"""The 序号 a section heading's text begins with (1 招生录取管理)."""


def _unknown(key: tuple) -> bool:
    """Whether a supersession key says nobody's its form is: a department not in the roster (?教务部) or none (?#…),
    a personal form without its name (?#…)."""
    return any(type(part) is str and part.startswith("?") for part in key[1:])


def _corrections_join(results: list[InputResult], groups: dict[tuple, list[InputResult]]) -> None:
    """A form returned because it said nobody's it was (a generic 附件3 without its 姓名, a department form without its
    部门 or with one the roster does not know) becomes an earlier version of whoever its correction names: the form it
    corrects joins that submitter's versions (it stayed returned for good, a reply drafted every round asking for the
    name already given). A correction is one made from its feedback workbook (the workbook says which file it corrects)
    or the sender's own file sent again later, in another mail from the same address. Not a colleague's form: a
    personal form that named its person joins only that person's; one that named nobody only a correction sharing its
    rows (a colleague typing her own name and rows over the feedback workbook sends her own form)."""
    def sender(r: InputResult) -> str:
        mail = r.raw.mail or {}
        return (mail.get("forwarded_by") or mail.get("address") or "").lower()

    def join(target: InputResult, owner: tuple) -> None:
        old = target.brief.key
        groups[old].remove(target)
        if not groups[old]:
            del groups[old]
        groups.setdefault(owner, []).append(target)

    def may_join(target: InputResult, res: InputResult, rows: Callable[[InputResult, InputResult], bool]) -> bool:
        if target.brief.key == res.brief.key or _unknown(res.brief.key) or target.form != res.form:
            return False
        if target not in groups.get(target.brief.key, ()):
            return False
        if target.person and res.person:       # (a personal form that named someone: only that person's)
            return normalize.name_key(target.person) == normalize.name_key(res.person)
        return rows(target, res)

    by_prefix = {r.sha256[:16]: r for r in results if r.brief and r.sha256}
    for res in results:
        target = by_prefix.get(res.brief.corrects[:16]) if res.brief and res.brief.corrects else None
        # (also one filed under another department it named by a slip, department-mismatch, corrected from its feedback
        # workbook, its own department's form: it stayed returned beside its accepted correction, asked for again)
        if target is not None and target is not res and (_unknown(target.brief.key) or _mismatched(target)) \
                and may_join(target, res, _rows_shared):
            join(target, res.brief.key)
    for key, members in list(groups.items()):
        if len(members) != 1 or not _unknown(key) or not sender(members[0]):
            continue
        target = members[0]
        # (the same rows, only the name or the 部门 typed in: a colleague's form sharing a risk or two, relayed from the
        # same mailbox later, is hers, not a correction of this one)
        owners = {r.brief.key for r in results if r.brief and r is not target and r.raw.disk != target.raw.disk
                  and sender(r) == sender(target) and (not target.department or r.department == target.department)
                  and versions.compare(r, target)[0] > 0 and may_join(target, r, _same_rows)}
        if len(owners) == 1:
            join(target, owners.pop())


_ABOUT_CAMPAIGN = re.compile(r"廉政|廉洁|风险|自查|防控|措施|权力|职权|清单|领导小组|附件\s*[1-6１-６]")
"""What in a mail's subject or file names speaks of the campaign (its forms, their names)."""


def _other_mail(res: InputResult, roster) -> bool:
    """Whether a mail of a mailbox export (or its file) that brought no form is the office's other mail: it brought a
    workbook of no form, something that is no workbook, or only scans and documents, and nothing of it (its subject,
    sender, file names) speaks of the campaign, its staff or its departments. A staff member's damaged form or scan
    under "请查收" is still answered (it was skipped: he thought his form handed in)."""
    codes = [f.code for f in res.findings]
    name = res.raw.file_path.rsplit("!", 1)[-1]
    if codes not in ([F.FILE_NOT_A_FORM], [F.FILE_UNKNOWN_FORMAT], [F.MAIL_NO_FORM]) and not (
            codes == [F.FILE_CORRUPT] and Path(name).suffix.lower() not in SPREADSHEET_EXTS):
        return False
    mail = res.raw.mail or {}
    # (what the finding quotes of the mail: its attachments' names, not the template's words, 廉政风险 among them)
    quoted = [re.sub("|".join(re.escape(p) for p in re.split(r"\{\w+\}", F.CODES[f.code].template) if p), " ", f.message)
              for f in res.findings]
    said = " ".join([mail.get("subject") or "", mail.get("from") or "", name, *quoted])
    if _ABOUT_CAMPAIGN.search(said):
        return False
    address = (mail.get("address") or "").lower()
    for d in roster.departments.values():
        if d.name in said or (address and address in (d.email or "").lower()):
            return False
    return not any(len(p.name) >= 2 and p.name in said for p in roster.staff)


def _office_notices(cfg: Config, results: list[InputResult], skipped: list[Skipped]) -> None:
    """Blank forms in a mail from the office's own address (formkit.toml's contact: the notice it sent out, saved in
    inbox/ with a mailbox export of sent mail) are no submissions: skipped (they were returned as the department's
    empty forms, 提交情况 showed it 退回, and the replies went to the office itself). A filled form the office mailed
    (handed in on paper or a USB stick, sent on to its own mailbox) is read as any other."""
    office = {a.lower() for a in ADDR_SPEC.findall(cfg.contact or "")}
    templates: set[str] | None = None       # the file digests of the blank forms generate wrote (read when needed)
    blank_copies: list[InputResult] = []      # loose blank forms identical to those
    for res in list(results):
        mail = res.raw.mail or {}
        if mail.get("unsent") and (not office or (mail.get("address") or "").lower() in office):
            # one of formkit's own reply or chase drafts (From the office, X-Unsent) dropped into inbox/: no mail that came
            # (a chase draft without attachment was answered to the department as a mail without its form)
            results.remove(res)
            skipped.append(Skipped(res.path, "formkit 写出、尚未发出的邮件草稿（回复或催报），已跳过"))
            continue
        if res.brief is None:
            if mail.get("mailbox") and _other_mail(res, cfg.roster):
                # the office's other mail in a mailbox export (a meeting notice with its PDF, 课时费统计.xlsx from the
                # finance office): no form of the campaign's that failed (a reply went to its sender: "use the form")
                results.remove(res)
                skipped.append(Skipped(res.path, f"邮箱导出文件中与本次活动无关的邮件（{mail.get('subject') or '无主题'}），"
                                                 "不是本次表单，已跳过"))
            continue
        if office and (mail.get("address") or "").lower() in office:
            # (the notice forwarded back by a department, in its reply: the office's too)
            c = res.checked
            if c is not None and not filled_rows(c.sub, c.spec):
                results.remove(res)
                skipped.append(Skipped(res.path, "办公室自己发出的邮件（发件人是 formkit.toml 中的联系邮箱）中的空白表单，已跳过"))
            continue
        if any(f.code == F.NO_ROWS for f in res.findings):
            if templates is None:
                templates = _template_digests(cfg)
            if res.file_sha256 in templates:
                blank_copies.append(res)
    if not blank_copies:
        return
    by_container: dict[str | None, list[InputResult]] = {}
    for res in blank_copies:
        by_container.setdefault(res.raw.container, []).append(res)
    filled_in = {r.raw.container for r in results if r.raw.container is not None and r.brief is not None
                 and r.brief.form and not any(f.code == F.NO_ROWS for f in r.findings)}
    for container, blanks in by_container.items():
        if container is None and len(blanks) >= 3:
            # blank forms exactly as generate wrote them, several (outbox/templates/ copied into inbox/): nobody's
            # return (each was returned to its department as an empty form, a reply drafted for a form it never sent);
            # one or two may be a department's, sent back unfilled (blank-resent, no-rows), read as such
            reason = "formkit 生成、尚未填写的空白表单（与 outbox/templates/ 中的相同），已跳过"
        elif container is not None and (container in filled_in or len(blanks) >= 3):
            # the office's notice quoted or forwarded along with a department's filled form (its blank forms, a
            # colleague's among them, came back as attachments), or the notice forwarded whole: the blank forms are
            # nobody's return (they were returned, the colleagues counted 退回 for forms they never sent)
            reason = "随邮件或压缩包一同发回的空白表单（与 outbox/templates/ 中 formkit 生成的相同，未填写），不是报送，已跳过"
        else:
            continue
        for res in blanks:
            results.remove(res)
            skipped.append(Skipped(res.path, reason))


def _template_digests(cfg: Config) -> set[str]:
    import hashlib

    out = set()
    for path in (cfg.outbox / "templates").rglob("*.xlsx"):
        try:
            out.add(hashlib.sha256(path.read_bytes()).hexdigest())
        except OSError:
            continue
    return out


_ROW_NAMED_BY = ("risk", "power_item", "name", "measure")
"""The column whose cell names a row to whoever opens the file (风险点; 附件2's 权力事项; 附件1's 姓名): where a row not
merged is pointed at."""

_RESENT_ANY = frozenset({F.MAIL_NO_ATTACHMENT, F.MAIL_ATTACHMENT_LINK, F.MAIL_CORRUPT, F.MAIL_TOO_DEEP, F.MAIL_TOO_LARGE, F.ARCHIVE_EMPTY,
                         F.ARCHIVE_UNSUPPORTED, F.ARCHIVE_SPLIT, F.MAIL_ATTACHMENT_UNREADABLE})
"""Rejections that name no form and hide none that can be told (a mail without its attachment, a .rar, a winmail.dat):
followed up by a form the same address sent after them, as _scans_followed_up says."""
_RESENT_SAME_NAME = frozenset({F.FILE_ENCRYPTED, F.FILE_CORRUPT, F.FILE_EMPTY, F.FILE_READ_FAILED, F.FILE_TOO_LARGE,
                               F.FILE_UNKNOWN_FORMAT, F.FILE_UNSAFE, F.ARCHIVE_CORRUPT, F.ARCHIVE_ENCRYPTED})
"""Rejections of one attachment (a password zip too: its forms may be others than the one sent next): followed up by a
form of the same file name the same address sent after it."""


def _stem(path: str) -> str:
    return PurePosixPath(path.rsplit("!", 1)[-1]).stem.strip().lower()


class _Sent(NamedTuple):
    """A form accepted from a mail: what tells whether it follows up what the same address sent and could not be read."""
    date: str
    path: str
    stem: str           # its file name's stem
    disk: str           # the file in inbox/ it came in
    subject: str        # the mail's subject without Re:/回复：, folded
    person: str         # whose (name key), "" for a department's form
    form: str = ""      # which form (附件4)


def _scans_followed_up(results: list[InputResult], roster=None) -> None:
    """A mail whose attachments were no spreadsheet (a scan, a photo, a stamped PDF copy: mail-no-form) from an address
    whose form, mailed before or after it, is accepted: the scan was sent instead of the form, or for the record beside
    it, and is set aside (it stayed rejected: a reply asking for what had come, every round, and merge never ended
    with 0). A later form is named before an earlier one.

    So is what could not be read and was sent again readable from the same address: a mail without its attachment, a
    .rar or a password zip, a winmail.dat (or one beside a form in the same mail), followed by a form; a password-
    protected or damaged attachment followed by one of the same name (resent-followed-up). Not by the form of someone
    else than the one it names (a winmail.dat holding 吴涛's form, then 郑洁's), nor, what could not be opened from a
    department's mailbox (its 联系邮箱, or one several people's forms come from: 教务处其余人员自查表.rar), by anything but
    the forms of each of its people: a department's batch was "followed up" by one person's form, or by its 附件4, and
    set aside unsaid (merge ended with 0, nobody told the .rar cannot be opened). A reply to it (回复: its subject, a reply
    to the office's reply quoting its subject or file name) always is, and a mail that brought nothing is by one sent
    again under its subject."""
    accepted: dict[str, list[_Sent]] = {}
    people_from: dict[str, set[str]] = {}
    mailbox = {a.strip().lower(): d.code for d in roster.departments.values() for a in (d.email or "").split(",")
               if a.strip()} if roster is not None else {}       # (departments' 联系邮箱: several people's forms)
    for res in results:
        mail = res.raw.mail or {}
        if res.status == ACCEPTED and mail.get("address") and mail.get("date"):
            address = mail["address"].lower()
            accepted.setdefault(address, []).append(_Sent(mail["date"], res.path, _stem(res.raw.file_path), res.raw.disk,
                                                          _bare_subject(mail.get("subject") or ""),
                                                          normalize.name_key(res.person or ""), res.form or ""))
            if res.person:
                people_from.setdefault(address, set()).add(normalize.name_key(res.person))
    if not accepted:
        return
    from formkit.submissions import form_named  # (submissions reads the Analysis made here)

    for res in results:
        mail = res.raw.mail or {}
        codes = {f.code for f in res.findings}
        if res.status != REJECTED or not mail.get("date"):
            continue
        address = (mail.get("address") or "").lower()
        forms = accepted.get(address, ())
        if F.MAIL_NO_FORM in codes:
            later = sorted((d, path) for d, path, *_ in forms if _after(d, mail["date"]))
            chosen = later[0][1] if later else (max(forms)[1] if forms else None)
            if chosen:
                res.status, res.superseded_by = SUPERSEDED, chosen
                res.findings = [F.make(F.SCAN_FOLLOWED_UP, value=chosen)]
            continue
        if codes & _RESENT_ANY:
            subject = _bare_subject(mail.get("subject") or "")
            beside = F.MAIL_ATTACHMENT_UNREADABLE in codes and any(f.disk == res.raw.disk for f in forms)
            later = [f for f in forms if _after(f.date, mail["date"]) or (beside and f.disk == res.raw.disk)]
            # nothing came in it (a mail without its attachment, a link): sent again as it was (the same subject)
            empty = bool(codes & {F.MAIL_NO_ATTACHMENT, F.MAIL_ATTACHMENT_LINK})
            name = normalize.fold(res.raw.file_path.rsplit("!", 1)[-1]) if "!" in res.raw.file_path else ""
            thread = [f for f in later if (len(subject) >= 4 and subject in f.subject and (empty or subject != f.subject))
                      or (len(name) >= 6 and name in f.subject)]
            if thread:                  # (回复…, a reply to the office's reply quoting its subject or file name)
                later = thread
            elif not beside and roster is not None:     # (beside: a winmail.dat in the form's own mail)
                own = " ".join([res.raw.file_path.rsplit("!", 1)[-1] if "!" in res.raw.file_path else "",
                                mail.get("subject") or ""])     # (not the inbox/ folders the office sorted it into)
                said = " ".join([res.raw.file_path, own, *(f.message for f in res.findings)])
                named = {normalize.name_key(p.name) for p in roster.staff if p.name and p.name in said}
                if named:
                    later = [f for f in later if f.person in named]     # (only the form of the one it names)
                elif not empty and (address in mailbox or len(people_from.get(address, ())) > 1):
                    # what a department's mailbox sent that could not be opened (a .rar of its people's forms): not
                    # told by one person's form or its own 附件4 coming, only when each of its people's did
                    code = _named_department([own], roster) or mailbox.get(address)
                    people = {normalize.name_key(p.name) for p in roster.people_of(code)} if code else set()
                    came = {f.person for f in later if f.person}
                    if not people or not people <= came:
                        continue
            held = form_named(res.file_name)
            if held and any(f.form == held for f in later):
                later = [f for f in later if f.form == held]    # (a .rar of 附件2: by the 附件2 that came, not the 附件4)
            later = sorted((f.date, f.path) for f in later)
        elif codes & _RESENT_SAME_NAME:
            stem = _stem(res.raw.file_path)
            later = sorted((d, path) for d, path, other, *_ in forms if _after(d, mail["date"]) and other == stem)
        else:
            continue
        if later:
            res.status, res.superseded_by = SUPERSEDED, later[0][1]
            res.findings = [F.make(F.RESENT_FOLLOWED_UP, value=later[0][1], detail=F.CODES[res.findings[0].code].title)]


def _loose_unreadable_followed_up(results: list[InputResult], roster) -> None:
    """A file saved into inbox/ (not a mail) that could not be read (a password, damaged, a CSV), its name naming the form
    and whose it is (附件3_…_严冬_0026.xlsx, 严冬.xlsx; 附件4_教务处.xlsx), followed by that form of that person (of that
    department, with that 工号 where the name or its folders say) or department accepted, saved later (or at the same
    time, the unreadable one not named the later version: 修改稿, v2): set aside (resent-followed-up). It stayed rejected, a
    reply asking for what had come and merge never ended with 0: _scans_followed_up needs the address a mail came from.
    Not a file naming several forms (教务处_附件2和附件4.zip: one of them came), nor one of a name two people have."""
    from formkit.submissions import form_named, forms_named, named_department, names_in, sender_department

    loose = [r for r in results if r.status == REJECTED and not r.raw.mail
             and {f.code for f in r.findings} & _RESENT_SAME_NAME]
    if not loose or roster is None:
        return
    # (looked up by name and by department once: a campaign of 100,000 forms has a thousand unreadable files)
    by_person: dict[tuple[str, str], list[InputResult]] = {}
    by_department: dict[str, list[InputResult]] = {}
    for r in results:
        if r.status == ACCEPTED and r.form:
            if r.person:
                by_person.setdefault((normalize.name_key(r.person), r.department or ""), []).append(r)
            elif r.department:
                by_department.setdefault(r.department, []).append(r)
    if not by_person and not by_department:
        return
    for res in loose:
        name = res.file_name
        if len(forms_named(name)) > 1:
            continue            # (several forms named: one coming readable is not the others)
        form = form_named(name)
        found = names_in(name, roster)
        found = {n for n in found if not any(n != m and n in m for m in found)}    # (王芳芳's file: not 王芳's)
        if len(found) > 1:
            continue
        people = [p for n in found for p in roster.named(n)]
        if len(people) > 1:     # namesakes: the 工号 in the name, else the department its folders say
            code = sender_department(res, roster)
            numbers = {normalize.staff_no_key(n) for n in re.findall(r"\d+", name)}
            people = [p for p in people if normalize.staff_no_key(p.staff_no) in numbers] or \
                [p for p in people if code and p.department == code]
            if len(people) != 1:
                continue
        code = None if people else named_department([name], roster)
        if not people and not code:
            continue
        sent = res.raw.mtime or 0     # (saved by hand: its file time; 填表日期 of the readable one says nothing of it)
        forms = by_person.get((normalize.name_key(people[0].name), people[0].department), []) if people else \
            by_department.get(code, [])
        later = [r for r in forms if (form is None or r.form == form) and not (
            0 < (r.raw.mtime or 0) < sent
            or ((r.raw.mtime or 0) == sent and versions.named_later(res.raw.file_path, r.raw.file_path)))]
        if later:
            chosen = max(later, key=lambda r: r.submitted_at or "")
            res.status, res.superseded_by = SUPERSEDED, chosen.path
            res.findings = [F.make(F.RESENT_FOLLOWED_UP, value=chosen.path, detail=F.CODES[res.findings[0].code].title)]


def _sent_unreadable_first(results: list[InputResult], first_sent: dict[tuple, str],
                           window: tuple[date, date] | None) -> None:
    """A form sent in time that could not be read (a damaged attachment, a .rar) and sent again readable after the
    deadline, as its reply asked (resent-followed-up): sent when it was first sent (README: 收到但无法读取 is not late;
    doing as asked made the department 已报（逾期）)."""
    from formkit.submissions import form_named  # (submissions reads the Analysis made here)

    by_path = {r.path: r for r in results}
    for res in results:
        sent = (res.raw.mail or {}).get("date")
        if res.status != SUPERSEDED or not sent or not any(f.code == F.RESENT_FOLLOWED_UP for f in res.findings):
            continue
        form = by_path.get(res.superseded_by or "")
        if form is None or form.brief is None or not versions.in_campaign(res, window):
            continue
        if form_named(res.file_name) != form.form:
            continue        # (only for the form its name says it held: a .rar of 附件2 made the late 附件4 on time)
        key, (basis, ts) = form.brief.key, versions.receipt(res)
        if key in first_sent and basis and _after(first_sent[key], when := versions.iso(ts) or ""):
            first_sent[key] = when


def _named_department(parts: list[str], roster) -> str | None:
    from formkit.submissions import named_department as named

    return named(parts, roster)


_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|wg|回复|答复|转发)\s*[:：]\s*)+", re.IGNORECASE)


def _bare_subject(subject: str) -> str:
    """A mail's subject without its Re:/回复：/转发： prefixes, folded: a reply's is its mail's."""
    return normalize.fold(_REPLY_PREFIX.sub("", subject))


def _not_apart(res: InputResult, sheet: str) -> list[F.Finding]:
    """`res`'s findings with `sheet` taken out of forms-apart ("read and merged as a form of its own"): a copy of the
    form's sheet, set aside (sheet-copies)."""
    rest = [n for n in (res.checked.sub.apart if res.checked is not None else ()) if n != sheet]
    out = []
    for f in res.findings:
        if f.code == F.FORMS_APART:
            if not rest:
                continue
            f = F.make(F.FORMS_APART, sheet=f.sheet, value=str(len(rest)), detail="、".join(f"“{n}”" for n in rest))
        out.append(f)
    return out


def _mismatched(res: InputResult) -> bool:
    """A form naming another person, or another department, than it was issued to: whose it is is not known for sure
    (a colleague's rows, or a slip of the name typed)."""
    return any(f.code in (F.PERSON_MISMATCH, F.DEPARTMENT_MISMATCH) for f in res.findings)


def _warned_before(results: list[InputResult], told: Mapping[str, dict]) -> None:
    """An accepted version with only warnings (请核实) a reply drafted at an earlier merge asked its submitter about
    already, for another version of the form (`told`: what replies told each submitter, recorded with the feedback):
    the errors corrected and the values warned of kept after checking, or a 请核实 answered by sending the form back as
    it was meant: nothing more to ask (each re-send asked the same again). A warning is the same by its code, field and
    value and the row it is on (what the row names, alike: a new row warned of is asked; a risk reworded a little is
    the same). The version a reply was drafted for itself keeps its reply (merged again before it was sent)."""
    for r in results:
        if r.status != ACCEPTED or r.brief is None or (t := told.get(submitter_key(r))) is None \
                or r.sha256 in t["shas"]:
            continue
        warned = [warning_key(r, f) for f in r.findings if f.severity == F.WARNING]
        asked = [tuple(a) for a in t["warnings"] if isinstance(a, list) and len(a) == 4]
        r.warned_before = bool(warned) and all(
            any(w[:3] == a[:3] and (w[3] == a[3] or similarity(w[3], str(a[3])) >= 0.8) for a in asked) for w in warned)


def submitter_key(res: InputResult) -> str:
    """Whose form an input is, as a text (its form, department, person: Brief.key)."""
    return "|".join(map(str, res.brief.key)) if res.brief else ""


def warning_key(res: InputResult, f: F.Finding) -> tuple:
    """A warning as told apart across versions: its code, field, value and what its row names (风险点, 防控措施 …)."""
    named = ""
    if f.row is not None and (c := res.checked) is not None and 0 <= f.row < len(c.sub.rows):
        values = c.sub.rows[f.row].values
        named = next((normalize.fold(iso_text(values.get(k, ""))) for k in ("risk", "measure", "power_item", "name")
                      if iso_text(values.get(k, ""))), "")
    return f.code, f.field or "", f.value or "", named


def _other_campaign(res: InputResult) -> bool:
    """A form of another campaign (last year's, sent or left in inbox/): nothing of it is this campaign's."""
    return any(f.code == F.IDENTITY_CAMPAIGN for f in res.findings)


def _after(a: str, b: str) -> bool:
    try:
        return datetime.fromisoformat(a) > datetime.fromisoformat(b)
    except (ValueError, TypeError):
        return False


_SHARED: dict[str, str] = {}


def _shared(text: str) -> str:
    """One object for the many equal short values of the catalogue (levels, categories, posts, names):
    300,000 rows would otherwise hold 300,000 copies of 二级."""
    return _SHARED.setdefault(text, text) if len(text) <= 24 else text


def _risk_row(cfg: Config, res: InputResult, c: Checked, row, rid: str, columns: str = "") -> CatalogueRow:
    v = row.values
    level = _shared(iso_text(v.get("level")))
    personal = c.spec.scope == "person"
    rank = (c.staff.rank if c.staff else normalize.to_text(c.header.get("rank"))) if personal else ""
    direct, supervisor = supervision(level, c.department, cfg.main_leader, c.person if personal else "", rank)
    anchor = row.at("risk")
    person = _shared(c.person)
    return CatalogueRow([
        rid,                                                            # 风险编号
        c.spec.level,                                                   # 层级
        c.department.name if c.department else "",                      # 部门
        _shared(iso_text(c.header.get("post")) if personal else iso_text(v.get("post"))),  # 岗位
        person if personal else "",                                     # 姓名
        _shared(iso_text(v.get("category"))),                              # 风险类别
        iso_text(v.get("risk")),                                           # 风险点
        iso_text(v.get("manifest")),                                       # 主要表现形式
        level,                                                          # 风险等级
        _shared(iso_text(v.get("major"))),                                 # 涉及三重一大
        _shared(iso_text(v.get("power_item"))),                            # 关联权力事项
        _shared(normalize.people_text(v.get("owner"))) if not personal else person,     # 责任人
        "", "", "", "",                                                 # 关键环节 防控措施 工作程序 完成时限
        direct,                                                         # 直接管理
        supervisor,                                                     # 监督负责
        res.raw.file_path,                                              # 来源文件 (its sheet: 来源位置)
        res.file_sha256,                                                # 来源SHA256
        f"{c.sub.sheet}!{anchor}",                                      # 来源位置
        shown_time(res.submitted_at),                                   # 提交时间 (2023-03-15 09:30, 北京时间)
        "", "",                                                         # 措施来源文件 措施来源位置
        iso_text(v.get("note")),                                        # 备注 (the risk form's)
        "",                                                             # 措施备注 (the measure form's)
        c.department.code if c.department else "",                      # _dept
        _shared(c.person_key) if personal else "",                      # _person (normalize.person_key)
        c.staff.staff_no if c.staff else "",                            # _staff_no
        _column_of(row.refs.get("level")),                              # _level_col
        "", "", "",                                                     # _procedure_col _link_col _deadline_col
        columns,                                                        # _cols
    ])


_CONTENT_KEYS = (("岗位", "post"), ("风险类别", "category"), ("主要表现形式", "manifest"), ("涉及三重一大", "major"),
                 ("关联权力事项", "power_item"), ("责任人", "owner"))


def _content_columns(c: Checked) -> str:
    """Where a risk form's table has the columns 变化's 内容变化 names (岗位=B;风险类别=C;…): one string for its rows."""
    refs = c.sub.column_refs
    text = ";".join(f"{label}={_column_of(refs[key])}" for label, key in _CONTENT_KEYS if refs.get(key))
    return _LAYOUTS.setdefault(text, text)      # (one object per layout: 100,000 forms have a handful)


_LAYOUTS: dict[str, str] = {}


_LISTS = ("附件1", "附件2")
"""The forms whose rows are lists of their own (领导小组, 权力清单), not risks: a returned correction leaves the last
accepted version standing (_keep_previous)."""


def _standing(earlier: list[InputResult]) -> InputResult | None:
    """Of a 附件1/附件2's earlier versions, the last that had no error: the list that stands while a correction is
    returned."""
    for older in reversed(earlier):
        c = older.checked
        if c is not None and c.rows and not any(
                f.severity == F.ERROR or f.code in (F.BLANK_RESENT, F.FEEDBACK_UNCHANGED) for f in older.findings):
            return older
    return None


def _keep_previous(kept: list[InputResult], res: InputResult, earlier: list[InputResult]) -> None:
    """A re-sent 附件1/附件2 returned: the last earlier version that had no error stays in 领导小组/权力清单 until the
    correction comes (still superseded, each saying so), rather than the list going empty."""
    if (older := _standing(earlier)) is not None:
        older.findings = [F.make(F.SUPERSEDED_KEPT, value=res.path) if f.code == F.SUPERSEDED else f
                          for f in older.findings]
        res.findings.append(F.make(F.LIST_KEPT, value=older.path))
        kept.append(older)


def _distinct_rows(res: InputResult, c: Checked) -> list:
    """A form's rows but those repeating an earlier row word for word (duplicate-row says so at each): one risk typed
    twice is one risk point, counted once in 风险目录, 汇总 and 公示 (and asked for one measure)."""
    repeated = {f.row for f in res.findings if f.code == F.DUPLICATE_ROW}
    return [row for row in c.rows if row.index not in repeated] if repeated else c.rows


def _column_of(ref: str | None) -> str:
    return sys.intern(ref.rstrip("0123456789")) if ref else ""


def _keep_measures(ctx: Context, res: InputResult, earlier: list[InputResult], by_scope: dict[tuple, dict],
                   used: dict[str, set[int]]) -> None:
    """An accepted re-sent 附件5/附件6 that does not list some risks of its scope: the measures its earlier versions (those
    that had no error) gave them stand. A form of the first issue filled and sent after the second issue's, which
    carried a risk registered since, dropped that measure and asked for it again. (A returned re-send's measures wait
    for its correction, as a returned risk form's risks do.) Each earlier version that gives a measure says so, and so
    does the re-sent form; the rows taken are recorded in used (path → row indexes: not row-not-merged)."""
    answered = {row.values.get("_risk_id") for row in res.checked.rows}
    for older in reversed(earlier):
        c = older.checked
        if c is None or not c.rows or any(f.severity == F.ERROR or f.code in (F.BLANK_RESENT, F.FEEDBACK_UNCHANGED)
                                          for f in older.findings):
            continue
        # the campaign rules match its rows to the risks as they stand now; what they say of it is not shown (it is
        # superseded), but a version they return gives nothing
        n = len(older.findings)
        with _risks_of(ctx, c, by_scope):
            check_campaign(c, ctx)
        flawed = any(f.severity == F.ERROR for f in older.findings[n:])
        del older.findings[n:]
        rows = [] if flawed else [row for row in c.rows if (rid := row.values.get("_risk_id")) and rid not in answered
                                  and rid in ctx.risks and iso_text(row.values.get("measure", ""))]
        if not rows:
            continue
        rids = list(dict.fromkeys(row.values["_risk_id"] for row in rows))
        _apply_measures(ctx, older, c, rows)
        answered.update(rids)
        named = "、".join(rids)
        older.findings = [replace(f, message=f"同一表单有更新的提交（{res.path}），已按那一份汇总；那一份没有列出的风险点 {named} "
                                             "仍按本文件填写的防控措施汇总。") if f.code == F.SUPERSEDED else f
                          for f in older.findings]
        res.findings[:] = [f for f in res.findings if not (f.code == F.RISK_REGISTERED_LATER and f.value in rids)]
        res.findings.append(F.make(F.MEASURES_KEPT, value=named, detail=older.path))
        used.setdefault(older.path, set()).update(row.index for row in rows)


def _apply_measures(ctx: Context, res: InputResult, c: Checked, rows: list | None = None) -> None:
    """An accepted measure form's rows (or those given) into the risks they answer (matched by the campaign rules)."""
    first: dict[str, tuple[str, str, str, str]] = {}
    for row in c.rows if rows is None else rows:
        rid = row.values.get("_risk_id")
        target = ctx.risks.get(rid) if rid else None
        if target is None:
            continue
        anchor = row.at("measure")
        parts = tuple(iso_text(row.values.get(col, "")) for col in ("measure", "procedure", "key_link", "deadline"))
        if rid in first:          # a risk answered by several rows: each kept as sent (measure_rows)
            if parts in ctx.measure_rows.get(rid, [first[rid]]):
                continue          # the same row again (pasted twice): once (duplicate-row says so)
            ctx.measure_rows.setdefault(rid, [first[rid]]).append(parts)
        else:
            first[rid] = parts
        for key, col in (("防控措施", "measure"), ("工作程序", "procedure"), ("关键环节", "key_link"),
                         ("完成时限", "deadline"), ("措施备注", "note")):
            value = iso_text(row.values.get(col, ""))
            if value:
                # a second row's measure and procedure go on a line of their own (joined with ；, a numbered list typed
                # over two rows read "…制度；；2. 建立…" in 风险目录 and 公示); the short 关键环节 and 完成时限 with ；
                sep = "\n"
                if key in ("关键环节", "完成时限"):
                    value, sep = _shared(value), "；"
                if not target[key]:
                    target[key] = value
                elif value not in target[key].split(sep):     # (the same 关键环节 twice: once; a measure that only
                    # repeats words of one above is still a line of its own, beside its 工作程序 and 完成时限; it
                    # replaced the lines before it)
                    target[key] = f"{target[key].rstrip('；;')}{sep}{value}"
        where = f"{c.sub.sheet}!{anchor}"
        if target["措施来源文件"] == res.raw.file_path and target["措施来源位置"]:   # a risk answered by several rows
            if where not in target["措施来源位置"].split("；"):
                target["措施来源位置"] += "；" + where
        else:
            target["措施来源文件"], target["措施来源位置"] = res.raw.file_path, where
            target["_procedure_col"] = _column_of(row.refs.get("procedure"))
            target["_link_col"] = _column_of(row.refs.get("key_link"))
            target["_deadline_col"] = _column_of(row.refs.get("deadline"))


def _consolidate(a: Analysis) -> None:
    ctx, cfg = a.ctx, a.cfg
    dept_order = {code: i for i, code in enumerate(cfg.roster.departments)}
    staff_order = {(p.department, normalize.person_key(p.staff_no, p.name)): i for i, p in enumerate(cfg.roster.staff)}

    def order(r: CatalogueRow) -> tuple:
        personal = r["层级"] == "个人"
        return (dept_order.get(r["_dept"], 10**6), personal,
                staff_order.get((r["_dept"], r["_person"]), 10**6), r["_person"], numbering.id_order(r["风险编号"]))

    a.catalogue = sorted(ctx.risks.values(), key=order)
    listed = a.accepted() + a.kept
    for res in sorted((r for r in listed if r.form == "附件2"), key=lambda r: dept_order.get(r.department or "", 10**6)):
        c = res.checked
        for row in _distinct_rows(res, c):
            v = row.values
            a.powers.append({
                "部门": c.department.name if c.department else "", "序号": row.index + 1,
                "权力事项": iso_text(v.get("power_item")), "权力类别": iso_text(v.get("power_type")),
                "职权依据": iso_text(v.get("basis")), "行使岗位": iso_text(v.get("post")), "责任人": normalize.people_text(v.get("owner")),
                "运行流程": iso_text(v.get("process")), "涉及三重一大": iso_text(v.get("major")), "备注": iso_text(v.get("note")),
                "来源文件": res.raw.file_path, "来源位置": f"{c.sub.sheet}!{row.at('power_item')}",
            })
    for res in (r for r in listed if r.form == "附件1"):
        c = res.checked
        for row in _distinct_rows(res, c):
            v = row.values
            a.leaders.append({
                "序号": row.index + 1, "机构": iso_text(v.get("body")), "职务": iso_text(v.get("role")),
                "姓名": normalize.person_name(v.get("name")), "本职": iso_text(v.get("post")), "联系电话": iso_text(v.get("phone")),
                "备注": iso_text(v.get("note")), "来源文件": res.raw.file_path,
                "来源位置": f"{c.sub.sheet}!{row.at('name')}",
            })
