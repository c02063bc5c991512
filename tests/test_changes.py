"""Change between rounds (动态管理): the 变化 sheet compares with the previous round."""

from __future__ import annotations

import json
import os
from pathlib import Path

import openpyxl
import pytest

from formkit.generate import generate_campaign
from formkit.merge import merge
from tests.helpers import fill
from tests.test_roundtrip import fill_risk_stage


def _changes(path) -> list[tuple]:
    wb = openpyxl.load_workbook(path, read_only=True)     # read_only keeps the file open until close()
    rows = list(wb["变化"].iter_rows(values_only=True))
    wb.close()
    return [tuple(r[:2]) + (r[6], r[7], r[8]) for r in rows[4:] if r and r[0]]


def test_second_round_lists_added_removed_and_changed(cfg, workdir):
    inbox = workdir / "inbox"
    fill_risk_stage(cfg, inbox)
    merge(cfg)
    book = openpyxl.load_workbook(workdir / "outbox/廉政风险目录.xlsx", read_only=True)
    assert "没有可比较的上一轮" in str(book["变化"]["A2"].value)
    book.close()

    # round 2: 李娜 withdraws her form, 张伟 raises a level, 财务处 sends its 附件4 for the first time
    (inbox / "李娜.xlsx").unlink()
    paths = generate_campaign(cfg)
    form = next(p for p in paths if "附件3" in p.name and "张伟" in p.name)
    fill(form, inbox / "张伟.xlsx", header={"填表日期": "2023-03-20"}, rows=[
        {"风险类别": "岗位职责", "风险点": "成绩修改审批把关不严", "主要表现形式": "违规同意修改成绩", "风险等级": "一级"},
        {"风险类别": "思想道德", "风险点": "接受学生家长宴请", "主要表现形式": "吃请收礼", "风险等级": "三级"},
    ])
    cw = next(p for p in paths if "附件4" in p.name and "财务处" in p.name)
    fill(cw, inbox / "财务处.xlsx", rows=[{"岗位(环节)": "出纳", "风险类别": "岗位职责", "风险点": "挪用公款",
                                           "风险等级": "一级", "涉及“三重一大”": "是"}])
    result = merge(cfg)
    changes = _changes(workdir / "outbox/廉政风险目录.xlsx")
    assert ("新增", "CWC-B01", "风险等级", None, "一级") in changes
    assert ("删除", "JWC-0013-01", "风险等级", "二级", None) in changes
    assert ("等级变化", "JWC-0012-01", "风险等级", "二级", "一级") in changes
    report = json.loads((workdir / "outbox/report.json").read_text(encoding="utf-8"))
    assert report["changes"]["counts"] == {"新增": 1, "删除": 1, "等级变化": 1}
    assert report["changes"]["baseline"].startswith("outbox/历史/")
    assert result.report["changes"] == report["changes"]
    # re-running round 2 compares with the same baseline: the same bytes; also once a file was touched (a folder
    # copied): the same round, not a new one archived and compared with (which emptied 变化)
    before = (workdir / "outbox/廉政风险目录.xlsx").read_bytes()
    merge(cfg)
    assert (workdir / "outbox/廉政风险目录.xlsx").read_bytes() == before
    os.utime(inbox / "张伟.xlsx")
    merge(cfg)
    assert (workdir / "outbox/廉政风险目录.xlsx").read_bytes() == before
    assert len(list((workdir / "outbox/历史").iterdir())) == 1


def test_compare_with_a_named_workbook(cfg, workdir, tmp_path):
    inbox = workdir / "inbox"
    fill_risk_stage(cfg, inbox)
    merge(cfg)
    old = tmp_path / "上一轮.xlsx"
    os.replace(workdir / "outbox/廉政风险目录.xlsx", old)
    (inbox / "张伟.xlsx").unlink()
    merge(cfg, compare_with=old)
    changes = _changes(workdir / "outbox/廉政风险目录.xlsx")
    assert {c[1] for c in changes if c[0] == "删除"} == {"JWC-0012-01", "JWC-0012-02"}


def test_compare_with_another_colleges_workbook_is_said(cfg, workdir, tmp_path):
    """merge --compare naming another college's catalogue (the demo's, a neighbour's): 变化 then lists every risk of it
    as 删除, without a word; the coordinator is told whose workbook it is."""
    import re
    import zipfile

    fill_risk_stage(cfg, workdir / "inbox")
    result = merge(cfg, compare_with=None)
    assert not any("--compare" in n for n in result.notes)
    ours = tmp_path / "上一轮.xlsx"
    os.replace(workdir / "outbox/廉政风险目录.xlsx", ours)
    assert not any("--compare" in n for n in merge(cfg, compare_with=ours).notes)       # our own: nothing said
    theirs = tmp_path / "别校.xlsx"
    with zipfile.ZipFile(ours) as src, zipfile.ZipFile(theirs, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/app.xml":
                data = re.sub(rb"<Company>.*?</Company>", "<Company>示范职业技术学院</Company>".encode(), data)
            dst.writestr(info, data)
    said = [n for n in merge(cfg, compare_with=theirs).notes if "--compare" in n]
    assert len(said) == 1 and "“示范职业技术学院”的风险目录" in said[0] and cfg.institution in said[0], said


def test_kept_rows_are_what_reading_the_workbook_gives(tmp_path):
    """The next round compares with the rows kept in the cache when the workbook was written
    (changes.compared_rows) instead of reading the workbook again: both must give the same values."""
    from formkit.changes import KEPT, compared_rows, iter_catalogue
    from formkit.write.workbook import write_catalogue_workbook

    tricky = ["  前后空格  ", "两行\n文字", "制表\t符", "全角　空格", "=1+1", "<r>x</r>", "_x0041_", "控制\x07字符",
              "a&b<c>", "00123", "一级", "", "很长" * 3000]
    catalogue = []
    for i, text in enumerate(tricky, 1):
        catalogue.append({"风险编号": f"JWC-B{i:02d}", "部门": "教务处", "层级": "部门", "姓名": "", "风险等级": "二级",
                          "风险点": text, "防控措施": text[::-1], "工作程序": i, "主要表现形式": "x"})
    path = write_catalogue_workbook(tmp_path / "目录.xlsx", catalogue)
    read = [tuple(row.get(k, "") for k in KEPT) for row in iter_catalogue(path)]
    assert read == list(compared_rows(catalogue))
    from formkit.cache import _CATALOGUE_WIDTH
    assert len(KEPT) == _CATALOGUE_WIDTH         # the cache's table holds every compared column


@pytest.mark.parametrize("cache", ["kept", "deleted"])
def test_the_next_round_compares_without_reading_the_previous_workbook(cfg, workdir, monkeypatch, cache):
    """The previous catalogue's rows come from the cache under outbox/ (a province's catalogue would take
    half a minute to read back); with outbox/.formkit-cache.sqlite deleted, from the workbook: the same."""
    import formkit.changes

    inbox = workdir / "inbox"
    fill_risk_stage(cfg, inbox)
    merge(cfg)
    (inbox / "李娜.xlsx").unlink()
    if cache == "deleted":
        (workdir / "outbox/.formkit-cache.sqlite").unlink()
        merge(cfg)
    else:
        def no_reading(path):
            raise AssertionError(f"read {path}")

        with monkeypatch.context() as m:
            m.setattr(formkit.changes, "iter_catalogue", no_reading)
            merge(cfg)
    assert _changes(workdir / "outbox/廉政风险目录.xlsx") == [("删除", "JWC-0013-01", "风险等级", "二级", None)]


def test_dates_written_as_dates_read_back_as_the_catalogue_holds_them(cfg, workdir):
    """完成时限 and 提交时间 are dates in 风险目录 (Excel's date filters); read back from the workbook (the cache gone) they
    are the catalogue's text again: no 措施变化 for a 完成时限 that did not change."""
    from formkit.changes import read_catalogue
    from formkit.pipeline import analyse
    from tests.test_roundtrip import _find

    inbox = workdir / "inbox"
    fill_risk_stage(cfg, inbox)
    a5 = _find(generate_campaign(cfg, "measures", accepted=analyse(cfg)), "附件5", "张伟")
    fill(a5, inbox / "张伟措施.xlsx", header={"填表日期": "2023-04-20"},
         by_risk_id={"JWC-0012-01": {"防控措施": "双人复核", "完成时限": "2023-05-10"},
                     "JWC-0012-02": {"防控措施": "拒绝宴请", "完成时限": "长期"}})
    result = merge(cfg)
    assert {r.path: r.status for r in result.analysis.inputs}["inbox/张伟措施.xlsx"] == "accepted"
    wb = openpyxl.load_workbook(workdir / "outbox/廉政风险目录.xlsx")
    ws = wb["风险目录"]
    head = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "JWC-0012-01")
    deadline = row[head.index("完成时限")]
    assert deadline.value.date().isoformat() == "2023-05-10" and deadline.number_format == "yyyy-mm-dd"
    back = read_catalogue(workdir / "outbox/廉政风险目录.xlsx")
    for r in result.analysis.catalogue:
        assert (back[r["风险编号"]]["完成时限"], back[r["风险编号"]]["提交时间"]) == (r["完成时限"], r["提交时间"])
    (workdir / "outbox/.formkit-cache.sqlite").unlink()
    (inbox / "李娜.xlsx").unlink()
    merge(cfg)
    assert [c for c in _changes(workdir / "outbox/廉政风险目录.xlsx") if c[0] != "删除"] == []


