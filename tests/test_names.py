"""File and folder names made from what users type: long names, names that clash once made safe."""

from __future__ import annotations

import json

from formkit.config import load_config
from formkit.generate import NAME_BYTES, generate_campaign, safe_name
from formkit.merge import merge
from formkit.workspace import write_roster
from tests.conftest import STAFF
from tests.helpers import fill


def test_safe_name_cuts_long_names_apart():
    a, b = "部" * 80 + "甲", "部" * 80 + "乙"
    assert len(safe_name(a).encode()) <= NAME_BYTES and safe_name(a) != safe_name(b)
    assert safe_name(a).startswith("部" * 40) and safe_name(a)[-7] == "~"
    assert safe_name("招生/就业处") == "招生_就业处" and safe_name("结尾的点.") == "结尾的点"
    # a dot at the start: a hidden folder (the coordinator would not see the department's forms)
    assert safe_name(".财务处") == "财务处" and not safe_name("../../x").startswith(".")
    # names Windows reserves (in any case, with an extension too) cannot be created there
    assert [safe_name(n) for n in ("CON", "nul", "COM1", "AUX.教务", "Con ", "console", "教务COM1")] == \
        ["_CON", "_nul", "_COM1", "_AUX.教务", "_Con", "console", "教务COM1"]
    assert safe_name("短名") == "短名"


def test_long_and_clashing_department_names(workdir):
    """An 80-character department name, and three departments whose names come out the same once made safe:
    every department gets its own folder and every form is written (they used to overwrite each other)."""
    long_name = "继续教育学院" + "（社区教育学院、老年大学、职业技能培训与鉴定中心）" * 3
    departments = [("JWC", "教务处", "党政部门", "王芳", "刘副院长", 2),
                   ("LNG", long_name, "教学系部", "陈立", "刘副院长", 0),
                   ("A1", "招生/就业处", "党政部门", "甲", "刘副院长", 0),
                   ("A2", "招生_就业处", "党政部门", "乙", "刘副院长", 0),
                   ("A3", "招生:就业处", "党政部门", "丙", "刘副院长", 0)]
    write_roster(workdir / "名册.xlsx", departments, [s for s in STAFF if s[2] == "JWC"])
    cfg = load_config(workdir)
    paths = generate_campaign(cfg, "risks")
    assert len(set(paths)) == len(paths) and all(p.is_file() for p in paths)
    folders = {p.parent.name for p in paths if p.parent != cfg.outbox / "templates"}
    assert len({p.name for p in paths}) == len(paths)      # saved together in one inbox, none overwrites another
    assert {"招生_就业处_A1", "招生_就业处_A2", "招生_就业处_A3", "教务处"} <= folders
    assert all(len(part.encode()) <= 255 for p in paths for part in p.parts)
    # each of the clashing departments' 附件4 names its own department
    import openpyxl
    for code in ("A1", "A2", "A3"):
        p = next(p for p in paths if p.parent.name == f"招生_就业处_{code}" and p.name.startswith("附件4"))
        wb = openpyxl.load_workbook(p)
        assert wb.custom_doc_props["formkit.department"].value == code


def test_a_flawed_input_with_a_long_name_gets_its_feedback(workdir, cfg):
    """An 82-character file name: the feedback workbook's name is cut (the merge used to stop with a traceback)."""
    paths = generate_campaign(cfg, "risks")
    form = next(p for p in paths if "附件3" in p.name and "张伟" in p.name)
    name = "关于报送" + "教务处教务科科长张伟同志个人岗位廉政风险点自查情况的" * 3 + ".xlsx"
    assert len(name) >= 82 and len(name.encode()) <= 255
    fill(form, workdir / "inbox" / name, rows=[{"风险类别": "岗位职责", "风险点": "审批把关不严", "风险等级": "四级"}])
    result = merge(cfg)
    assert result.exit_code == 1
    report = json.loads((workdir / "outbox/report.json").read_text(encoding="utf-8"))
    assert [i["status"] for i in report["inputs"]] == ["returned"]
    feedback = list((workdir / "outbox/反馈").rglob("*_反馈.xlsx"))
    assert len(feedback) == 1 and len(feedback[0].name.encode()) <= 255 and feedback[0].name.startswith("关于报送")
    assert feedback[0].with_suffix(".eml").is_file()


