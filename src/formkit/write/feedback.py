"""What goes back to a submitter: a feedback workbook and a reply-mail draft per flawed input, and a
chase-mail draft per department that owes a form.

The feedback workbook is a fresh copy of the submitter's form (same identity) holding their own values,
each offending cell highlighted with a comment, plus a 问题说明 sheet linking to the cells: they fix
it and send it straight back, and the corrected file supersedes the flawed one.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from email.header import Header
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, getaddresses
from pathlib import Path

from formkit import findings as F
from formkit import normalize, text
from formkit.config import Person
from formkit.generate import (
    FormContent,
    department_folders,
    form_layout,
    header_prefill,
    identity_for,
    safe_name,
    write_form,
)
from formkit.inputs import ACCEPTED, REJECTED, RETURNED, InputResult
from formkit.intake import ADDR_SPEC, RESAVE_HINT, SPREADSHEET_EXTS
from formkit.normalize import iso_text
from formkit.pipeline import Analysis, risk_prefill
from formkit.read import AT_ANOTHER_POST
from formkit.safety import ref_order
from formkit.spec import load_forms
from formkit.submissions import (
    DONE,
    UNREADABLE,
    WAITING,
    as_of,
    form_named,
    grid,
    names_of,
    owed_by,
    sender_department,
)
from formkit.validate import id_key
from formkit.write.common import FONT, row_height, write_bytes_atomic, write_text

CHINA = timezone(timedelta(hours=8))
FEEDBACK_DIR = "反馈"
CHASE_DIR = "催报"


def _member(res: InputResult) -> str:
    """The input's own file name and folders: the innermost member of a container, else the inbox file's path
    (whose name may hold a "!", which is no member separator there)."""
    raw = res.raw
    return raw.file_path.rsplit("!", 1)[-1] if raw.file_path != raw.disk else raw.file_path


def _file_name(res: InputResult) -> str:
    """The input's own file name (an attachment's, an archive member's), without its folders or containers."""
    return _member(res).split("/")[-1]


def _stem(res: InputResult) -> str:
    """The name a feedback workbook and its draft are given, from the input's own: a feedback workbook sent back
    and returned again gives …_反馈.xlsx once more, not …_反馈_反馈.xlsx (one more _反馈 every round)."""
    last = _file_name(res)
    stem = last.rsplit(".", 1)[0] if "." in last else last
    base = _FEEDBACK_SUFFIX.sub("", stem) or stem
    if _CUT.search(base):       # (a feedback workbook's own name, cut before: kept, not cut again with a new tag)
        return safe_name(base)
    return safe_name(base, max_chars=STEM_CHARS)


_CUT = re.compile(r"~[0-9a-f]{6}(?:_[^_~]{1,20})?$")
"""The end of a name safe_name cut (…~3a588c), and the person added after it (…~3a588c_张伟)."""


STEM_CHARS = 60
"""The longest name of a feedback workbook before its person and _反馈: its full path on the coordinator's Windows
desktop (C:\\Users\\…\\Desktop\\活动\\outbox\\反馈\\部门\\…) stays within the 218 characters Excel opens."""


_FEEDBACK_SUFFIX = re.compile(r"(?:_\d+)?_反馈$")


def _raw_text(value: object) -> object:
    if isinstance(value, datetime | date):
        return value
    return normalize.to_text(value)


def _when_back(value: object) -> object:
    """A time limit as it goes back: a date that lost its format (45056) as the date it was read as."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        parsed, _ = normalize.parse_date(value)
        if parsed is not None and 2000 <= parsed.year <= 2099:
            return parsed
    return _raw_text(value)


_OWN_FORM = frozenset({F.PERSON_MISMATCH, F.PERSON_NOT_LISTED, F.IDENTITY_CAMPAIGN})
"""Findings whose fix is another form (one's own, this campaign's), not a correction of the attached workbook
(department-sender-aside is not one: its feedback workbook is the sender's own form already; nor is identity-campaign on
a risk form, _this_rounds_form)."""


def _last_rounds_measures(res: InputResult) -> bool:
    """Last year's measure form (identity-campaign on 附件5/6): its feedback is for reference only (its 风险编号 are of
    other risks this year): the reply asks for this round's form and not to send the attachment back (told to correct
    it and send it back, the person sent last year's form again, returned again)."""
    c = res.checked
    return c is not None and c.spec.is_measure_form and any(f.code == F.IDENTITY_CAMPAIGN for f in res.findings)


def _this_rounds_form(res: InputResult) -> bool:
    """Last year's risk form (identity-campaign on 附件1–4): its feedback workbook is this round's form holding its
    rows, to check and send back. (A measure form is not: the measures were of last year's 风险编号, other risks now.)"""
    c = res.checked
    return c is not None and not c.spec.is_measure_form and any(f.code == F.IDENTITY_CAMPAIGN for f in res.findings)
_PUT_BACK = (F.RISK_WITHOUT_MEASURE, F.RISK_REGISTERED_LATER)
"""Findings of a risk a measure form has no row for: the feedback workbook puts the row back."""


def _restored(res: InputResult, risks: Mapping) -> list[dict]:
    """Risks a measure form owes a measure for and has no row for (risk-without-measure: a pre-filled row deleted,
    a risk left out of a blank form): put at the end of the feedback workbook, so that the measure is typed next to
    its risk instead of the 风险编号 and 风险点 being typed by hand."""
    c = res.checked
    if not c.spec.is_measure_form:
        return []
    out = []
    for f in res.findings:
        r = risks.get(f.value) if f.code in _PUT_BACK else None
        if r is not None:
            out.append(risk_prefill(r))
    return out