def test_a_year_on_a_moved_persons_unchanged_risk_is_renumbered_not_deleted_and_added(cfg, workdir, tmp_path):
    """Last year's catalogue, and this year's campaign in a new folder where 李娜 moved from 教务处 to 财务处: her same
    风险点 under 财务处's number is 编号变化 (JWC-0013-01 → CWC-0013-01) and 部门变化, not a 删除 and a 新增; the risks
    of others as they were show nothing, and last year's measures are not "taken away" before this year's measures
    round."""
    from formkit.config import load_config
    from formkit.pipeline import analyse
    from formkit.workspace import write_config, write_roster
    from tests.conftest import DEPARTMENTS, STAFF
    from tests.test_roundtrip import _find

    fill_risk_stage(cfg, workdir / "inbox")
    a5 = _find(generate_campaign(cfg, "measures", accepted=analyse(cfg)), "附件5", "张伟")
    fill(a5, workdir / "inbox/张伟措施.xlsx", by_risk_id={"JWC-0012-01": {"防控措施": "双人复核", "完成时限": "2023-05-10"},
                                                        "JWC-0012-02": {"防控措施": "拒绝宴请"}})
    assert sum(1 for r in merge(cfg).analysis.catalogue if r["防控措施"]) == 2
    last_year = workdir / "outbox/廉政风险目录.xlsx"
    new = tmp_path / "2024"
    (new / "inbox").mkdir(parents=True)
    write_config(new, institution="测试职业学院", main_leader="周校长", campaign="2024年度廉政风险防控", year=2024)
    write_roster(new / "名册.xlsx", DEPARTMENTS, [(s[0], s[1], "CWC" if s[1] == "李娜" else s[2], *s[3:]) for s in STAFF])
    cfg2 = load_config(new)
    fill_risk_stage(cfg2, new / "inbox")
    result = merge(cfg2, compare_with=last_year)
    got = _changes(new / "outbox/廉政风险目录.xlsx")
    assert ("编号变化", "CWC-0013-01", "风险编号", "JWC-0013-01", "CWC-0013-01") in got, got
    assert ("部门变化", "CWC-0013-01", "部门", "教务处", "财务处") in got, got
    assert not [c for c in got if c[0] in ("删除", "新增")], got
    assert result.report["changes"]["counts"].get("编号变化") == 1
    assert "措施变化" not in result.report["changes"]["counts"]
    assert result.report["changes"]["baseline"] == f"../{workdir.name}/outbox/廉政风险目录.xlsx" or \
        result.report["changes"]["baseline"].endswith(f"{workdir.name}/outbox/廉政风险目录.xlsx")


def test_two_namesakes_one_deleting_a_risk_the_other_adding_it_are_no_renumbering(tmp_path):
    """Within one campaign, 张伟 of 教务处 deletes 公车私用 and 张伟 of 财务处 adds it: a 删除 and a 新增 (not one risk
    renumbered and moved); a department's risks are paired only a year on."""
    from formkit.changes import KEPT, compare

    def row(rid, dept, level_kind, name, point):
        return {"风险编号": rid, "部门": dept, "层级": level_kind, "姓名": name, "风险点": point, "风险等级": "二级"}

    before = [row("JWC-0012-01", "教务处", "个人", "张伟", "公车私用"), row("JWC-B01", "教务处", "部门", "", "违规采购")]
    now = [row("CWC-0105-01", "财务处", "个人", "张伟", "公车私用"), row("CWC-B01", "财务处", "部门", "", "违规采购")]
    known = [tuple(r.get(k, "") for k in KEPT) for r in before]
    got = compare(now, tmp_path / "x.xlsx", tmp_path, known=known, waiting={})
    assert sorted((r["变化"], r["风险编号"]) for r in got.rows) == [
        ("删除", "JWC-0012-01"), ("删除", "JWC-B01"), ("新增", "CWC-0105-01"), ("新增", "CWC-B01")]
    year_on = compare(now, tmp_path / "x.xlsx", tmp_path, known=known, waiting={}, other_campaign=True)
    assert {(r["变化"], r["风险编号"], r["项目"]) for r in year_on.rows if r["风险编号"] == "CWC-B01"} == {
        ("编号变化", "CWC-B01", "风险编号"), ("部门变化", "CWC-B01", "部门")}
    # … unless 教务处 is still a department: it dropped the risk, 财务处 lists the same words
    still = compare(now, tmp_path / "x.xlsx", tmp_path, known=known, waiting={}, other_campaign=True,
                    departments={"教务处", "财务处"})
    assert sorted((r["变化"], r["风险编号"]) for r in still.rows if r["层级"] == "部门") == [
        ("删除", "JWC-B01"), ("新增", "CWC-B01")]
    # 教务处 itself under a new code a year on (JWC → JW): its own risk renumbered
    recoded = [dict(now[0]), {**now[1], "风险编号": "JW-B01", "部门": "教务处"}]
    again = compare(recoded, tmp_path / "x.xlsx", tmp_path, known=known, waiting={}, other_campaign=True,
                    departments={"教务处", "财务处"})
    assert ("编号变化", "JW-B01") in {(r["变化"], r["风险编号"]) for r in again.rows}


