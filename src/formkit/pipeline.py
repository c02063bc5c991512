"""The analysis shared by merge, check and generate --stage measures.

inbox → intake (walk, unpack, sniff) → read (isolated workers) → validate (file rules) →
statuses (duplicate, superseded) → risk numbering → campaign rules (measures against risks) →
final statuses → catalogue, 权力清单 and 领导小组 rows.
"""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone

from formkit import findings as F
from formkit import normalize
from formkit.config import Config, Person
from formkit.intake import RawInput, Skipped, walk_inbox
from formkit.levels import supervision
from formkit.read import NotAForm, Submission, read_workbook
from formkit.spec import FormSpec, load_forms
from formkit.validate import Checked, Context, check_campaign, check_file

CHINA = timezone(timedelta(hours=8))   # submission times are shown in 北京时间
ACCEPTED, RETURNED, SUPERSEDED, DUPLICATE, REJECTED = "accepted", "returned", "superseded", "duplicate", "rejected"
STATUS_ZH = {ACCEPTED: "已接收", RETURNED: "退回修改", SUPERSEDED: "已被替代", DUPLICATE: "重复", REJECTED: "无法读取"}


@dataclass
class InputResult:
    raw: RawInput
    sha256: str
    status: str = REJECTED
    checked: Checked | None = None
    findings: list[F.Finding] = field(default_factory=list)
    superseded_by: str | None = None
    duplicate_of: str | None = None
    submitted_at: str | None = None     # ISO time of submission, from the inputs only
    order_basis: str = ""               # which clue decided "later": 邮件日期 / 填表日期 / 文件修改时间 / 文件名顺序

    @property
    def path(self) -> str:
        return self.raw.path

    @property
    def form(self) -> str | None:
        return self.checked.spec.id if self.checked else None

    @property
    def department(self) -> str | None:
        d = self.checked.department if self.checked else None
        return d.code if d else None

    @property
    def person(self) -> str | None:
        return (self.checked.person or None) if self.checked and self.checked.spec.scope == "person" else None

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


# -- reading one input (runs inside an isolated worker) ---------------------------------------------


def read_input(item: tuple[bytes, str]) -> tuple[str, Submission | F.Finding]:
    """Check, then read one workbook; every failure becomes a rejection finding, never an exception."""
    from python_calamine import CalamineError, PasswordError

    from formkit.safety import check_workbook

    data, kind = item
    problem = check_workbook(data, kind)
    if problem:
        return "reject", problem
    try:
        return "ok", read_workbook(data, kind, load_forms())
    except NotAForm:
        return "reject", F.make(F.FILE_NOT_A_FORM)
    except PasswordError:
        return "reject", F.make(F.FILE_ENCRYPTED)
    except (CalamineError, zipfile.BadZipFile, zlib.error, KeyError, ValueError, EOFError) as exc:
        return "reject", F.make(F.FILE_CORRUPT, detail=_short(exc))


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text[:80]}" if text else type(exc).__name__


_OUTCOME_ZH = {"crashed": "读取程序异常退出", "memory": "超出内存上限", "timeout": "读取超时", "exception": "读取出错"}


def read_all(raws: list[RawInput], progress: Callable[[int, int], None] | None = None) -> list:
    """Read every readable input in isolated workers; results in input order."""
    from formkit.isolate import WorkerPool

    items = [(r.data, r.kind) for r in raws]
    if not items:
        return []
    workers = 1 if len(items) < 8 else None
    with WorkerPool(read_input, workers=workers, mem_limit=2 << 30, timeout=60.0) as pool:
        outcomes = pool.map(items, progress=progress)
    results = []
    for o in outcomes:
        if o.ok:
            results.append(o.value)
        else:
            detail = _OUTCOME_ZH.get(o.reason or "", "读取失败")
            if o.reason == "exception":
                detail += f"：{o.detail[:80]}"
            results.append(("reject", F.make(F.FILE_READ_FAILED, detail=detail)))
    return results


# -- the analysis ----------------------------------------------------------------------------------------


