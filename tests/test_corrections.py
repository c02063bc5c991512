"""A corrected feedback workbook supersedes the flawed submission even when its dates say otherwise."""

from __future__ import annotations

import email
import json
from email import policy

import openpyxl

from formkit.generate import generate_campaign
from formkit.merge import merge
from tests import hostile
from tests.helpers import fill


def test_corrected_feedback_wins_over_a_later_dated_mail(cfg, workdir, tmp_path):
    paths = generate_campaign(cfg)
    form = next(p for p in paths if "附件3" in p.name and "张伟" in p.name)
    flawed = fill(form, tmp_path / "张伟.xlsx", header={"填表日期": "2023-03-18"}, rows=[
        {"风险类别": "岗位职责", "风险点": "成绩修改审批把关不严", "风险等级": "四级"}])
    mail = hostile.make_eml([("张伟自查表.xlsx", flawed.read_bytes())], subject="附件3 张伟",
                            date="Mon, 20 Mar 2023 09:00:00 +0800")
    (workdir / "inbox/张伟.eml").write_bytes(mail)
    merge(cfg)
    feedback = next((workdir / "outbox/反馈/教务处").glob("*_反馈.xlsx"))

    # the teacher fixes the level in the feedback workbook; 填表日期 stays 2023-03-18
    wb = openpyxl.load_workbook(feedback)
    ws = wb["附件3"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "四级")
    cell.value = "二级"
    wb.save(workdir / "inbox/张伟_改.xlsx")
    import os
    os.utime(workdir / "inbox/张伟_改.xlsx", (1679100000, 1679100000))   # a clock a day behind: 2023-03-18
    result = merge(cfg)
    report = json.loads((workdir / "outbox/report.json").read_text(encoding="utf-8"))
    by_path = {i["path"]: i for i in report["inputs"]}
    assert by_path["inbox/张伟_改.xlsx"]["status"] == "accepted"
    assert by_path["inbox/张伟.eml!张伟自查表.xlsx"]["status"] == "superseded"
    assert by_path["inbox/张伟.eml!张伟自查表.xlsx"]["superseded_by"] == "inbox/张伟_改.xlsx"
    assert "更正反馈" in by_path["inbox/张伟_改.xlsx"]["order_basis"]
    assert [r["风险等级"] for r in result.analysis.catalogue] == ["二级"]


def test_a_risk_added_later_to_the_corrected_feedback_workbook_is_the_latest(cfg, workdir, tmp_path):
    """张伟's form is returned; he corrects it in the feedback workbook and mails it on 3-25 (accepted); a month later he
    adds a risk to that same file and mails it again, 填表日期 unchanged. Both carry the mark of the form they correct:
    the correction, put after its target, came after the later file too, which it superseded unsaid (exit 0)."""
    wb, ws = _corrected_then_added(cfg, workdir, tmp_path)
    wb.save(tmp_path / "补.xlsx")
    (workdir / "inbox/补.eml").write_bytes(hostile.make_eml([("张伟_补.xlsx", (tmp_path / "补.xlsx").read_bytes())],
                                                          subject="附件3 张伟", date="Wed, 26 Apr 2023 09:00:00 +0800"))
    result = merge(cfg)
    status = {r.path: (r.status, r.superseded_by) for r in result.analysis.inputs}
    assert status["inbox/补.eml!张伟_补.xlsx"] == ("accepted", None)
    assert status["inbox/改.eml!张伟_改.xlsx"] == ("superseded", "inbox/补.eml!张伟_补.xlsx")
    assert sorted(r["风险点"] for r in result.analysis.catalogue) == ["成绩修改审批把关不严", "接受学生家长宴请"]
    # (the original, superseded because the file after it corrects it: said so, not "the names' order")
    assert next(r for r in result.analysis.inputs if r.path == "inbox/张伟.xlsx").order_basis == "更正反馈"


def test_a_version_redated_after_the_mailed_correction_is_the_latest(cfg, workdir, tmp_path):
    """张伟's correction came by mail on 3-25, 填表日期 kept (no 填表日期 to compare then); in May he adds a risk to that
    file, dates it 2023-05-10, and the office saves it into inbox/2023-05-10/ (a file time of today, no mail). Filled
    after the correction was sent: the latest (no clue of one kind on both, the path's order kept the correction and
    the risk added was dropped, exit 0)."""
    wb, ws = _corrected_then_added(cfg, workdir, tmp_path)
    dated = next(c for row in ws.iter_rows() for c in row if c.value == "填表日期")
    ws.cell(dated.row, dated.column + 1).value = "2023-05-10"
    (workdir / "inbox/2023-05-10").mkdir()
    wb.save(workdir / "inbox/2023-05-10/张伟_补充.xlsx")
    result = merge(cfg)
    status = {r.path: (r.status, r.superseded_by) for r in result.analysis.inputs}
    assert status["inbox/2023-05-10/张伟_补充.xlsx"] == ("accepted", None), status
    assert status["inbox/改.eml!张伟_改.xlsx"] == ("superseded", "inbox/2023-05-10/张伟_补充.xlsx")
    assert sorted(r["风险点"] for r in result.analysis.catalogue) == ["成绩修改审批把关不严", "接受学生家长宴请"]
    assert next(r for r in result.analysis.inputs if r.path.endswith("张伟_补充.xlsx")).order_basis.startswith("填表日期")


