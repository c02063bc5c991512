"""Who has returned what: the department × form grid behind 提交情况, the chase mails and the summary.

"As of" is never the wall clock (outputs must be reproducible): it is [campaign] as_of in formkit.toml
when set, else the latest submission time found in the inputs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from formkit import findings as F
from formkit import normalize
from formkit.inputs import ACCEPTED, CHINA, REJECTED, RETURNED
from formkit.pipeline import Analysis
from formkit.validate import campaign_window

DEPARTMENT_FORMS = ("附件2", "附件4", "附件6")
PERSONAL_FORMS = ("附件3", "附件5")

DONE, RETURNED_ZH, MISSING, OVERDUE = "已报", "退回", "未报", "逾期"
NOT_REQUIRED = "无需报送"      # personal forms of a department whose 应报人数 is 0
NOT_ISSUED = "未下发"          # a measure form not yet generated for the department (issued_by)
WAITING = "已收到，待风险点表"   # a measure form held until its risk form is corrected (measures-before-risks)
UNREADABLE = "收到但无法读取"    # nothing of it read, but a file naming it came and could not be read (not 逾期)


def unreadable_forms(analysis: Analysis) -> dict[tuple[str, str], list[str]]:
    """(department, form) → the names of the files that came for it and could not be read, as their names say
    (附件4_教务处.xlsx, 附件3_…_王强_0201.xlsx): a department that sent it in time is not "late, nothing received"."""
    # (which unreadable files are answered: not a scan sent along)
    from formkit.write.feedback import needs_feedback

    out: dict[tuple[str, str], list[str]] = {}
    for res in analysis.inputs:
        if res.status != REJECTED or res.brief is not None or not needs_feedback(res):
            continue
        code = sender_department(res, analysis.cfg.roster)
        name = res.file_name
        for form in forms_named(name) if code else ():     # (教务处_附件2和附件4.zip: both received, unreadable)
            out.setdefault((code, form), []).append(name)
    return out


def forms_named(name: str) -> list[str]:
    """The forms a file's name names (附件3_张三.xlsb, 附件４…: ["附件3"]; 附件2和附件4.zip: both), in their order."""
    return list(dict.fromkeys(f"附件{unicodedata.normalize('NFKC', n)}" for n in re.findall(r"附件\s*([1-6１-６])", name)))


def form_named(name: str) -> str | None:
    """The one form a file's name names (附件3_张三.xlsb, 附件４…: "附件3"), else None (none, or several)."""
    named = forms_named(name)
    return named[0] if len(named) == 1 else None


def waits_for_risks(res) -> bool:
    """A measure form returned only because its risk form is not accepted yet (measures-before-risks): nothing in it
    to correct, not to be sent again (its reply says so); counted neither as returned nor as missing."""
    return res.status == RETURNED and {f.code for f in res.findings if f.severity == F.ERROR} == {F.MEASURES_BEFORE_RISKS}


@dataclass
class Cell:
    state: str                 # 已报 / 退回 / 未报 / 逾期
    late: bool = False         # accepted after the deadline
    files: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)   # 附件6 accepted, then risks registered that have no measure


@dataclass
class PersonalCell:
    accepted: int
    returned: int
    expected: int
    state: str
    late: bool = False                                        # some accepted after the deadline
    missing: list[str] = field(default_factory=list)          # with a staff list: who has sent nothing accepted
    to_fix: list[str] = field(default_factory=list)           # … and whose form was returned
    waiting: list[str] = field(default_factory=list)          # … and whose 附件5 waits for their 附件3 (waits_for_risks)
    unreadable: list[str] = field(default_factory=list)       # … and whose form came and could not be read
    pending: list[str] = field(default_factory=list)          # 附件5: risks registered after it was accepted
    overdue: bool = False      # past the deadline with someone who has sent nothing (also when others were returned)


