"""Which of one submitter's versions of a form is the current one, and what the others are: the clues that tell
when each was sent (README "哪份提交更新"), revision marks in file names, corrections made from formkit's feedback,
feedback workbooks sent back unchanged, blank forms attached again, one table sent as two files, another
department's form sent as one's own."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from datetime import UTC, date, datetime

from formkit import findings as F
from formkit import normalize
from formkit.config import Config
from formkit.inputs import CHINA, InputResult
from formkit.normalize import iso_text
from formkit.spec import load_forms
from formkit.validate import Checked, id_key, match_key, nothing_alike


def _clues(result: InputResult, window: tuple[date, date] | None = None) -> dict[str, float]:
    """What tells when an input was sent, best clue first (README "哪份提交更新"): the mail's Date (a file in
    a .eml), the 填表日期 (the start of that day in China), the file's time; only those within the campaign's dates
    (`window`, validate.campaign_window), when given."""
    out = _all_clues(result)
    return out if window is None else {basis: ts for basis, ts in out.items() if _within(ts, window)}


def _all_clues(result: InputResult) -> dict[str, float]:
    out: dict[str, float] = {}
    if (sent := _mail_ts(result)) is not None:
        out["邮件日期"] = sent
    if (filled := _filled_ts(result)) is not None and (result.redated or not (result.brief and result.brief.corrects)) \
            and not result.filled_late:
        out["填表日期"] = filled      # (a corrected feedback workbook carries the 填表日期 of what it corrects, unless
        # its submitter changed it: see dated_corrections; one later than the mail or file that carried it is a slip)
    if result.raw.mtime:
        out["文件修改时间"] = result.raw.mtime
    for copy in result.copies:
        # the same bytes came more than once (a mail of 03-10, the secretary's zip of 03-20): sent when first sent,
        # whichever copy an earlier merge read first and keeps as the original (with outbox/ deleted, the 03-10 copy
        # was the original and the version of 03-15 the current one; incrementally, the 03-20 zip and 03-15 superseded);
        # copies whose times are of the campaign only (pipeline: in_campaign)
        basis, ts = receipt(copy)
        if basis and ts < out.get(basis, ts + 1):
            out[basis] = ts
    return out


def _mail_ts(result: InputResult) -> float | None:
    """The Date of the mail an input came in, as a timestamp; None when it came in none (or the Date says no time)."""
    mail_date = (result.raw.mail or {}).get("date")
    if not mail_date:
        return None
    try:
        ts = datetime.fromisoformat(mail_date)
        return (ts if ts.tzinfo else ts.replace(tzinfo=UTC)).timestamp()
    except (ValueError, OverflowError):
        return None


def receipt(result: InputResult) -> tuple[str, float]:
    """When an input came, by the clue that says so: its mail's Date, else its file's time; ("", 0) when neither."""
    if (result.raw.mail or {}).get("date"):
        sent = _mail_ts(result)
        return ("邮件日期", sent) if sent is not None else ("", 0.0)
    return ("文件修改时间", result.raw.mtime) if result.raw.mtime else ("", 0.0)


def in_campaign(result: InputResult, window: tuple[date, date] | None) -> bool:
    """Whether the time an input came (its mail's Date, else its file's) is within the campaign's dates: a copy that may
    lend it to the original of its bytes (a copy off a USB stick dated 2000 took the correction's time away,
    and the flawed first version became the current one)."""
    basis, ts = receipt(result)
    return bool(basis) and (window is None or _within(ts, window))


def filled_after_sending(result: InputResult, window: tuple[date, date] | None = None) -> str:
    """The time a form's 填表日期 falls after, when it does: the day of the mail that brought it, else of its file's
    last save, either within the campaign's dates (`window`) (a form is not filled in after it was sent: 2023-03-20 typed
    for 03-10 made the mail of 09:00 the current version over the correction of 15:00, and a 2023-04-25 typed for 03-25
    made every department 逾期; a file time of 2000, a PC's clock reset, says nothing); "" otherwise."""
    filled = result.brief.filled if result.brief else None
    if not isinstance(filled, date):
        return ""
    basis, ts = receipt(result)
    if not basis or (window is not None and not _within(ts, window)):
        return ""
    try:
        when = datetime.fromtimestamp(ts, tz=CHINA)
    except (ValueError, OverflowError, OSError):
        return ""
    if filled <= when.date():
        return ""
    return f"{'邮件发出时间' if basis == '邮件日期' else '文件保存时间'} {when:%Y-%m-%d %H:%M}"


def _within(ts: float, window: tuple[date, date]) -> bool:
    try:
        return window[0] <= datetime.fromtimestamp(ts, tz=CHINA).date() <= window[1]
    except (ValueError, OverflowError, OSError):        # (a time off the calendar: year 1, 9999 in 北京时间)
        return False