def _corrected_then_added(cfg, workdir, tmp_path):
    """张伟's form returned (四级), its feedback workbook corrected and mailed on 3-25 (accepted), then that file opened
    again with a risk added under the first: (workbook, its 附件3 sheet), not saved yet."""
    form = next(p for p in generate_campaign(cfg) if "附件3" in p.name and "张伟" in p.name)
    fill(form, workdir / "inbox/张伟.xlsx", header={"填表日期": "2023-03-18"}, rows=_risk("四级"))
    merge(cfg)
    _level_corrected(workdir, tmp_path / "改.xlsx")
    (workdir / "inbox/改.eml").write_bytes(hostile.make_eml([("张伟_改.xlsx", (tmp_path / "改.xlsx").read_bytes())],
                                                          subject="附件3 张伟", date="Sat, 25 Mar 2023 09:00:00 +0800"))
    merge(cfg)
    wb = openpyxl.load_workbook(tmp_path / "改.xlsx")
    ws = wb["附件3"]
    below = next(c for row in ws.iter_rows() for c in row if c.value == "成绩修改审批把关不严")
    for offset, value in ((0, "接受学生家长宴请"), (-1, "思想道德"), (2, "三级")):
        ws.cell(below.row + 1, below.column + offset, value)
    return wb, ws


def _level_corrected(workdir, out):
    """张伟's feedback workbook with the level 四级 corrected to 二级 as the reply asks, saved as `out`."""
    feedback = next((workdir / "outbox/反馈/教务处").glob("*_反馈.xlsx"))
    wb = openpyxl.load_workbook(feedback)
    next(c for row in wb["附件3"].iter_rows() for c in row if c.value == "四级").value = "二级"
    wb.save(out)
    return out


def _risk(level: str, point: str = "成绩修改审批把关不严") -> list[dict]:
    return [{"风险类别": "岗位职责", "风险点": point, "风险等级": level}]


def test_a_tie_on_one_clue_goes_to_the_next(cfg, workdir, tmp_path):
    """"Later" goes clue by clue: two attachments of one mail share its Date, so their 填表日期 decide (not the
    file names); two files with the same 填表日期 go by their file times. The earlier of each pair is superseded."""
    import os

    paths = generate_campaign(cfg)
    zhang = next(p for p in paths if "附件3" in p.name and "张伟" in p.name)
    li = next(p for p in paths if "附件3" in p.name and "李娜" in p.name)
    # one mail, two versions: b.xlsx sorts after a.xlsx by name, but a.xlsx was filled later
    newer = fill(zhang, tmp_path / "a.xlsx", header={"填表日期": "2023-03-20"}, rows=_risk("二级"))
    older = fill(zhang, tmp_path / "b.xlsx", header={"填表日期": "2023-03-10"}, rows=_risk("三级"))
    (workdir / "inbox/张伟.eml").write_bytes(hostile.make_eml(
        [("a.xlsx", newer.read_bytes()), ("b.xlsx", older.read_bytes())], date="Mon, 20 Mar 2023 09:00:00 +0800"))
    # two files, one 填表日期: the corrected one (name sorting first) was saved a week later
    fixed = fill(li, workdir / "inbox/李娜-修改.xlsx", header={"填表日期": "2023-03-12"}, rows=_risk("二级", "考务泄密"))
    first = fill(li, workdir / "inbox/李娜.xlsx", header={"填表日期": "2023-03-12"}, rows=_risk("四级", "考务泄密"))
    os.utime(first, (1678600000, 1678600000))
    os.utime(fixed, (1678600000 + 7 * 86400, 1678600000 + 7 * 86400))
    merge(cfg)
    by_path = {i["path"]: i for i in json.loads((workdir / "outbox/report.json").read_text(encoding="utf-8"))["inputs"]}
    assert (by_path["inbox/张伟.eml!a.xlsx"]["status"], by_path["inbox/张伟.eml!b.xlsx"]["status"]) == \
        ("accepted", "superseded")
    assert by_path["inbox/张伟.eml!a.xlsx"]["order_basis"] == "填表日期"
    assert (by_path["inbox/李娜-修改.xlsx"]["status"], by_path["inbox/李娜.xlsx"]["status"]) == ("accepted", "superseded")
    assert by_path["inbox/李娜-修改.xlsx"]["order_basis"] == "文件修改时间"


def test_a_file_saved_days_after_a_mail_of_the_same_day_is_later(cfg, workdir, tmp_path):
    """李娜 mailed her form on 03-16 09:30 (填表日期 03-16), then corrected her own copy, same 填表日期, saved on
    03-20 straight into inbox/: the mail's time of day does not beat a file of the same day saved later."""
    import os

    paths = generate_campaign(cfg)
    li = next(p for p in paths if "附件3" in p.name and "李娜" in p.name)
    mailed = fill(li, tmp_path / "李娜.xlsx", header={"填表日期": "2023-03-16"}, rows=_risk("二级", "考务泄密"))
    (workdir / "inbox/李娜.eml").write_bytes(hostile.make_eml([("李娜.xlsx", mailed.read_bytes())],
                                                          date="Thu, 16 Mar 2023 09:30:00 +0800"))
    fixed = fill(li, workdir / "inbox/李娜_改.xlsx", header={"填表日期": "2023-03-16"}, rows=_risk("一级", "考务泄密"))
    os.utime(fixed, (1679300000, 1679300000))          # 2023-03-20
    merge(cfg)
    by_path = {i["path"]: i for i in json.loads((workdir / "outbox/report.json").read_text(encoding="utf-8"))["inputs"]}
    assert by_path["inbox/李娜_改.xlsx"]["status"] == "accepted"
    assert by_path["inbox/李娜.eml!李娜.xlsx"]["status"] == "superseded"