@dataclass
class Analysis:
    cfg: Config
    forms: dict[str, FormSpec]
    inputs: list[InputResult]
    skipped: list[Skipped]
    ctx: Context
    catalogue: list[dict] = field(default_factory=list)
    powers: list[dict] = field(default_factory=list)
    leaders: list[dict] = field(default_factory=list)

    def accepted(self, form: str | None = None) -> list[InputResult]:
        return [i for i in self.inputs if i.status == ACCEPTED and (form is None or i.form == form)]

    def findings(self) -> list[tuple[InputResult, F.Finding]]:
        return [(i, f) for i in self.inputs for f in i.findings]

    # used by generate --stage measures
    def measure_rows(self, spec: FormSpec, dept: str, person: str | None) -> list[dict]:
        level = "个人" if spec.scope == "person" else "部门"
        who = normalize.fold(person) if person else None
        rows = []
        for r in self.catalogue:
            if r["_dept"] != dept or r["层级"] != level or (who is not None and r["_person"] != who):
                continue
            rows.append({"risk_id": r["风险编号"], "post": r["岗位"], "risk": r["风险点"], "level": r["风险等级"],
                         "direct": r["直接管理"], "supervisor": r["监督负责"]})
        return rows

    def people_with_risks(self, dept: str) -> list[Person]:
        seen: dict[str, Person] = {}
        for r in self.catalogue:
            if r["_dept"] == dept and r["层级"] == "个人" and r["_person"] not in seen:
                seen[r["_person"]] = Person(r.get("_staff_no", ""), r["姓名"], dept, r["岗位"], "")
        return list(seen.values())


def _when(result: InputResult) -> tuple[float, str]:
    """When an input was submitted, and by which clue (documented in the README)."""
    mail_date = (result.raw.mail or {}).get("date")
    if mail_date:
        try:
            ts = datetime.fromisoformat(mail_date)
            if ts.tzinfo is None:
                ts = ts.replace(tzinfo=UTC)
            return ts.timestamp(), "邮件日期"
        except ValueError:
            pass
    if result.checked:
        filled = result.checked.header.get("date")
        if isinstance(filled, date):
            return datetime(filled.year, filled.month, filled.day, tzinfo=CHINA).timestamp(), "填表日期"
    if result.raw.mtime:
        return result.raw.mtime, "文件修改时间"
    return 0.0, "文件名顺序"


def _corrections_last(members: list[InputResult]) -> None:
    """A file made from formkit's feedback on another submission comes after it, whatever its dates."""
    for _ in range(len(members)):
        moved = False
        for i, res in enumerate(members):
            ident = res.checked.sub.identity if res.checked else None
            target = ident.corrects if ident else ""
            j = next((k for k, other in enumerate(members) if target and other.sha256.startswith(target)), None)
            if j is not None and j > i:
                members.insert(j, members.pop(i))
                if res.order_basis:
                    res.order_basis += "（更正反馈）"
                moved = True
                break
        if not moved:
            return


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=CHINA).isoformat(timespec="seconds") if ts else ""


def _person_code(checked: Checked) -> str:
    if checked.staff and checked.staff.staff_no:
        return normalize.fold(checked.staff.staff_no).upper()
    digest = hashlib.sha256(normalize.fold(checked.person).encode()).hexdigest()[:5].upper()
    return f"P{digest}"


def risk_id(checked: Checked, n: int) -> str:
    """Deterministic and stable: the department code, the submitter, the row's place in its own file."""
    dept = checked.department.code if checked.department else "X"
    if checked.spec.scope == "person":
        return f"{dept}-{_person_code(checked)}-{n:02d}"
    return f"{dept}-B{n:02d}"