def test_a_new_year_in_last_years_folder_lists_no_measures_taken_away(cfg, workdir):
    """The same folder a year on (formkit.toml given 2024, last year's inbox moved out): the first merge compares with
    last year's workbook left in outbox/历史/ and, before this year's measures round, lists no 措施变化 to nothing for
    every risk (--compare only was told apart)."""
    import shutil

    from formkit.config import load_config
    from formkit.pipeline import analyse
    from formkit.workspace import write_config
    from tests.test_roundtrip import _find

    fill_risk_stage(cfg, workdir / "inbox")
    a5 = _find(generate_campaign(cfg, "measures", accepted=analyse(cfg)), "附件5", "张伟")
    fill(a5, workdir / "inbox/张伟措施.xlsx", by_risk_id={"JWC-0012-01": {"防控措施": "双人复核"},
                                                        "JWC-0012-02": {"防控措施": "拒绝宴请"}})
    merge(cfg)
    shutil.move(workdir / "inbox", workdir / "2023收件")
    (workdir / "inbox").mkdir()
    write_config(workdir, institution="测试职业学院", main_leader="周校长", campaign="2024年度廉政风险防控", year=2024)
    cfg2 = load_config(workdir)
    fill_risk_stage(cfg2, workdir / "inbox")
    result = merge(cfg2)
    assert result.report["changes"]["baseline"] and "措施变化" not in result.report["changes"]["counts"]


def test_a_year_on_what_has_not_come_yet_is_not_deleted(cfg, workdir):
    """The same folder a year on, only 张伟's 附件3 in so far: last year's risks of the others, 教务处's power items and
    the leadership group were all 删除 (an auditor read that they were removed); they are 本轮未报 (not reported yet)."""
    import shutil

    from formkit.config import load_config
    from formkit.workspace import write_config
    from tests.test_roundtrip import _find

    fill_risk_stage(cfg, workdir / "inbox")
    merge(cfg)
    shutil.move(workdir / "inbox", workdir / "2023收件")
    (workdir / "inbox").mkdir()
    write_config(workdir, institution="测试职业学院", main_leader="周校长", campaign="2024年度廉政风险防控", year=2024)
    cfg2 = load_config(workdir)
    fill(_find(generate_campaign(cfg2, "risks"), "附件3", "张伟"), workdir / "inbox/张伟.xlsx",
         header={"填表日期": "2024-03-12"}, rows=[
             {"风险类别": "岗位职责", "风险点": "成绩修改审批把关不严", "主要表现形式": "违规同意修改成绩", "风险等级": "二级"}])
    # 李娜's comes and is returned (a level mistyped): her risk is not 删除 (a returned form's rows are nowhere yet)
    fill(_find(generate_campaign(cfg2, "risks"), "附件3", "李娜"), workdir / "inbox/李娜.xlsx",
         header={"填表日期": "2024-03-12"}, rows=[
             {"风险类别": "外部环境", "风险点": "考试期间受人情干扰", "主要表现形式": "为熟人考生提供方便", "风险等级": "很高级"}])
    result = merge(cfg2)
    counts = result.report["changes"]["counts"]
    assert "删除" in counts and counts["删除"] == 1                 # (张伟's second risk, left out of his form)
    assert counts["本轮未报"] >= 6 and not {"权力删除", "领导小组删除"} & set(counts), counts
    from formkit.merge import _reported  # (a returned form reports nothing yet: its rows are in no catalogue)

    assert ("教务处", "个人", "张伟") in _reported(result.analysis) and ("教务处", "个人", "李娜") not in _reported(result.analysis)
    got = {(c["变化"], c["风险点"] or c["姓名"]) for c in _full_changes(workdir / "outbox/廉政风险目录.xlsx")}
    assert {("本轮未报", "泄露考试试题"), ("退回待改", "考试期间受人情干扰"), ("本轮未报", "教材选用"),
            ("本轮未报", "周校长"), ("删除", "接受学生家长宴请")} <= got, got


def test_a_resent_power_list_and_leaders_list_show_their_changes(cfg, workdir):
    """教务处 re-sends its 附件2 with 教材选用 dropped, 考试管理's 职权依据 changed and 排课调度 added, and the office its
    附件1 with a member replaced: 变化 lists each (it said "no change": the plan asks for the power items added and
    removed), and report.json counts them."""
    from tests.test_roundtrip import _find

    inbox = workdir / "inbox"
    fill_risk_stage(cfg, inbox)
    merge(cfg)
    paths = generate_campaign(cfg, "risks")
    fill(_find(paths, "附件2", "教务处"), inbox / "教务处权力清单_改.xlsx", header={"填报人": "王芳", "填报日期": "2023-03-20"},
         rows=[{"权力事项": "考试管理", "权力类别": "执行", "职权依据": "学生考试管理办法（2023年修订）", "行使岗位": "考务专员",
                "涉及“三重一大”": "否"},
               {"权力事项": "排课调度", "权力类别": "执行", "职权依据": "教学管理规定", "行使岗位": "教务科", "涉及“三重一大”": "否"}])
    fill(_find(paths, "附件1"), inbox / "附件1_改.xlsx", header={"填报人": "纪检监察室", "填报日期": "2023-03-20"}, rows=[
        {"机构": "领导小组", "职务": "组长", "姓名": "周校长", "本职": "党委书记"},
        {"机构": "领导小组", "职务": "成员", "姓名": "张副院长", "本职": "副院长"},
        {"机构": "领导小组办公室", "职务": "主任", "姓名": "孙主任", "本职": "纪检监察室主任", "联系电话": "0371-6000001"}])
    result = merge(cfg)
    got = {(c["变化"], c["风险点"] or c["姓名"], c["项目"]) for c in _full_changes(workdir / "outbox/廉政风险目录.xlsx")}
    assert {("权力删除", "教材选用", "权力事项"), ("权力新增", "排课调度", "权力事项"), ("权力变化", "考试管理", "职权依据"),
            ("领导小组删除", "刘副院长", "姓名"), ("领导小组新增", "张副院长", "姓名")} <= got, got
    counts = result.report["changes"]["counts"]
    assert (counts["权力删除"], counts["权力新增"], counts["权力变化"]) == (1, 1, 1)


def test_a_year_on_risks_in_another_order_are_no_changes(tmp_path):
    """A year on, 教务处 lists its two risks in the other order (JWC-B01 and JWC-B02 given afresh), 张伟 adds one before
    his own: the same risks are no change (they were 风险点变化 and 内容变化, each compared with the other risk under its
    old number); only the new one is 新增."""
    from formkit.changes import KEPT, compare

    def row(rid, level_kind, name, point, post):
        return {"风险编号": rid, "部门": "教务处", "层级": level_kind, "姓名": name, "风险点": point, "风险等级": "二级",
                "岗位": post}

    before = [row("JWC-B01", "部门", "", "教材采购收受回扣", "教材"), row("JWC-B02", "部门", "", "公务接待超标准", "办公室"),
              {**row("JWC-B03", "部门", "", "收受供应商回扣", "设备采购"), "风险等级": "一级"},
              row("JWC-B04", "部门", "", "收受供应商回扣", "教材选用"),
              row("JWC-0012-01", "个人", "张伟", "成绩修改把关不严", "教务科")]
    now = [row("JWC-B01", "部门", "", "公务接待超标准", "办公室"), row("JWC-B02", "部门", "", "教材采购收受回扣", "教材"),
           row("JWC-B03", "部门", "", "收受供应商回扣", "教材选用"),     # (one wording at two posts: by its post)
           {**row("JWC-B04", "部门", "", "收受供应商回扣", "设备采购"), "风险等级": "一级"},
           row("JWC-0012-01", "个人", "张伟", "监考不严", "教务科"), row("JWC-0012-02", "个人", "张伟", "成绩修改把关不严", "教务科")]
    known = [tuple(r.get(k, "") for k in KEPT) for r in before]
    got = compare(now, tmp_path / "x.xlsx", tmp_path, known=known, waiting={}, other_campaign=True,
                  departments={"教务处"})
    assert [(r["变化"], r["风险编号"], r["项目"]) for r in got.rows] == [("新增", "JWC-0012-01", "风险等级")]