@dataclass
class DepartmentStatus:
    code: str
    name: str
    forms: dict[str, Cell]
    personal: dict[str, PersonalCell]

    def outstanding(self, started: Callable[[str], bool] = lambda form: True) -> list[str]:
        """The forms still owed, of those whose phase has `started` (what the chase mail asks for)."""
        out = [f for f, c in self.forms.items() if started(f) and (c.state != DONE or c.pending)]
        out += [f for f, p in self.personal.items()
                if started(f) and (p.expected and p.accepted < p.expected or p.pending)]
        return out


def owed_by(analysis: Analysis) -> Callable[[str, str], bool]:
    """Whether a department owes a form yet: its phase has started by 数据截至, and, for a measure form (附件5/6,
    pre-filled from the accepted risks), it has been generated for that department (outbox/templates/): a
    department is not chased for a form it was never sent."""
    cfg, today = analysis.cfg, as_of(analysis)
    issued = issued_by(analysis)

    def owed(form: str, code: str) -> bool:
        spec = analysis.forms[form]
        if cfg.phases[spec.phase].start > today:
            return False
        return not spec.is_measure_form or issued(form, code)

    return owed


def issued_by(analysis: Analysis) -> Callable[[str, str], bool]:
    """Whether a measure form (附件5/6) has gone out to a department: generated for it (outbox/.formkit-issued.json, or
    its file in outbox/templates/), or one came back from it. The chase asks for it and 提交情况 shows it owed only
    then (未下发 before)."""
    from formkit.generate import department_folders, issued_measures

    cfg = analysis.cfg
    folders = department_folders(cfg.roster)
    templates = cfg.outbox / "templates"
    recorded = issued_measures(cfg)
    # a measure form of the department came back: both went out to it (they are generated together)
    came = {r.department for r in analysis.inputs
            if r.form and analysis.forms[r.form].is_measure_form and r.status in (ACCEPTED, RETURNED)}
    known: dict[tuple[str, str], bool] = {}

    def issued(form: str, code: str) -> bool:
        if (form, code) not in known:
            folder = templates / folders.get(code, "")
            known[form, code] = code in recorded or code in came \
                or (folder.is_dir() and any(folder.glob(f"{form}_*.xlsx")))
        return known[form, code]

    return issued


def issue_record_lost(analysis: Analysis) -> str | None:
    """What to tell the coordinator when measure forms came back and nothing records where they went (outbox/ deleted,
    as the contract allows): only the departments that answered count as sent them (issued_by: the others show 未下发,
    the chase leaves them out, as for measure forms generated for some departments only)."""
    from formkit.config import ISSUED_FILE

    cfg = analysis.cfg
    if (cfg.outbox / ISSUED_FILE).exists() or (cfg.outbox / "templates").is_dir():
        return None
    if not any(r.form and analysis.forms[r.form].is_measure_form and r.status in (ACCEPTED, RETURNED)
               for r in analysis.inputs):
        return None
    return ("outbox/ 中没有措施表（附件5/6）的下发记录（可能删除过 outbox/）：只有报回了措施表的部门算作已下发，其余部门在“提交情况”"
            "中显示“未下发”，催报也不向它们要措施表。如措施表已发给各部门，请运行 formkit generate --stage measures 恢复记录"
            "（已发出的表不必重发），再运行 merge。")


def owing(analysis: Analysis) -> list[DepartmentStatus]:
    """Departments that still owe a form (owed_by): what the chase mails ask for and the screen summary counts."""
    owed = owed_by(analysis)
    return [d for d in grid(analysis) if d.outstanding(lambda form, code=d.code: owed(form, code))]


def sender_department(res, roster) -> str | None:
    """The department an input came from: what reading said; for a file that could not be read, what its names say
    (a personal form named as generate names it: the person's department; else the one department whose name or
    简称 appears in its folders or file name: inbox/教务处/…, 附件4_…_教务处.xlsx), else the department whose 联系邮箱
    sent it, else the department of the staff member whose name the file or the mail's sender bears. None when nothing
    says, or more than one department would."""
    if res.department:
        return res.department
    index = names_of(roster)
    key = (res.path, res.sha256)            # (asked by the report, 说明, 提交情况 and the chase: worked out once)
    if key not in index.senders:
        index.senders[key] = _sender_department(res, roster, index)
    return index.senders[key]