def _content(res: InputResult, risks: Mapping) -> FormContent:
    c = res.checked
    sub = c.sub
    rows = []
    whens = {col.key for col in c.spec.columns if col.type == "when"}
    # (a row read as its item at another post, item-at-post, as it was typed: its 行使岗位 and 责任人 under the item; written
    # out in full with the item's cells left empty there, the feedback corrected as it said came back asking for them)
    at_post = {f.cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for f in res.findings if f.code == F.ITEM_AT_POST and f.cell}
    for r in sub.rows:
        own = (lambda k: k in AT_ANOTHER_POST) if str(r.excel_row) in at_post else (lambda k: True)
        rows.append({k: _when_back(v) if k in whens else _raw_text(v) for k, v in r.values.items()
                     if k != "seq" and own(k)} | ({"seq": None} if str(r.excel_row) in at_post else {}))
    # the rows that carry a risk the form was pre-filled with are locked again, wherever they stand (a row inserted
    # among them in LibreOffice moved them down: locked by place, the inserted row's risk could not be typed and the
    # pre-filled one below it came back open)
    carried = {id_key(r) for r in sub.identity.risks} if (sub.identity and c.spec.is_measure_form) else set()
    carried_rows = {n for n, r in enumerate(sub.rows) if id_key(normalize.to_text(r.values.get("risk_id", ""))) in carried}
    if c.spec.is_measure_form:
        # a pre-filled row's risk as registered now (its 风险点 reworded in a re-sent 附件3/4 since the form went out,
        # its 直接管理 by the roster of today): the form sent back shows what the catalogue holds; a row of a form typed
        # anew that names a registered risk gets what the generated form would have shown where it is blank
        matched = {r.excel_row: r.values.get("_risk_id") for r in c.rows}
        # (not a row that goes on with the measures of the risk above it, its 风险编号 empty: filled in as a risk row,
        # it came back asking for its 关键环节 and 工作程序, a form returned again for what it was never told)
        going_on = {f.row for f in res.findings if f.code == F.MEASURE_CONTINUES}
        locked = [col.key for col in c.spec.columns if col.prefill and col.key != "risk_id"]
        for n, (raw, row) in enumerate(zip(sub.rows, rows, strict=False)):
            if n in going_on and n not in carried_rows:
                continue
            now = risks.get(matched.get(raw.excel_row) or "")
            if now is not None:
                current = risk_prefill(now)
                row.update({k: current[k] for k in locked if current.get(k) and (n in carried_rows or not row.get(k))})
    extra_columns = list(dict.fromkeys(label for r in sub.rows for label in r.extra))

    def block(raw: dict, read: dict, fields) -> dict:
        # a date as it was understood (46091 in a cell that lost its date format, 2023年3月5日 typed as text): written
        # back as a date, so the corrected form does not come back with a note about a cell nobody touched
        dates = {f.key for f in fields if f.type == "date"}

        def back(k: str, v: object) -> object:
            if k in dates:
                if isinstance(read.get(k), date):
                    return read[k]
                parsed, _ = normalize.parse_date(v)      # set aside by a rule (a year far off): still a date
                if isinstance(parsed, date) and not isinstance(v, str):
                    return parsed
            return _raw_text(v)

        return {k: back(k, v) for k, v in raw.items()}

    notes = [f.value for f in sorted((f for f in res.findings if f.code == F.ROW_NOT_READ and f.value),
                                     key=lambda f: ref_order(f.cell))]
    restored = _restored(res, risks)
    return FormContent(header=block(sub.header, c.header, c.spec.header), notes=list(dict.fromkeys(notes)),
                       rows=rows + restored, signoff=block(sub.signoff, c.signoff, c.spec.signoff),
                       prefilled_at=frozenset(carried_rows) | frozenset(range(len(rows), len(rows) + len(restored))),
                       extra_columns=extra_columns, extras=[r.extra for r in sub.rows] if extra_columns else [])


def needs_feedback(res: InputResult) -> bool:
    """Errors or warnings the sender can act on: not a file or folder of the coordinator's own inbox that cannot be
    opened (nor an Outlook .msg saved there), nor a document that is plainly no spreadsheet (a signed PDF scan or a photo sent along with the forms: listed
    as not readable as a form, but nobody is asked to send it again)."""
    if res.status in ("superseded", "duplicate") or any(f.code in (F.INBOX_UNREADABLE, F.MAIL_FILE_UNSUPPORTED,
                                                                  F.FILE_IS_OUTPUT) for f in res.findings):
        return False        # the coordinator's to deal with on this computer
    if res.warned_before:
        return False        # its warnings asked about with the version it corrects (checked, kept: not asked again)
    if res.status == "accepted" and (spec := load_forms().get(res.form or "")) is not None and spec.scope == "coordinator":
        return False        # the office's own form (附件1) with only something to check: 问题清单 says it (a reply to itself)
    if res.status == "rejected" and [f.code for f in res.findings] == [F.FILE_UNKNOWN_FORMAT] \
            and Path(res.raw.file_path.rsplit("!", 1)[-1]).suffix.lower() not in SPREADSHEET_EXTS \
            and RESAVE_HINT[1:] not in res.findings[0].message:   # (a table saved as .csv/.txt/.htm: one to redo)
        return False
    if any(f.code == F.DEPARTMENT_REMOVED for f in res.findings):
        return False        # its department deleted from the roster: the office's to mend first (then asked, if need be)
    return any(f.severity in (F.ERROR, F.WARNING) for f in res.findings)


def _colleague(res: InputResult, c) -> Person | None:
    """A colleague on the staff list who filled someone else's risk form (person-mismatch, the form his): his own form
    is the feedback workbook, holding his rows (it was the owner's, 工号 and 岗位 the owner's, and nothing he could
    correct in it would be accepted)."""
    ident = c.sub.identity
    if c.spec.is_measure_form or c.staff is None or ident is None or not ident.person \
            or normalize.name_key(c.staff.name) == normalize.name_key(ident.person):
        return None
    return c.staff if any(f.code == F.PERSON_MISMATCH for f in res.findings) else None


def _other_department(res: InputResult, c, roster):
    """The department written in another department's risk form (department-mismatch, filed under the one written: that
    department filled the other's form), where the form says so beyond the name, its 部门负责人 typed as that
    department's head, or the mail came from its 联系邮箱: its own form is the feedback workbook, holding its rows (on
    the form it came on, sent back as it was, it was returned again forever). Not for a name typed by a slip on one's own
    form, the head left as it was: made the other department's form, sent back as it was, it replaced that
    department's accepted rows."""
    ident = c.sub.identity
    if c.spec.is_measure_form or c.spec.scope != "department" or c.department is None or ident is None \
            or c.department.code == ident.department or ident.department not in roster.departments \
            or not any(f.code == F.DEPARTMENT_MISMATCH for f in res.findings):
        return None
    written, issued = c.department, roster.departments[ident.department]
    head = normalize.name_key(normalize.person_name(c.header.get("dept_head", "")))
    sender = ((res.raw.mail or {}).get("address") or "").strip().lower()
    by_mail = names_of(roster).addresses.get(sender, ()) if sender else ()
    if (head and head == normalize.name_key(written.head) and head != normalize.name_key(issued.head)) \
            or (written.code in by_mail and issued.code not in by_mail):
        return written
    return None