def analyse(cfg: Config, progress: Callable[[str, int, int], None] | None = None,
            raws: list[RawInput] | None = None, skipped: list[Skipped] | None = None,
            campaign_rules: bool = True) -> Analysis:
    """The whole analysis of an inbox (or of the given inputs); campaign_rules=False checks files alone."""
    forms = load_forms()
    if raws is None:
        raws, skipped = walk_inbox(cfg.root, cfg.inbox)
    ctx = Context(cfg)
    results = [InputResult(r, hashlib.sha256(r.data).hexdigest() if r.data is not None else "") for r in raws]

    # rejections found by intake; byte-identical duplicates
    first_of: dict[str, InputResult] = {}
    to_read: list[InputResult] = []
    for res in results:
        if res.raw.rejection is not None:
            res.status, res.findings = REJECTED, [res.raw.rejection]
            continue
        if res.sha256 in first_of:
            res.status, res.duplicate_of = DUPLICATE, first_of[res.sha256].path
            res.findings = [F.make(F.DUPLICATE_FILE, value=res.duplicate_of)]
            continue
        first_of[res.sha256] = res
        to_read.append(res)

    read = read_all([r.raw for r in to_read], (lambda d, t: progress("读取", d, t)) if progress else None)
    for res, (outcome, value) in zip(to_read, read, strict=True):
        if outcome == "reject":
            res.status, res.findings = REJECTED, [value]
            continue
        res.checked = check_file(value, forms[value.form], ctx)
        if res.raw.has_macros:
            res.checked.findings.insert(0, F.make(F.FILE_MACROS))

    # supersede: the latest submission of each (form, department, person) is the current one
    groups: dict[tuple, list[InputResult]] = {}
    for res in results:
        if res.checked:
            ts, basis = _when(res)
            res.submitted_at, res.order_basis = _iso(ts), basis
            groups.setdefault(res.checked.key(), []).append(res)
    current: list[InputResult] = []
    for members in groups.values():
        members.sort(key=lambda r: (_when(r)[0], r.path))
        _corrections_last(members)
        latest = members[-1]
        current.append(latest)
        for older in members[:-1]:
            older.status, older.superseded_by = SUPERSEDED, latest.path
            older.checked.findings.append(F.make(F.SUPERSEDED, value=latest.path))

    by_form = lambda form_id: sorted((r for r in current if r.form == form_id), key=lambda r: r.path)  # noqa: E731

    # 附件2 first: the power items each department declared (latest readable one counts)
    for res in by_form("附件2"):
        if res.checked.department:
            ctx.power_items[res.checked.department.code] = {
                normalize.fold(r.values.get("power_item", "")) for r in res.checked.rows}

    def settle(res: InputResult) -> None:
        res.status = RETURNED if res.checked.errors else ACCEPTED

    for form_id in ("附件1", "附件2", "附件3", "附件4"):
        for res in by_form(form_id):
            if campaign_rules:
                check_campaign(res.checked, ctx)
            settle(res)
            if res.status == ACCEPTED and res.checked.spec.is_risk_form:
                for row in res.checked.rows:
                    rid = risk_id(res.checked, row.index + 1)
                    ctx.risks[rid] = _risk_row(cfg, res, row, rid)
    for form_id in ("附件5", "附件6"):
        for res in by_form(form_id):
            if campaign_rules:
                check_campaign(res.checked, ctx)
            settle(res)
    for res in results:
        if res.checked:
            res.findings = res.checked.findings
            if res.status in (RETURNED, SUPERSEDED):
                reason = {RETURNED: "所在文件有错误，已退回修改", SUPERSEDED: "同一表单有更新的提交"}[res.status]
                for row in res.checked.rows:
                    anchor = next(iter(row.refs.values()), None)
                    res.findings.append(F.make(F.ROW_NOT_MERGED, sheet=res.checked.sub.sheet, cell=anchor,
                                               detail=f"第 {row.excel_row} 行，{reason}", row=row.index))
    analysis = Analysis(cfg, forms, results, skipped or [], ctx)
    _consolidate(analysis)
    return analysis


def _text(v: object) -> str:
    return v.isoformat() if isinstance(v, date) else normalize.to_text(v)