def _power_list_workbook(rows: list[list]) -> openpyxl.Workbook:
    """A workbook with a 权力清单 sheet as formkit writes it (the columns 变化 compares), these rows under its header."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "权力清单"
    ws.append(["部门", "序号", "权力事项", "权力类别", "职权依据", "行使岗位"])
    for row in rows:
        ws.append(row)
    return wb


def test_list_changes_pair_rows_as_the_office_writes_them(tmp_path):
    """领导小组: the 纪检 head is in both bodies (two rows of one name), a phone written another way is the same number;
    权力清单: two departments merged into one each listing 固定资产管理, the department renamed a year on (its code in
    the baseline's 风险编号): nothing changed (a member dropped or moved was missed, the rows were paired wrongly)."""
    from formkit.changes import Changes, compare_lists

    base = tmp_path / "上一轮.xlsx"
    wb = _power_list_workbook([["教务处", 1, "固定资产管理", "执行", "资产管理办法", "处长"],
                               ["图书馆", 1, "固定资产管理", "执行", "图书馆资产细则", "馆长"]])
    leaders = wb.create_sheet("领导小组")
    leaders.append(["名单"])
    leaders.append([])
    leaders.append(["序号", "机构", "职务", "姓名", "本职", "联系电话"])
    leaders.append([1, "领导小组", "成员", "周主任", "纪委书记", "0371-6000001"])
    leaders.append([2, "领导小组办公室", "主任", "周主任", "纪委书记", "0371-6000001"])
    wb.save(base)
    powers = [{"部门": "教学事务处", "权力事项": "固定资产管理", "权力类别": "执行", "职权依据": "图书馆资产细则",
               "行使岗位": "馆长"},        # (in the other order)
              {"部门": "教学事务处", "权力事项": "固定资产管理", "权力类别": "执行", "职权依据": "资产管理办法", "行使岗位": "处长"}]
    now_leaders = [{"机构": "领导小组办公室", "职务": "主任", "姓名": "周主任", "本职": "纪委书记", "联系电话": "03716000001"},
                   {"机构": "领导小组", "职务": "成员", "姓名": "周主任", "本职": "纪委书记", "联系电话": "0371 6000001"}]
    changes = Changes("上一轮.xlsx", departments={"教务处": "JWC", "图书馆": "TSG"})
    code = {"教学事务处": "JWC", "图书馆": "JWC"}.get       # (图书馆 merged into 教学事务处: its 简称 now)
    compare_lists(changes, base, powers, now_leaders, code)
    assert changes.rows == [], [(r["变化"], r["姓名"], r["项目"], r["变化前"], r["变化后"]) for r in changes.rows]
    # 周主任 no longer in 领导小组 (still the office's director): 领导小组删除
    compare_lists(changes, base, powers, now_leaders[:1], code)
    assert [(r["变化"], r["姓名"]) for r in changes.rows] == [("领导小组删除", "周主任")]


def test_a_power_item_at_two_posts_pairs_by_post(tmp_path):
    """固定资产管理 listed for 处长 and for 实验室主任; re-sent with a 馆长 row inserted above and the 实验室主任 row's 职权依据
    updated: 权力新增 (馆长) and one 权力变化 (职权依据 of the 实验室主任 row), not 行使岗位 实验室主任→馆长."""
    from formkit.changes import Changes, compare_lists

    base = tmp_path / "上一轮.xlsx"
    _power_list_workbook([["教务处", 1, "固定资产管理", "执行", "资产管理办法", "处长"],
                          ["教务处", 2, "固定资产管理", "执行", "实验室设备管理细则", "实验室主任"]]).save(base)
    item = {"部门": "教务处", "权力事项": "固定资产管理", "权力类别": "执行"}
    powers = [{**item, "职权依据": "资产管理办法", "行使岗位": "处长"},
              {**item, "职权依据": "图书资产管理细则", "行使岗位": "馆长"},
              {**item, "职权依据": "实验室设备管理细则（2023修订）", "行使岗位": "实验室主任"}]
    changes = Changes("上一轮.xlsx")
    compare_lists(changes, base, powers, [], {"教务处": "JWC"}.get)
    assert sorted((r["变化"], r["项目"], r["变化后"]) for r in changes.rows) == [
        ("权力变化", "职权依据", "实验室设备管理细则（2023修订）"), ("权力新增", "权力事项", "固定资产管理")]


def test_counts_are_risk_points_not_changed_items(tmp_path):
    """One risk whose 防控措施 and 工作程序 both changed is one 措施变化 (two rows in the sheet, one risk point)."""
    from formkit.changes import Changes

    rows = [{"变化": "措施变化", "风险编号": "JWC-B01", "项目": "防控措施"},
            {"变化": "措施变化", "风险编号": "JWC-B01", "项目": "工作程序"},
            {"变化": "措施变化", "风险编号": "JWC-B02", "项目": "防控措施"},
            {"变化": "新增", "风险编号": "JWC-B03", "项目": "风险等级"}]
    changes = Changes("outbox/历史/001.xlsx", rows)
    assert changes.counts() == {"措施变化": 2, "新增": 1}
    # the sheet's line says both, so that 2 risks against 3 rows below it is no puzzle
    import xlsxwriter

    from formkit.changes import write_changes_sheet
    from formkit.write.common import Styles

    path = tmp_path / "c.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    write_changes_sheet(wb, Styles(wb), changes)
    wb.close()
    line = openpyxl.load_workbook(path)["变化"]["A2"].value
    assert "措施变化 2 条（3 项）" in line and "新增 1 条（" not in line


def test_a_merge_that_could_not_finish_archives_the_last_round_once(cfg, workdir, monkeypatch):
    """Round 2 fails while its workbook is written (on Windows: the workbook open in Excel); run again, the last
    round is in 历史/ once, and 变化 compares with it as an uninterrupted run would."""
    inbox = workdir / "inbox"
    fill_risk_stage(cfg, inbox)
    merge(cfg)
    (inbox / "李娜.xlsx").unlink()

    def refused(*a, **k):
        raise PermissionError(13, "Permission denied", str(workdir / "outbox/廉政风险目录.xlsx"))

    with monkeypatch.context() as m:
        m.setattr("formkit.write.workbook.write_workbook", refused)
        with pytest.raises(PermissionError):
            merge(cfg)
    result = merge(cfg)
    assert [p.name[:4] for p in sorted((workdir / "outbox/历史").glob("*.xlsx"))] == ["001_"]
    assert "/历史/001_" in result.report["changes"]["baseline"]
    assert any(c for c in _changes(workdir / "outbox/廉政风险目录.xlsx"))


def _full_changes(path) -> list[dict]:
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb["变化"].iter_rows(values_only=True))
    wb.close()
    head = rows[3]
    return [dict(zip(head, r, strict=False)) for r in rows[4:] if r and r[0]]