def _marks(res: InputResult, c, risks: Mapping, roster) -> tuple[list[F.Finding], dict[tuple[int | None, str], str]]:
    """The errors and warnings shown, and the comments of the cells they mark: {(row or None, key): text}. A
    missing measure of a row put back (_restored) marks that row's 防控措施 cell."""
    marks: dict[tuple[int | None, str], str] = {}
    back = {row["risk_id"]: i for i, row in enumerate(_restored(res, risks), len(c.sub.rows))}
    measure = c.spec.column("measure")
    later = {f.value for f in res.findings if f.code == F.RISK_REGISTERED_LATER}   # (a warning: the form was accepted)
    own = _colleague(res, c)
    owner = c.sub.identity.person if own is not None else ""
    written = _other_department(res, c, roster)
    issued = roster.departments[c.sub.identity.department].name if written is not None else ""
    shown = [replace(f, row=back[f.value], key="measure", field=measure.label if measure else f.field, value="")
             if f.code in _PUT_BACK and f.value in back
             else replace(f, message=f"这份表是下发给{issued}的，表内部门为“{f.value}”：反馈附件已改为{written.name}本部门的表单并"
                                     f"填入了原来的内容，核对后发回即可；如果填的是{issued}的内容，请用下发给{issued}的原表，"
                                     f"部门照名册写作“{issued}”后发送。")
             if written is not None and issued and f.code == F.DEPARTMENT_MISMATCH
             else replace(f, message=f"这份表是下发给{owner}的，表内姓名为“{own.name}”：反馈附件已改为{own.name}本人的表单并填入了"
                                     f"原来的内容，核对后发回即可；如果就是{owner}本人填写的，请用下发给{owner}的原表，"
                                     f"照名册写作“{owner}”后发送。")
             if own is not None and f.code == F.PERSON_MISMATCH
             else f for f in res.findings if f.severity in (F.ERROR, F.WARNING)]
    needed = []                  # a row put back: every cell it needs filled (附件6: 关键环节, 工作程序 too) and those
    for rid, i in back.items():  # it should have (完成时限), each listed in 问题说明 and the mail as well, so that doing
        for col in c.spec.columns:      # what they say is enough (a 完成时限 left empty made one more round)
            if col.need in ("req", "want") and not col.prefill and col.key != "measure":
                if col.need == "req" and rid not in later:
                    marks[(i, col.key)] = f"【错误】这一行是补回的风险点，请填写“{col.label}”。"
                    needed.append(F.make(F.REQUIRED, field=col.label, row=i, key=col.key))
                elif col.need == "req":
                    # (a risk registered since the form was accepted: a 提醒 for the form, but a cell the measure needs;
                    # said to be only "suggested", the form sent back with the measure alone was returned for it)
                    marks[(i, col.key)] = f"【提醒】这一行是新登记的风险点，补报防控措施时请一并填写“{col.label}”（必填）。"
                    needed.append(replace(F.make(F.REQUIRED, field=col.label, row=i, key=col.key), severity=F.WARNING))
                else:           # (a risk registered since: "新登记", as its other cells say, not "补回")
                    marks[(i, col.key)] = f"【提醒】这一行是{'新登记' if rid in later else '补回'}的风险点，建议填写“{col.label}”。"
                    needed.append(F.make(F.EXPECTED, field=col.label, row=i, key=col.key))
    for f in res.findings:
        if f.code == F.RISK_WITHDRAWN and f.row is not None and f.key:
            # a row of a risk deleted from its 附件3/4 since the form went out: marked, as it is no longer registered
            # (it came back as if current, with its old level and measure, and the reply said nothing of it)
            marks[(f.row, f.key)] = f"【说明】{f.message}"
    for f in shown:
        if f.key and (f.row is not None or f.key in {x.key for x in (*c.spec.header, *c.spec.signoff)}):
            if f.row is None or f.key in {col.key for col in c.spec.columns}:
                k = (f.row, f.key)
                marks[k] = (marks[k] + "\n" if k in marks else "") + f"【{F.SEVERITY_ZH[f.severity]}】{f.message}"
    return shown + needed, marks


def _cited(c, shown: list[F.Finding], marks: dict, lay) -> list[F.Finding]:
    return [replace(f, sheet=c.spec.sheet_name, cell=lay.a1(f.row, f.key)) if f.key and (f.row, f.key) in marks
            else replace(f, sheet=None, cell=None) for f in shown]


def feedback_citations(res: InputResult, risks: Mapping, roster) -> list[F.Finding]:
    """What write_feedback_workbook returns besides the path, without writing the workbook (it is there)."""
    c = res.checked
    shown, marks = _marks(res, c, risks, roster)
    return _cited(c, shown, marks, form_layout(c.spec, _content(res, risks)))


def _drop_prefilled(content: FormContent, prefilled: Mapping[str, object]) -> None:
    """Take out of the header what another's form had pre-filled and was left as it was (filled with the submitter's own
    after): the department's or person's whose form someone else used."""
    for key, value in prefilled.items():
        if normalize.fold(iso_text(content.header.get(key, ""))) == normalize.fold(value):
            del content.header[key]