def _sender_department(res, roster, index) -> str | None:
    parts = [p for p in res.raw.file_path.replace("!", "/").split("/")[1:] if p]
    if any(f.code in (F.MAIL_NO_FORM, F.MAIL_ATTACHMENT_LINK, F.MAIL_NO_ATTACHMENT) for f in res.findings):
        # a mail with no form in it (a scan, a photo, a link): its attachments' names and its subject say whose
        # (附件4_…_教务处.pdf, "教务处附件4（盖章版）"), where the name the office saved it under does not
        said = next(f for f in res.findings if f.code in (F.MAIL_NO_FORM, F.MAIL_ATTACHMENT_LINK, F.MAIL_NO_ATTACHMENT))
        parts += [t for t in (said.message if said.code == F.MAIL_NO_FORM else "", (res.raw.mail or {}).get("subject"))
                  if t]
    # a personal form under the name generate gave it (附件3_…_王强_0201.xlsx): the person's department
    people = {index.people[(name, no)] for part in parts for name, no in _NAME_AND_NO.findall(part)
              if (name, no) in index.people}
    if len(people) == 1:
        return people.pop()
    by_name = named_department(parts, roster)
    if by_name:                 # the file says whose it is, whoever forwarded it
        return by_name
    # a staff member's name in it (吴静.xlsx, 唐诗附件3.zip, inbox/吴静/…): that person's department, when all the names
    # found there are of one department
    if index.staff:
        found = {code for part in parts for name in names_in(part.rsplit(".", 1)[0], roster) for code in index.staff[name]}
        if len(found) == 1:
            return found.pop()
    mail = res.raw.mail or {}
    sender = (mail.get("address") or "").strip().lower()
    by_mail = index.addresses.get(sender, ()) if sender else ()
    if len(by_mail) == 1:
        return by_mail[0]
    # a staff member writing from their own mailbox (何静 <hejing@…>): the department of the one person of that name
    shown = re.sub(r"\s*<[^>]*>\s*$", "", mail.get("from") or "").strip().strip('"')
    people = index.staff.get(normalize.name_key(shown), set()) if shown and not by_mail else set()
    return next(iter(people)) if len(people) == 1 else None


def names_in(text: str, roster) -> set[str]:
    """The staff members' names (normalize.name_key) a text holds (吴静.xlsx, 唐诗附件3.zip; names of 2 to 12 characters)."""
    staff = names_of(roster).staff
    keys = (normalize.name_key(text[i:j]) for i in range(len(text)) for j in range(i + 2, min(len(text), i + 12) + 1))
    return {key for key in keys if key in staff}


_NAME_AND_NO = re.compile(r"(?=_([^_/!]+)_([^_/!.]+))")
"""Every "_姓名_工号" in a file name (overlapping: 附件3_个人岗位风险点自查表_王强_0201.xlsx)."""


@dataclass
class _Names:
    """A roster's names, looked up by the file names of unreadable inputs (built once per roster: at 100,000
    inputs, a loop over 47,000 people and 1,900 departments for each rejected file took minutes)."""
    people: dict[tuple[str, str], str]          # (姓名, 工号) → department code
    names: re.Pattern | None                    # every department name and 简称, the longest first
    codes: dict[str, set[str]]                  # name or 简称 → department codes
    addresses: dict[str, tuple[str, ...]]       # a 联系邮箱 → departments that list it
    staff: dict[str, set[str]]                  # a staff member's name (normalize.name_key) → their departments
    senders: dict[tuple, str | None] = field(default_factory=dict)  # (path, sha256) of an unreadable input → its sender


_NAMES: dict[int, tuple[tuple, _Names]] = {}