def test_a_flawed_input_named_with_a_right_to_left_override_gets_a_plain_feedback_name(workdir, cfg):
    """U+202E in an inbox file's name (附件3_\u202excod.exe.xlsx shows as 附件3_xslx.exe.docx): the feedback workbook and
    its reply took it over, so the department was sent a file whose name lies about its kind."""
    import email
    from email import policy

    paths = generate_campaign(cfg, "risks")
    form = next(p for p in paths if "附件3" in p.name and "张伟" in p.name)
    fill(form, workdir / "inbox" / "附件3_\u202excod.exe.xlsx",
         rows=[{"风险类别": "岗位职责", "风险点": "审批把关不严", "风险等级": "四级"}])
    assert merge(cfg).exit_code == 1
    written = [p for p in (workdir / "outbox/反馈").rglob("*") if p.suffix in (".xlsx", ".eml")]
    assert len(written) == 2
    assert not any("\u202e" in p.name for p in written)
    mail = email.message_from_bytes(next(p for p in written if p.suffix == ".eml").read_bytes(), policy=policy.default)
    assert not any("\u202e" in (part.get_filename() or "") for part in mail.walk())


def test_no_personal_forms_owed_by_a_department_of_nobody(workdir):
    """应报人数 0: its personal forms are 无需报送 in 提交情况, not overdue, and no chase asks for them."""
    from formkit.submissions import grid

    departments = [("JWC", "教务处", "党政部门", "王芳", "刘副院长", 2), ("LXB", "离退休工作处", "党政部门", "孙立", "刘副院长", 0)]
    write_roster(workdir / "名册.xlsx", departments, [s for s in STAFF if s[2] == "JWC"])
    cfg = load_config(workdir)
    paths = generate_campaign(cfg, "risks")
    fill(next(p for p in paths if "附件3" in p.name and "张伟" in p.name), workdir / "inbox/张伟.xlsx",
         header={"填表日期": "2023-06-30"},          # after every deadline: whatever is missing is overdue
         rows=[{"风险类别": "岗位职责", "风险点": "审批把关不严", "风险等级": "二级"}])
    result = merge(cfg)
    by_code = {d.code: d for d in grid(result.analysis)}
    assert by_code["LXB"].personal["附件3"].state == "无需报送" and by_code["JWC"].personal["附件3"].state == "逾期"
    import openpyxl
    ws = openpyxl.load_workbook(workdir / "outbox/廉政风险目录.xlsx")["提交情况"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "0/0（无需报送）" in texts and "0/0（逾期）" not in texts
    leaders = next(row for row in ws.iter_rows(values_only=True) if row[0] == "附件1 领导小组名单")
    assert leaders[1] == "逾期"                                  # phase 1 ended long before, nothing came
    import email
    from email import policy

    bodies = {p.name: email.message_from_bytes(p.read_bytes(), policy=policy.default).get_body().get_content()
              for p in (workdir / "outbox").rglob("*_催报.eml")}
    assert "个人岗位风险点自查表" in bodies["教务处_催报.eml"]       # the check can see it where it is owed
    assert all("个人岗位风险点自查表" not in body for name, body in bodies.items() if "离退休" in name)


def test_outputs_follow_the_umask(workdir, cfg):
    """Every output can be opened by whoever may open the folder: the workbooks moved into place from a temporary
    file (0600) get the umask's permissions like the rest (the consolidated workbook used to stay 0600)."""
    import os
    import stat

    generate_campaign(cfg, "risks")
    merge(cfg)
    mask = os.umask(0)
    os.umask(mask)
    expected = 0o666 & ~mask
    modes = {p.relative_to(workdir).as_posix(): stat.S_IMODE(p.stat().st_mode)
             for p in (workdir / "outbox").rglob("*") if p.is_file() and not p.name.startswith(".")}
    assert "outbox/廉政风险目录.xlsx" in modes and "outbox/公示/廉政风险目录（公示）.html" in modes
    assert {k: v for k, v in modes.items() if v != expected} == {}


def _deep_folder(base, name: str, levels: int) -> int:
    """Folders `levels` deep under base (made through directory descriptors: the path outgrows PATH_MAX);
    returns a descriptor of the deepest."""
    import os

    fd = os.open(base, os.O_RDONLY)
    for _ in range(levels):
        os.mkdir(name, dir_fd=fd)
        deeper = os.open(name, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = deeper
    return fd


def test_folders_that_cannot_be_opened_are_reported_and_the_rest_merged(workdir, cfg, monkeypatch):
    """A folder without permission (as a read-only chmod leaves it) and a folder chain longer than the system's
    path limit: each is an input of its own, rejected as inbox-unreadable, with no feedback draft; the merge goes
    on with everything else (it used to stop with a traceback, or drop the folder silently)."""
    import os
    from pathlib import Path

    paths = generate_campaign(cfg, "risks")
    form = next(p for p in paths if "附件3" in p.name and "张伟" in p.name)
    fill(form, workdir / "inbox/张伟.xlsx", rows=[{"风险类别": "岗位职责", "风险点": "审批把关不严", "风险等级": "二级"}])
    for folder in ("noperm", "noaccess"):
        (workdir / "inbox" / folder).mkdir()
        fill(form, workdir / "inbox" / folder / "李娜.xlsx")
    fd = _deep_folder(workdir / "inbox", "教务处收表文件夹", 200)     # 200 × 25 bytes: over 4096
    with open(os.open("附件3.xlsx", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "wb") as fh:
        fh.write(form.read_bytes())
    os.close(fd)
    fill(form, workdir / "inbox/移走了.xlsx")
    real_scandir, real_is_symlink, real_stat = os.scandir, Path.is_symlink, Path.stat

    def gone(self, *a, **k):         # moved away while merge ran
        if self.name == "移走了.xlsx":
            raise FileNotFoundError(2, "No such file or directory", str(self))
        return real_stat(self, *a, **k)

    def scandir(path="."):          # tests run as root, whom permissions do not stop: refuse as the system would
        if str(path).endswith("noperm"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    def is_symlink(self):
        if self.name == "noaccess":
            raise PermissionError(13, "Permission denied", str(self))
        return real_is_symlink(self)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(Path, "is_symlink", is_symlink)
    monkeypatch.setattr(Path, "stat", gone)
    result = merge(cfg)
    report = json.loads((workdir / "outbox/report.json").read_text(encoding="utf-8"))
    by_path = {i["path"]: i for i in report["inputs"]}
    assert by_path["inbox/张伟.xlsx"]["status"] == "accepted"
    unreadable = {p: i["findings"][0] for p, i in by_path.items() if i["status"] == "rejected"}
    assert set(unreadable) >= {"inbox/noperm/", "inbox/noaccess/", "inbox/移走了.xlsx"} and len(unreadable) == 4, \
        sorted(by_path)
    # each cause with its own advice (a file moved away meanwhile was told to check its permissions)
    moved = unreadable.pop("inbox/移走了.xlsx")["message"]
    assert "被移走或删除" in moved and "不再变动" in moved and "权限" not in moved
    deep = next(p for p in unreadable if p.startswith("inbox/教务处收表文件夹/"))
    assert {f["code"] for f in unreadable.values()} == {"inbox-unreadable"}
    assert "没有读取权限" in unreadable["inbox/noperm/"]["message"] and "路径过长" in unreadable[deep]["message"]
    assert "权限" in unreadable["inbox/noperm/"]["message"] and "缩短" in unreadable[deep]["message"]
    assert result.exit_code == 1
    drafts = [p.name for p in (workdir / "outbox").rglob("*.eml")]
    assert not any("noperm" in d or "noaccess" in d or "教务处收表文件夹" in d for d in drafts), drafts


def test_generate_again_removes_forms_of_departments_and_people_gone(workdir):
    """The roster changed (a department removed, a person moved): forms generated for them before are removed
    (a coordinator sends each department its folder), the measures stage's forms are left to that stage."""
    from tests.conftest import DEPARTMENTS

    cfg = load_config(workdir)
    first = generate_campaign(cfg, "risks")
    measures = generate_campaign(cfg, "measures")
    assert any("财务处" in p.parts[-2] for p in first)
    moved = [s if s[1] != "李娜" else (s[0], s[1], "JDX", s[3], s[4]) for s in STAFF if s[2] != "CWC"]
    write_roster(workdir / "名册.xlsx", [d for d in DEPARTMENTS if d[0] != "CWC"], moved)
    removed: list = []
    again = generate_campaign(load_config(workdir), "risks", removed=removed)
    templates = workdir / "outbox/templates"
    assert {p.name[:3] for p in (templates / "财务处").iterdir()} == {"附件5", "附件6"}   # the other stage's
    generate_campaign(load_config(workdir), "measures", removed=removed)
    assert not (templates / "财务处").exists()
    assert not list((templates / "教务处").glob("附件3_*李娜*")) and list((templates / "机电工程系").glob("附件3_*李娜*"))
    assert {p.name for p in removed} >= {p.name for p in first if "财务处" in p.parts[-2] or "李娜" in p.name} - \
        {p.name for p in again}
    assert all(p.is_file() for p in again)
    assert all(p.is_file() for p in measures if "财务处" not in p.parts[-2] and "李娜" not in p.name)


def test_a_departments_form_for_anyone_in_it_helps_with_its_name_and_number(workdir):
    """No staff list: the 附件3 for anyone in the department has 姓名 and 工号 to type (not pre-filled); their cells had
    no input help, where every other cell to fill has one. A person's own form keeps them locked, no help."""
    import openpyxl

    write_roster(workdir / "名册.xlsx", [("CWC", "财务处", "党政部门", "赵强", "张副院长", 5)], [])
    blank = next(p for p in generate_campaign(load_config(workdir), "risks") if p.name.startswith("附件3"))
    ws = openpyxl.load_workbook(blank).worksheets[0]
    for label, says in (("姓名", "本人姓名"), ("工号", "本人工号")):
        cell = next(c for row in ws.iter_rows() for c in row if c.value == label).offset(column=1).coordinate
        assert any(cell in dv.sqref and says in (dv.prompt or "") for dv in ws.data_validations.dataValidation), label


def test_a_department_without_staff_list_keeps_its_blank_measure_form(workdir):
    """No staff list: once one person's 附件3 is accepted, the measures stage writes his pre-filled 附件5 and
    still the department's blank one for everybody else."""
    from formkit.pipeline import analyse

    departments = [("CWC", "财务处", "党政部门", "赵强", "张副院长", 5)]
    write_roster(workdir / "名册.xlsx", departments, [])
    cfg = load_config(workdir)
    blank = next(p for p in generate_campaign(cfg, "risks") if p.name.startswith("附件3"))
    fill(blank, workdir / "inbox/孙某.xlsx", header={"姓名": "孙某", "岗位": "会计", "职务层级": "一般干部"},
         rows=[{"风险类别": "岗位职责", "风险点": "报销审核把关不严", "风险等级": "二级"}])
    names = sorted(p.name for p in generate_campaign(cfg, "measures", accepted=analyse(cfg)) if p.name.startswith("附件5"))
    assert len(names) == 2 and any("本部门人员通用" in n for n in names) and any("孙某" in n for n in names), names


def test_personal_forms_all_in_but_some_late(workdir, cfg):
    """Both people of 教务处 returned 附件3, one after the deadline: 已报, and the sheet says some came late."""
    paths = generate_campaign(cfg, "risks")
    for name, day in (("张伟", "2023-03-20"), ("李娜", "2023-04-03")):
        fill(next(p for p in paths if "附件3" in p.name and name in p.name), workdir / f"inbox/{name}.xlsx",
             header={"填表日期": day}, rows=[{"风险类别": "岗位职责", "风险点": f"{name}的风险", "风险等级": "二级"}])
    merge(cfg)
    import openpyxl

    ws = openpyxl.load_workbook(workdir / "outbox/廉政风险目录.xlsx")["提交情况"]
    row = next(r for r in ws.iter_rows(values_only=True) if r[0] == "教务处")
    assert row[4] == "2/2（已报，有逾期）"


def test_updates_duplicates_and_departments_without_staff_are_no_problem(workdir):
    """A department form sent on time and updated after the deadline is not late; a resend (superseded) and a
    byte-identical copy (duplicate) leave the exit code 0 (1 is for returned or rejected inputs); a form from a
    department without a staff list gets no person-unknown."""
    import shutil

    departments = [("JWC", "教务处", "党政部门", "王芳", "刘副院长", 2), ("JDX", "机电工程系", "教学系部", "陈立", "刘副院长", 1)]
    write_roster(workdir / "名册.xlsx", departments, [s for s in STAFF if s[2] == "JWC"])
    cfg = load_config(workdir)
    paths = generate_campaign(cfg, "risks")
    row = {"岗位(环节)": "考务", "关联权力事项": "考试管理", "风险类别": "业务流程", "风险点": "泄露考试试题",
           "主要表现形式": "考前透露题目", "风险等级": "二级", "涉及“三重一大”": "否", "责任人": "李娜"}
    a4 = next(p for p in paths if p.name.startswith("附件4") and "教务处" in p.name)
    fill(a4, workdir / "inbox/教务处风险点.xlsx", header={"填表日期": "2023-03-20"}, rows=[row])
    fill(a4, workdir / "inbox/教务处风险点_补充.xlsx", header={"填表日期": "2023-04-08"},
         rows=[row, {**row, "风险点": "阅卷不公"}])
    shutil.copyfile(workdir / "inbox/教务处风险点.xlsx", workdir / "inbox/教务处风险点_副本.xlsx")
    generic = next(p for p in paths if p.name.startswith("附件3") and "机电工程系" in p.name)
    fill(generic, workdir / "inbox/陈一.xlsx", header={"姓名": "陈一", "岗位": "专任教师", "职务层级": "专任教师"},
         rows=[{"风险类别": "岗位职责", "风险点": "实训耗材管理不严", "风险等级": "三级"}])
    result = merge(cfg)
    assert sorted(r.status for r in result.analysis.inputs) == ["accepted", "accepted", "duplicate", "superseded"]
    assert result.exit_code == 0
    chen = next(r for r in result.analysis.inputs if r.path == "inbox/陈一.xlsx")
    assert "person-unknown" not in {f.code for f in chen.findings}
    from formkit.submissions import grid

    cell = next(d for d in grid(result.analysis) if d.code == "JWC").forms["附件4"]
    assert (cell.state, cell.late) == ("已报", False)      # first sent on 03-20, before the 03-31 deadline


def test_generate_one_department_by_code_in_any_case_or_by_name(workdir):
    """--department cwc and --department 财务处 are the same department as CWC (a coordinator types what she sees)."""
    import pytest

    from formkit.config import ConfigError

    cfg = load_config(workdir)
    for given in (["cwc"], ["财务处"], ["CWC", "财务处"]):
        paths = generate_campaign(cfg, "risks", departments=given)
        assert paths and {p.parent.name for p in paths} == {"财务处"}, given
    with pytest.raises(ConfigError, match="可用的代码"):
        generate_campaign(cfg, "risks", departments=["后勤处"])


def test_instructions_are_numbered_in_order_and_fit_the_form(workdir):
    """填表说明: sections numbered 一、二、三… without a gap on every form (附件1/2 have no level section); the
    coordinator's own 附件1 is not told to mail itself to the office, and its sign-off is its 审核人."""
    import re

    import openpyxl

    zh = "一二三四五六七八九十"
    for path in generate_campaign(load_config(workdir)):
        lines = [row[0] for row in openpyxl.load_workbook(path)["填表说明"].iter_rows(values_only=True) if row[0]]
        numbers = [m[1] for line in lines if (m := re.match(r"([一二三四五六七八九十])、", str(line)))]
        assert numbers == list(zh[:len(numbers)]) and len(numbers) >= 5, (path.name, numbers)
        body = "\n".join(map(str, lines))
        if "附件1" in path.name:
            assert "电子邮件" not in body and "审核人" in body, body
        # what the staff read names the office, not the tool (a clerk has never heard of it)
        assert "formkit" not in body and "领导小组办公室下发" in body, body
        if "本部门人员通用" in path.name:          # one copy of the file each (it only said "do not copy")
            assert "每人把本文件复制一份" in body, body


def test_a_blank_measure_form_says_what_to_fill_in(workdir):
    """A 附件5/附件6 generated before any risk was accepted has no pre-filled rows: its instructions say to write the
    risks registered in 附件3/附件4 (they said the risks were pre-filled, and staff looked for rows that were not
    there)."""
    import openpyxl

    from formkit.pipeline import analyse

    cfg = load_config(workdir)
    paths = generate_campaign(cfg, "measures", accepted=analyse(cfg))
    for path in (p for p in paths if "附件5" in p.name or "附件6" in p.name):
        wb = openpyxl.load_workbook(path)
        body = "\n".join(str(r[0]) for r in wb["填表说明"].iter_rows(values_only=True) if r[0])
        assert "已预先填好" not in body and "表中没有预填" in body, body
        assert "formkit" not in (wb.properties.description or "")


def test_a_department_that_owes_no_personal_form_gets_none(workdir):
    """应报人数 0 and nobody in the staff list (a department of one office, say): no 本部门人员通用 附件3 (it showed
    as 1/0 in 提交情况 once someone filled it); its department forms as usual."""
    from formkit.workspace import write_roster
    from tests.conftest import DEPARTMENTS, STAFF

    write_roster(workdir / "名册.xlsx", [*DEPARTMENTS, ("DWB", "党委办公室", "党政部门", "孙明", "周校长", 0)], STAFF)
    names = [p.name for p in generate_campaign(load_config(workdir)) if "党委办公室" in p.as_posix()]
    assert sorted(n.split("_")[0] for n in names) == ["附件2", "附件4"]


def test_a_roster_name_with_a_bracketed_note_is_that_person(workdir):
    """The roster tells a namesake apart as 王芳（女）, and generate pre-fills that: her untouched form was returned as
    person-not-listed (the note was taken off her name, and 王芳 is on no list), asking her to write what was there."""
    from tests.conftest import DEPARTMENTS

    write_roster(workdir / "名册.xlsx", DEPARTMENTS, [*STAFF, ("0014", "王芳（女）", "JWC", "教务员", "一般干部")])
    cfg = load_config(workdir)
    form = next(p for p in generate_campaign(cfg, "risks") if "附件3" in p.name and "王芳" in p.name)
    fill(form, workdir / "inbox/王芳.xlsx", header={"填表日期": "2023-03-12"},
         rows=[{"风险类别": "岗位职责", "风险点": "考务泄密", "风险等级": "二级"}])
    result = merge(cfg)
    (res,) = result.analysis.inputs
    assert res.status == "accepted", [(f.code, f.cell) for f in res.findings]
    assert [r["姓名"] for r in result.analysis.catalogue] == ["王芳（女）"]