def test_a_corrected_own_copy_is_later_whatever_clue_the_first_had(cfg, workdir, tmp_path):
    """Clues are compared like with like. 张伟's first file had no 填表日期 (its file time is all it has: today, when
    the checks make it); he fills in 填表日期 2023-03-20 as the feedback asks and sends his own copy again: his
    correction is the later file (by file time), not older than a 2023 date he typed. 李娜 mailed hers on 03-28
    (填表日期 03-20) and drops her corrected copy, same 填表日期, into inbox/: a mail's Date is not weighed
    against a 填表日期."""
    import os
    import time

    paths = generate_campaign(cfg)
    zhang = next(p for p in paths if "附件3" in p.name and "张伟" in p.name)
    li = next(p for p in paths if "附件3" in p.name and "李娜" in p.name)
    (workdir / "inbox/第一次").mkdir()
    first = fill(zhang, workdir / "inbox/第一次/张伟.xlsx", rows=_risk("四级"))
    mailed = fill(li, tmp_path / "李娜.xlsx", header={"填表日期": "2023-03-20"}, rows=_risk("四级", "考务泄密"))
    (workdir / "inbox/李娜.eml").write_bytes(hostile.make_eml([("李娜.xlsx", mailed.read_bytes())],
                                                          date="Tue, 28 Mar 2023 10:00:00 +0800"))
    merge(cfg)
    now = time.time()
    os.utime(first, (now - 60, now - 60))
    fixed = fill(zhang, workdir / "inbox/张伟.xlsx", header={"填表日期": "2023-03-20"}, rows=_risk("二级"))
    fixed_li = fill(li, workdir / "inbox/李娜_改.xlsx", header={"填表日期": "2023-03-20"}, rows=_risk("二级", "考务泄密"))
    os.utime(fixed, (now, now))
    result = merge(cfg)
    by_path = {r.path: r for r in result.analysis.inputs}
    assert by_path["inbox/张伟.xlsx"].status == "accepted"
    assert (by_path["inbox/第一次/张伟.xlsx"].status, by_path["inbox/第一次/张伟.xlsx"].superseded_by) == \
        ("superseded", "inbox/张伟.xlsx")
    assert by_path["inbox/张伟.xlsx"].order_basis == "文件修改时间"
    assert by_path[f"inbox/{fixed_li.name}"].status == "accepted"
    assert by_path["inbox/李娜.eml!李娜.xlsx"].status == "superseded"
    assert sorted(r["风险等级"] for r in result.analysis.catalogue) == ["二级", "二级"]


def test_file_times_outside_the_campaign_do_not_set_the_date(cfg, workdir):
    """A file copied or made years after the campaign carries that day as its file time: it is no submission time
    (数据截至 would jump years and every department be late); the configured [campaign] as_of wins over all."""
    from formkit.config import load_config
    from formkit.submissions import as_of

    paths = generate_campaign(cfg)
    zhang = next(p for p in paths if "附件3" in p.name and "张伟" in p.name)
    li = next(p for p in paths if "附件3" in p.name and "李娜" in p.name)
    fill(zhang, workdir / "inbox/张伟.xlsx", rows=_risk("二级"))                 # no 填表日期: file time today
    fill(li, workdir / "inbox/李娜.xlsx", header={"填表日期": "2023-03-12"}, rows=_risk("二级", "考务泄密"))
    result = merge(cfg)
    assert as_of(result.analysis).isoformat() == "2023-03-12"
    by_path = {r.path: r for r in result.analysis.inputs}
    assert by_path["inbox/张伟.xlsx"].submitted_at is None or by_path["inbox/张伟.xlsx"].submitted_at == ""
    ws = openpyxl.load_workbook(workdir / "outbox/廉政风险目录.xlsx")["提交情况"]
    assert "数据截至 2023-03-12" in str(ws["A2"].value) + str(ws["A1"].value)
    toml = workdir / "formkit.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('year = 2023', 'year = 2023\nas_of = 2023-03-31'),
                    encoding="utf-8")
    assert as_of(merge(load_config(workdir)).analysis).isoformat() == "2023-03-31"


def test_a_corrected_feedback_workbook_is_judged_by_when_it_came(cfg, workdir, tmp_path):
    """A corrected feedback workbook carries the 填表日期 of the version it corrects, which says nothing of when
    it came. 李娜 mailed v1 on 03-20 (returned), a fresh v2 on 03-24, then her corrected feedback workbook of v1 on
    03-27: the correction is the latest. 张伟's first 附件3 came by mail on 04-05, after the 03-31 deadline
    (填表日期 03-18), was returned, and his correction came on 04-08: his form stays late (the first sending
    counts, not the earliest date any version carries)."""
    import os

    from formkit.submissions import grid

    paths = generate_campaign(cfg)
    zhang = next(p for p in paths if "附件3" in p.name and "张伟" in p.name)
    li = next(p for p in paths if "附件3" in p.name and "李娜" in p.name)
    late = fill(zhang, tmp_path / "z.xlsx", header={"填表日期": "2023-03-18"}, rows=_risk("四级"))
    (workdir / "inbox/张伟.eml").write_bytes(hostile.make_eml([("张伟.xlsx", late.read_bytes())],
                                                          date="Wed, 05 Apr 2023 10:00:00 +0800"))
    v1 = fill(li, tmp_path / "l1.xlsx", header={"填表日期": "2023-03-18"}, rows=_risk("四级", "考务泄密"))
    (workdir / "inbox/李娜1.eml").write_bytes(hostile.make_eml([("李娜.xlsx", v1.read_bytes())],
                                                           date="Mon, 20 Mar 2023 10:00:00 +0800"))
    merge(cfg)
    for name, when in (("张伟", 1680948000), ("李娜", 1679911200)):          # 04-08 and 03-27
        feedback = next(p for p in (workdir / "outbox/反馈/教务处").glob("*_反馈.xlsx") if name in p.name)
        wb = openpyxl.load_workbook(feedback)
        cell = next(c for row in wb["附件3"].iter_rows() for c in row if c.value == "四级")
        cell.value = "二级"
        wb.save(workdir / f"inbox/{name}_改.xlsx")
        os.utime(workdir / f"inbox/{name}_改.xlsx", (when, when))
    v2 = fill(li, tmp_path / "l2.xlsx", header={"填表日期": "2023-03-24"}, rows=_risk("三级", "考务泄密"))
    (workdir / "inbox/李娜2.eml").write_bytes(hostile.make_eml([("李娜v2.xlsx", v2.read_bytes())],
                                                           date="Fri, 24 Mar 2023 10:00:00 +0800"))
    result = merge(cfg)
    by_path = {r.path: r for r in result.analysis.inputs}
    assert by_path["inbox/李娜_改.xlsx"].status == "accepted"
    assert by_path["inbox/李娜2.eml!李娜v2.xlsx"].superseded_by == "inbox/李娜_改.xlsx"
    assert by_path["inbox/张伟_改.xlsx"].status == "accepted"
    cell = next(d for d in grid(result.analysis) if d.code == "JWC").personal["附件3"]
    assert cell.late