def names_of(roster) -> _Names:
    stamp = (id(roster.departments), len(roster.departments), id(roster.staff), len(roster.staff))
    hit = _NAMES.get(id(roster))
    if hit is not None and hit[0] == stamp:
        return hit[1]
    codes: dict[str, set[str]] = {}
    for code, d in roster.departments.items():
        for name in (d.name, *d.aliases):
            if len(name) >= 2:
                codes.setdefault(name, set()).add(code)
    pattern = re.compile("|".join(map(re.escape, sorted(codes, key=len, reverse=True)))) if codes else None
    addresses: dict[str, list[str]] = {}
    for code, d in roster.departments.items():
        for address in {a.strip().lower() for a in (d.email or "").split(",") if a.strip()}:
            addresses.setdefault(address, []).append(code)
    staff: dict[str, set[str]] = {}
    for p in roster.staff:
        staff.setdefault(normalize.name_key(p.name), set()).add(p.department)
    names = _Names({(p.name, p.staff_no): p.department for p in roster.staff if p.staff_no}, pattern, codes,
                   {a: tuple(c) for a, c in addresses.items()}, staff)
    _NAMES.clear()
    _NAMES[id(roster)] = (stamp, names)
    return names


def department_of(res, roster) -> str | None:
    """The department an input is shown under (report.json, 说明, 问题清单, 提交情况): what reading said; for a file
    that could not be read at all, where it came from (sender_department)."""
    if res.department or res.brief is not None or res.status != "rejected":
        return res.department
    return sender_department(res, roster)


def named_department(parts: list[str], roster) -> str | None:
    """The one department whose name (or 简称) appears in these folder and file names; of names inside one another
    (机电工程系, 工程系) the longest that appears is the one meant."""
    index = names_of(roster)
    if index.names is None:
        return None
    # every name that appears (at each place the longest, so 工程系 inside 机电工程系 is not one)
    found = [(len(name), code) for part in parts for name in {m.group(0) for m in index.names.finditer(part)}
             for code in index.codes[name]]
    if not found:
        return None
    longest = max(n for n, _ in found)
    codes = {code for n, code in found if n == longest}
    return codes.pop() if len(codes) == 1 else None


def as_of(analysis: Analysis) -> date:
    """The date the outputs speak of: the configured one, else the latest submission's. Computed once per
    analysis (every feedback job asks for it: at 100,000 inputs, a scan of all of them per job)."""
    if analysis.as_of is None:
        analysis.as_of = _as_of(analysis)
    return analysis.as_of


def _as_of(analysis: Analysis) -> date:
    configured = getattr(analysis.cfg, "as_of", None)
    if configured:
        return configured
    times = [datetime.fromisoformat(r.submitted_at) for r in analysis.inputs if r.submitted_at]
    # a mail that brought only an unreadable file has no submission time, but its Date is when it came: the
    # reply to it is not dated before it
    window = campaign_window(analysis.cfg)
    for r in analysis.inputs:
        sent = (r.raw.mail or {}).get("date") if not r.submitted_at else None
        try:
            ts = datetime.fromisoformat(sent) if sent else None
        except ValueError:
            ts = None
        if ts is None and not r.submitted_at and not r.raw.mail and r.raw.mtime:
            # nor has a file that could not be read, but its date within the campaign is when it came (an inbox of
            # such files only was dated at phase 1's start: nothing overdue, nobody chased)
            try:
                ts = datetime.fromtimestamp(r.raw.mtime, UTC)
            except (OverflowError, OSError, ValueError):
                ts = None
        if ts is not None:
            ts = ts if ts.tzinfo else ts.replace(tzinfo=UTC)
            if window is None or window[0] <= ts.astimezone(CHINA).date() <= window[1]:
                times.append(ts)
    if times:
        return max(times).astimezone(CHINA).date()
    # nothing says when (no 填表日期, files saved long after the campaign): at least the start of the latest phase whose
    # forms came (phase 1's start made every form of phase 2 not yet owed: nobody chased, replies dated before it)
    came = [analysis.forms[r.form].phase for r in analysis.inputs if r.form in analysis.forms]
    phases = analysis.cfg.phases
    return phases[max(came)].start if came and max(came) in phases else phases[1].start