def write_feedback_workbook(analysis: Analysis, res: InputResult, path: Path) -> tuple[Path, list[F.Finding]]:
    """The feedback workbook, and its errors and warnings placed where they are in it (the submitter's rows are
    laid out afresh, so a cell may sit elsewhere than in their own file): the reply mail cites those."""
    c = res.checked
    cfg = analysis.cfg
    dept = c.department
    content = _content(res, analysis.ctx.risks)
    if res.credited and res.credited in cfg.roster.departments and (dept is None or dept.code != res.credited):
        # another department's form filled by the sender (department-sender-aside): its rows on the sender's own form,
        # which sent back as it is, is the sender's submission (on the form it came on, it was returned again forever);
        # the other department's name and head, where the sender left them, give way to its own
        if dept is not None:
            _drop_prefilled(content, header_prefill(c.spec, cfg, dept, None))     # (filled with the sender's own below)
        dept = cfg.roster.departments[res.credited]
        ident = identity_for(c.spec, cfg, dept, None)
    elif _this_rounds_form(res):
        # last year's risk form: its rows on this campaign's form (sent back as it was, under last year's identity, it
        # was returned again forever); not a measure form: last year's 风险编号 are of other risks this year
        ident = identity_for(c.spec, cfg, c.department, c.staff)
    elif (written := _other_department(res, c, cfg.roster)) is not None:
        # another department's form filled by the department written in it (department-mismatch): its rows on that
        # department's own form, the other's head and contacts, where left, giving way to its own
        _drop_prefilled(content, header_prefill(c.spec, cfg, cfg.roster.departments.get(c.sub.identity.department), None))
        ident = identity_for(c.spec, cfg, written, None)
    elif (own := _colleague(res, c)) is not None:
        # a colleague's rows on the owner's form (person-mismatch): on his own form, the owner's 工号 and 岗位 giving
        # way to his
        owner = cfg.roster.find_person(c.sub.identity.department, c.sub.identity.person, c.sub.identity.staff_no)
        if owner is not None:
            _drop_prefilled(content, header_prefill(c.spec, cfg, cfg.roster.departments.get(owner.department), owner))
        ident = identity_for(c.spec, cfg, dept, own)
    else:
        ident = c.sub.identity or identity_for(c.spec, cfg, c.department, c.staff)
    # the corrected file supersedes this one whatever dates it carries
    ident = dataclasses.replace(ident, corrects=res.sha256[:16])
    for key, value in header_prefill(c.spec, cfg, dept, c.staff).items():
        if not content.header.get(key):     # (a form typed anew: what the generated form would have shown)
            content.header[key] = value
    shown, marks = _marks(res, c, analysis.ctx.risks, cfg.roster)

    def problems_sheet(wb, lay) -> None:
        ws = wb.add_worksheet("问题说明")
        head = wb.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "font_name": FONT})
        cell = wb.add_format({"border": 1, "text_wrap": True, "valign": "top", "font_name": FONT})
        link = wb.add_format({"border": 1, "font_color": "#0563C1", "underline": 1, "valign": "top", "font_name": FONT})
        err = wb.add_format({"border": 1, "bg_color": "#FFC7CE", "valign": "top", "font_name": FONT})
        warn = wb.add_format({"border": 1, "bg_color": "#FFEB9C", "valign": "top", "font_name": FONT})
        title = wb.add_format({"bold": True, "font_size": 14, "font_name": "黑体"})
        ws.write_string(0, 0, f"《{c.spec.full_title}》需要修改的地方（共 {len(shown)} 处）", title)
        ws.write_string(1, 0, "本表是上一轮活动的措施表，仅供对照，请不要发回：请用本轮下发的措施表（已预填本轮登记的风险点）填写后发送。"
                        if _last_rounds_measures(res) else
                        "点击“位置”可跳到表单中对应的单元格；黄色单元格为需要修改处，批注中有说明。改好后直接发回本文件。")
        for j, (h, w) in enumerate((("序号", 6), ("程度", 8), ("位置", 10), ("字段", 14), ("填写内容", 24),
                                     ("说明与改正方法", 70))):
            ws.set_column(j, j, w)
            ws.write_string(3, j, h, head)
        sheet = c.spec.sheet_name
        for i, f in enumerate(shown, 4):
            ws.write_number(i, 0, i - 3, cell)
            ws.write_string(i, 1, F.SEVERITY_ZH[f.severity], err if f.severity == F.ERROR else warn)
            target = lay.a1(f.row, f.key) if (f.key and (f.row, f.key) in marks) else None
            if target:
                ws.write_url(i, 2, f"internal:'{sheet}'!{target}", link, target)
            else:
                ws.write_string(i, 2, "整张表", cell)
            write_text(ws, i, 3, f.field or "", cell)
            write_text(ws, i, 4, f.value or "", cell)
            write_text(ws, i, 5, f.message, cell)
            ws.set_row(i, row_height([f.field or "", f.value or "", f.message], [14, 24, 70]))
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(3)
        ws.set_footer("&C第 &P 页，共 &N 页")

    path.parent.mkdir(parents=True, exist_ok=True)
    lay = write_form(path, c.spec, cfg, ident, content, department=dept, marks=marks, extra=problems_sheet)
    return path, _cited(c, shown, marks, lay)


_XLSX_TYPE = "vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _addresses(text: str) -> str:
    """The plain addresses in `text` ('w@x.cn, 王五 <l@x.cn>', or a contact line such as '纪检监察室 0571-8888,
    jjc@x.cn'), display names encoded (RFC 2047) where they are not ASCII; what is no address (a telephone
    number, a Chinese mailbox name no mail program can send to) is left out rather than breaking the draft."""
    out = []
    for name, addr in getaddresses([text]):
        if not ADDR_SPEC.fullmatch(addr):
            found = ADDR_SPEC.search(f"{name} {addr}")
            if found is None:
                continue
            name, addr = "", found.group(0)
        try:
            out.append(formataddr((name, addr), charset="utf-8"))
        except (UnicodeError, ValueError):
            out.append(addr)
    return ", ".join(dict.fromkeys(out))