def test_an_old_copy_attached_again_keeps_its_first_date(cfg, workdir, tmp_path):
    """A reply that brings the corrected form and (the mail client's "reply with attachments") the first one
    again, byte for byte: that copy is the first mail's submission, not a new one, so the correction (a later
    mail than the first) is the current form, whatever the file names say."""
    paths = generate_campaign(cfg)
    form = next(p for p in paths if "附件3" in p.name and "张伟" in p.name)
    first = fill(form, tmp_path / "张伟.xlsx", header={"填表日期": "2023-03-10"}, rows=_risk("五级"))
    fixed = fill(form, tmp_path / "张伟(修改).xlsx", header={"填表日期": "2023-03-10"}, rows=_risk("二级"))
    (workdir / "inbox/第一次.eml").write_bytes(hostile.make_eml(
        [("附件3_张伟.xlsx", first.read_bytes())], date="Fri, 10 Mar 2023 09:00:00 +0800"))
    (workdir / "inbox/回复.eml").write_bytes(hostile.make_eml(
        [("附件3_张伟(修改).xlsx", fixed.read_bytes()), ("附件3_张伟.xlsx", first.read_bytes())],
        date="Sun, 12 Mar 2023 09:00:00 +0800"))
    result = merge(cfg)
    by_path = {i["path"]: i for i in json.loads((workdir / "outbox/report.json").read_text(encoding="utf-8"))["inputs"]}
    assert by_path["inbox/回复.eml!附件3_张伟(修改).xlsx"]["status"] == "accepted"
    assert by_path["inbox/第一次.eml!附件3_张伟.xlsx"]["status"] == "superseded"
    assert by_path["inbox/回复.eml!附件3_张伟.xlsx"]["status"] == "duplicate"
    assert by_path["inbox/回复.eml!附件3_张伟.xlsx"]["duplicate_of"] == "inbox/第一次.eml!附件3_张伟.xlsx"
    assert [r["风险等级"] for r in result.analysis.catalogue] == ["二级"]


def test_report_and_manifest_say_where_each_time_comes_from(cfg, workdir, tmp_path):
    """A corrected feedback workbook that came by mail: 说明's 时间依据 names the source of its 提交时间 (the mail's
    Date), while report.json's order_basis says what made it the later one. A form with no clue at all to when it
    came has submitted_at and order_basis null in report.json (as a rejected input has), and a mail without any
    attachment is rejected with an error (rejected means not readable as a form)."""
    import os

    paths = generate_campaign(cfg)
    form = next(p for p in paths if "附件3" in p.name and "张伟" in p.name)
    flawed = fill(form, tmp_path / "张伟.xlsx", header={"填表日期": "2023-03-18"}, rows=_risk("四级"))
    (workdir / "inbox/张伟.eml").write_bytes(hostile.make_eml([("张伟.xlsx", flawed.read_bytes())],
                                                          date="Mon, 20 Mar 2023 09:00:00 +0800"))
    merge(cfg)
    _level_corrected(workdir, tmp_path / "改.xlsx")
    (workdir / "inbox/张伟_改.eml").write_bytes(hostile.make_eml([("张伟_反馈.xlsx", (tmp_path / "改.xlsx").read_bytes())],
                                                            date="Fri, 24 Mar 2023 10:00:00 +0800"))
    li = next(p for p in paths if "附件3" in p.name and "李娜" in p.name)
    nodate = fill(li, workdir / "inbox/李娜.xlsx", rows=_risk("二级", "考务泄密"))
    os.utime(nodate, (0, 0))                                    # a file time of 1970: no clue
    (workdir / "inbox/没有附件.eml").write_bytes(hostile.make_eml([], from_="王五 <wangwu@example.edu.cn>"))
    merge(cfg)
    report = {i["path"]: i for i in json.loads((workdir / "outbox/report.json").read_text(encoding="utf-8"))["inputs"]}
    fixed = report["inbox/张伟_改.eml!张伟_反馈.xlsx"]
    assert fixed["status"] == "accepted" and fixed["order_basis"] == "邮件日期"
    book = openpyxl.load_workbook(workdir / "outbox/廉政风险目录.xlsx")["说明"]
    rows = list(book.iter_rows(values_only=True))
    head = next(r for r in rows if r and "时间依据" in r)
    row = next(r for r in rows if r and r[1] == "inbox/张伟_改.eml!张伟_反馈.xlsx")
    assert row[head.index("时间依据")] == "邮件日期" and row[head.index("提交时间")].date().isoformat() == "2023-03-24"
    assert (report["inbox/李娜.xlsx"]["submitted_at"], report["inbox/李娜.xlsx"]["order_basis"]) == (None, None)
    assert [(f["code"], f["severity"]) for f in report["inbox/没有附件.eml"]["findings"]] == [("mail-no-attachment", "error")]


def test_what_decided_between_two_mails_of_the_same_moment_is_said(cfg, workdir, tmp_path):
    """Two mails with the same Date carrying different versions of 张伟's 附件3 (his own and his secretary's): the
    file names decide, and report.json says so for both (the superseded one said 邮件日期, which decided nothing)."""
    form = next(p for p in generate_campaign(cfg) if "附件3" in p.name and "张伟" in p.name)
    texts = {}
    for name, risk in (("a", "成绩修改审批把关不严"), ("b", "考试安排徇私")):
        texts[name] = fill(form, tmp_path / f"{name}.xlsx", header={"填表日期": "2023-03-10"}, rows=[
            {"风险类别": "岗位职责", "风险点": risk, "主要表现形式": "违规", "风险等级": "二级"}]).read_bytes()
        (workdir / "inbox" / f"{name}.eml").write_bytes(hostile.make_eml([("附件3_张伟.xlsx", texts[name])]))
    merge(cfg)
    report = {i["path"]: i for i in json.loads((workdir / "outbox/report.json").read_text(encoding="utf-8"))["inputs"]}
    old, new = report["inbox/a.eml!附件3_张伟.xlsx"], report["inbox/b.eml!附件3_张伟.xlsx"]
    assert (old["status"], new["status"]) == ("superseded", "accepted")
    assert old["order_basis"] == new["order_basis"] == "文件名顺序"