def _submitted(res) -> date | None:
    return datetime.fromisoformat(res.submitted_at).date() if res.submitted_at else None


def grid(analysis: Analysis) -> list[DepartmentStatus]:
    """Each department's forms, as 提交情况 shows them. Computed once per analysis: 提交情况, 汇总, the chase mails
    and the screen summary all ask (at 100,000 inputs, each a pass over every input and catalogue row)."""
    if analysis.statuses is None:
        analysis.statuses = _grid(analysis)
    return analysis.statuses


def _grid(analysis: Analysis) -> list[DepartmentStatus]:
    cfg = analysis.cfg
    today = as_of(analysis)
    current: dict[tuple, list] = {}        # (form, department) → its current inputs, in input order
    first_sent: dict[tuple, date] = {}     # a submitter's form (its supersession key) → when it was first sent:
                                           # a later update is no delay
    # a personal form counts for its person's department in the roster (someone moved sent it from the old one)
    home = {normalize.person_key(p.staff_no, p.name): p.department for p in cfg.roster.staff}
    for r in analysis.inputs:
        if r.status in (ACCEPTED, RETURNED):
            # (another department's content on this department's form counts for the department that sent it: its
            # department is the sender's, InputResult.credited)
            dept = home.get(r.brief.key[-1], r.department) if r.form in PERSONAL_FORMS else r.department
            current.setdefault((r.form, dept), []).append(r)
    for key, sent in analysis.first_sent.items():
        first_sent[key] = datetime.fromisoformat(sent).date()
    # risks without a measure whose measure form was accepted: registered after it (附件3/4 re-sent with a new risk)
    answered = {(r.department, r.person) for r in analysis.accepted("附件5")}
    pending: dict[tuple[str, str], list[str]] = {}
    from formkit.validate import left_staff

    left = left_staff(cfg)
    for row in analysis.catalogue:
        if not row["防控措施"]:
            if row["层级"] == "部门" or left(row):      # (someone who left: the department's 附件6 answers it)
                pending.setdefault((row["_dept"], "附件6"), []).append(row["风险编号"])
            elif (row["_dept"], row["姓名"]) in answered:
                pending.setdefault((row["_dept"], "附件5"), []).append(row["风险编号"])
    out = []
    issued = issued_by(analysis)
    broken = unreadable_forms(analysis)
    for dept in cfg.roster.departments.values():
        forms = {}
        for form_id in DEPARTMENT_FORMS:
            deadline = cfg.deadline(analysis.forms[form_id].phase)
            mine = current.get((form_id, dept.code), [])
            accepted = [r for r in mine if r.status == ACCEPTED]
            # a department's own form returned beside an accepted one of a department merged into it: still owed (it
            # showed 已报, the chase leaving it out)
            # (last year's form beside this year's accepted one is owed by nobody: identity-campaign)
            open_ = {r.brief.key for r in mine if r.status == RETURNED and not r.credited and not waits_for_risks(r)
                     and not (accepted and any(f.code == F.IDENTITY_CAMPAIGN for f in r.findings))} \
                - {r.brief.key for r in accepted}
            if not mine and analysis.forms[form_id].is_measure_form and not issued(form_id, dept.code):
                forms[form_id] = Cell(NOT_ISSUED)
            elif accepted and not open_:
                when = first_sent.get(accepted[0].brief.key)
                forms[form_id] = Cell(DONE, bool(when and when > deadline), [r.path for r in accepted],
                                      pending.get((dept.code, form_id), []))
            elif mine and not open_ and all(map(waits_for_risks, mine)):
                # (it was 退回, the chase asking again for a form its reply said not to send again)
                forms[form_id] = Cell(WAITING, False, [r.path for r in mine])
            elif mine:
                forms[form_id] = Cell(RETURNED_ZH, False, [r.path for r in mine])
            elif (dept.code, form_id) in broken:
                forms[form_id] = Cell(UNREADABLE, False, broken[dept.code, form_id])
            else:
                forms[form_id] = Cell(OVERDUE if today > deadline else MISSING)
        personal = {}
        for form_id in PERSONAL_FORMS:
            deadline = cfg.deadline(analysis.forms[form_id].phase)
            mine = current.get((form_id, dept.code), [])
            people = cfg.roster.people_of(dept.code)
            unsure: set[str] = set()        # names of two on the list, a form of one of them returned without a 工号
            if people:
                # with a staff list, those on it: the form of someone taken off it (left, retired) stays in the
                # catalogue but answers for nobody now (it made 2/2 of a department whose newcomer sent nothing)
                listed = {normalize.person_key(p.staff_no, p.name) for p in people}
                unsure = {r.person for r in mine if r.status == RETURNED and r.brief.key[-1] not in listed and r.person
                          and any(f.code == F.PERSON_AMBIGUOUS for f in r.findings)}
                mine = [r for r in mine if r.brief.key[-1] in listed]
            # people told apart by 工号 where known (two 张伟 are two people): the inputs' supersession keys
            acc = len({r.brief.key for r in mine if r.status == ACCEPTED})
            held = {r.brief.key for r in mine if waits_for_risks(r)}
            ret = len({r.brief.key for r in mine if r.status == RETURNED} - held - {r.brief.key for r in mine if r.status == ACCEPTED}) \
                + len(unsure)       # (one of two 张伟's, returned for its 工号: it showed as nothing received, 0 退回)
            expected = dept.headcount
            late = any(first_sent.get(r.brief.key, deadline) > deadline for r in mine if r.status == ACCEPTED)
            done = {r.brief.key[-1] for r in mine if r.status == ACCEPTED}
            fixing = {r.brief.key[-1] for r in mine if r.status == RETURNED and r.brief.key not in held} - done
            waits = {r.brief.key[-1] for r in mine if r.brief.key in held} - done - fixing
            missing, waiting, unread = [], [], []
            to_fix = [f"{name}（未写工号）" for name in sorted(unsure)]
            sent_broken = broken.get((dept.code, form_id), [])
            twins = {p.name for p in people if sum(q.name == p.name for q in people) > 1}
            for p in people:
                key = normalize.person_key(p.staff_no, p.name)
                shown = f"{p.name}（{p.staff_no}）" if p.name in twins else p.name     # two 张伟: which one
                if key in fixing:
                    to_fix.append(shown)
                elif key in waits:
                    waiting.append(shown)
                elif key not in done and any(normalize.name_key(p.name) in normalize.name_key(f) for f in sent_broken):
                    unread.append(shown)        # (her file came and could not be read: not "nothing received")
                elif key not in done:
                    missing.append(shown)
            if expected and acc >= expected:
                state = DONE
            elif ret:
                state = RETURNED_ZH
            elif not expected:            # nobody has to: not overdue (what did come is counted)
                state = DONE if acc else NOT_REQUIRED
            elif not mine and analysis.forms[form_id].is_measure_form and not issued(form_id, dept.code):
                state = NOT_ISSUED        # (not sent out yet: nobody is late with it)
            elif today > deadline and acc + len(waits) + len(unread) < expected:
                state = OVERDUE
            else:
                state = MISSING if acc == 0 and not waits and not unread else "部分"
            overdue = bool(expected) and today > deadline and acc + ret + len(waits) + len(unread) < expected \
                and state != NOT_ISSUED
            personal[form_id] = PersonalCell(acc, ret, expected, state, late, missing, to_fix, waiting, unread,
                                             pending.get((dept.code, form_id), []), overdue)
        out.append(DepartmentStatus(dept.code, dept.name, forms, personal))
    return out