def when(result: InputResult, window: tuple[date, date] | None = None) -> tuple[float, str]:
    """When an input was submitted, and by which clue: its best clue within the campaign's dates (`window`,
    validate.campaign_window). A file copied years later, or made by a script, carries today's file time:
    that is no submission time (it would move 数据截至 and make every department late)."""
    for basis, ts in _clues(result, window).items():
        return ts, basis
    filled = _filled_ts(result)
    if filled is not None and result.brief is not None and result.brief.corrects \
            and (window is None or _within(filled, window)):
        # a corrected feedback workbook put into inbox/ by hand, its 填表日期 kept: no earlier than that day (it
        # had no submission time at all, 提交时间 empty in 风险目录); compare still puts it after what it corrects
        return filled, "填表日期"
    return 0.0, ""           # no clue: nothing to say (between two such inputs, compare goes by the path)


_REVISED = re.compile(r"(?<!退回)(?<![待需要请])修改(?!前|之前|意见)|修订(?!前|之前)|改正|更正|改后|已改|改好|改过|终稿|定稿|最终|最新|新版|正式版|正式稿"
                      r"|[（(【\[]新[)）】\]]|[_\-—\s]新(?![\u4e00-\u9fff])|(?<![\u4e00-\u9fff])改(?![\u4e00-\u9fff])"
                      r"|(?i:(?<![a-z])(?:new|final|revised?)(?![a-z]))")
"""What names the later version: 修改, 更正, 终稿, 赵六(已改), 赵六 改, 正式版, 赵六_new, final (a correction named so beside its
draft in one mail lost to the draft by the names' order)."""


_EARLIER = re.compile(r"修改前|修改之前|修订前|原稿|初稿|草稿|旧版|原版|作废|废弃|[（(【\[]旧[)）】\]]|[_\-—\s]旧(?![\u4e00-\u9fff])"
                      r"|(?i:(?<![a-z])(?:old|draft)(?![a-z]))")
"""What names the earlier version: 初稿, 赵六（旧）, 赵六_旧, 赵六_作废 (a draft marked old or void beside the correction, in one
mail: the name's order made the void draft the current version, the correction dropped); not 旧 in a name (旧校区管理处)."""


_VERSION = re.compile(r"(?i)v\s*(\d{1,3})|版本\s*(\d{1,3})|第\s*(\d{1,3})\s*[版稿]")


def _revisions(a: str, b: str) -> tuple[int, int]:
    """How revised two files' own names say they are, from what tells the names apart (附件4_第2党支部 and
    附件4_第2党支部(修改): "" and "(修改)"): -1 for 修改前/原稿/初稿…, 1 for 修改/更正/终稿…, or the version they number
    (v2, 第3版); 0 when nothing says. Parts (第1部分, (1)) are no versions: they are left to the split check."""
    # (with the folders they are in inside an archive: 初稿（已作废）/附件3_何杰丽.xlsx beside 正式稿/附件3_何杰丽.xlsx in
    # a zip; not the coordinator's own folders of inbox/: 退回修改/, 已处理/)
    x, y = (p.rsplit("!", 1)[-1] if "!" in p else p.rsplit("/", 1)[-1] for p in (a, b))
    x, y = x.rsplit(".", 1)[0], y.rsplit(".", 1)[0]
    n = 0
    while n < min(len(x), len(y)) and x[n] == y[n]:
        n += 1
    while n and x[n - 1].isdigit():        # (第10稿 / 第100稿: the numbers whole, not 第10 in common and "" against 0)
        n -= 1
    m = 0
    while m < min(len(x), len(y)) - n and x[-1 - m] == y[-1 - m]:
        m += 1
    while m and x[len(x) - m].isdigit():
        m -= 1
    # a difference in digits only (v1/v2, 第1版/第2版) is read with what stands around it, as one of a character or two
    # (初稿/终稿 differ in their first character only)
    if x[n:len(x) - m].isdigit() and y[n:len(y) - m].isdigit():
        n, m = max(0, n - 3), max(0, m - 2)
    elif max(len(x) - m - n, len(y) - m - n) <= 2:
        n, m = max(0, n - 2), max(0, m - 2)
    return _revision(x[n:len(x) - m]), _revision(y[n:len(y) - m])


def named_later(a: str, b: str) -> bool:
    """Whether file a's own name says it is a later version than file b's (张伟（修改稿） / 张伟, v2 / v1)."""
    x, y = _revisions(a, b)
    return x > y


def _revision(text: str) -> int:
    if _EARLIER.search(text):
        return -1
    numbers = [int(next(g for g in m if g)) for m in _VERSION.findall(text)]
    return max([*numbers, 1 if _REVISED.search(text) else 0])


def _filled_ts(result: InputResult) -> float | None:
    """The input's 填表日期 (the start of that day in China), as a timestamp; None when it has none."""
    filled = result.brief.filled if result.brief else None
    return datetime(filled.year, filled.month, filled.day, tzinfo=CHINA).timestamp() if isinstance(filled, date) else None


def _day(ts: float) -> int:
    return datetime.fromtimestamp(ts, tz=CHINA).date().toordinal()