def _mail(subject: str, body: str, to: str, sender: str, when: date | datetime,
          attachment: Path | None = None, answers: str = "", cc: str = "") -> Message:
    """A draft: UTF-8 text (base64), the attachment's name per RFC 2231. Built with the email.mime classes
    (compat32): a fifth of the time of EmailMessage's header refolding, the same message to a reader."""
    text = MIMEText(body, "plain", "utf-8")
    data = attachment.read_bytes() if attachment is not None else b""
    if attachment is None:
        msg: Message = text
    else:
        msg = MIMEMultipart()
        part = MIMEApplication(data, _XLSX_TYPE)
        part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", attachment.name))
        # … and, as Outlook and Foxmail themselves write it, the name (RFC 2047) on Content-Type too: Outlook does not
        # always read the RFC 2231 form, showing a Chinese name as "untitled attachment" (ATT00001)
        encoded = "=?utf-8?b?" + base64.b64encode(attachment.name.encode()).decode() + "?="
        part.set_param("name", encoded)
        for sub in (text, part):
            del sub["MIME-Version"]          # once, on the message itself
            msg.attach(sub)
        # a boundary derived from the content: the same inputs give the same draft, byte for byte
        digest = hashlib.sha256(subject.encode() + body.encode() + data).hexdigest()[:24]
        msg.set_boundary(f"formkit-{digest}")
    msg["Subject"] = Header(subject, "utf-8")
    if to:
        msg["To"] = _addresses(to)
    if cc and _addresses(cc):
        msg["Cc"] = _addresses(cc)
    if sender:
        msg["From"] = _addresses(sender)
    msg["Date"] = format_datetime(when if isinstance(when, datetime) else datetime.combine(when, time(9, 0), tzinfo=CHINA))
    if answers:                    # the sender's mail client shows the reply in the thread of the mail it answers
        msg["In-Reply-To"] = answers
        msg["References"] = answers
    msg["X-Unsent"] = "1"          # Outlook and Thunderbird open it as a draft to send
    return msg


_DATE_LINE = re.compile(rb"^Date: [^\r\n]*\r?\n", re.M)


def _write_draft(path: Path, data: bytes) -> None:
    """A draft written where it says something new: one differing from the last round's only in its Date (the data's
    date, moved on by any later file) is left as it was, so that the drafts not yet sent are told by their times."""
    try:
        if _DATE_LINE.sub(b"", path.read_bytes(), count=1) == _DATE_LINE.sub(b"", data, count=1):
            return
    except OSError:
        pass
    write_bytes_atomic(path, data)


def eml_bytes(msg: Message) -> bytes:
    """A draft as a .eml file: lines ended CRLF as mail has them (RFC 5322; Outlook shows LF-only files wrongly)."""
    return msg.as_bytes(policy=_CRLF)


_CRLF = compat32.clone(linesep="\r\n")


MANIFEST = ".formkit-feedback.json"
"""Under outbox/反馈/: each feedback workbook's digest (what it was made from) with its size and
modification time, so that a later merge leaves a workbook that would come out the same as it is."""


def clear_previous(outbox: Path, keep: Collection[Path] = ()) -> None:
    """Remove the drafts an earlier merge wrote that this one did not write again (`keep`: what it wrote or
    left in place), so none outlives its reason (a reply about a file that has since been superseded, a chase
    for a department that has since delivered). Only formkit's own names. Called once every output is
    written: an interrupted or failed merge leaves the earlier round's drafts as they were."""
    for folder, suffixes in ((outbox / FEEDBACK_DIR, ("_反馈.xlsx", "_反馈.eml")), (outbox / CHASE_DIR, ("_催报.eml",))):
        if not folder.is_dir() or folder.is_symlink():
            continue
        for sub in [folder, *(d for d in folder.iterdir() if d.is_dir() and not d.is_symlink())]:
            for p in sub.iterdir():
                if p.name.endswith(suffixes) and p.is_file() and not p.is_symlink() and p not in keep:
                    p.unlink()
            if sub != folder and not any(sub.iterdir()):
                sub.rmdir()


def _digest(scope: str, res: InputResult, path: Path) -> str:
    """What a feedback workbook is made from: the input's bytes (by hash) read by this formkit under this
    configuration (scope, as formkit.cache keys its outcomes), its status, the findings it shows, its name."""
    h = hashlib.sha256(f"{scope}\0{res.sha256}\0{res.status}\0{path.name}".encode())
    for f in res.findings:
        if f.severity in (F.ERROR, F.WARNING):
            h.update(b"\0" + repr(f).encode())
    return h.hexdigest()


def _stat(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _manifest(folder: Path) -> dict:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


TOLD = "*told"
"""The manifest's entry of what replies told each submitter's form (its form, department, person): the inputs a reply
was drafted for, and the warnings (请核实) it asked about; a later version with only those warnings is not asked again
(pipeline._warned_before)."""


def told_before(outbox: Path) -> dict[str, dict]:
    """TOLD as the last merge recorded it: submitter key → {"shas": [...], "warnings": [[code, field, value, row], ...]}."""
    entry = _manifest(outbox / FEEDBACK_DIR).get(TOLD)
    if not isinstance(entry, dict):
        return {}
    return {k: v for k, v in entry.items() if isinstance(k, str) and isinstance(v, dict)
            and isinstance(v.get("shas"), list) and isinstance(v.get("warnings"), list)}


def record_feedback(analysis: Analysis, jobs: list[FeedbackJob]) -> None:
    """Write the manifest of the feedback workbooks now in place (see MANIFEST), and which inputs have had a reply."""
    folder = analysis.cfg.outbox / FEEDBACK_DIR
    entries: dict[str, list] = {}
    for job in jobs:
        stat = _stat(job.path) if job.digest else None
        if stat is not None:
            entries[job.path.relative_to(folder).as_posix()] = [job.digest, *stat]
    from formkit.pipeline import submitter_key, warning_key

    # what replies told each submitter (kept while any form of the submitter is in the inbox)
    present = {submitter_key(r) for r in analysis.inputs if r.brief}
    told = {k: v for k, v in told_before(analysis.cfg.outbox).items() if k in present}
    for job in jobs:
        res = analysis.inputs[job.index]
        if res.brief is None:
            continue
        entry = told.setdefault(submitter_key(res), {"shas": [], "warnings": []})
        if res.sha256 not in entry["shas"]:
            entry["shas"].append(res.sha256)
        for f in res.findings:
            if f.severity == F.WARNING and list(key := warning_key(res, f)) not in entry["warnings"]:
                entry["warnings"].append(list(key))
    if told:
        entries[TOLD] = {k: told[k] for k in sorted(told)}
    if entries or (folder / MANIFEST).exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps(entries, ensure_ascii=False, sort_keys=True, indent=0), encoding="utf-8")
        os.replace(tmp, folder / MANIFEST)


