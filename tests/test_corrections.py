"""A corrected feedback workbook supersedes the flawed submission even when its dates say otherwise."""

from __future__ import annotations

import json

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
    result = merge(cfg)
    report = json.loads((workdir / "outbox/report.json").read_text(encoding="utf-8"))
    by_path = {i["path"]: i for i in report["inputs"]}
    assert by_path["inbox/张伟_改.xlsx"]["status"] == "accepted"
    assert by_path["inbox/张伟.eml!张伟自查表.xlsx"]["status"] == "superseded"
    assert by_path["inbox/张伟.eml!张伟自查表.xlsx"]["superseded_by"] == "inbox/张伟_改.xlsx"
    assert "更正反馈" in by_path["inbox/张伟_改.xlsx"]["order_basis"]
    assert [r["风险等级"] for r in result.analysis.catalogue] == ["二级"]


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