def compare(a: InputResult, b: InputResult, window: tuple[date, date] | None = None) -> tuple[int, str]:
    """Whether `a` was sent after `b` (1), before (-1), and the clue that says so. Like is compared with like:
    the first clue both inputs have that differs decides (a mail's Date against the other mail's Date, a
    填表日期 against the other 填表日期), never one input's mail Date against the other's 填表日期 (a corrected
    file keeps its 填表日期 but is saved after the mail that brought the first one). Mail dates and 填表日期
    count by the day (a mail at 09:30 is not later than a file filled in that day); file times exactly. The
    path decides what is still equal. A file time within the campaign's dates (`window`) is not weighed against one
    far outside them: a first draft copied into inbox/ today was "later" than the correction mailed during the
    campaign (two files copied today are still ordered by their times; mail dates are always compared)."""
    ca, cb = _clues(a), _clues(b)
    for basis in ("邮件日期", "填表日期", "邮件时间", "文件修改时间"):
        if basis == "文件修改时间" and (told := _filled_after_other_came(a, b, ca, cb, window)):
            return told, "填表日期（晚于另一份发来的日期）"
        key = "邮件日期" if basis == "邮件时间" else basis      # two mails of one day: their times, by that name
        if key in ca and key in cb:
            x, y = ca[key], cb[key]
            if basis == "文件修改时间" and window is not None and _within(x, window) != _within(y, window):
                continue      # a file copied into inbox/ today against a time of the campaign: no order (below)
            if basis in ("邮件日期", "填表日期"):
                x, y = _day(x), _day(y)
            elif basis == "文件修改时间" and x != y and _day(x) == _day(y) and \
                    (told := _revisions(a.raw.file_path, b.raw.file_path))[0] != told[1]:
                # saved the same day, one named a draft (初稿, 作废) or a revision (修改, 终稿): the names say it; seconds
                # apart (files saved from a mail or packed in any order) the void draft replaced the final version
                return (1 if told[0] > told[1] else -1), "文件名（修改稿）"
            if x != y:
                if basis == "邮件日期" and (told := _draft_forwarded_later(a, b, ca, cb)):
                    return told, "填表日期（与文件名一致）"
                return (1 if x > y else -1), basis
    ra, rb = _revisions(a.raw.file_path, b.raw.file_path)
    if ra != rb:                       # 附件4（修改）.xlsx after 附件4.xlsx, v2 after v1
        return (1 if ra > rb else -1), "文件名（修改稿）"
    return (a.path > b.path) - (a.path < b.path), "文件名顺序"


def _filled_after_other_came(a: InputResult, b: InputResult, ca: dict, cb: dict,
                             window: tuple[date, date] | None) -> int:
    """1 when a's 填表日期 is a later day than b came (b's mail's Date, else its file's time within the campaign's dates),
    -1 the other way round, 0 when neither: a form filled after the other version was sent is the later one (a
    correction mailed with its 填表日期 kept, then a version re-dated and saved into inbox/ by hand: no clue of one
    kind on both, the path's order made the mailed one current and the risk added since was dropped unsaid). Only this
    way: a 填表日期 before the other's coming says nothing (a correction keeps the 填表日期 of what it corrects); nor one
    the other carries too (a slip of the month typed on both, set aside on the one whose mail it is later than)."""
    for x, y, other, sign in ((ca, cb, b, 1), (cb, ca, a, -1)):
        came = y.get("邮件日期", y.get("文件修改时间"))
        if "填表日期" in x and "填表日期" not in y and came is not None and (
                "邮件日期" in y or window is None or _within(came, window)) and _day(x["填表日期"]) > _day(came) \
                and ((theirs := _filled_ts(other)) is None or _day(theirs) < _day(x["填表日期"])):
            return sign
    return 0


def _draft_forwarded_later(a: InputResult, b: InputResult, ca: dict, cb: dict) -> int:
    """Two mails' versions whose 填表日期 and file names (初稿/终稿, v1/v2) both say the opposite of their mails' dates:
    an old draft forwarded after the final version (a secretary's zip of 3-17 holding 冯军-附件3(初稿) of 3-14 replaced
    his 终稿 mailed on 3-16, unsaid): the order they agree on (1: `a` is later, -1: earlier); 0 when they do not."""
    if "填表日期" not in ca or "填表日期" not in cb:
        return 0
    filled = _day(ca["填表日期"]) - _day(cb["填表日期"])
    ra, rb = _revisions(a.raw.file_path, b.raw.file_path)
    mailed = _day(ca["邮件日期"]) - _day(cb["邮件日期"])
    if not filled or ra == rb or (filled > 0) != (ra > rb) or (filled > 0) == (mailed > 0):
        return 0
    return 1 if filled > 0 else -1