def _status_cells(workdir) -> dict[str, tuple]:
    ws = openpyxl.load_workbook(workdir / "outbox/廉政风险目录.xlsx")["提交情况"]
    return {row[0]: row for row in ws.iter_rows(min_row=5, values_only=True) if row[0]}


def test_completion_and_lateness_as_a_leader_reads_them(cfg, workdir):
    """财务处 (应报 2): 刘洋's form returned, 王磊's not sent; 教务处 (应报 2) gets three people's forms (a typo in the
    roster's 应报人数, say). Past the deadline: 财务处 still shows 逾期 beside 退回 (it hid it) and its chase says so;
    教务处's rate is 100%, not 150%, 合计 counts at most what is owed, and the surplus is said. A blank 附件4 sent
    before the deadline and the real one after it is late (the blank one made it look on time)."""
    import dataclasses

    toml = workdir / "formkit.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("year = 2023", "year = 2023\nas_of = 2023-04-25"),
                    encoding="utf-8")
    from formkit.config import load_config

    cfg = load_config(workdir)
    cfg.roster.staff.append(dataclasses.replace(cfg.roster.staff[0], staff_no="0014", name="赵敏"))
    paths = generate_campaign(cfg)
    for name, level in (("张伟", "二级"), ("李娜", "三级"), ("赵敏", "三级"), ("刘洋", "九级")):
        form = next(p for p in paths if "附件3" in p.name and name in p.name)
        fill(form, workdir / f"inbox/{name}.xlsx", header={"填表日期": "2023-03-20"}, rows=_risk(level, f"{name}的风险"))
    a4 = next(p for p in paths if "附件4" in p.name and "财务处" in p.name)
    fill(a4, workdir / "inbox/财务处_空.xlsx", header={"填表日期": "2023-03-30"})
    fill(a4, workdir / "inbox/财务处_附件4.xlsx", header={"填表日期": "2023-04-20"}, rows=[
        {"岗位(环节)": "出纳", "风险类别": "岗位职责", "风险点": "挪用公款", "主要表现形式": "私自转账", "风险等级": "二级",
         "涉及“三重一大”": "否", "责任人": "赵强"}])
    merge(cfg)
    cells = _status_cells(workdir)
    assert cells["财务处"][4] == "0/2（退回，逾期）"
    assert cells["财务处"][2] == "已报（逾期）"
    assert cells["教务处"][4] == "3/2（已报，多于应报人数）"
    wb = openpyxl.load_workbook(workdir / "outbox/廉政风险目录.xlsx")
    summary = [row for row in wb["汇总"].iter_rows(values_only=True)]
    jwc = next(r for r in summary if r[0] == "教务处" and isinstance(r[1], int) and r[2] == 3)
    assert jwc[3] == 1
    total = next(r for i, r in enumerate(summary) if r[0] == "合计" and i > summary.index(jwc))
    assert total[2] == 3 and total[3] == 2 / 5        # 教务处 2 of 2, 财务处 0 of 2, 机电工程系 0 of 1
    assert any("多于名册的应报人数" in str(r[0]) for r in summary)
    chase = email.message_from_bytes((workdir / "outbox/催报/财务处_催报.eml").read_bytes(), policy=policy.default)
    assert "（逾期，截止 2023-03-31）" in chase.get_body(("plain",)).get_content()


def test_two_mails_of_one_day_are_ordered_by_their_times_and_say_so(cfg, workdir, tmp_path):
    """张伟's mails at 09:00 and 15:00 of one day: the 15:00 one is current, and order_basis says 邮件时间 (it said
    文件修改时间, which an auditor would look for in the files' times)."""
    form = next(p for p in generate_campaign(cfg) if "附件3" in p.name and "张伟" in p.name)
    for name, risk, when in (("a", "成绩修改审批把关不严", "09:00:00"), ("b", "考试安排徇私", "15:00:00")):
        data = fill(form, tmp_path / f"{name}.xlsx", header={"填表日期": "2023-03-10"}, rows=_risk("二级", risk)).read_bytes()
        (workdir / "inbox" / f"{name}.eml").write_bytes(hostile.make_eml([("附件3_张伟.xlsx", data)],
                                                                       date=f"Fri, 10 Mar 2023 {when} +0800"))
    merge(cfg)
    report = {i["path"]: i for i in json.loads((workdir / "outbox/report.json").read_text(encoding="utf-8"))["inputs"]}
    early, late = report["inbox/a.eml!附件3_张伟.xlsx"], report["inbox/b.eml!附件3_张伟.xlsx"]
    assert (early["status"], late["status"]) == ("superseded", "accepted")
    assert early["order_basis"] == late["order_basis"] == "邮件时间"


def test_a_file_copied_into_the_inbox_today_is_not_later_than_a_mailed_correction(cfg, workdir):
    """李娜's first 附件3 saved into inbox/ by hand (its file time: today, years after the campaign) and her correction
    mailed during the campaign, the same 填表日期, its name marked （更正）: the correction is the later one (the file
    time of today put the first draft after it: the correction was set aside, the catalogue kept the draft)."""
    a3 = next(p for p in generate_campaign(cfg) if "附件3" in p.name and "李娜" in p.name)
    row = {"风险类别": "岗位职责", "风险点": "第一稿风险点", "风险等级": "二级"}
    fill(a3, workdir / "inbox/李娜.xlsx", header={"填表日期": "2023-03-15"}, rows=[row])
    fixed = fill(a3, tmp := workdir / "李娜（更正）.xlsx", header={"填表日期": "2023-03-15"},
                 rows=[{**row, "风险点": "更正后的风险点"}])
    (workdir / "inbox/李娜更正.eml").write_bytes(hostile.make_eml([("附件3_李娜（更正）.xlsx", fixed.read_bytes())],
                                                                 date="Wed, 29 Mar 2023 10:00:00 +0800"))
    tmp.unlink()
    result = merge(cfg)
    status = {r.path: r.status for r in result.analysis.inputs}
    assert status["inbox/李娜更正.eml!附件3_李娜（更正）.xlsx"] == "accepted" and status["inbox/李娜.xlsx"] == "superseded"
    assert [r["风险点"] for r in result.analysis.catalogue if r["姓名"] == "李娜"] == ["更正后的风险点"]