def _open_deadline(analysis: Analysis, today: date, res: InputResult | None = None) -> date:
    """For an input whose form could not be read: the deadline of the form its file name names (附件3_张三.xlsb: 附件3's
    phase, not phase 1's of the office's own 附件1 before it had begun), else of the phase under way (or the next one)
    as of today."""
    if res is not None and (form := form_named(res.raw.file_path.rsplit("!", 1)[-1])) in analysis.forms:
        return analysis.cfg.deadline(analysis.forms[form].phase)
    return min((p.end for p in analysis.cfg.phases.values() if p.end >= today), default=today)


def _as_sent(res: InputResult) -> str | None:
    """A mail answered as a whole (no attachment, too large, unreadable) as its sender knows it: “3月20日发来的邮件
    “附件4（盖章版）””; None for anything else. (Its file name is the one the office's mail program saved it under,
    2023-03-20_1532_0007.eml, which the sender never saw.)"""
    mail = res.raw.mail or {}
    if not mail or not _file_name(res).lower().endswith(".eml"):
        return None
    when = mail.get("date") or ""
    day = f"{int(when[5:7])}月{int(when[8:10])}日" if re.match(r"\d{4}-\d\d-\d\d", when) else ""
    return f"{day}发来的邮件“{mail.get('subject') or '（无主题）'}”"


def _unreadable_body(who: str, file_name: str, findings: list[F.Finding], deadline: date, cfg,
                     mail: str | None = None) -> str:
    """The reply to an input that could not be read: the reason, and no attachment to point at. mail: the mail
    answered as a whole, as its sender knows it (_as_sent)."""
    what = mail if mail else f"报送的文件“{file_name}”无法作为表单读取，"
    lines = [f"{who}：", "", f"您好！您{what}未能汇总，原因如下：", ""]
    lines += [f"{i}. {f.message}" for i, f in enumerate(findings, 1)]
    lines += ["", f"请按上述说明处理后，于 {deadline.isoformat()} 前重新发送该表单（请使用下发的表单模板填写）。", "",
              cfg.office, cfg.institution, ""]
    return "\n".join(lines)


@dataclass(frozen=True)
class FeedbackJob:
    """One flawed input's feedback: where its workbook (when it has one) and its reply draft go."""
    index: int            # in analysis.inputs
    path: Path            # the workbook's path; the draft is the same with .eml
    dept: str
    digest: str = ""      # what the workbook is made from ("" when the input gets no workbook)
    keep: bool = False    # the workbook in place was made from the same: leave it
    also: tuple[int, ...] = ()   # other unreadable attachments of the same mail, answered in the same draft


def plan_feedback(analysis: Analysis) -> list[FeedbackJob]:
    """Every flawed input's feedback, its file names decided in input order (so they do not depend on
    which process writes which); a feedback workbook that would come out the same as the one in place (same
    digest, untouched since) is kept. The drafts of an earlier merge are removed afterwards (clear_previous)."""
    from formkit.cache import scope_of

    cfg = analysis.cfg
    out = cfg.outbox / FEEDBACK_DIR
    # the scope the merge's store was opened with (computed once a run, from the code as it started)
    scope = getattr(analysis.store, "scope", "") or scope_of(cfg)
    recorded = _manifest(out)
    jobs: list[FeedbackJob] = []
    used: set[str] = set()
    folders = department_folders(cfg.roster)
    # the unreadable attachments of one mail: one reply listing them all (a mail of 50 damaged files had 50 replies)
    mail_of: dict[int, str] = {}
    for i, res in enumerate(analysis.inputs):
        if res.brief is None and res.raw.mail and "!" in res.path and needs_feedback(res):
            mail_of[i] = res.path.rsplit("!", 1)[0]
    counts = Counter(mail_of.values())
    grouped: dict[str, list[int]] = {}
    for i, mail in mail_of.items():
        if counts[mail] > 1:
            grouped.setdefault(mail, []).append(i)
    planned: list[tuple[int, InputResult, str, Path, str, tuple[int, ...]]] = []
    for i, res in enumerate(analysis.inputs):
        if not needs_feedback(res):
            continue
        together = grouped.get(mail_of.get(i, ""), [])
        if together and together[0] != i:
            continue                     # answered in the first one's draft
        brief = res.brief
        folder_name = ""
        if brief is not None and brief.form in analysis.forms and analysis.forms[brief.form].scope == "coordinator":
            dept = cfg.office            # 附件1 is the office's own form
        elif brief is not None and res.department in cfg.roster.departments:
            dept = cfg.roster.departments[res.department].name
            folder_name = folders[res.department]
        elif brief is None and (code := sender_department(res, cfg.roster)) in cfg.roster.departments:
            dept = cfg.roster.departments[code].name      # unreadable, but its mail or its name says whose
            folder_name = folders[code]
        else:
            dept = "未识别部门"
        folder = out / (folder_name or safe_name(dept))
        planned.append((i, res, dept, folder, _stem(res), tuple(together[1:])))
    # a personal form under a file name that does not say whose (自查表.xlsx in each person's folder): its feedback
    # names its person (they were 自查表_反馈, 自查表_2_反馈, … numbered anew every round, a name passing from one
    # person to another); not where the name typed is not the owner's (the file's own name says who filled it)
    for i, res, dept, folder, base, also in planned:
        person = normalize.person_name(res.person or "")
        if person and normalize.name_key(person) not in normalize.name_key(base.replace("_", "")) \
                and not any(f.code in (F.PERSON_MISMATCH, F.PERSON_NOT_LISTED) for f in res.findings):
            base = safe_name(f"{base}_{person}", max_chars=STEM_CHARS + 12)     # (John Smith in …_John_Smith: no)
        path = folder / f"{base}_反馈.xlsx"
        n = 2
        while path.as_posix().casefold() in used:       # Zhang.xlsx and zhang.xlsx: one file on Windows and macOS
            path, n = folder / f"{base}_{n}_反馈.xlsx", n + 1
        used.add(path.as_posix().casefold())
        digest = _digest(scope, res, path) if res.brief is not None and res.status != REJECTED else ""
        entry = recorded.get(path.relative_to(out).as_posix())
        keep = bool(digest) and isinstance(entry, list) and entry == [digest, *(_stat(path) or [])]
        jobs.append(FeedbackJob(i, path, dept, digest, keep, also))
    return jobs