def same_name_told(members: list[InputResult]) -> None:
    """Versions of one person's form (same department, same name, no staff-list entry) that carry different 工号:
    perhaps two people of one name. Taken as one person (someone may send it with and without his 工号), and
    said on each earlier version, so that the coordinator can list them in the roster's staff list."""
    typed = {}
    for res in members:
        c = res.checked
        if c is None or c.staff is not None:
            return
        if number := c.typed_staff_no:
            typed[res.path] = number
    if len(set(typed.values())) < 2:
        return
    shown = "、".join(sorted(set(typed.values())))
    name = members[-1].person or ""
    for older in members[:-1]:
        older.findings.append(F.make(F.SAME_NAME_STAFF_NO, value=name, detail=shown))


def received_earlier(a: InputResult, b: InputResult, window: tuple[date, date] | None) -> bool:
    """Of two copies of the same bytes, whether `a` arrived first: by the day of its mail, or of its file time within
    the campaign (`window`); a file that says neither (saved into inbox/ from a mail long ago) before a copy that came
    in a mail (the same form sent again, weeks later: it took over the submission, its time and its provenance)."""
    def receipt(r: InputResult) -> float | None:
        clues = _all_clues(r)
        if "邮件日期" in clues:
            return clues["邮件日期"]
        ts = clues.get("文件修改时间")
        return ts if ts is not None and (window is None or _within(ts, window)) else None
    if "!" not in a.path and "!" not in b.path and a.raw.mtime and b.raw.mtime and a.raw.mtime != b.raw.mtime:
        # two files of their own (no mail, no archive): the older file (a copy saved into another folder a round later
        # took over as the original, the accepted file turned duplicate and 来源文件 moved to the copy); a time of the
        # campaign before one far from it (a copy off a USB stick dated 2000, a PC's clock reset)
        if window is not None and _within(a.raw.mtime, window) != _within(b.raw.mtime, window):
            return _within(a.raw.mtime, window)
        return a.raw.mtime < b.raw.mtime
    x, y = receipt(a), receipt(b)
    if x is not None and y is not None:
        return _day(x) < _day(y)
    return x is None and y is not None and not a.raw.mail and bool(b.raw.mail)


def corrects(res: InputResult, other: InputResult) -> bool:
    """Whether `res` was made from formkit's feedback on `other` (its identity's `corrects`)."""
    return bool(res.brief and res.brief.corrects and other.sha256.startswith(res.brief.corrects))


def corrections_last(members: list[InputResult]) -> None:
    """A file made from formkit's feedback on another submission comes after it, whatever its dates: the submission it
    corrects is put before it, the order of the others kept (two files made from one feedback workbook, the correction
    and a month later a risk added to it, stay in their mails' order: the correction put after its target had come after
    the later one, which it superseded unsaid)."""
    for _ in range(len(members) ** 2):
        moved = False
        for i, res in enumerate(members):
            j = next((k for k, other in enumerate(members) if corrects(res, other)), None)
            if j is not None and j > i:
                members.insert(i, members.pop(j))
                if res.order_basis and not res.order_basis.endswith("（更正反馈）"):
                    res.order_basis += "（更正反馈）"
                moved = True
                break
        if not moved:
            return


def rows_typed(c: Checked, own: bool = False) -> list[dict]:
    """A form's rows as typed (before any reading of levels or choices), without the 序号 (the feedback workbook
    numbers them), and only rows where something was typed besides what formkit pre-filled (a pre-filled measure
    form's risks, a row the feedback workbook put back)."""
    typed = [col.key for col in c.spec.columns if col.type != "seq" and not col.prefill]
    # own: with the columns of the submitter's own (a feedback workbook sent back with one emptied as its reply asked,
    # 防控措施 typed into a risk form, is a correction: it was "the same as before, forwarded by mistake", the same reply
    # again); not where versions are ordered (a column added to a re-sent collection made it newer than its sender's
    # own later correction, which it replaced)
    # (and without the pre-filled columns then: the feedback workbook writes back what was issued where the person had
    # typed over it, so forwarded untouched it differed, read as a new version, the same reply again)
    # (in the rows formkit pre-filled only: on a blank measure form, or in a row the person added, the 风险编号, 风险点
    # and 风险等级 are the person's own, their correction a correction, not "the same, forwarded by mistake")
    issued = {col.key for col in c.spec.columns if col.prefill} if own else set()
    carried = {id_key(r) for r in c.sub.identity.risks} if issued and c.sub.identity else set()

    def kept(r, k: str) -> bool:
        return k != "seq" and not (k in issued and id_key(normalize.to_text(r.values.get("risk_id", ""))) in carried)

    return [{**{k: normalize.to_text(v) for k, v in r.values.items() if kept(r, k)},
             **({f"+{label}": text for label, text in r.extra.items()} if own else {})} for r in c.sub.rows
            if any(normalize.to_text(r.values.get(k, "")) for k in typed)]