def test_a_correction_mailed_today_is_later_than_a_draft_mailed_during_the_campaign(cfg, workdir):
    """孙丽's draft mailed during the campaign, her correction mailed today (years later), the same 填表日期: the two
    mails' dates are compared (a rule for file times copied today had set both aside: the file names decided and the
    draft was catalogued)."""
    import email.utils

    a3 = next(p for p in generate_campaign(cfg) if "附件3" in p.name and "李娜" in p.name)
    row = {"风险类别": "岗位职责", "风险点": "第一稿", "风险等级": "二级"}
    draft = fill(a3, workdir / "d.xlsx", header={"填表日期": "2023-03-15"}, rows=[row]).read_bytes()
    fixed = fill(a3, workdir / "f.xlsx", header={"填表日期": "2023-03-15"}, rows=[{**row, "风险点": "改正稿"}]).read_bytes()
    (workdir / "inbox/李娜自查表.eml").write_bytes(hostile.make_eml([("附件3_李娜.xlsx", draft)],
                                                                 date="Fri, 17 Mar 2023 10:00:00 +0800"))
    (workdir / "inbox/RE 李娜自查表.eml").write_bytes(hostile.make_eml([("附件3_李娜.xlsx", fixed)],
                                                                    date=email.utils.formatdate(localtime=True)))
    result = merge(cfg)
    assert [r["风险点"] for r in result.analysis.catalogue if r["姓名"] == "李娜"] == ["改正稿"]
    latest = next(r for r in result.analysis.inputs if r.path.startswith("inbox/RE "))
    assert (latest.status, latest.order_basis) == ("accepted", "邮件日期")


def test_a_form_sent_again_weeks_later_keeps_its_first_copy(cfg, workdir):
    """李娜's form, saved into inbox/ long ago (its file time says nothing of the campaign), is mailed again, the same
    bytes, weeks after the deadline: the first copy stays the submission (the mail's copy, sorting first by path, took
    over: the catalogue row traced to the mail and its 提交时间 moved past the deadline)."""
    import os

    paths = generate_campaign(cfg)
    li = next(p for p in paths if "附件3" in p.name and "李娜" in p.name)
    (workdir / "inbox/机电").mkdir()
    first = fill(li, workdir / "inbox/机电/李娜.xlsx", header={"填表日期": "2023-03-15"}, rows=_risk("二级", "考务泄密"))
    os.utime(first, (1893456000, 1893456000))          # 2030: no time of the campaign
    (workdir / "inbox/a再发.eml").write_bytes(hostile.make_eml([("李娜.xlsx", first.read_bytes())],
                                                            date="Mon, 10 Apr 2023 09:00:00 +0800"))
    result = merge(cfg)
    by_path = {i["path"]: i for i in json.loads((workdir / "outbox/report.json").read_text(encoding="utf-8"))["inputs"]}
    assert by_path["inbox/机电/李娜.xlsx"]["status"] == "accepted"
    assert by_path["inbox/a再发.eml!李娜.xlsx"]["duplicate_of"] == "inbox/机电/李娜.xlsx"
    row = next(r for r in result.analysis.catalogue if r["姓名"] == "李娜")
    assert row["来源文件"] == "inbox/机电/李娜.xlsx" and row["提交时间"].startswith("2023-03-15")


def test_a_correction_put_into_the_inbox_today_has_the_date_it_carries(cfg, workdir):
    """李娜's 附件3 (填表日期 2023-03-11) is returned; her corrected feedback workbook is saved into inbox/ today (a file
    time far after the campaign, its 填表日期 kept): accepted with 提交时间 2023-03-11, not none at all (an accepted row
    of 风险目录 with no time to trace or judge lateness by)."""
    paths = generate_campaign(cfg)
    li = next(p for p in paths if "附件3" in p.name and "李娜" in p.name)
    fill(li, workdir / "inbox/李娜.xlsx", header={"填表日期": "2023-03-11"}, rows=_risk("四级"))
    merge(cfg)
    wb = openpyxl.load_workbook(next((workdir / "outbox/反馈/教务处").glob("李娜*_反馈.xlsx")))
    next(c for row in wb["附件3"].iter_rows() for c in row if c.value == "四级").value = "二级"
    wb.save(workdir / "inbox/李娜_改.xlsx")
    result = merge(cfg)
    got = {r.path: r for r in result.analysis.inputs}
    assert got["inbox/李娜_改.xlsx"].status == "accepted"
    assert got["inbox/李娜_改.xlsx"].submitted_at == "2023-03-11T00:00:00+08:00"
    assert [r["提交时间"] for r in result.analysis.catalogue if r["姓名"] == "李娜"] == ["2023-03-11"]