def _resent_and_returned(cfg, workdir) -> tuple[Path, list[dict]]:
    """张伟's risks accepted, then a re-sent 附件3 returned (风险等级 特级: 退回待改); his blank form and those rows."""
    fill_risk_stage(cfg, workdir / "inbox")
    merge(cfg)
    form = next(p for p in generate_campaign(cfg) if "附件3" in p.name and "张伟" in p.name)
    rows = [{"风险类别": "岗位职责", "风险点": "成绩修改审批把关不严", "主要表现形式": "违规同意修改成绩", "风险等级": "特级"},
            {"风险类别": "思想道德", "风险点": "接受学生家长宴请", "主要表现形式": "吃请收礼", "风险等级": "三级"}]
    fill(form, workdir / "inbox/张伟_2.xlsx", header={"填表日期": "2023-03-20"}, rows=rows)
    merge(cfg)
    assert {r["变化"] for r in _full_changes(workdir / "outbox/廉政风险目录.xlsx")} == {"退回待改"}
    return form, rows


def test_a_corrected_risk_comes_back_restored_with_its_source(cfg, workdir):
    """Round 1 accepts 张伟's risks; round 2 brings a re-sent 附件3 that is returned (退回待改); round 3 the correction:
    改正后接收, not 新增, each row naming the file and cell it now comes from."""
    inbox = workdir / "inbox"
    form, rows = _resent_and_returned(cfg, workdir)
    rows[0]["风险等级"] = "二级"
    fill(form, inbox / "张伟_3.xlsx", header={"填表日期": "2023-03-22"}, rows=rows)
    merge(cfg)
    changes = _full_changes(workdir / "outbox/廉政风险目录.xlsx")
    assert {(c["变化"], c["风险编号"]) for c in changes} == {("改正后接收", "JWC-0012-01"), ("改正后接收", "JWC-0012-02")}
    # each row at the cell of its item (风险等级: the level cell of the risk's row in the correction)
    wb = openpyxl.load_workbook(inbox / "张伟_3.xlsx")
    ws = next(w for w in wb.worksheets if w.title == "附件3")
    level_col = next(c.column_letter for row in ws.iter_rows() for c in row if c.value == "风险等级")
    catalogue = {r["风险编号"]: r for r in merge(cfg).analysis.catalogue}
    assert [(c["来源文件"], c["来源位置"]) for c in changes] == [
        ("inbox/张伟_3.xlsx", "附件3!" + level_col + catalogue[c["风险编号"]]["来源位置"].lstrip("附件3!ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        for c in changes]
    assert ws[changes[0]["来源位置"].split("!")[1]].value in ("二级", "三级")


def test_a_measure_that_came_while_its_risk_waited_is_registered_when_the_risk_is_back(cfg, workdir):
    """张伟's 附件5 comes in the round his re-sent 附件3 is returned (his risks 退回待改); the correction brings them back:
    改正后接收 and 措施登记 for each measure (its first appearance was said in no round)."""
    from formkit.pipeline import analyse
    from tests.test_roundtrip import _find

    fill_risk_stage(cfg, workdir / "inbox")
    a5 = _find(generate_campaign(cfg, "measures", accepted=analyse(cfg)), "附件5", "张伟")
    merge(cfg)
    form = next(p for p in generate_campaign(cfg) if "附件3" in p.name and "张伟" in p.name)
    rows = [{"风险类别": "岗位职责", "风险点": "成绩修改审批把关不严", "主要表现形式": "违规同意修改成绩", "风险等级": "特级"},
            {"风险类别": "思想道德", "风险点": "接受学生家长宴请", "主要表现形式": "吃请收礼", "风险等级": "三级"}]
    fill(form, workdir / "inbox/张伟_2.xlsx", header={"填表日期": "2023-03-20"}, rows=rows)
    fill(a5, workdir / "inbox/张伟措施.xlsx", header={"填表日期": "2023-03-21"},
         by_risk_id={"JWC-0012-01": {"防控措施": "双人复核"}, "JWC-0012-02": {"防控措施": "拒绝宴请"}})
    merge(cfg)
    rows[0]["风险等级"] = "二级"
    fill(form, workdir / "inbox/张伟_3.xlsx", header={"填表日期": "2023-03-22"}, rows=rows)
    merge(cfg)
    got = {(c["变化"], c["风险编号"], c["变化后"]) for c in _full_changes(workdir / "outbox/廉政风险目录.xlsx")}
    assert {("措施登记", "JWC-0012-01", "双人复核"), ("措施登记", "JWC-0012-02", "拒绝宴请")} <= got, got


def test_a_correction_that_also_rewords_a_risk_says_so(cfg, workdir):
    """The correction of a returned 附件3 also makes a 风险点 more precise: besides 改正后接收, 风险点变化 against what was
    accepted before (said only when no returned version came in between)."""
    form, rows = _resent_and_returned(cfg, workdir)
    rows[0] = {**rows[0], "风险等级": "二级", "风险点": "成绩修改及补考审批把关不严"}
    fill(form, workdir / "inbox/张伟_3.xlsx", header={"填表日期": "2023-03-22"}, rows=rows)
    merge(cfg)
    changes = [(c["变化"], c["风险编号"], c["项目"], c["变化前"], c["变化后"])
               for c in _full_changes(workdir / "outbox/廉政风险目录.xlsx")]
    assert ("风险点变化", "JWC-0012-01", "风险点", "成绩修改审批把关不严", "成绩修改及补考审批把关不严") in changes
    assert {c[0] for c in changes} == {"改正后接收", "风险点变化"}


def test_a_department_renamed_in_the_roster_is_a_change(cfg, workdir):
    import dataclasses

    fill_risk_stage(cfg, workdir / "inbox")
    merge(cfg)
    cfg.roster.departments["JWC"] = dataclasses.replace(cfg.roster.departments["JWC"], name="教务部")
    cw = next(p for p in generate_campaign(cfg) if "附件4" in p.name and "财务处" in p.name)   # (a new round)
    fill(cw, workdir / "inbox/财务处.xlsx", rows=[{"岗位(环节)": "出纳", "风险类别": "岗位职责", "风险点": "挪用公款",
                                                   "风险等级": "一级", "涉及“三重一大”": "是"}])
    merge(cfg)
    changes = [c for c in _full_changes(workdir / "outbox/廉政风险目录.xlsx") if c["变化"] != "新增"]
    assert changes and {(c["变化"], c["变化前"], c["变化后"]) for c in changes} == {("部门变化", "教务处", "教务部")}


def test_what_else_a_risk_form_says_of_a_risk_is_a_content_change(cfg, workdir):
    """A department re-sends its 附件4 changing only 风险类别, 主要表现形式, 岗位(环节) and 涉及“三重一大” of a risk: the
    catalogue and 公示 change, so 变化 lists each (it said 没有变化), at the re-sent form's row."""
    fill_risk_stage(cfg, workdir / "inbox")
    merge(cfg)
    a4 = next(p for p in generate_campaign(cfg) if "附件4" in p.name and "教务处" in p.name)
    fill(a4, workdir / "inbox/教务处风险点_修改.xlsx", header={"填表日期": "2023-03-25"}, rows=[
        {"岗位(环节)": "教材征订", "关联权力事项": "教材选用", "风险类别": "外部环境", "风险点": "教材选用中收受回扣",
         "主要表现形式": "指定教材供应商并收取好处", "风险等级": "一级", "涉及“三重一大”": "否", "责任人": "王芳"},
        {"岗位(环节)": "考务", "关联权力事项": "考试管理", "风险类别": "业务流程", "风险点": "泄露考试试题",
         "主要表现形式": "考前透露题目", "风险等级": "二级", "涉及“三重一大”": "否", "责任人": "李娜"},
    ])
    merge(cfg)
    changes = _full_changes(workdir / "outbox/廉政风险目录.xlsx")
    assert {(c["变化"], c["风险编号"], c["项目"], c["变化前"], c["变化后"]) for c in changes} == {
        ("内容变化", "JWC-B01", "岗位", "教材选用", "教材征订"),
        ("内容变化", "JWC-B01", "风险类别", "岗位职责", "外部环境"),
        ("内容变化", "JWC-B01", "主要表现形式", "指定教材供应商", "指定教材供应商并收取好处"),
        ("内容变化", "JWC-B01", "涉及三重一大", "是", "否")}
    assert {c["来源文件"] for c in changes} == {"inbox/教务处风险点_修改.xlsx"}
    ws = openpyxl.load_workbook(workdir / "inbox/教务处风险点_修改.xlsx")["附件4"]
    for c in changes:         # each at its item's own cell (they all named the row's 风险点 cell)
        assert ws[c["来源位置"].split("!")[1]].value == c["变化后"], c


def test_a_measure_change_names_the_measure_form(cfg, workdir):
    """措施登记 and 措施变化 rows point at the measure form's file and cell (they named the risk form's 风险点 cell); a
    risk's first measures are one 措施登记 line each (one 措施变化 per item from nothing buried what had changed)."""
    from formkit.pipeline import analyse

    fill_risk_stage(cfg, workdir / "inbox")
    merge(cfg)
    a5 = next(p for p in generate_campaign(cfg, "measures", accepted=analyse(cfg)) if "附件5" in p.name and "张伟" in p.name)
    fill(a5, workdir / "inbox/张伟_措施.xlsx", header={"填表日期": "2023-04-20"},
         by_risk_id={"JWC-0012-01": {"防控措施": "双人复核"}, "JWC-0012-02": {"防控措施": "拒绝宴请"}})
    result = merge(cfg)
    changes = [c for c in _full_changes(workdir / "outbox/廉政风险目录.xlsx") if c["变化"].startswith("措施")]
    catalogue = {r["风险编号"]: r for r in result.analysis.catalogue}
    assert [(c["变化"], c["风险编号"], c["项目"], c["变化后"]) for c in changes] == [
        ("措施登记", "JWC-0012-01", "防控措施", "双人复核"), ("措施登记", "JWC-0012-02", "防控措施", "拒绝宴请")]
    assert all(c["来源文件"] == "inbox/张伟_措施.xlsx" for c in changes)
    assert [c["来源位置"] for c in changes] == [catalogue[c["风险编号"]]["措施来源位置"] for c in changes]
    fill(a5, workdir / "inbox/张伟_措施_改.xlsx", header={"填表日期": "2023-04-25"},
         by_risk_id={"JWC-0012-01": {"防控措施": "双人复核并留痕"}, "JWC-0012-02": {"防控措施": "拒绝宴请"}})
    merge(cfg)
    changes = [c for c in _full_changes(workdir / "outbox/廉政风险目录.xlsx") if c["变化"].startswith("措施")]
    assert [(c["变化"], c["风险编号"], c["变化前"], c["变化后"], c["来源文件"]) for c in changes] == [
        ("措施变化", "JWC-0012-01", "双人复核", "双人复核并留痕", "inbox/张伟_措施_改.xlsx")]


def test_a_change_points_at_the_cell_of_its_item(cfg, workdir):
    """A 工作程序 change names the 工作程序 cell of the measure form's row (it named the 防控措施 cell beside it)."""
    from formkit.pipeline import analyse

    fill_risk_stage(cfg, workdir / "inbox")
    merge(cfg)
    a6 = next(p for p in generate_campaign(cfg, "measures", accepted=analyse(cfg)) if "附件6" in p.name and "教务处" in p.name)
    ids = [c.value for row in openpyxl.load_workbook(a6)["附件6"].iter_rows() for c in row
           if isinstance(c.value, str) and c.value.startswith("JWC-B")]
    fill(a6, workdir / "inbox/教务处_措施.xlsx", header={"填表日期": "2023-04-20"}, by_risk_id={
        i: {"关键环节": "执行", "防控措施": f"措施{i}", "工作程序": f"程序{i}", "完成时限": "长期"} for i in ids})
    merge(cfg)
    fill(a6, workdir / "inbox/教务处_措施_改.xlsx", header={"填表日期": "2023-04-25"}, by_risk_id={
        i: {"关键环节": "执行", "防控措施": f"措施{i}", "工作程序": f"程序{i}（改）", "完成时限": "长期"} for i in ids})
    merge(cfg)
    ws = openpyxl.load_workbook(workdir / "inbox/教务处_措施_改.xlsx")["附件6"]
    procedures = [c for c in _full_changes(workdir / "outbox/廉政风险目录.xlsx") if c["项目"] == "工作程序"]
    assert len(procedures) == len(ids)
    for c in procedures:
        assert c["来源文件"] == "inbox/教务处_措施_改.xlsx"
        assert ws[c["来源位置"].split("!")[1]].value == c["变化后"]


def test_every_measure_item_is_a_change_and_a_risk_of_two_rows_names_both(cfg, workdir):
    """教务处 re-sends its 附件6 with another 关键环节 and 完成时限 (变化 said “没有变化”), and JWC-B01, answered by two
    rows, with another 工作程序 in both: each change names its item's cell in each row (they named the 防控措施 cells)."""
    from formkit.pipeline import analyse

    fill_risk_stage(cfg, workdir / "inbox")
    a6 = next(p for p in generate_campaign(cfg, "measures", accepted=analyse(cfg)) if "附件6" in p.name and "教务处" in p.name)
    ids = [c.value for row in openpyxl.load_workbook(a6)["附件6"].iter_rows() for c in row
           if isinstance(c.value, str) and c.value.startswith("JWC-B")]

    def send(name: str, key_link: str, deadline: str, procedure: str) -> None:
        fill(a6, workdir / f"inbox/{name}", header={"填表日期": "2023-04-20" if "1" in name else "2023-04-25"},
             by_risk_id={i: {"关键环节": key_link, "防控措施": f"措施{i}", "工作程序": f"{procedure}{i}", "完成时限": deadline}
                         for i in ids},
             rows=[{"风险编号": ids[0], "关键环节": key_link, "防控措施": "第二条措施", "工作程序": f"{procedure}二",
                    "完成时限": deadline}])

    send("教务处_措施1.xlsx", "执行", "2023年5月", "程序")
    merge(cfg)
    send("教务处_措施2.xlsx", "监督检查", "2023年6月", "流程")
    merge(cfg)
    changes = _full_changes(workdir / "outbox/廉政风险目录.xlsx")
    got = {(c["风险编号"], c["项目"]): (c["变化前"], c["变化后"]) for c in changes}
    assert {c["变化"] for c in changes} == {"措施变化"}
    assert got[(ids[0], "关键环节")] == ("执行", "监督检查") and got[(ids[1], "完成时限")] == ("2023年5月", "2023年6月")
    first = next(c for c in changes if (c["风险编号"], c["项目"]) == (ids[0], "工作程序"))
    ws = openpyxl.load_workbook(workdir / "inbox/教务处_措施2.xlsx")["附件6"]
    cells = [p.split("!")[1] for p in first["来源位置"].split("；")]
    assert [ws[c].value for c in cells] == [f"流程{ids[0]}", "流程二"]
    # a 关键环节 or 完成时限 change names that item's cell (it named the 防控措施 cell of the row)
    for c in changes:
        if c["项目"] in ("关键环节", "完成时限"):
            assert {ws[p.split("!")[1]].value for p in c["来源位置"].split("；")} == {c["变化后"]}, c


def test_a_new_leader_in_the_roster_is_a_supervision_change(cfg, workdir):
    """The roster names another 分管领导 for 教务处 between two rounds: every 教务处 risk whose 直接管理 or 监督负责
    follows from it is listed (监管变化, before and after); 变化 said “没有变化”."""
    from formkit.config import load_config
    from formkit.workspace import write_roster
    from tests.conftest import DEPARTMENTS, STAFF

    fill_risk_stage(cfg, workdir / "inbox")
    before = {r["风险编号"]: (r["直接管理"], r["监督负责"]) for r in merge(cfg).analysis.catalogue}
    write_roster(workdir / "名册.xlsx", [(*d[:4], "孙副院长" if d[0] == "JWC" else d[4], d[5]) for d in DEPARTMENTS], STAFF)
    result = merge(load_config(workdir))
    after = {r["风险编号"]: (r["直接管理"], r["监督负责"]) for r in result.analysis.catalogue}
    moved = {rid for rid in after if after[rid] != before[rid]}
    assert moved and all(rid.startswith("JWC-") for rid in moved)
    changes = _full_changes(workdir / "outbox/廉政风险目录.xlsx")
    assert {c["变化"] for c in changes} == {"监管变化"} and {c["风险编号"] for c in changes} == moved
    assert all("孙副院长" in c["变化后"] and "刘副院长" in c["变化前"] for c in changes)
    assert result.report["changes"]["counts"] == {"监管变化": len(moved)}


def test_a_department_merged_into_another_says_who_manages_its_risks_now(cfg, workdir):
    """机电工程系 folded into 教务处: besides 部门变化, its 三级 risk's 直接管理 (陈立 → 王芳) is listed as 监管变化 (it was
    left out whenever the department changed)."""
    from formkit.config import load_config
    from formkit.workspace import write_roster
    from tests.conftest import DEPARTMENTS, STAFF

    fill_risk_stage(cfg, workdir / "inbox")
    fill(next(p for p in generate_campaign(cfg) if "附件4" in p.name and "机电工程系" in p.name),
         workdir / "inbox/机电附件4.xlsx", rows=[{"岗位(环节)": "实训", "风险类别": "岗位职责", "风险点": "实训耗材私用",
                                                 "主要表现形式": "带走耗材", "风险等级": "三级", "涉及“三重一大”": "否"}])
    merge(cfg)
    departments = [(*d[:5], d[5] + 1, "机电工程系") if d[0] == "JWC" else d for d in DEPARTMENTS if d[0] != "JDX"]
    write_roster(workdir / "名册.xlsx", departments, [(s[0], s[1], "JWC" if s[2] == "JDX" else s[2], *s[3:]) for s in STAFF])
    merge(load_config(workdir))
    changes = {(c["变化"], c["项目"], c["变化前"], c["变化后"]) for c in _full_changes(workdir / "outbox/廉政风险目录.xlsx")
               if c["风险编号"] == "JDX-B01"}
    assert ("部门变化", "部门", "机电工程系", "教务处") in changes
    assert ("监管变化", "直接管理", "陈立", "王芳") in changes


def test_measures_of_a_returned_re_sent_measure_form_wait_for_the_correction(cfg, workdir):
    """张伟's 附件5 accepted, then re-sent with a mistyped 风险编号 in an added row (returned): his measures leave the
    catalogue until the correction, and 变化 says 退回待改 at the re-sent form's rows (it said 措施变化 to nothing and
    named his 附件3)."""
    from formkit.pipeline import analyse

    fill_risk_stage(cfg, workdir / "inbox")
    a5 = next(p for p in generate_campaign(cfg, "measures", accepted=analyse(cfg)) if "附件5" in p.name and "张伟" in p.name)
    answers = {"JWC-0012-01": {"防控措施": "双人复核", "完成时限": "长期"}, "JWC-0012-02": {"防控措施": "拒绝宴请", "完成时限": "长期"}}
    fill(a5, workdir / "inbox/张伟_措施.xlsx", header={"填表日期": "2023-04-10"}, by_risk_id=answers)
    merge(cfg)
    fill(a5, workdir / "inbox/张伟_措施_修改.xlsx", header={"填表日期": "2023-04-20"}, by_risk_id=answers,
         rows=[{"风险编号": "JWC-0012-09", "防控措施": "另一条措施"}])
    result = merge(cfg)
    assert {r.path: r.status for r in result.analysis.inputs}["inbox/张伟_措施_修改.xlsx"] == "returned"
    changes = _full_changes(workdir / "outbox/廉政风险目录.xlsx")
    assert {(c["变化"], c["风险编号"], c["项目"]) for c in changes} == {
        ("退回待改", rid, item) for rid in answers for item in ("防控措施", "完成时限")}
    ws = openpyxl.load_workbook(workdir / "inbox/张伟_措施_修改.xlsx")["附件5"]
    for c in changes:      # each at its item's cell (完成时限 named the 防控措施 cell)
        assert c["来源文件"] == "inbox/张伟_措施_修改.xlsx"
        assert ws[c["来源位置"].split("!")[1]].value == answers[c["风险编号"]][c["项目"]]
    # the correction (one measure changed): the measures back, 改正后接收, each beside what was accepted before the
    # returned form (they were listed as 措施变化 from nothing, as if new; then with 变化前 empty)
    (workdir / "inbox/张伟_措施_修改.xlsx").unlink()
    fixed = {**answers, "JWC-0012-01": {**answers["JWC-0012-01"], "防控措施": "双人复核并登记"}}
    fill(a5, workdir / "inbox/张伟_措施_改正.xlsx", header={"填表日期": "2023-04-25"}, by_risk_id=fixed)
    merge(cfg)
    changes = _full_changes(workdir / "outbox/廉政风险目录.xlsx")
    assert {(c["变化"], c["风险编号"], c["项目"], c["变化前"], c["变化后"]) for c in changes} == {
        ("改正后接收", rid, item, answers[rid][item], fixed[rid][item]) for rid in answers for item in ("防控措施", "完成时限")}


def test_a_risk_whose_row_a_returned_measure_form_deleted_waits_too(cfg, workdir):
    """张伟's 附件5 accepted; re-sent with JWC-0012-02's pre-filled row deleted (returned: risk-without-measure): both
    risks' measures wait for the correction (退回待改), the one whose row is gone at the cell it is to be put back (it was
    措施变化 to nothing, from his 附件3, beside the other's 退回待改)."""
    from formkit.pipeline import analyse
    from tests.helpers import form_sheet, table_header_row

    fill_risk_stage(cfg, workdir / "inbox")
    a5 = next(p for p in generate_campaign(cfg, "measures", accepted=analyse(cfg)) if "附件5" in p.name and "张伟" in p.name)
    answers = {"JWC-0012-01": {"防控措施": "双人复核", "完成时限": "长期"}, "JWC-0012-02": {"防控措施": "拒绝宴请", "完成时限": "长期"}}
    fill(a5, workdir / "inbox/张伟_措施.xlsx", header={"填表日期": "2023-04-10"}, by_risk_id=answers)
    merge(cfg)
    v2 = fill(a5, workdir / "张伟_措施_修改.xlsx", header={"填表日期": "2023-04-20"},
              by_risk_id={"JWC-0012-01": answers["JWC-0012-01"]})
    wb = openpyxl.load_workbook(v2)
    ws = form_sheet(wb)
    hr, cols = table_header_row(ws, ["风险编号"])
    ws.delete_rows(next(r for r in range(hr + 1, ws.max_row + 1) if ws.cell(r, cols["风险编号"]).value == "JWC-0012-02"))
    wb.save(workdir / "inbox/张伟_措施_修改.xlsx")
    result = merge(cfg)
    assert {r.path: r.status for r in result.analysis.inputs}["inbox/张伟_措施_修改.xlsx"] == "returned"
    changes = _full_changes(workdir / "outbox/廉政风险目录.xlsx")
    assert {(c["变化"], c["风险编号"], c["项目"]) for c in changes} == {
        ("退回待改", rid, item) for rid in answers for item in ("防控措施", "完成时限")}
    assert {c["来源文件"] for c in changes} == {"inbox/张伟_措施_修改.xlsx"}


@pytest.mark.parametrize("cache", ["kept", "deleted"])
def test_a_risk_left_out_of_a_returned_form_is_deleted_only_when_its_correction_leaves_it_out(cfg, workdir, cache):
    """张伟 re-sends his 附件3 without JWC-0012-01 and with a wrong level (returned): both risks are 退回待改, none 删除 (a
    returned form decides nothing); his correction, also without it, is accepted: then JWC-0012-01 is 删除, and
    JWC-0012-02 改正后接收 — also when the cache under outbox/ was deleted between the rounds (read from the workbook)."""
    inbox = workdir / "inbox"
    fill_risk_stage(cfg, inbox)
    merge(cfg)
    form = next(p for p in generate_campaign(cfg) if "附件3" in p.name and "张伟" in p.name)
    kept = {"风险类别": "思想道德", "风险点": "接受学生家长宴请", "主要表现形式": "吃请收礼", "风险等级": "三级"}
    fill(form, inbox / "张伟_2.xlsx", header={"填表日期": "2023-03-20"}, rows=[{**kept, "风险等级": "很高"}])
    merge(cfg)
    assert {(c["变化"], c["风险编号"]) for c in _full_changes(workdir / "outbox/廉政风险目录.xlsx")} == {
        ("退回待改", "JWC-0012-01"), ("退回待改", "JWC-0012-02")}
    if cache == "deleted":
        (workdir / "outbox/.formkit-cache.sqlite").unlink()
    fill(form, inbox / "张伟_3.xlsx", header={"填表日期": "2023-03-22"}, rows=[kept])
    merge(cfg)
    assert {(c["变化"], c["风险编号"]) for c in _full_changes(workdir / "outbox/廉政风险目录.xlsx")} == {
        ("删除", "JWC-0012-01"), ("改正后接收", "JWC-0012-02")}


def test_a_risk_still_waiting_after_a_round_in_between_is_still_known_to_wait(cfg, workdir):
    """张伟's re-sent 附件3 returned (退回待改), then a round for someone else's form while his correction is still
    awaited, then his correction (leaving JWC-0012-01 out): 变化 says 退回待改 again in the round between, and 删除 /
    改正后接收 when the correction comes (the state was lost: the risks became 新增, the deletion unsaid)."""
    inbox = workdir / "inbox"
    fill_risk_stage(cfg, inbox)
    merge(cfg)
    paths = generate_campaign(cfg)
    form = next(p for p in paths if "附件3" in p.name and "张伟" in p.name)
    kept = {"风险类别": "思想道德", "风险点": "接受学生家长宴请", "主要表现形式": "吃请收礼", "风险等级": "三级"}
    fill(form, inbox / "张伟_2.xlsx", header={"填表日期": "2023-03-20"}, rows=[{**kept, "风险等级": "很高"}])
    merge(cfg)
    cw = next(p for p in paths if "附件4" in p.name and "财务处" in p.name)
    fill(cw, inbox / "财务处.xlsx", rows=[{"岗位(环节)": "出纳", "风险类别": "岗位职责", "风险点": "挪用公款",
                                           "风险等级": "一级", "涉及“三重一大”": "是"}])
    merge(cfg)
    assert {(c["变化"], c["风险编号"]) for c in _full_changes(workdir / "outbox/廉政风险目录.xlsx")} == {
        ("新增", "CWC-B01"), ("退回待改", "JWC-0012-01"), ("退回待改", "JWC-0012-02")}
    fill(form, inbox / "张伟_3.xlsx", header={"填表日期": "2023-03-22"}, rows=[kept])
    merge(cfg)
    assert {(c["变化"], c["风险编号"]) for c in _full_changes(workdir / "outbox/廉政风险目录.xlsx")} == {
        ("删除", "JWC-0012-01"), ("改正后接收", "JWC-0012-02")}


@pytest.mark.parametrize("cache", ["kept", "deleted"])
def test_a_baseline_edited_by_hand_is_said_in_the_changes_header(cfg, workdir, cache):
    """The coordinator raises a level in 廉政风险目录.xlsx and saves it; then a form comes. With the cache, 变化 compares
    with the rows as formkit wrote them, though its header named the edited copy; without it (formkit.toml or the
    roster edited, outbox/.formkit-cache.sqlite deleted), with the edited rows: the level raised by hand showed as a
    change nobody submitted, unsaid. The header says which."""
    inbox = workdir / "inbox"
    fill_risk_stage(cfg, inbox)
    merge(cfg)
    book = workdir / "outbox/廉政风险目录.xlsx"
    wb = openpyxl.load_workbook(book)
    ws = wb["风险目录"]
    level = next(j for j, c in enumerate(ws[1]) if c.value == "风险等级")
    ws.cell(2, level + 1).value = "一级" if ws.cell(2, level + 1).value != "一级" else "二级"
    wb.save(book)
    if cache == "deleted":
        (workdir / "outbox/.formkit-cache.sqlite").unlink()
    (inbox / "李娜.xlsx").unlink()
    merge(cfg)
    wb = openpyxl.load_workbook(book, read_only=True)
    header = wb["变化"]["A2"].value
    wb.close()
    assert "_已修改.xlsx（它在汇总后用其他程序保存过" in header
    assert ("按保存后的内容比较" if cache == "deleted" else "按汇总时写出的内容比较") in header
    changed = {kind for kind, *_ in _changes(book)}
    assert changed == ({"删除", "等级变化"} if cache == "deleted" else {"删除"})