def _risk_put_back(new: Checked, flawed: Checked) -> bool:
    """Whether a pre-filled row's 风险点, typed over on the flawed version with another risk (measure-other-risk: the
    feedback workbook shows it as typed), is the registered one again: the correction its reply asked for, though
    rows_typed leaves the pre-filled columns out (the feedback workbook writes back what was lightly reworded)."""
    if not new.spec.is_measure_form or not flawed.sub.identity:
        return False
    carried = {id_key(r) for r in flawed.sub.identity.risks}

    def texts(c: Checked, measured: bool = False) -> dict[tuple[str, int], str]:
        out: dict[tuple[str, int], str] = {}
        seen: dict[str, int] = {}
        for r in c.sub.rows:
            rid = id_key(normalize.to_text(r.values.get("risk_id", "")))
            if rid in carried:
                seen[rid] = seen.get(rid, -1) + 1
                if not measured or normalize.to_text(r.values.get("measure", "")):
                    out[(rid, seen[rid])] = normalize.to_text(r.values.get("risk", ""))
        return out
    now = texts(new)
    # (a row with a measure only, as measure-other-risk says it: one without, its 风险点 typed over, the feedback workbook
    # shows as registered: forwarded untouched, it was a new version, the same reply again)
    return any(text and now.get(place) and nothing_alike(match_key(now[place]), match_key(text))
               for place, text in texts(flawed, measured=True).items())


def _header_typed(c: Checked) -> dict[str, str]:
    """The header as typed; a date as it was understood (the feedback workbook writes 2023年3月21日 typed as text back
    as the date it read: no change of the submitter's)."""
    dates = {f.key for f in c.spec.header if f.type == "date"}
    return {k: iso_text(c.header[k]) if k in dates and isinstance(c.header.get(k), date) else normalize.to_text(v)
            for k, v in c.sub.header.items()}


def unchanged_feedback(members: list[InputResult]) -> list[InputResult]:
    """Feedback workbooks sent back (forwarded, attached again) without a change: the same header and rows as the
    version they correct. Nobody corrected anything: no new submission (one replaced the accepted correction sent
    before it); taken out of `members` and returned, to be set aside as superseded by the current version (not
    "duplicate": that is a byte-identical input, interfaces.md)."""
    unchanged = []
    for res in list(members):
        target = res.brief.corrects if res.brief else ""
        flawed = next((m for m in members if target and m is not res and m.sha256.startswith(target)), None)
        if flawed is None:
            continue
        a, b = res.checked, flawed.checked
        if a is None or b is None or _header_typed(a) != _header_typed(b) or rows_typed(a, True) != rows_typed(b, True):
            continue
        if _risk_put_back(a, b):
            continue
        if a.sub.identity and b.sub.identity and (a.sub.identity.campaign, a.sub.identity.department,
                                                   a.sub.identity.person, a.sub.identity.staff_no) != \
                (b.sub.identity.campaign, b.sub.identity.department, b.sub.identity.person, b.sub.identity.staff_no):
            continue        # (the colleague's rows sent back on his own form, as its reply asked: the change itself;
            # a department's rows sent back on its own form, those it typed on another department's; last year's form's
            # rows sent back on this round's form, the feedback workbook it was given)
        members.remove(res)
        res.findings = [F.make(F.FEEDBACK_UNCHANGED, value=flawed.path)]
        unchanged.append(res)
    return unchanged


def older_resent(members: list[InputResult], collections: Collection[str] = ()) -> list[InputResult]:
    """The latest version, when it is a sheet of a workbook holding several people's forms, or a file of an archive or
    mail holding them (`collections`: a secretary's collection sent again with another person's form corrected), whose
    content is word for word an older version of this submitter's, one replaced since by another that was accepted: no
    new version (it replaced the person's own later correction, a risk gone). Also, sent any way, when that older version
    was returned for its errors (an old copy saved again, sent again after its correction was accepted: the errors are
    still in it). Taken out of `members` and returned, said, to be set aside as superseded by the current version."""
    def alike(x: Checked, y: Checked) -> bool:
        return _header_typed(x) == _header_typed(y) and rows_typed(x) == rows_typed(y)

    aside = []
    kept: list[InputResult] = []
    for m in members:     # (in order: the collection sent a third time, its old sheet again, after the second copy)
        c = m.checked
        same = next((o for o in kept[:-1] if o.checked is not None and alike(o.checked, c)), None) \
            if c is not None and len(kept) >= 2 else None
        previous = kept[-1] if kept else None
        if same is None or previous is None or (previous.checked is not None and alike(previous.checked, c)) \
                or any(f.severity == F.ERROR for f in previous.findings) \
                or not (m.raw.sheet or (m.brief and m.brief.sheets) or m.raw.container in collections
                        or any(f.severity == F.ERROR for f in same.findings)):
            # (after a version that was returned, the older content sent again is the one that stands)
            kept.append(m)
            continue
        m.findings.append(F.make(F.RESENT_OLDER, value=same.path))
        aside.append(m)
    members[:] = kept
    return aside