def test_a_copy_saved_into_another_folder_later_does_not_take_over(cfg, workdir):
    """李娜's 附件3 accepted as inbox/李娜.xlsx; a round later the same bytes are saved as inbox/late/李娜 - 副本.xlsx
    (a newer file, both times after the campaign): the first file stays the submission (the copy, sorting first by its
    path, took over: the accepted file turned duplicate and 风险目录's 来源文件 moved to the copy)."""
    import os
    import shutil

    paths = generate_campaign(cfg)
    li = next(p for p in paths if "附件3" in p.name and "李娜" in p.name)
    first = fill(li, workdir / "inbox/李娜.xlsx", header={"填表日期": "2023-03-15"}, rows=_risk("二级", "考务泄密"))
    os.utime(first, (1893456000, 1893456000))
    merge(cfg)
    (workdir / "inbox/late").mkdir()
    copy = shutil.copy(first, workdir / "inbox/late/李娜 - 副本.xlsx")
    os.utime(copy, (1893457000, 1893457000))
    result = merge(cfg)
    by_path = {r.path: r for r in result.analysis.inputs}
    assert by_path["inbox/李娜.xlsx"].status == "accepted"
    assert by_path["inbox/late/李娜 - 副本.xlsx"].status == "duplicate"
    assert [r["来源文件"] for r in result.analysis.catalogue if r["姓名"] == "李娜"] == ["inbox/李娜.xlsx"]


def test_a_mailed_form_saved_into_the_inbox_a_round_later_stays_the_original(cfg, workdir):
    """李娜's form came by mail and was accepted; a round later the office saves the attachment into inbox/ too (a file
    time of today): the mail stays the original (the copy took over: the mail turned duplicate, 来源文件 and 提交时间 moved
    to the copy). The cache under outbox/ remembers which file the bytes were first read as; without it, the last
    consolidated workbook's 来源文件 says."""
    paths = generate_campaign(cfg)
    li = next(p for p in paths if "附件3" in p.name and "李娜" in p.name)
    data = fill(li, workdir / "tmp.xlsx", header={"填表日期": "2023-03-15"}, rows=_risk("二级", "考务泄密")).read_bytes()
    (workdir / "tmp.xlsx").unlink()
    (workdir / "inbox/李娜.eml").write_bytes(hostile.make_eml([("李娜.xlsx", data)], date="Thu, 16 Mar 2023 11:00:00 +0800"))
    merge(cfg)
    (workdir / "inbox/李娜.xlsx").write_bytes(data)
    result = merge(cfg)
    by_path = {r.path: r for r in result.analysis.inputs}
    assert by_path["inbox/李娜.eml!李娜.xlsx"].status == "accepted"
    assert by_path["inbox/李娜.xlsx"].status == "duplicate"
    row = next(r for r in result.analysis.catalogue if r["姓名"] == "李娜")
    assert row["来源文件"] == "inbox/李娜.eml!李娜.xlsx" and row["提交时间"] == "2023-03-16 11:00"
    # the cache deleted: read back from the last consolidated workbook's 来源文件
    from formkit import cache

    cache.remove(workdir / "outbox" / cache.FILE_NAME)
    result = merge(cfg)
    row = next(r for r in result.analysis.catalogue if r["姓名"] == "李娜")
    assert row["来源文件"] == "inbox/李娜.eml!李娜.xlsx" and row["提交时间"] == "2023-03-16 11:00"