def _risk_row(cfg: Config, res: InputResult, row, rid: str) -> dict:
    c = res.checked
    v = row.values
    level = _text(v.get("level"))
    direct, supervisor = supervision(level, c.department, cfg.main_leader)
    personal = c.spec.scope == "person"
    anchor = row.refs.get("risk") or next(iter(row.refs.values()), "")
    return {
        "风险编号": rid,
        "层级": c.spec.level,
        "部门": c.department.name if c.department else "",
        "岗位": _text(c.header.get("post")) if personal else _text(v.get("post")),
        "姓名": c.person if personal else "",
        "风险类别": _text(v.get("category")),
        "风险点": _text(v.get("risk")),
        "主要表现形式": _text(v.get("manifest")),
        "风险等级": level,
        "涉及三重一大": _text(v.get("major")),
        "关联权力事项": _text(v.get("power_item")),
        "责任人": _text(v.get("owner")) if not personal else c.person,
        "关键环节": "",
        "防控措施": "",
        "工作程序": "",
        "完成时限": "",
        "直接管理": direct,
        "监督负责": supervisor,
        "来源文件": res.path,
        "来源SHA256": res.sha256,
        "来源位置": f"{c.sub.sheet}!{anchor}",
        "提交时间": res.submitted_at or "",
        "措施来源文件": "",
        "措施来源位置": "",
        "_dept": c.department.code if c.department else "",
        "_person": normalize.fold(c.person) if personal else "",
        "_staff_no": c.staff.staff_no if c.staff else "",
        "_order": (res.path, row.index),
    }


def _consolidate(a: Analysis) -> None:
    ctx, cfg = a.ctx, a.cfg
    for res in a.accepted("附件5") + a.accepted("附件6"):
        c = res.checked
        for row in c.rows:
            rid = row.values.get("_risk_id")
            target = ctx.risks.get(rid) if rid else None
            if target is None:
                continue
            anchor = row.refs.get("measure") or next(iter(row.refs.values()), "")
            for key, col in (("防控措施", "measure"), ("工作程序", "procedure"), ("关键环节", "key_link"),
                             ("完成时限", "deadline")):
                value = _text(row.values.get(col, ""))
                if value:
                    target[key] = f"{target[key]}；{value}" if target[key] and value not in target[key] else value
            target["措施来源文件"] = res.path
            target["措施来源位置"] = f"{c.sub.sheet}!{anchor}"
    dept_order = {code: i for i, code in enumerate(cfg.roster.departments)}
    staff_order = {(p.department, normalize.fold(p.name)): i for i, p in enumerate(cfg.roster.staff)}

    def order(r: dict) -> tuple:
        personal = r["层级"] == "个人"
        return (dept_order.get(r["_dept"], 10**6), personal,
                staff_order.get((r["_dept"], r["_person"]), 10**6), r["_person"], r["风险编号"])

    a.catalogue = sorted(ctx.risks.values(), key=order)
    for res in sorted(a.accepted("附件2"), key=lambda r: dept_order.get(r.department or "", 10**6)):
        c = res.checked
        for row in c.rows:
            v = row.values
            a.powers.append({
                "部门": c.department.name if c.department else "", "序号": row.index + 1,
                "权力事项": _text(v.get("power_item")), "权力类别": _text(v.get("power_type")),
                "职权依据": _text(v.get("basis")), "行使岗位": _text(v.get("post")), "责任人": _text(v.get("owner")),
                "运行流程": _text(v.get("process")), "涉及三重一大": _text(v.get("major")), "备注": _text(v.get("note")),
                "来源文件": res.path, "来源位置": f"{c.sub.sheet}!{row.refs.get('power_item', '')}",
            })
    for res in a.accepted("附件1"):
        c = res.checked
        for row in c.rows:
            v = row.values
            a.leaders.append({
                "序号": row.index + 1, "机构": _text(v.get("body")), "职务": _text(v.get("role")),
                "姓名": _text(v.get("name")), "本职": _text(v.get("post")), "联系电话": _text(v.get("phone")),
                "备注": _text(v.get("note")), "来源文件": res.path,
                "来源位置": f"{c.sub.sheet}!{row.refs.get('name', '')}",
            })