def sent_by_another(res: InputResult, cfg: Config) -> str | None:
    """The code of another department that sent this department's form: its file (or folder) name names that
    department, and either the mail came from that department's 联系邮箱 (财务处 filling 教务处's 附件2 and sending it as
    附件2_财务处.xlsx) or, with no mail from a department's address (the attachment saved into inbox/ under the
    sender's name), the form's 部门负责人 was typed over with that department's head; or, under a name of no department
    (附件4.xlsx), the mail came from that department's mailbox (the mail's author, not who forwarded it) with its head
    typed over, unless the mail's subject says it relays the form's own department's; an office relaying others' forms under their
    own names is no such case. The form's own department (its identity) is given back where it came from its own mailbox
    with another department's name typed in its 部门 (department-mismatch, no sender-aside)."""
    from formkit.submissions import named_department, names_of

    if not res.department or res.department not in cfg.roster.departments:
        return None
    spec = load_forms().get(res.form or "")
    if spec is None or spec.scope != "department":      # (a person's form sent by a secretary is no such case)
        return None
    mail = res.raw.mail or {}
    # the one who wrote the mail (a duty mailbox forwarding it is no sender of the form: a department's form forwarded
    # by 值班室 was accepted as the other's)
    sender = (mail.get("address") or mail.get("forwarded_by") or "").strip().lower()
    by_mail = names_of(cfg.roster).addresses.get(sender, ()) if sender else ()
    ident = res.checked.sub.identity if res.checked is not None else None
    if ident is not None and ident.department and ident.department != res.department and ident.department in by_mail \
            and (res.department not in by_mail or _head_of(res, cfg, ident.department)):
        # one's own form (its identity says so) mailed from one's own mailbox, another department's name typed in its
        # 部门: one's own, whatever the file is called (附件4.xlsx: it was put to the department typed, which sent nothing);
        # from a mailbox both share, where its head says so (it replaced the other's accepted form)
        return ident.department
    # the attachment's own name (附件2_财务处.xlsx), not the mail's or the coordinator's folders (an office relaying
    # others' forms: 党政办公室转报教务处附件2.eml, inbox/党政办公室/); a name that also names the form's own
    # department (附件4_教务处_党政办公室修改.xlsx: a correction made for it) is no such case either
    name = res.file_name
    named = named_department([name], cfg.roster)
    heads = [d for d in by_mail if d != res.department and (ident is None or ident.department != d)
             and _head_of(res, cfg, d)]
    if named is None and len(heads) == 1 and not _relayed(mail.get("subject") or "", res, cfg, heads[0]):
        # a file named for no department (附件4.xlsx) from another department's mailbox (or one it shares), its head
        # typed over: that department's (it replaced this department's accepted form); not where the mail says whose
        # it is (转报教务处党支部附件4: a branch's form relayed by its parent, signed by the parent's head)
        return heads[0]
    if named is None and not (res.raw.mail or {}).get("address"):
        # no mail, a file named for no department: the folder the office filed it in (inbox/信息工程系/附件4.xlsx),
        # where the typed head says the same (an office relaying others' forms in its own folder types no head)
        folders = res.raw.file_path.split("!", 1)[0].split("/")[1:-1]
        named = named_department(folders, cfg.roster) if folders else None
        if named is not None and not _head_of(res, cfg, named):
            return None
    if named is None or named == res.department:
        return None
    own = cfg.roster.departments[res.department]
    names = [n for n in (own.name, *own.aliases) if len(n) >= 2]
    for other in cfg.roster.departments.values():      # a longer name holding it (马克思主义学院办公室) is not it
        if other is not own:
            for n in (other.name, *other.aliases):
                if n in name and any(o in n and o != n for o in names):
                    name = name.replace(n, "")
    if any(n in name for n in names):
        return None
    if len(by_mail) == 1:
        return named if by_mail[0] == named else None
    return named if _head_of(res, cfg, named) else None


_RELAYING = re.compile(r"转报|代报|转交|代交|转送|代为报送|代.{1,8}报送")


def _relayed(subject: str, res: InputResult, cfg: Config, sender: str) -> bool:
    """Whether a mail's subject says the sender relays a form of its own branch (转报教务处党支部附件4 from 教务处: the one
    department it names, of names inside one another the longest, is the form's, and its name holds the sender's). A
    subject naming the sender too, the sender's branch whose name holds the form's department's (机电工程系党支部附件4
    took over 机电工程系's form), or "on behalf of" another department than a branch of its own (代教务处报送附件4 from
    财务处, its head typed: 财务处's content replaced 教务处's accepted form) is no relaying."""
    from formkit.submissions import named_department

    branch = cfg.roster.departments[res.department].name
    return bool(_RELAYING.search(subject)) and named_department([subject], cfg.roster) == res.department \
        and cfg.roster.departments[sender].name in branch