def write_feedback_job(analysis: Analysis, job: FeedbackJob) -> list[Path]:
    """The feedback workbook (unless the input could not be read) and the reply draft of one job."""
    cfg = analysis.cfg
    today = as_of(analysis)
    res = analysis.inputs[job.index]
    c = res.checked
    dept, path = job.dept, job.path
    written: list[Path] = []
    attachment = None
    shown = [f for f in res.findings if f.severity in (F.ERROR, F.WARNING)]
    if job.keep:
        attachment, shown = path, feedback_citations(res, analysis.ctx.risks, analysis.cfg.roster)
        written.append(attachment)
    elif c is not None and res.status != REJECTED:
        attachment, shown = write_feedback_workbook(analysis, res, path)
        written.append(attachment)
    form_title = c.spec.full_title if c else "报送的表单"
    # its feedback workbook mailed back untouched since (feedback-unchanged): the reply answers that mail, saying so (it
    # went to nobody where the form had come in a department's zip, dated before the mail, the same words again)
    again = _mailed_back_unchanged(analysis).get(res.path)
    answered = again or res
    # dated 09:00 of 数据截至, or half an hour after the mail it answers when that came later (a reply dated before the
    # mail it answers); the deadline it sets is after its own date
    when = datetime.combine(today, time(9, 0), tzinfo=CHINA)
    if answered.submitted_at and answered.time_basis == "邮件日期":
        try:
            when = max(when, datetime.fromisoformat(answered.submitted_at).astimezone(CHINA) + timedelta(minutes=30))
        except ValueError:
            pass
    deadline = cfg.deadline(c.spec.phase) if c else _open_deadline(analysis, today, res)
    if deadline <= when.date():       # the phase is over: a week to send it back (not "by today")
        deadline = when.date() + timedelta(days=7)
    who = (res.person or dept) if c else "各位老师"
    if c is not None and any(f.code == F.PERSON_MISMATCH for f in shown):
        # a colleague in the roster filled it in: greeted, not the one it was issued to (a name not in the roster is
        # more often a typo of the owner's: the owner is greeted)
        who = normalize.person_name(c.header.get("name", "")) or who
    subject_who = who
    if c is not None and any(f.code == F.PERSON_NOT_LISTED for f in shown) and (typed := c.header.get("name")):
        who = f"{who}（表内姓名“{normalize.person_name(typed)}”）"       # a typo, or someone new: both can read it
    if c is not None and (sender := next((f.value for f in shown if f.code == F.DEPARTMENT_SENDER_ASIDE), None)):
        who = sender                              # the department that sent another's form
    file_name = _file_name(res)
    # a measure form that only waits for its risk form (measures-before-risks): nothing in it to change
    waits = attachment is not None and {f.code for f in shown if f.severity == F.ERROR} == {F.MEASURES_BEFORE_RISKS}
    if attachment is None and job.also:
        # (several unreadable attachments of one mail: each named with its reasons, in one reply)
        group = [res, *(analysis.inputs[j] for j in job.also)]
        shown = [replace(f, message=f"“{_file_name(r)}”：{f.message}") for r in group for f in r.findings
                 if f.severity in (F.ERROR, F.WARNING)]
        names = [_file_name(r) for r in group]
        file_name = f"{names[0]}等 {len(names)} 个附件"
        body = _unreadable_body(who, file_name, shown, deadline, cfg)
    elif attachment is None:
        body = _unreadable_body(who, file_name, shown, deadline, cfg, mail=_as_sent(res))
    else:
        body = text.render("feedback_mail.txt.j2", recipient=who, form_title=form_title,
                           file_name=file_name, findings=sorted(shown, key=lambda f: f.severity != F.ERROR),
                           own_form=any(f.code in _OWN_FORM for f in shown) and not _this_rounds_form(res)
                           and _colleague(res, c) is None,
                           this_round=_this_rounds_form(res), last_measures=_last_rounds_measures(res), waits=waits,
                           errors=sum(1 for f in shown if f.severity == F.ERROR),
                           warnings=sum(1 for f in shown if f.severity == F.WARNING),
                           attachment=attachment.name, unchanged=again.file_name if again else "",
                           deadline=deadline.isoformat(), office=cfg.office, institution=cfg.institution)
    state = "请先报送风险点登记表" if waits else "请修改后重报" if res.status in (RETURNED, REJECTED) else "请核实"
    sent_as = _as_sent(res) if c is None and not job.also else None
    subject = f"【{state}】{form_title}" + (f"（{subject_who}）" if c else
                                           f"（{sent_as[sent_as.index('邮件'):]}）" if sent_as else f"（{file_name}）")
    mail = answered.raw.mail or {}     # a forwarded mail: the reply goes to who forwarded it to the office
    to = mail.get("forwarded_by") or mail.get("reply_to") or mail.get("address") or ""
    # (the department it is put to: the sender's, where another's form came from it; it went to the other's mailbox)
    whose = cfg.roster.departments.get(res.credited) if res.credited else c.department if c else None
    roster_mail = {a.lower() for a in ADDR_SPEC.findall(whose.email or "")} if whose else set()
    if mail.get("forwarded_by") and (mail.get("address") or "").lower() in roster_mail \
            and to.lower() not in roster_mail:
        # forwarded by someone else (a duty mailbox passing mail on) from the department's own address in the roster:
        # the reply goes to the department
        to = mail["address"]
    if not to or to.lower() in {a.lower() for a in ADDR_SPEC.findall(analysis.cfg.contact or "")}:
        # no mail, or one the office sent on itself (a form handed in on paper, mailed to its own mailbox): the roster's
        to = whose.email if whose else ""
    if not to and c is None and (code := sender_department(res, cfg.roster)) in cfg.roster.departments:
        to = cfg.roster.departments[code].email
    # forwarded: the one who wrote the mail inside (whose form it is, greeted) reads the reply too
    office = {a.lower() for a in ADDR_SPEC.findall(cfg.contact or "")}
    cc = (mail.get("reply_to") or mail.get("address") or "") if mail.get("forwarded_by") else ""
    if {a.lower() for a in ADDR_SPEC.findall(cc)} & ({a.lower() for a in ADDR_SPEC.findall(to)} | office):
        cc = ""
    msg = _mail(subject, body, to, cfg.contact, when, attachment, cc=cc,
                answers=mail.get("replies_to") or ("" if mail.get("forwarded_by") else mail.get("message_id", "")))
    eml = path.with_suffix(".eml")
    _write_draft(eml, eml_bytes(msg))
    written.append(eml)
    return written