def test_a_department_that_owes_no_personal_forms_shows_no_rate(cfg, workdir):
    """机电工程系's 应报人数 is 0 (no staff to fill 附件3): 汇总 says 无需报送 where its rates are (0% read as nobody
    having done what nobody owed), as 提交情况 does."""
    from formkit.config import load_config
    from formkit.workspace import write_roster
    from tests.conftest import DEPARTMENTS, STAFF

    write_roster(workdir / "名册.xlsx", [(*d[:5], 0) if d[0] == "JDX" else d for d in DEPARTMENTS],
                 [s for s in STAFF if s[2] != "JDX"])
    merge(load_config(workdir))
    summary = list(openpyxl.load_workbook(workdir / "outbox/廉政风险目录.xlsx")["汇总"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(summary) if r[0] == "三、个人自查表完成情况")
    jdx = next(r for r in summary[start:] if r[0] == "机电工程系")
    assert (jdx[3], jdx[5]) == ("无需报送", "无需报送")


def test_the_first_copy_of_a_list_form_stays_the_original_when_the_cache_is_gone(cfg, workdir):
    """附件1 and 教务处's 附件2 were merged; the same bytes come again under names sorting first (0_附件1.xlsx), and the
    cache is gone (formkit.toml edited, or the file deleted): the copies read first stay the originals, as with the
    cache (the names' order made the new copies the submissions: 领导小组 and 权力清单 traced to them, the first ones
    "重复"). 风险目录 names only the risk forms' sources; 说明 lists every file received."""
    import shutil

    from tests.test_roundtrip import fill_risk_stage

    fill_risk_stage(cfg, workdir / "inbox")
    merge(cfg)
    for name in ("附件1.xlsx", "教务处权力清单.xlsx"):      # (copied with their file times: a folder copied back)
        shutil.copy2(workdir / "inbox" / name, workdir / "inbox" / f"0_{name}")
    (workdir / "outbox/.formkit-cache.sqlite").unlink()
    merge(cfg)
    by_path = {i["path"]: i for i in json.loads((workdir / "outbox/report.json").read_text(encoding="utf-8"))["inputs"]}
    for name in ("附件1.xlsx", "教务处权力清单.xlsx"):
        assert by_path[f"inbox/{name}"]["status"] == "accepted"
        assert by_path[f"inbox/0_{name}"]["duplicate_of"] == f"inbox/{name}"


def test_a_slip_in_the_fill_date_carried_by_both_versions_says_nothing_of_their_order(cfg, workdir, tmp_path):
    """张伟's form (填表日期 typed 2023-04-10 for 03-10) is saved from a USB stick into inbox/U盘/ (a file time of no
    campaign day); his correction, the same 填表日期 and a risk added, is mailed on 03-20 (the date set aside there: later
    than the mail). The first copy's 填表日期, later than the mail, made it the later one: the correction superseded, the
    risk added lost."""
    import os

    form = next(p for p in generate_campaign(cfg) if "附件3" in p.name and "张伟" in p.name)
    (workdir / "inbox/U盘").mkdir()
    first = fill(form, workdir / "inbox/U盘/张伟.xlsx", header={"填表日期": "2023-04-10"}, rows=_risk("二级"))
    os.utime(first, (1893456000, 1893456000))          # 2030
    fixed = fill(form, tmp_path / "张伟_改.xlsx", header={"填表日期": "2023-04-10"},
                 rows=[*_risk("二级"), *_risk("三级", "接受学生家长宴请")])
    (workdir / "inbox/改.eml").write_bytes(hostile.make_eml([("张伟_改.xlsx", fixed.read_bytes())], subject="附件3 张伟",
                                                          date="Mon, 20 Mar 2023 09:00:00 +0800"))
    result = merge(cfg)
    status = {r.path: r.status for r in result.analysis.inputs}
    assert status == {"inbox/U盘/张伟.xlsx": "superseded", "inbox/改.eml!张伟_改.xlsx": "accepted"}, status


def test_an_old_returned_copy_sent_again_after_its_correction_replaces_nothing(cfg, workdir, tmp_path):
    """张伟's form is returned (四级); his correction through the feedback workbook is accepted; days later the department's
    secretary sends the old file again (opened and saved since: other bytes, the same content) in a zip. It replaced
    the accepted correction, returned again for what was corrected, his risks gone from the catalogue. Set aside
    (resent-older): its content is a version returned for its errors."""
    import os
    import zipfile

    form = next(p for p in generate_campaign(cfg) if "附件3" in p.name and "张伟" in p.name)
    first = fill(form, tmp_path / "张伟.xlsx", header={"填表日期": "2023-03-18"}, rows=_risk("四级"))
    (workdir / "inbox/张伟.eml").write_bytes(hostile.make_eml([("张伟.xlsx", first.read_bytes())], subject="附件3 张伟",
                                                            date="Mon, 20 Mar 2023 09:00:00 +0800"))
    merge(cfg)
    _level_corrected(workdir, tmp_path / "改.xlsx")
    (workdir / "inbox/改.eml").write_bytes(hostile.make_eml([("张伟_改.xlsx", (tmp_path / "改.xlsx").read_bytes())],
                                                          subject="附件3 张伟", date="Wed, 22 Mar 2023 09:00:00 +0800"))
    merge(cfg)
    wb = openpyxl.load_workbook(first)          # the old file opened and saved again
    wb.save(tmp_path / "旧.xlsx")
    with zipfile.ZipFile(workdir / "inbox/教务处全部.zip", "w") as zf:
        zf.writestr(zipfile.ZipInfo("教务处/张伟.xlsx", date_time=(2023, 3, 24, 10, 0, 0)),
                    (tmp_path / "旧.xlsx").read_bytes())
    os.utime(workdir / "inbox/教务处全部.zip", (1679620000, 1679620000))     # 2023-03-24
    result = merge(cfg)
    status = {r.path: r.status for r in result.analysis.inputs}
    assert status["inbox/改.eml!张伟_改.xlsx"] == "accepted", status
    old = next(r for r in result.analysis.inputs if r.path.startswith("inbox/教务处全部.zip!"))
    assert old.status == "superseded" and "resent-older" in {f.code for f in old.findings}
    assert [r["风险等级"] for r in result.analysis.catalogue if r["姓名"] == "张伟"] == ["二级"]


def test_a_departments_earlier_form_sent_again_with_its_power_list_stands(cfg, workdir, tmp_path):
    """教务处 mails 附件2 and 附件4 (two risks), then 附件4 with a third risk, then its final 附件2 and 附件4, this one the
    first 附件4's content again (the third risk withdrawn): it stands (one department's two forms are no collection of
    several people's, whose old copies sent again are set aside)."""
    from tests.test_roundtrip import _find

    paths = generate_campaign(cfg, "risks")
    a2 = fill(_find(paths, "附件2", "教务处"), tmp_path / "a2.xlsx", header={"填报日期": "2023-03-10"}, rows=[
        {"权力事项": "考试管理", "权力类别": "执行", "职权依据": "学生考试管理办法", "行使岗位": "考务", "涉及“三重一大”": "否"}])

    def a4(name: str, risks: list[str]) -> bytes:
        return fill(_find(paths, "附件4", "教务处"), tmp_path / name, header={"填表日期": "2023-03-10"}, rows=[
            {"岗位(环节)": "考务", "关联权力事项": "考试管理", "风险类别": "业务流程", "风险点": r, "主要表现形式": "泄题",
             "风险等级": "二级", "涉及“三重一大”": "否", "责任人": "李娜"} for r in risks]).read_bytes()
    two, three = a4("two.xlsx", ["泄露考试试题", "考场纪律松懈"]), a4("three.xlsx", ["泄露考试试题", "考场纪律松懈", "阅卷不公"])
    for name, atts, when in (("1.eml", [("附件2.xlsx", a2.read_bytes()), ("附件4.xlsx", two)], "10 Mar 2023"),
                             ("2.eml", [("附件4.xlsx", three)], "12 Mar 2023"),
                             ("3.eml", [("附件2.xlsx", openpyxl_resaved(a2.read_bytes(), tmp_path)),
                                        ("附件4.xlsx", openpyxl_resaved(two, tmp_path))],
                              "14 Mar 2023")):
        (workdir / "inbox" / name).write_bytes(hostile.make_eml(atts, date=f"Tue, {when} 10:00:00 +0800"))
    result = merge(cfg)
    status = {r.path: r.status for r in result.analysis.inputs if r.form == "附件4"}
    assert status["inbox/3.eml!附件4.xlsx"] == "accepted", status
    assert sorted(r["风险点"] for r in result.analysis.catalogue if r["层级"] == "部门") == ["泄露考试试题", "考场纪律松懈"]


def openpyxl_resaved(data: bytes, tmp_path) -> bytes:
    """The bytes of a workbook opened and saved again (the same content, other bytes)."""
    (tmp_path / "resave.xlsx").write_bytes(data)
    wb = openpyxl.load_workbook(tmp_path / "resave.xlsx")
    wb.save(tmp_path / "resaved.xlsx")
    return (tmp_path / "resaved.xlsx").read_bytes()