def _head_of(res: InputResult, cfg: Config, named: str) -> bool:
    """Whether the form's 部门负责人 was typed over with the head of department `named` (not its own department's)."""
    c = res.checked
    head = normalize.name_key(normalize.person_name(c.header.get("dept_head", ""))) if c is not None else ""
    theirs = normalize.name_key(cfg.roster.departments[named].head)
    own = cfg.roster.departments[res.department]
    return bool(head) and head == theirs and head != normalize.name_key(own.head)


def split(a: InputResult, b: InputResult) -> bool:
    """Two versions of one form that nothing orders (sent together: one mail, one archive) and that share no row:
    one table sent as two files (附件4_1, 附件4_2), not an old version and its correction."""
    if "!" not in a.path or a.path.rsplit("!", 1)[0] != b.path.rsplit("!", 1)[0]:
        return False                # (two mails of the same moment: a re-sent form, however different)
    ca, cb = a.checked, b.checked
    if ca is None or cb is None or not ca.rows or not cb.rows:
        return False

    # rows told apart by what names them (the 风险点, the power item, the member's name), not by what a correction
    # fills in beside it (主要表现形式, 责任人)
    keys = [k for k in ("risk_id", "risk", "power_item", "name") if ca.spec.column(k) is not None][:2]

    def rows(c: Checked) -> set[tuple]:
        return {tuple(normalize.fold(iso_text(r.values.get(k, ""))) for k in keys) for r in c.rows}

    return bool(keys) and rows(ca).isdisjoint(rows(cb))


_COPY_NAME = re.compile(r"(.*?)\s*(?:[(（]\d{1,3}[)）]|[-_ ]?\s*(?:副本|备份|复制|copy|Copy|COPY)\d*)\s*$")
"""A sheet's or file's name as Excel, WPS, LibreOffice and Windows name a copy: 附件3 (2), 附件3 - 副本, 附件3备份,
附件3_copy."""


def _row_set(c: Checked) -> set[tuple]:
    """A form's rows as typed (rows_typed), as a set: which version holds every row of the other."""
    return {tuple(sorted(r.items())) for r in rows_typed(c)}


def original_sheet_first(members: list[InputResult]) -> bool:
    """The last two versions, two sheets of one workbook that nothing else orders (sheet order said which came last):
    the original before its copy when one holds every row of the other and more (the copy a backup of an earlier
    state, the original edited since), else when one sheet's name is the other's as a copy is named (附件3 (2)) —
    the copy took the original's place, the rows typed since lost. Whether they were swapped."""
    a, b = members[-2], members[-1]
    if a.raw.file_path != b.raw.file_path or a.path == b.path or a.checked is None or b.checked is None:
        return False
    rows_a = _row_set(a.checked)
    rows_b = _row_set(b.checked)
    if rows_b < rows_a or (not rows_a < rows_b and (m := _COPY_NAME.fullmatch(b.checked.sub.sheet))
                           and m[1] == a.checked.sub.sheet):
        members[-2:] = [b, a]
        return True
    return False


def copy_edited_last(members: list[InputResult]) -> bool:
    """The last two versions, two files sent together that nothing else orders, one named as a copy of the other is
    (附件4(1).xlsx, a second download; 附件4 - 副本.xlsx) and holding every row of it and more: the copy edited since, the
    later (the names' order made the original the current version, the row added lost). Whether they were swapped."""
    a, b = members[-2], members[-1]
    if "!" not in a.path or a.path.rsplit("!", 1)[0] != b.path.rsplit("!", 1)[0] or a.checked is None or b.checked is None:
        return False
    stem_a, stem_b = (m.file_name.rsplit(".", 1)[0] for m in (a, b))
    copy_of_b = (m := _COPY_NAME.fullmatch(stem_a)) is not None and m[1] == stem_b
    return copy_of_b and _fewer_rows_first(members)


def _fewer_rows_first(members: list[InputResult]) -> bool:
    """Swap the last two versions when the last holds fewer rows than the one before, every one of them in it; whether
    swapped."""
    a, b = members[-2], members[-1]
    rows_a = _row_set(a.checked)
    rows_b = _row_set(b.checked)
    if rows_b < rows_a:
        members[-2:] = [b, a]
        return True
    return False


def superset_last(members: list[InputResult]) -> bool:
    """The last two versions, sent together (one mail, one archive) and nothing else ordering them, one holding every
    row of the other and more: that one is the later (a person's own file beside the secretary's collection, the same
    填表日期: the names' order made the one without the risk added the current version, unsaid). Whether swapped."""
    a, b = members[-2], members[-1]
    if not a.raw.container or a.raw.container != b.raw.container or a.checked is None or b.checked is None \
            or sum(m.raw.container == a.raw.container for m in members) > 2:
        return False        # (three or more in one mail: parts of a table, the split check's)
    return _fewer_rows_first(members)