def _mailed_back_unchanged(analysis: Analysis) -> dict[str, InputResult]:
    """The path of a flawed form → the latest of its feedback workbooks mailed back untouched (feedback-unchanged); worked
    out once per analysis (it was a scan of every input for each reply)."""
    if analysis.mailed_back is not None:
        return analysis.mailed_back
    out: dict[str, InputResult] = {}
    for r in analysis.inputs:
        if r.raw.mail and r.submitted_at:
            for f in r.findings:
                if f.code == F.FEEDBACK_UNCHANGED and f.value and \
                        (f.value not in out or (out[f.value].submitted_at or "") < r.submitted_at):
                    out[f.value] = r
    analysis.mailed_back = out
    return out


def unreadable_by_department(analysis: Analysis) -> Counter:
    """Files that could not be read as forms and get a reply (not a scan sent along), by the department their name
    or sender says they came from (submissions.sender_department): 提交情况 counts them, the chase mail says so."""
    roster = analysis.cfg.roster
    return Counter(code for res in analysis.inputs if res.status == REJECTED and res.brief is None
                   and needs_feedback(res) and (code := sender_department(res, roster)))


def write_chase(analysis: Analysis) -> list[Path]:
    cfg = analysis.cfg
    today = as_of(analysis)
    out = cfg.outbox / CHASE_DIR
    folders = department_folders(cfg.roster)
    written = []
    owed = owed_by(analysis)
    unreadable = unreadable_by_department(analysis)
    # a department form that came as a hidden sheet of a file sent for another form (附件2 and 附件4 in one workbook, the
    # 附件4 hidden): not read, and not "如已报送，请忽略": the department has sent it, and would ignore the chase
    inside: dict[tuple[str, str], str] = {}
    for res in analysis.inputs:
        if res.department and res.status in (ACCEPTED, RETURNED):
            for f in res.findings:
                if f.code == F.MULTIPLE_FORMS and f.value:
                    for fid in f.value.split("、"):
                        inside.setdefault((res.department, fid), _file_name(res))
    for d in grid(analysis):
        items = []
        returned = False
        for fid, cell in d.forms.items():
            spec = analysis.forms[fid]
            if owed(fid, d.code) and cell.state not in (DONE, WAITING):    # (held for its 附件4: not to send again)
                if cell.state == UNREADABLE:    # (sent in time: not "not received, late")
                    items.append(f"{spec.full_title}（截止 {cfg.deadline(spec.phase).isoformat()}）：收到的文件“"
                                 + "”“".join(cell.files[:3]) + "”无法读取，请按单独发给您的回复邮件重新发送")
                    returned = True         # ("not received or still to correct")
                    continue
                items.append(f"{spec.full_title}（{cell.state}，截止 {cfg.deadline(spec.phase).isoformat()}）"
                             + (f"：收到的文件“{inside[d.code, fid]}”中有这张表，但它在隐藏的工作表中，没有汇总；请取消隐藏"
                                "后重新发送，或把它另存为单独的文件发送" if (d.code, fid) in inside else ""))
                returned |= cell.state == "退回"
        for fid, p in d.personal.items():
            spec = analysis.forms[fid]
            if owed(fid, d.code) and p.expected and p.accepted < p.expected:
                who = "".join(f"；{label}：{'、'.join(names[:30])}{'等' if len(names) > 30 else ''}"
                              for label, names in (("尚未收到", p.missing), ("退回待修改", p.to_fix),
                                                   ("已收到、待其附件3 改正后自动汇总（不必重发）", p.waiting),
                                                   ("收到的文件无法读取、请按回复邮件重新发送", p.unreadable)) if names)
                overdue = "逾期，" if p.state == "逾期" or p.overdue else ""
                items.append(f"{spec.full_title}（{overdue}截止 {cfg.deadline(spec.phase).isoformat()}）：应报 {p.expected} 人，"
                             f"已收到合格 {p.accepted} 人{who}")
                returned |= p.returned > 0 or bool(p.unreadable)
        lacking = [*(d.forms["附件6"].pending if owed("附件6", d.code) else ()),
                   *(d.personal["附件5"].pending if owed("附件5", d.code) else ())]
        if lacking:
            ids = "、".join(lacking[:12]) + ("等" if len(lacking) > 12 else "")
            items.append(f"已接收的措施表之后新登记、还没有防控措施的风险点 {len(lacking)} 条（{ids}）：请用重新生成的措施表补报"
                         "（表中已填好已接收的措施，只需补填这几条）")
        if not items:
            continue
        # (the unreadable files named above as this form's or that person's are not counted again)
        named = sum(len(c.files) for f_, c in d.forms.items() if c.state == UNREADABLE and owed(f_, d.code)) + \
            sum(len(p.unreadable) for f_, p in d.personal.items() if owed(f_, d.code) and p.expected
                and p.accepted < p.expected)
        if (rest := unreadable.get(d.code, 0) - named) > 0:
            items.append(f"另有 {rest} 份收到的文件无法读取，未能汇总：请按单独发给您的回复邮件重新发送")
        dept = cfg.roster.departments[d.code]
        body = text.render("chase_mail.txt.j2", department=dept, items=items, returned=returned,
                           institution=cfg.institution, office=cfg.office)
        msg = _mail(f"【催报】{dept.name}廉政风险防控表单报送提醒", body, dept.email, cfg.contact, today)
        path = out / f"{folders[d.code]}_催报.eml"
        _write_draft(path, eml_bytes(msg))
        written.append(path)
    return written