def holding_all_last(members: list[InputResult], undecided: Callable[[InputResult, InputResult], bool]) -> bool:
    """Three or more versions sent together with the last (one mail, one archive, sheets of one workbook) that nothing
    else orders (`undecided`): the one holding every row of each of the others, and more, is the later (a sheet copied
    twice as a backup, the original edited since; a mail of three drafts, each with the risks of the one before; 附件4 (9)
    sorting after 附件4 (30)): the rules for two compared only the last two, and the names' order took one with fewer
    rows. Whether it was moved last."""
    last = members[-1]
    group = [m for m in members if m is last or (
        ((m.raw.container and m.raw.container == last.raw.container) or m.raw.file_path == last.raw.file_path)
        and undecided(last, m))]
    if len(group) < 3 or any(m.checked is None for m in group):
        return False
    rows = {m.path: _row_set(m.checked) for m in group}
    best = max(group, key=lambda m: len(rows[m.path]))
    if not rows[last.path] < rows[best.path] or not all(rows[m.path] <= rows[best.path] for m in group):
        return False
    members.remove(best)
    members.append(best)
    return True


def sent_together(a: InputResult, b: InputResult) -> str | None:
    """The other's file name, when two versions of one form sent together (one mail, one archive; not two sheets of one
    workbook: sheet_copy) differ in their rows and nothing but their content tells which is the last."""
    if not a.raw.container or a.raw.container != b.raw.container or a.raw.file_path == b.raw.file_path:
        return None
    ca, cb = a.checked, b.checked
    if ca is None or cb is None:
        return None
    rows_a = _row_set(ca)
    rows_b = _row_set(cb)
    if rows_a == rows_b:
        return None
    # (one holding every row of the other and more is taken as the later, superset_last, and said too: an old copy
    # attached beside the file a risk was deleted from looks just so)
    return b.file_name + (f"（工作表“{cb.sub.sheet}”）" if b.raw.sheet else "")


def sheet_copy(a: InputResult, b: InputResult) -> str | None:
    """The other sheet's name, when two versions of one form are two sheets of the same workbook that differ."""
    if a.raw.file_path != b.raw.file_path or a.path == b.path:
        return None
    ca, cb = a.checked, b.checked
    if ca is None or cb is None or (rows_typed(ca) == rows_typed(cb) and _header_typed(ca) == _header_typed(cb)):
        return None
    return cb.sub.sheet


def blank_after_filled(members: list[InputResult], forms: dict) -> list[InputResult]:
    """Versions with no table row at all (the blank form attached again by mistake, only its header filled) sent
    after one with rows: taken out of `members` and returned. They do not replace it; they are set aside with a
    note, instead of asking for a correction of a form nobody meant to send."""
    def blank(res: InputResult) -> bool:
        if any(f.code == F.NO_ROWS for f in res.findings):
            return True
        spec = forms.get(res.form)        # a pre-filled measure form with no measure typed in it
        return bool(spec and spec.is_measure_form and (c := res.checked) is not None and not rows_typed(c))

    if len(members) < 2 or not blank(members[-1]):
        return []
    last_filled = max((i for i, m in enumerate(members) if not blank(m)), default=None)
    if last_filled is None:
        return []
    kept = members[last_filled]
    spec = forms.get(kept.form)
    aside = members[last_filled + 1:]
    del members[last_filled + 1:]
    for res in aside:               # nothing to correct in a form nobody meant to send
        res.findings = [f for f in res.findings if f.severity == F.INFO]
        res.findings.append(F.make(F.BLANK_RESENT, value=kept.path, detail=spec.row_noun if spec else "内容"))
    return aside


def shown_basis(result: InputResult, basis: str) -> str:
    """A basis as the outputs name it: a mail's time taken from its server's Received header (no Date, or one its
    sender's clock made up: intake.provenance) is 邮件服务器收信时间, not a 邮件日期 the mail never gave."""
    if basis in ("邮件日期", "邮件时间") and (result.raw.mail or {}).get("date_basis") == "received":
        return "邮件服务器收信时间"
    return basis


def beijing(text: str) -> str | None:
    """An ISO time of any zone as one in 北京时间 (None when it is none)."""
    try:
        when = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return iso((when if when.tzinfo else when.replace(tzinfo=CHINA)).timestamp())


def iso(ts: float) -> str | None:
    """An ISO time in 北京时间; None when nothing says when (report.json: null, as for a rejected input)."""
    try:
        return datetime.fromtimestamp(ts, tz=CHINA).isoformat(timespec="seconds") if ts else None
    except (ValueError, OverflowError, OSError):        # (a 填表日期 of year 1, checked outside a working folder)
        return None


def dated_corrections(results: list[InputResult]) -> None:
    """Mark the corrected feedback workbooks whose 填表日期 differs from the version they correct: changed by the
    submitter, it says when the correction was made (it was never read: a correction put into inbox/ by hand had no
    submission time at all)."""
    by_prefix = {r.sha256[:16]: r for r in results if r.brief and r.sha256}
    for res in results:
        if res.brief and res.brief.corrects and res.brief.filled:
            target = by_prefix.get(res.brief.corrects[:16])
            res.redated = bool(target and target.brief and target.brief.filled
                               and target.brief.filled != res.brief.filled)
