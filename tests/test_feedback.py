"""What goes back to submitters: feedback workbooks and reply drafts for flawed inputs, the correction loop
(fix the feedback workbook, send it back, it supersedes the flawed one), chase drafts, rejected inputs."""

from __future__ import annotations

import base64
import dataclasses
import email
import hashlib
import json
import re
import shutil
import zipfile
from datetime import date, datetime
from email import policy
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from formkit import identity as ident_mod
from formkit.generate import generate_campaign
from formkit.merge import merge
from formkit.pipeline import analyse
from tests import hostile
from tests.conftest import libreoffice_convert
from tests.helpers import fill, form_sheet, table_header_row
from tests.test_roundtrip import _find, fill_risk_stage

FLAWED = "inbox/财务处风险点.xlsx"
FEEDBACK = "outbox/反馈/财务处/财务处风险点_反馈.xlsx"
YELLOW = "FFFFFF00"
A4_LABELS = ["序号", "岗位(环节)", "关联权力事项", "风险类别", "风险点", "主要表现形式", "风险等级", "涉及“三重一大”", "责任人",
             "备注"]
CORRECTIONS = {("风险等级", "四级"): "二级", ("风险等级", "高"): "一级", ("风险点", None): "报销审核把关不严"}


def setup_inbox(cfg, root: Path) -> None:
    """财务处 sends a flawed 附件4, 机电工程系 everything due in phase 2, 教务处 nothing; plus one corrupt file."""
    inbox = root / "inbox"
    paths = generate_campaign(cfg, "risks")
    fill(_find(paths, "附件4", "财务处"), root / FLAWED, header={"填表日期": "2023-03-10"}, rows=[
        {"岗位(环节)": "出纳", "风险类别": "岗位职责", "风险点": "挪用公款", "主要表现形式": "私自转账",
         "风险等级": "四级", "责任人": "刘洋"},                                     # invalid level
        {"岗位(环节)": "会计", "风险类别": "业务流程", "风险点": "", "主要表现形式": "虚假报销",
         "风险等级": "二级", "责任人": "王磊"},                                     # required cell left empty
        {"岗位(环节)": "采购", "风险类别": "业务流程", "风险点": "采购中收受回扣", "主要表现形式": "指定供应商",
         "风险等级": "高", "责任人": "赵强"},                                       # a synonym: read as 一级, warned
    ])
    fill(_find(paths, "附件2", "机电工程系"), inbox / "机电权力清单.xlsx",
         header={"填报人": "陈立", "填报日期": "2023-03-05"}, rows=[
             {"权力事项": "实训设备采购", "权力类别": "执行", "职权依据": "采购管理办法", "行使岗位": "实训室",
              "涉及“三重一大”": "否"}])
    fill(_find(paths, "附件4", "机电工程系"), inbox / "机电风险点.xlsx", header={"填表日期": "2023-03-06"}, rows=[
        {"岗位(环节)": "实训室", "关联权力事项": "实训设备采购", "风险类别": "业务流程", "风险点": "设备验收走过场",
         "主要表现形式": "不按合同验收", "风险等级": "二级", "涉及“三重一大”": "否", "责任人": "陈立"}])
    fill(_find(paths, "附件3", "陈静"), inbox / "陈静.xlsx", header={"填表日期": "2023-03-07"}, rows=[
        {"风险类别": "岗位职责", "风险点": "学生成绩评定不公", "主要表现形式": "人情分", "风险等级": "三级"}])
    (inbox / "损坏的表.xlsx").write_bytes(b"PK\x03\x04" + b"\x00garbage" * 40)


def inputs(root: Path) -> dict[str, dict]:
    report = json.loads((root / "outbox/report.json").read_text(encoding="utf-8"))
    return {i["path"]: i for i in report["inputs"]}


def table_rows(path: Path) -> list[dict]:
    """The non-empty table rows of a form (label → value), read with openpyxl."""
    ws = form_sheet(openpyxl.load_workbook(path))
    hr, cols = table_header_row(ws, A4_LABELS)
    out = []
    for r in range(hr + 1, hr + 40):
        row = {label: ws.cell(row=r, column=c).value for label, c in cols.items() if label != "序号"}
        if row["风险类别"] or row["主要表现形式"]:      # (the sign-off labels below sit in the same columns)
            out.append({k: v for k, v in row.items() if v not in (None, "")})
    return out


def links(wb) -> list[tuple[str, str, str]]:
    """(sheet, cell, message) of every row of 问题说明 that links to a cell."""
    ws = wb["问题说明"]
    out = []
    for row in ws.iter_rows(min_row=1):
        for cell in row:
            link = cell.hyperlink
            if link is None:
                continue
            where = link.location or (link.target or "").lstrip("#")
            m = re.fullmatch(r"'?(.+?)'?!\$?([A-Z]+)\$?(\d+)", where)
            assert m, where
            out.append((m[1], f"{m[2]}{m[3]}", ws.cell(row=cell.row, column=6).value))
    return out


def read_eml(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)


def identity_of(path: Path):
    """(custom properties, _meta sheet) carriers of a workbook; the defined name must agree with the properties."""
    with zipfile.ZipFile(path) as zf:
        props, name = ident_mod.from_custom_properties(zf), ident_mod.from_defined_name(zf)
    assert name == props, path.name
    meta = ident_mod.from_meta_rows([list(r) for r in openpyxl.load_workbook(path)["_meta"].iter_rows(values_only=True)])
    return props, meta


# -- the feedback workbook and its mail ---------------------------------------------------------------------


def test_flawed_form_gets_a_feedback_workbook_and_mail(cfg, workdir):
    setup_inbox(cfg, workdir)
    result = merge(cfg)
    flawed = inputs(workdir)[FLAWED]
    assert flawed["status"] == "returned"
    shown = [f for f in flawed["findings"] if f["severity"] in ("error", "warning")]
    assert {f["code"] for f in shown} == {"invalid-level", "required", "level-normalised"}
    path = workdir / FEEDBACK
    assert path.is_file() and FEEDBACK in result.outputs["feedback"]

    # a fresh copy of the same form, with the same identity
    props, meta = identity_of(path)
    sent_props, sent_meta = identity_of(workdir / FLAWED)
    sent_sha = hashlib.sha256((workdir / FLAWED).read_bytes()).hexdigest()
    # the same identity, plus which submission it corrects (so the corrected file supersedes it)
    assert props == dataclasses.replace(sent_props, corrects=sent_sha[:16])
    assert meta == dataclasses.replace(sent_meta, corrects=sent_sha[:16])
    assert (props.form, props.department) == ("附件4", "CWC")
    wb = openpyxl.load_workbook(path)
    assert wb["_meta"].sheet_state == "veryHidden"
    assert [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"] == ["附件4", "填表说明", "问题说明"]
    # the submitter's own values, as they wrote them (四级 and 高 are not "corrected" behind their back)
    assert table_rows(path) == table_rows(workdir / FLAWED)
    assert [r["风险等级"] for r in table_rows(path)] == ["四级", "二级", "高"]

    # every error and warning: listed in 问题说明, linked to its cell, which is yellow and commented
    ws = wb["附件4"]
    listed = links(wb)
    assert sorted(m for _, _, m in listed) == sorted(f["message"] for f in shown)
    assert {(s, c) for s, c, _ in listed} == {("附件4", f["cell"]) for f in shown}   # same layout as sent
    for sheet, ref, message in listed:
        cell = wb[sheet][ref]
        assert cell.fill.fgColor.rgb == YELLOW, ref
        assert cell.comment is not None and message in cell.comment.text, ref
    flagged = {ref for _, ref, _ in listed}
    for row in ws.iter_rows(min_row=8, max_row=10):
        for cell in row:
            if cell.coordinate not in flagged:
                assert cell.fill.fgColor.rgb != YELLOW and cell.comment is None, cell.coordinate

    # the reply draft beside it
    eml = path.with_suffix(".eml")
    assert eml.is_file()
    msg = read_eml(eml)
    assert re.search(r"[\u4e00-\u9fff]", msg["Subject"]) and "附件4" in msg["Subject"]
    body = msg.get_body(("plain",)).get_content()
    assert cfg.deadline(2).isoformat() in body
    for f in shown:
        assert f["message"] in body
    assert sorted(re.findall(r"(附件4)!([A-Z]+\d+)（", body)) == sorted((s, c) for s, c, _ in listed)
    assert f"单元格位置指附件《{path.name}》中的位置" in body        # not the sender's own file, which may differ
    attachments = list(msg.iter_attachments())
    assert [a.get_filename() for a in attachments] == [path.name]
    assert attachments[0].get_content() == path.read_bytes()
    assert attachments[0].get_content_type() == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    # as Outlook reads it: the name also on Content-Type (RFC 2047; Outlook showed "untitled attachment" for a Chinese
    # name given only per RFC 2231), and lines ended CRLF (an LF-only .eml is shown wrongly)
    from email.header import decode_header, make_header

    assert str(make_header(decode_header(attachments[0].get_param("name")))) == path.name
    raw = eml.read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n") > 20

    # nothing for the clean inputs
    for name in ("机电权力清单", "机电风险点", "陈静"):
        assert inputs(workdir)[f"inbox/{name}.xlsx"]["status"] == "accepted"
        assert not list((workdir / "outbox/反馈").rglob(f"{name}_反馈.*"))


def test_a_long_latin_file_name_gives_a_feedback_path_excel_opens_on_windows(cfg, workdir):
    """A foreign teacher's form under a long English file name, in a department of a 50-character name: its feedback
    workbook's full path on the coordinator's desktop was 238 characters (names were cut at 150 bytes: 50 Chinese
    characters but 150 Latin ones), and Excel refuses a path over 218; nor is the person's name added twice."""
    d = cfg.roster.departments["JWC"]
    cfg.roster.departments["JWC"] = dataclasses.replace(d, name="马克思主义学院思想政治理论课教学研究部" * 3)
    name = "2023_Integrity_Risk_Prevention_Personal_Post_Risk_Self-Check_Form_Attachment3_Zhang_Wei_final_v3.xlsx"
    fill(_find(generate_campaign(cfg), "附件3", "张伟"), workdir / "inbox" / name, header={"填表日期": "2023-03-12"},
         rows=[{"风险类别": "岗位职责", "风险点": "成绩修改审批把关不严", "主要表现形式": "违规改分", "风险等级": "很高"}])
    merge(cfg)
    (xlsx,) = (workdir / "outbox/反馈").rglob("*_反馈.xlsx")
    desktop = "C:\\Users\\某某\\Desktop\\2023廉政风险防控\\"
    for path in (xlsx, xlsx.with_suffix(".eml")):
        assert path.is_file()
        assert len(desktop + str(path.relative_to(workdir)).replace("/", "\\")) <= 218, path
    assert xlsx.name.count("Zhang") + xlsx.name.count("张伟") == 1, xlsx.name
    # sent back as it is (the error still in it): its feedback keeps its name (cut again, it took a new tag each round)
    wb = openpyxl.load_workbook(xlsx)
    cell = next(c for row in form_sheet(wb).iter_rows() for c in row if c.value == "很高")
    cell.value = "特高"                 # (changed, and still wrong)
    wb.save(workdir / "inbox" / xlsx.name)
    merge(cfg)
    assert [p.name for p in (workdir / "outbox/反馈").rglob("*_反馈.xlsx")] == [xlsx.name]


def test_a_column_the_submitter_added_comes_back_in_the_feedback(cfg, workdir):
    """The submitter's own column (内部编号, inserted after the table) is not merged, but the feedback workbook,
    which they fix and send back, keeps it: nothing they typed is lost, and it reads back the same."""
    setup_inbox(cfg, workdir)
    wb = openpyxl.load_workbook(workdir / FLAWED)
    ws = form_sheet(wb)
    hr, cols = table_header_row(ws, A4_LABELS)
    extra = max(cols.values()) + 1
    ws.cell(hr, extra, "内部编号")
    for i in range(3):
        ws.cell(hr + 1 + i, extra, f"K{i + 1}")
    wb.save(workdir / FLAWED)
    merge(cfg)
    assert "column-extra" in {f["code"] for f in inputs(workdir)[FLAWED]["findings"]}
    back = form_sheet(openpyxl.load_workbook(workdir / FEEDBACK))
    hr2, cols2 = table_header_row(back, A4_LABELS + ["内部编号"])
    col = cols2["内部编号"]
    assert col > max(c for label, c in cols2.items() if label != "内部编号")
    assert [back.cell(hr2 + 1 + i, col).value for i in range(3)] == ["K1", "K2", "K3"]
    assert back.cell(hr2, col).comment is not None and "未汇总" in back.cell(hr2, col).comment.text
    # the other columns as sent
    assert table_rows(workdir / FEEDBACK) == table_rows(workdir / FLAWED)


def test_the_submitters_remarks_under_the_table_come_back_in_the_feedback(cfg, workdir):
    """Lines typed under the table (a remark, words in 序号) are said, not merged; the feedback workbook that the
    submitter fixes and sends back keeps them under the form, as typed, and they read back the same (said again,
    not a risk row)."""
    setup_inbox(cfg, workdir)
    wb = openpyxl.load_workbook(workdir / FLAWED)
    ws = form_sheet(wb)
    hr, cols = table_header_row(ws, A4_LABELS)
    ws.cell(hr + 5, cols["风险点"], "以上风险点经科室集体讨论确定。")
    ws.cell(hr + 6, cols["序号"], "合计：共 3 项")
    wb.save(workdir / FLAWED)
    merge(cfg)
    said = [f["value"] for f in inputs(workdir)[FLAWED]["findings"] if f["code"] == "row-not-read"]
    assert said == ["以上风险点经科室集体讨论确定。", "合计：共 3 项"]
    back = form_sheet(openpyxl.load_workbook(workdir / FEEDBACK))
    texts = [c.value for row in back.iter_rows() for c in row if isinstance(c.value, str)]
    assert texts[-2:] == said
    assert table_rows(workdir / FEEDBACK) == table_rows(workdir / FLAWED)
    shutil.copy(workdir / FEEDBACK, workdir / "inbox/财务处风险点_改.xlsx")
    correct(workdir / "inbox/财务处风险点_改.xlsx")                          # the marked cells fixed, nothing else
    merge(cfg)
    findings = inputs(workdir)["inbox/财务处风险点_改.xlsx"]["findings"]
    assert [f["value"] for f in findings if f["code"] == "row-not-read"] == said
    noted = {f["cell"] for f in findings if f["code"] == "row-not-read"}
    assert not [f for f in findings if f["cell"] in noted and f["code"] != "row-not-read"]


def test_mail_cites_the_cells_of_the_attached_workbook(cfg, workdir):
    """A row left blank between two filled ones: the feedback lays the rows out afresh, and the mail must
    point at the cells of the workbook it attaches (the one to correct), not of the file that was sent."""
    paths = generate_campaign(cfg, "risks", departments=["CWC"])
    sent = fill(_find(paths, "附件3", "王磊"), workdir / "inbox/王磊.xlsx", header={"填表日期": "2023-03-14"}, rows=[
        {"风险类别": "岗位职责", "风险点": "报销审核不严", "主要表现形式": "放宽报销标准", "风险等级": "二级"},
        {},
        {"风险类别": "岗位职责", "风险点": "收受礼品", "主要表现形式": "节日收礼", "风险等级": "四级"}])
    result = merge(cfg)
    finding = next(f for f in inputs(workdir)["inbox/王磊.xlsx"]["findings"] if f["code"] == "invalid-level")
    assert openpyxl.load_workbook(sent)["附件3"][finding["cell"]].value == "四级"     # report: the sender's cell
    path = workdir / next(p for p in result.outputs["feedback"] if p.endswith("王磊_反馈.xlsx"))
    wb = openpyxl.load_workbook(path)
    [(sheet, ref, _)] = links(wb)
    assert wb[sheet][ref].value == "四级" and wb[sheet][ref].fill.fgColor.rgb == YELLOW
    assert ref != finding["cell"]                                                  # the blank row is gone
    body = read_eml(path.with_suffix(".eml")).get_body(("plain",)).get_content()
    assert f"{sheet}!{ref}（风险等级）" in body and f"!{finding['cell']}" not in body


# -- the loop: correct the feedback workbook, send it back ---------------------------------------------------


def correct(path: Path) -> None:
    """Fix every flagged cell, following the 问题说明 links, and date the form later."""
    wb = openpyxl.load_workbook(path)
    header = {c.value: c.column for c in wb["附件4"][7] if c.value}
    for sheet, ref, _ in links(wb):
        cell = wb[sheet][ref]
        label = next(k for k, col in header.items() if col == cell.column)
        cell.value = CORRECTIONS[(label, cell.value)]
    wb.save(path)
    fill(path, header={"填表日期": "2023-03-20"})


@pytest.mark.parametrize("via", ["openpyxl", "libreoffice"])
def test_corrected_feedback_supersedes_the_flawed_form(cfg, workdir, tmp_path, via):
    setup_inbox(cfg, workdir)
    merge(cfg)
    fixed = tmp_path / "财务处风险点_修改.xlsx"
    shutil.copyfile(workdir / FEEDBACK, fixed)
    correct(fixed)
    if via == "libreoffice":
        fixed = libreoffice_convert(fixed, "xlsx", tmp_path / "lo")
    shutil.copyfile(fixed, workdir / "inbox/财务处风险点_修改.xlsx")

    result = merge(cfg)
    got = inputs(workdir)
    corrected = got["inbox/财务处风险点_修改.xlsx"]
    assert corrected["status"] == "accepted", corrected["findings"]
    assert corrected["form"] == "附件4" and corrected["department"] == "CWC"
    assert not [f for f in corrected["findings"] if f["code"].startswith("identity")]
    assert got[FLAWED]["status"] == "superseded"
    assert got[FLAWED]["superseded_by"] == "inbox/财务处风险点_修改.xlsx"
    # the 填表日期 the submitter changed in the feedback workbook is when it was sent (it was not read: a correction
    # put into inbox/ by hand had no submission time, its rows no 提交时间)
    assert (corrected["submitted_at"] or "").startswith("2023-03-20")
    cat = {r["风险编号"]: r for r in result.analysis.catalogue if r["_dept"] == "CWC"}
    assert [(r["风险点"], r["风险等级"]) for r in cat.values()] == [
        ("挪用公款", "二级"), ("报销审核把关不严", "二级"), ("采购中收受回扣", "一级")]
    assert all(r["来源文件"] == "inbox/财务处风险点_修改.xlsx" for r in cat.values())
    # the superseded file's feedback is not left lying around to be sent again
    assert not (workdir / FEEDBACK).exists() and not (workdir / FEEDBACK).with_suffix(".eml").exists()
    assert not [p for p in result.outputs["feedback"] if "财务处" in p]
    chase = read_eml(workdir / "outbox/催报/财务处_催报.eml").get_body(("plain",)).get_content()
    assert "附件4" not in chase and "附件2" in chase


def test_a_corrected_feedback_workbook_that_now_names_its_person_supersedes_the_nameless_form(workdir):
    """No staff list: the generic 附件3 sent without a 姓名 is returned; its feedback workbook, the name typed in and sent
    back, supersedes it (the nameless form stayed returned for good: 附件3 退回 = 1 beside 1/1（已报）, exit 1 and a reply
    asking for the name every round)."""
    from formkit.config import load_config
    from formkit.workspace import write_roster
    from tests.conftest import DEPARTMENTS

    write_roster(workdir / "名册.xlsx", DEPARTMENTS, [])
    cfg = load_config(workdir)
    blank = _find(generate_campaign(cfg, "risks", departments=["JWC"]), "附件3", "教务处")
    fill(blank, workdir / "inbox/附件3.xlsx", header={"填表日期": "2023-03-10"}, rows=[
        {"风险类别": "岗位职责", "风险点": "成绩修改审批把关不严", "主要表现形式": "违规同意修改成绩", "风险等级": "二级"}])
    first = merge(cfg)
    assert [r.status for r in first.analysis.inputs] == ["returned"]
    feedback = shutil.copy(workdir / first.outputs["feedback"][0], workdir / "反馈副本.xlsx")
    fill(feedback, workdir / "inbox/附件3_改.xlsx", header={"姓名": "张三", "岗位": "教务员", "职务层级": "一般干部",
                                                          "填表日期": "2023-03-12"})
    result = merge(cfg)
    by_path = {r.path: r for r in result.analysis.inputs}
    assert by_path["inbox/附件3_改.xlsx"].status == "accepted", by_path["inbox/附件3_改.xlsx"].findings
    assert (by_path["inbox/附件3.xlsx"].status, by_path["inbox/附件3.xlsx"].superseded_by) == (
        "superseded", "inbox/附件3_改.xlsx")
    assert result.exit_code == 0 and not result.outputs["feedback"]
    # the feedback workbook passed on to a colleague who types her own name over it and rows of her own: her form, not
    # a correction of the nameless one (which it superseded silently, its risk asked for by nobody)
    (workdir / "inbox/附件3_改.xlsx").unlink()
    fill(feedback, workdir / "inbox/李四.xlsx", header={"姓名": "李四", "岗位": "考务员", "职务层级": "一般干部",
                                                       "填表日期": "2023-03-12"}, rows=[
        {"风险类别": "思想道德", "风险点": "接受考生家长宴请", "主要表现形式": "吃请", "风险等级": "三级"}])
    wb = openpyxl.load_workbook(workdir / "inbox/李四.xlsx")
    ws = form_sheet(wb)
    hr, cols = table_header_row(ws, ["风险点"])
    for r in range(hr + 1, ws.max_row + 1):
        if ws.cell(r, cols["风险点"]).value == "成绩修改审批把关不严":
            for c in range(1, ws.max_column + 1):
                if not ws.cell(r, c).protection.locked:
                    ws.cell(r, c).value = None
    wb.save(workdir / "inbox/李四.xlsx")
    by_path = {r.path: r.status for r in merge(cfg).analysis.inputs}
    assert by_path == {"inbox/附件3.xlsx": "returned", "inbox/李四.xlsx": "accepted"}


def test_a_nameless_form_corrected_in_the_senders_own_file_is_superseded(workdir):
    """No staff list: 张三 mails the generic 附件3 without his name (returned), then the same file with his name typed in,
    from the same address: the nameless one is an earlier version of his (it stayed returned for good); a colleague's
    form from another address is no correction of it."""
    from formkit.config import load_config
    from formkit.workspace import write_roster
    from tests.conftest import DEPARTMENTS

    write_roster(workdir / "名册.xlsx", DEPARTMENTS, [])
    cfg = load_config(workdir)
    blank = _find(generate_campaign(cfg, "risks", departments=["JWC"]), "附件3", "教务处")
    row = {"风险类别": "岗位职责", "风险点": "成绩修改审批把关不严", "主要表现形式": "违规同意修改成绩", "风险等级": "二级"}
    nameless = fill(blank, workdir / "a.xlsx", header={"填表日期": "2023-03-10"}, rows=[row]).read_bytes()
    named = fill(blank, workdir / "b.xlsx", header={"姓名": "张三", "岗位": "教务员", "职务层级": "一般干部",
                                                    "填表日期": "2023-03-12"}, rows=[row]).read_bytes()
    other = fill(blank, workdir / "c.xlsx", header={"姓名": "李四", "岗位": "考务员", "职务层级": "一般干部",
                                                    "填表日期": "2023-03-12"}, rows=[row]).read_bytes()
    for name, data, sender, day in (("1.eml", nameless, "zs@x.edu.cn", "10"), ("2.eml", other, "ls@x.edu.cn", "11"),
                                    ("3.eml", named, "zs@x.edu.cn", "12")):
        (workdir / "inbox" / name).write_bytes(hostile.make_eml([("附件3.xlsx", data)], from_=f"<{sender}>",
                                                                date=f"Fri, {day} Mar 2023 10:00:00 +0800"))
    result = merge(cfg)
    status = {r.path: r.status for r in result.analysis.inputs}
    assert status == {"inbox/1.eml!附件3.xlsx": "superseded", "inbox/2.eml!附件3.xlsx": "accepted",
                      "inbox/3.eml!附件3.xlsx": "accepted"}
    assert result.exit_code == 0
    # a secretary's mailbox: the nameless form of one colleague (two risks), then another's complete form sharing one of
    # them, from the same address later: hers, not a correction (the nameless one was superseded, its risk lost)
    other_rows = [row, {**row, "风险点": "考试安排中泄露试题", "风险等级": "一级"}]
    nameless = fill(blank, workdir / "a.xlsx", header={"填表日期": "2023-03-10"}, rows=other_rows).read_bytes()
    (workdir / "inbox/1.eml").write_bytes(hostile.make_eml([("附件3.xlsx", nameless)], from_="<zs@x.edu.cn>",
                                                           date="Fri, 10 Mar 2023 10:00:00 +0800"))
    status = {r.path: r.status for r in merge(cfg).analysis.inputs}
    assert status["inbox/1.eml!附件3.xlsx"] == "returned" and status["inbox/3.eml!附件3.xlsx"] == "accepted"
    # his own file corrected with the name typed in and the cell the reply asked to correct (a level) filled too: still
    # his correction (it stayed returned for good once anything but the name changed); cells it only asked to check may
    # not differ (a colleague's form alike but for an empty cell filled took over a nameless one)
    slip = {**row, "风险等级": "很高"}
    nameless = fill(blank, workdir / "a.xlsx", header={"填表日期": "2023-03-10"}, rows=[slip]).read_bytes()
    (workdir / "inbox/1.eml").write_bytes(hostile.make_eml([("附件3.xlsx", nameless)], from_="<zs@x.edu.cn>",
                                                           date="Fri, 10 Mar 2023 10:00:00 +0800"))
    status = {r.path: r.status for r in merge(cfg).analysis.inputs}
    assert status["inbox/1.eml!附件3.xlsx"] == "superseded" and status["inbox/3.eml!附件3.xlsx"] == "accepted"


def test_forms_that_say_nobodys_they_are_join_only_their_own_corrections(workdir):
    """No staff list. 教务处's secretary mails 张一's form and a colleague's nameless one in one mail, both listing the
    common risk 廉洁自律意识不强: two forms, the nameless one returned (it superseded 张一's, or vanished unsaid). A 附件4
    with 部门 typed 教务部 corrected in its feedback workbook, and a nameless 附件3 whose only 风险点 was empty too, both
    filled in the feedback workbook: each supersedes its form (they stayed returned)."""
    from formkit.config import load_config
    from formkit.workspace import write_roster
    from tests.conftest import DEPARTMENTS

    write_roster(workdir / "名册.xlsx", DEPARTMENTS, [])
    cfg = load_config(workdir)
    paths = generate_campaign(cfg, "risks", departments=["JWC"])
    a3, a4 = _find(paths, "附件3", "教务处"), _find(paths, "附件4", "教务处")
    common = {"风险类别": "思想道德", "风险点": "廉洁自律意识不强", "主要表现形式": "收受礼品", "风险等级": "三级"}
    person = {"岗位": "教务员", "职务层级": "一般干部", "填表日期": "2023-03-10"}
    zhang = fill(a3, workdir / "z.xlsx", header={"姓名": "张一", **person}, rows=[common]).read_bytes()
    nameless = fill(a3, workdir / "n.xlsx", header=person, rows=[common, {**common, "风险点": ""}]).read_bytes()
    (workdir / "inbox/1.eml").write_bytes(hostile.make_eml(
        [("附件3_张一.xlsx", zhang), ("附件3_同事.xlsx", nameless)], from_="<jwc@x.edu.cn>"))
    ws = form_sheet(openpyxl.load_workbook(fill(a4, workdir / "a4.xlsx", rows=[
        {"岗位(环节)": "考务", "风险类别": "业务流程", "风险点": "泄露考试试题", "风险等级": "二级"}])))
    typed_anew = openpyxl.Workbook()
    typed_anew.active.title = ws.title
    for row in ws.iter_rows():
        for c in row:
            if c.value is not None:
                typed_anew.active[c.coordinate] = "教务部" if c.value == "教务处" else c.value
    typed_anew.save(workdir / "inbox/附件4.xlsx")
    first = merge(cfg)
    status = {r.path: r.status for r in first.analysis.inputs}
    assert status == {"inbox/1.eml!附件3_张一.xlsx": "accepted", "inbox/1.eml!附件3_同事.xlsx": "returned",
                      "inbox/附件4.xlsx": "returned"}
    feedback = {Path(p).name: shutil.copy(workdir / p, workdir / Path(p).name) for p in first.outputs["feedback"]}
    fill(feedback["附件3_同事_反馈.xlsx"], workdir / "inbox/同事_改.xlsx", header={"姓名": "李二"})
    wb = openpyxl.load_workbook(workdir / "inbox/同事_改.xlsx")
    ws = form_sheet(wb)
    hr, cols = table_header_row(ws, ["风险点", "风险类别"])
    ws.cell(hr + 2, cols["风险点"], "考试安排徇私")
    wb.save(workdir / "inbox/同事_改.xlsx")
    fill(feedback["附件4_反馈.xlsx"], workdir / "inbox/附件4_改.xlsx", header={"部门": "教务处"})
    status = {r.path: r.status for r in merge(cfg).analysis.inputs}
    assert status["inbox/1.eml!附件3_同事.xlsx"] == "superseded" and status["inbox/同事_改.xlsx"] == "accepted"
    assert status["inbox/附件4.xlsx"] == "superseded" and status["inbox/附件4_改.xlsx"] == "accepted"
    assert status["inbox/1.eml!附件3_张一.xlsx"] == "accepted"


def test_measure_form_feedback_keeps_its_prefilled_risks(cfg, workdir):
    """A returned 附件6: its feedback keeps the pre-filled risks (values and identity) and, completed, is accepted."""
    fill_risk_stage(cfg, workdir / "inbox")
    paths = generate_campaign(cfg, "measures", accepted=analyse(cfg))
    fill(_find(paths, "附件6", "教务处"), workdir / "inbox/教务处措施.xlsx", header={"填表日期": "2023-04-10"},
         by_risk_id={"JWC-B01": {"关键环节": "决策", "防控措施": "教材选用集体决策", "工作程序": "提出—论证—集体决定"}})
    result = merge(cfg)
    assert inputs(workdir)["inbox/教务处措施.xlsx"]["status"] == "returned"
    path = workdir / next(p for p in result.outputs["feedback"] if p.endswith("教务处措施_反馈.xlsx"))
    props, meta = identity_of(path)
    assert meta.risks == ("JWC-B01", "JWC-B02") and props.key() == meta.key()
    wb = openpyxl.load_workbook(path)
    assert {ref for _, ref, _ in links(wb)} >= {"F9", "G9", "H9"}        # the empty cells of JWC-B02's row
    assert [wb["附件6"].cell(row=r, column=2).value for r in (8, 9)] == ["JWC-B01", "JWC-B02"]
    fixed = workdir / "inbox/教务处措施_改.xlsx"
    shutil.copyfile(path, fixed)
    fill(fixed, header={"填表日期": "2023-04-12"},
         by_risk_id={"JWC-B02": {"关键环节": "执行", "防控措施": "试题保密分级管理", "工作程序": "命题—审题—封存"}})
    result = merge(cfg)
    got = inputs(workdir)
    assert got["inbox/教务处措施_改.xlsx"]["status"] == "accepted"
    assert got["inbox/教务处措施.xlsx"]["superseded_by"] == "inbox/教务处措施_改.xlsx"
    cat = {r["风险编号"]: r["防控措施"] for r in result.analysis.catalogue}
    assert (cat["JWC-B01"], cat["JWC-B02"]) == ("教材选用集体决策", "试题保密分级管理")


# -- chase drafts and rejected inputs ------------------------------------------------------------------------


def test_chase_drafts_name_what_is_missing(cfg, workdir):
    setup_inbox(cfg, workdir)
    result = merge(cfg)
    chase = workdir / "outbox/催报"
    assert sorted(p.name for p in chase.iterdir()) == ["教务处_催报.eml", "财务处_催报.eml"]
    assert all(f"outbox/催报/{p.name}" in result.outputs["mail_drafts"] for p in chase.iterdir())
    msg = read_eml(chase / "教务处_催报.eml")
    assert "催报" in msg["Subject"] and "教务处" in msg["Subject"]
    body = msg.get_body(("plain",)).get_content()
    for form in ("附件2 部门权力清单", "附件4 部门岗位风险点自查表", "附件3 个人岗位风险点自查表"):
        assert form in body
    assert "应报 2 人" in body
    assert "尚未收到：张伟、李娜" in body                       # who, from the staff list
    assert f"（未报，截止 {cfg.deadline(2).isoformat()}）" in body or f"（逾期，截止 {cfg.deadline(2).isoformat()}）" in body
    assert "附件5" not in body and "附件6" not in body          # phase 3 has not begun yet
    cwc = read_eml(chase / "财务处_催报.eml").get_body(("plain",)).get_content()
    assert f"附件4 部门岗位风险点自查表（退回，截止 {cfg.deadline(2).isoformat()}）" in cwc

    # the department that delivers too: no chase left behind for it
    (workdir / "inbox/损坏的表.xlsx").unlink()
    paths = generate_campaign(cfg, "risks", departments=["JWC"])
    fill(_find(paths, "附件2", "教务处"), workdir / "inbox/教务处权力清单.xlsx",
         header={"填报人": "王芳", "填报日期": "2023-03-08"},
         rows=[{"权力事项": "考试管理", "权力类别": "执行", "职权依据": "考试管理办法", "行使岗位": "考务专员",
               "涉及“三重一大”": "否"}])
    fill(_find(paths, "附件4", "教务处"), workdir / "inbox/教务处风险点.xlsx", header={"填表日期": "2023-03-08"},
         rows=[{"岗位(环节)": "考务", "关联权力事项": "考试管理", "风险类别": "业务流程", "风险点": "泄露考试试题",
                "风险等级": "二级", "主要表现形式": "考前透露题目", "责任人": "李娜"}])
    for name in ("张伟", "李娜"):
        fill(_find(paths, "附件3", name), workdir / f"inbox/{name}.xlsx", header={"填表日期": "2023-03-09"},
             rows=[{"风险类别": "外部环境", "风险点": f"{name}受人情干扰", "主要表现形式": "打招呼", "风险等级": "三级"}])
    merge(cfg)
    assert sorted(p.name for p in chase.iterdir()) == ["财务处_催报.eml"]


def test_rejected_input_gets_a_mail_but_no_workbook(cfg, workdir):
    setup_inbox(cfg, workdir)
    result = merge(cfg)
    bad = inputs(workdir)["inbox/损坏的表.xlsx"]
    assert bad["status"] == "rejected"
    reason = bad["findings"][0]["message"]
    drafts = [workdir / p for p in result.outputs["mail_drafts"] if "损坏的表" in p]
    assert len(drafts) == 1
    assert not [p for p in result.outputs["feedback"] if "损坏的表" in p]
    assert not list(drafts[0].parent.glob("损坏的表*.xlsx"))
    msg = read_eml(drafts[0])
    assert re.search(r"[\u4e00-\u9fff]", msg["Subject"]) and "损坏的表.xlsx" in msg["Subject"]
    body = msg.get_body(("plain",)).get_content()
    assert reason in body
    assert "损坏的表.xlsx" in body
    assert not list(msg.iter_attachments())
    assert "黄色" not in body and "批注" not in body     # there is no workbook to point at
    assert cfg.deadline(2).isoformat() in body          # the open phase's deadline, not "today"
    # an attachment of a mail: the subject names the attachment, not the coordinator's saved mail and formkit's "!"
    (workdir / "inbox/教务处来信.eml").write_bytes(hostile.make_eml([("教务处廉政风险表.rar", b"Rar!\x1a\x07\x00" + b"x" * 64)]))
    merge(cfg)
    draft = next((workdir / "outbox/反馈").rglob("教务处廉政风险表*_反馈.eml"))
    subject = read_eml(draft)["Subject"]
    assert "（教务处廉政风险表.rar）" in subject and "!" not in subject and ".eml" not in subject


def test_the_reply_to_an_unreadable_mail_is_not_dated_before_it(cfg, workdir):
    """The only input: a mail of 10 March whose attachment cannot be read. It has no submission time, but the
    mail's Date says when it came: the reply is dated then, not at the start of phase 1 with a deadline past."""
    year = cfg.phases[2].start.year
    (workdir / "inbox/教务处.eml").write_bytes(hostile.make_eml(
        [("附件4.xlsx", b"PK\x03\x04" + b"\x00garbage" * 40)], date=f"Tue, 10 Mar {year} 09:00:00 +0800"))
    result = merge(cfg)
    draft = next(workdir / p for p in result.outputs["mail_drafts"] if p.endswith("_反馈.eml"))
    msg = read_eml(draft)
    assert msg["Date"].datetime.date() == date(year, 3, 10)
    assert f"于 {cfg.deadline(2).isoformat()} 前重新发送" in msg.get_body(("plain",)).get_content()


def test_the_reply_to_an_unreadable_form_gives_the_deadline_of_the_form_its_name_names(cfg, workdir):
    """The only input: 附件3_张伟.xlsx that cannot be opened (no date known): its reply asks for it by 附件3's deadline
    (phase 2), not by phase 1's (the office's own 附件1, before phase 2 had begun)."""
    (workdir / "inbox/附件3_张伟.xlsx").write_bytes(b"PK\x03\x04" + b"\x00garbage" * 40)
    result = merge(cfg)
    draft = next(workdir / p for p in result.outputs["mail_drafts"] if p.endswith("_反馈.eml"))
    body = read_eml(draft).get_body(("plain",)).get_content()
    assert f"于 {cfg.deadline(2).isoformat()} 前" in body, body
    assert cfg.deadline(2) != cfg.deadline(1)


def test_the_reply_to_a_mail_without_a_form_names_the_mail_as_its_sender_knows_it(cfg, workdir):
    """A mail of 20 March with no attachment, saved by the office's mail program as 2023-03-20_1532_0007.eml: the reply
    names the mail by its day and subject (it named the saved file, which the department never saw)."""
    year = cfg.phases[2].start.year
    (workdir / "inbox/2023-03-20_1532_0007.eml").write_bytes(hostile.make_eml(
        [], subject="机电工程系附件4（盖章版）", date=f"Mon, 20 Mar {year} 09:00:00 +0800"))
    result = merge(cfg)
    draft = next(workdir / p for p in result.outputs["mail_drafts"] if p.endswith("_反馈.eml"))
    msg = read_eml(draft)
    body = msg.get_body(("plain",)).get_content()
    assert "您3月20日发来的邮件“机电工程系附件4（盖章版）”未能汇总" in body
    assert "0007" not in body and "0007" not in msg["Subject"] and "机电工程系附件4（盖章版）" in msg["Subject"]


def test_chase_names_the_deadline_of_the_forms_it_lists(cfg, workdir):
    """In phase 3 a department that owes only phase-3 forms is given the phase-3 deadline."""
    setup_inbox(cfg, workdir)
    paths = generate_campaign(cfg, "measures", accepted=merge(cfg).analysis, departments=["JDX"])
    fill(_find(paths, "附件6", "机电工程系"), workdir / "inbox/机电措施.xlsx", header={"填表日期": "2023-04-03"},
         by_risk_id={"JDX-B01": {"关键环节": "执行", "防控措施": "验收双人签字", "工作程序": "到货—验收—签字—入账"}})
    merge(cfg)
    body = read_eml(workdir / "outbox/催报/机电工程系_催报.eml").get_body(("plain",)).get_content()
    assert "附件5 个人岗位风险防控措施表" in body and "附件6" not in body and "附件4" not in body
    assert cfg.deadline(3).isoformat() in body and cfg.deadline(2).isoformat() not in body


def test_drafts_are_addressed_from_the_roster(workdir):
    """With 联系邮箱 in the roster, the chase mail goes to the department and the feedback on a file that came without
    a mail goes to its department too (a mail's sender, when there is one, is still the addressee); a malformed
    address is said (a warning) and left out, not a broken draft."""
    from formkit.config import load_config
    from formkit.workspace import write_roster
    from tests.conftest import DEPARTMENTS, STAFF

    emails = {"JWC": "jwc@example.edu.cn", "CWC": "cwc@example.edu.cn；caiwu@example.edu.cn", "JDX": ""}
    write_roster(workdir / "名册.xlsx", [(*d, "", emails[d[0]]) for d in DEPARTMENTS], STAFF)
    cfg = load_config(workdir)
    paths = generate_campaign(cfg)
    fill(_find(paths, "附件3", "张伟"), workdir / "inbox/张伟.xlsx", header={"填表日期": "2023-03-09"},
         rows=[{"风险类别": "岗位职责", "风险点": "成绩修改审批把关不严", "风险等级": "四级"}])
    merge(cfg)
    feedback = next((workdir / "outbox/反馈/教务处").glob("*_反馈.eml"))
    assert read_eml(feedback)["To"] == "jwc@example.edu.cn"
    chase = workdir / "outbox/催报"
    assert read_eml(chase / "财务处_催报.eml")["To"] == "cwc@example.edu.cn, caiwu@example.edu.cn"
    assert read_eml(chase / "机电工程系_催报.eml")["To"] is None
    write_roster(workdir / "名册.xlsx", [(*d, "", "教务处邮箱") for d in DEPARTMENTS], STAFF)
    assert any("联系邮箱" in w for w in load_config(workdir).warnings)


def test_feedback_on_a_forwarded_mail_goes_to_who_forwarded_it(cfg, workdir):
    """教务处's head forwarded 张伟's mail to the office: the reply draft goes to the head (who sent it to the office),
    not to 张伟's address inside the forwarded mail."""
    from tests import hostile

    paths = generate_campaign(cfg)
    flawed = fill(_find(paths, "附件3", "张伟"), workdir / "张伟.xlsx", header={"填表日期": "2023-03-09"},
                  rows=[{"风险类别": "岗位职责", "风险点": "成绩修改审批把关不严", "风险等级": "四级"}])
    inner = hostile.make_eml([("张伟.xlsx", flawed.read_bytes())], from_="zhangwei@example.edu.cn")
    (workdir / "inbox/转发.eml").write_bytes(hostile.forwarded_eml(inner))
    merge(cfg)
    draft = next((workdir / "outbox/反馈/教务处").glob("*_反馈.eml"))
    assert "zhangsan@example.edu.cn" in read_eml(draft)["To"]
    # and to 张伟 (greeted in it, whose form it is) as a copy: he heard nothing of it
    assert read_eml(draft)["Cc"] == "zhangwei@example.edu.cn"


def test_a_reply_lists_what_must_be_corrected_first_and_says_which_is_which(cfg, workdir):
    """A date that cannot be read in the header (a warning) and a level that is none in the table (an error): the reply
    lists the error first, each marked 【需改正】 or 【请核实】 (the four warnings came before the one error, unmarked)."""
    paths = generate_campaign(cfg)
    fill(_find(paths, "附件3", "张伟"), workdir / "inbox/张伟.xlsx", header={"填表日期": "2023-02-30"},
         rows=[{"风险类别": "岗位职责", "风险点": "成绩修改审批把关不严", "主要表现形式": "违规修改", "风险等级": "四级"}])
    merge(cfg)
    body = read_eml(next((workdir / "outbox/反馈/教务处").glob("*_反馈.eml"))).get_body(("plain",)).get_content()
    items = [line for line in body.splitlines() if re.match(r"\d+\. ", line)]
    assert len(items) == 2
    assert items[0].startswith("1. 【需改正】") and "风险等级" in items[0]
    assert items[1].startswith("2. 【请核实】") and "填表日期" in items[1]


def test_feedback_on_a_departments_mail_passed_on_by_a_duty_mailbox_goes_to_the_department(workdir):
    """教务处's own mail (its address in the roster) passed on to the coordinator by the office's duty mailbox: the reply
    draft goes to 教务处, not to the duty mailbox (it is addressed to 教务处 in its text)."""
    from formkit.config import load_config
    from formkit.workspace import write_roster
    from tests import hostile
    from tests.conftest import DEPARTMENTS, STAFF

    write_roster(workdir / "名册.xlsx", [(*d, "", "jwc@example.edu.cn" if d[0] == "JWC" else "") for d in DEPARTMENTS],
                 STAFF)
    cfg = load_config(workdir)
    paths = generate_campaign(cfg)
    flawed = fill(_find(paths, "附件4", "教务处"), workdir / "附件4.xlsx",
                  rows=[{"岗位(环节)": "考务", "风险类别": "岗位职责", "风险点": "泄露考试试题", "风险等级": "四级"}])
    inner = hostile.make_eml([("附件4.xlsx", flawed.read_bytes())], from_="jwc@example.edu.cn")
    outer = hostile.forwarded_eml(inner).replace(b"zhangsan@example.edu.cn", b"duty@example.edu.cn")
    (workdir / "inbox/转发.eml").write_bytes(outer)
    merge(cfg)
    draft = next((workdir / "outbox/反馈/教务处").glob("*_反馈.eml"))
    assert read_eml(draft)["To"] == "jwc@example.edu.cn"


def test_odd_senders_and_contact_lines_never_break_the_drafts(cfg, workdir):
    """A sender whose name decodes to "(王芳, 教务处)" or to a second line with a Bcc, a subject with a literal
    \\ud800, and a contact line that is partly a telephone number: merge writes every draft, each addressed to the
    sender's own address only, from the contact's address."""
    from tests import hostile

    toml = workdir / "formkit.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace('contact = ""', 'contact = "纪检监察室 0571-88888888，jjc@x.edu.cn"'), encoding="utf-8")
    from formkit.config import load_config

    cfg = load_config(workdir)
    paths = generate_campaign(cfg)
    senders = {"张伟": "=?utf-8?b?KOeOi+iKsywg5pWZ5Yqh5aSEKQ==?= <wf@x.edu.cn>",
               "李娜": "=?utf-8?b?546L6IqzDQpCY2M6IHNweUBldmlsLmNvbQ==?= <ln@x.edu.cn>"}
    for name, sender in senders.items():
        flawed = fill(_find(paths, "附件3", name), workdir / f"{name}.xlsx", header={"填表日期": "2023-03-09"},
                      rows=[{"风险类别": "岗位职责", "风险点": "成绩修改审批把关不严", "风险等级": "四级"}])
        mail = hostile.make_eml([(f"{name}.xlsx", flawed.read_bytes())], from_=sender)
        mail = mail.replace(b"Subject: ", b"Subject: \\\\ud800 ", 1)
        (workdir / f"inbox/{name}.eml").write_bytes(mail)
    result = merge(cfg)
    assert (workdir / "outbox/report.json").is_file() and result.exit_code == 1
    drafts = {d.name.split("_")[0]: read_eml(d) for d in (workdir / "outbox/反馈/教务处").glob("*_反馈.eml")}
    to = sorted(str(d["To"]) for d in drafts.values())
    assert to == ["ln@x.edu.cn", "wf@x.edu.cn"], to
    assert all(str(d["From"]) == "jjc@x.edu.cn" and d["Bcc"] is None for d in drafts.values())


def test_measure_forms_are_chased_only_once_they_were_sent_out(cfg, workdir):
    """A late 附件3 dated 04-12 puts 数据截至 in phase 3: 附件5/6 are not asked for while no measure form was
    generated for the department (nobody sent them one); once `generate --stage measures` made them, they are."""
    from formkit.submissions import owing

    paths = generate_campaign(cfg)
    fill(_find(paths, "附件3", "张伟"), workdir / "inbox/张伟.xlsx", header={"填表日期": "2023-04-12"},
         rows=[{"风险类别": "岗位职责", "风险点": "成绩修改审批把关不严", "风险等级": "二级"}])
    result = merge(cfg)
    body = read_eml(workdir / "outbox/催报/财务处_催报.eml").get_body(("plain",)).get_content()
    assert "附件4" in body and "附件5" not in body and "附件6" not in body
    generate_campaign(cfg, "measures", accepted=result.analysis)
    merge(cfg)
    body = read_eml(workdir / "outbox/催报/财务处_催报.eml").get_body(("plain",)).get_content()
    assert "附件5" in body and "附件6" in body
    assert "CWC" in [d.code for d in owing(merge(cfg).analysis)]


def test_feedback_names_differing_only_in_case_are_two_files(cfg, workdir):
    """inbox/a/Zhang.xlsx and inbox/b/zhang.xlsx, both flawed: two feedback workbooks that stay two on Windows and
    macOS (whose file names ignore case)."""
    paths = generate_campaign(cfg)
    for folder, stem, name in (("a", "Zhang", "张伟"), ("b", "zhang", "李娜")):
        (workdir / "inbox" / folder).mkdir()
        fill(_find(paths, "附件3", name), workdir / "inbox" / folder / f"{stem}.xlsx", header={"填表日期": "2023-03-09"},
             rows=[{"风险类别": "岗位职责", "风险点": "成绩修改审批把关不严", "风险等级": "四级"}])
    merge(cfg)
    names = sorted(p.name for p in (workdir / "outbox/反馈/教务处").glob("*_反馈.xlsx"))
    assert len({n.casefold() for n in names}) == 2, names


def test_an_exclamation_mark_in_a_file_name_is_no_container(cfg, workdir):
    """inbox/张伟(已改!).xlsx is a file, not a member of "inbox/张伟(已改": report.json names no container, the
    feedback is named after the file and its mail names the file as it is."""
    paths = generate_campaign(cfg)
    fill(_find(paths, "附件3", "张伟"), workdir / "inbox/张伟(已改!).xlsx", header={"填表日期": "2023-03-09"},
         rows=[{"风险类别": "岗位职责", "风险点": "成绩修改审批把关不严", "风险等级": "四级"}])
    merge(cfg)
    report = json.loads((workdir / "outbox/report.json").read_text(encoding="utf-8"))
    (entry,) = [i for i in report["inputs"] if i["path"] == "inbox/张伟(已改!).xlsx"]
    assert entry["container"] is None
    (draft,) = (workdir / "outbox/反馈/教务处").glob("*_反馈.eml")
    assert draft.name == "张伟(已改_)_反馈.eml"
    assert "张伟(已改!).xlsx" in read_eml(draft).get_body(("plain",)).get_content()


def test_feedback_puts_back_a_deleted_prefilled_risk(cfg, workdir):
    """张伟 deleted the pre-filled row of JWC-0012-02 from his 附件5 (risk-without-measure, returned): the feedback
    workbook has the row back (风险编号, 风险点) with its 防控措施 cell marked, and the mail cites that cell."""
    fill_risk_stage(cfg, workdir / "inbox")
    paths = generate_campaign(cfg, "measures", accepted=analyse(cfg))
    path = fill(_find(paths, "附件5", "张伟"), workdir / "inbox/张伟_措施.xlsx",
                by_risk_id={"JWC-0012-01": {"防控措施": "双人复核", "完成时限": "长期"}})
    wb = openpyxl.load_workbook(path)
    ws = form_sheet(wb)
    ws.protection.sheet = False
    ws.delete_rows(next(c.row for row in ws.iter_rows() for c in row if c.value == "JWC-0012-02"))
    wb.save(path)
    merge(cfg)
    feedback = next((workdir / "outbox/反馈/教务处").glob("*措施*_反馈.xlsx"))
    fb = openpyxl.load_workbook(feedback)["附件5"]
    hr, cols = table_header_row(fb, ["风险编号", "风险点", "防控措施"])
    row = next(r for r in range(hr + 1, fb.max_row + 1) if fb.cell(r, cols["风险编号"]).value == "JWC-0012-02")
    assert fb.cell(row, cols["风险点"]).value == "接受学生家长宴请"
    measure = fb.cell(row, cols["防控措施"])
    assert measure.comment is not None and "JWC-0012-02" in measure.comment.text
    body = read_eml(feedback.with_suffix(".eml")).get_body(("plain",)).get_content()
    assert measure.coordinate in body


def test_a_signed_scan_sent_with_the_forms_asks_nobody_to_resend_it(cfg, workdir):
    """签字页.pdf and a photo in a department's zip: listed as not readable as a form (rejected, as interfaces.md
    has it), but no reply draft asks anyone to send them again; a CSV saved as .xlsx still gets one."""
    import zipfile

    from tests import hostile

    with zipfile.ZipFile(workdir / "inbox/教务处.zip", "w") as zf:
        zf.writestr("签字页.pdf", hostile.pdf())
        zf.writestr("照片.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 64)
    (workdir / "inbox/其实是CSV.xlsx").write_bytes(hostile.csv_renamed())
    result = merge(cfg)
    status = {r.path: r.status for r in result.analysis.inputs}
    assert status["inbox/教务处.zip!签字页.pdf"] == status["inbox/教务处.zip!照片.jpg"] == "rejected"
    drafts = [p.name for p in (workdir / "outbox/反馈").rglob("*.eml")]
    assert drafts == ["其实是CSV_反馈.eml"], drafts


def test_feedback_on_a_blank_measure_form_adds_the_risk_left_out(cfg, workdir):
    """A blank 附件5 answering one of 张伟's two risks by its text: the feedback holds the other risk's row (风险编号,
    风险点) with its 防控措施 cell marked, and the screen tells replies from chase mails."""
    import subprocess
    import sys

    fill_risk_stage(cfg, workdir / "inbox")
    blank5 = next(p for p in generate_campaign(cfg, "measures") if "附件5" in p.name and "通用" not in p.name
                  and "张伟" in p.name)
    fill(blank5, workdir / "inbox/张伟_措施.xlsx", rows=[{"风险点": "成绩修改审批把关不严", "防控措施": "双人复核"}])
    done = subprocess.run([sys.executable, "-m", "formkit", "merge", "--dir", str(workdir)], capture_output=True,
                          text=True)
    assert "回复 " in done.stdout and "催报 " in done.stdout, done.stdout
    feedback = next((workdir / "outbox/反馈/教务处").glob("*措施*_反馈.xlsx"))
    fb = openpyxl.load_workbook(feedback)["附件5"]
    hr, cols = table_header_row(fb, ["风险编号", "风险点", "防控措施"])
    row = next(r for r in range(hr + 1, fb.max_row + 1) if fb.cell(r, cols["风险编号"]).value == "JWC-0012-02")
    assert fb.cell(row, cols["风险点"]).value == "接受学生家长宴请"
    assert fb.cell(row, cols["防控措施"]).comment is not None


def test_a_department_row_put_back_asks_for_every_cell_it_needs(cfg, workdir):
    """附件6 with a pre-filled row deleted: the row put back in the feedback marks 关键环节, 防控措施 and 工作程序 (all
    required), so filling what is marked is enough."""
    fill_risk_stage(cfg, workdir / "inbox")
    a6 = next(p for p in generate_campaign(cfg, "measures", accepted=analyse(cfg)) if "附件6" in p.name
              and "教务处" in p.name)
    ids = [c.value for row in form_sheet(openpyxl.load_workbook(a6)).iter_rows() for c in row
           if isinstance(c.value, str) and c.value.startswith("JWC-B")]
    path = fill(a6, workdir / "inbox/教务处_措施.xlsx", by_risk_id={ids[0]: {
        "关键环节": "执行", "防控措施": "双人管理", "工作程序": "登记—审核", "完成时限": "长期"}})
    wb = openpyxl.load_workbook(path)
    ws = form_sheet(wb)
    ws.protection.sheet = False
    ws.delete_rows(next(c.row for row in ws.iter_rows() for c in row if c.value == ids[1]))
    wb.save(path)
    merge(cfg)
    fb = openpyxl.load_workbook(next((workdir / "outbox/反馈/教务处").glob("*措施*_反馈.xlsx")))["附件6"]
    hr, cols = table_header_row(fb, ["风险编号", "关键环节", "防控措施", "工作程序"])
    row = next(r for r in range(hr + 1, fb.max_row + 1) if fb.cell(r, cols["风险编号"]).value == ids[1])
    assert all(fb.cell(row, cols[label]).comment is not None for label in ("关键环节", "防控措施", "工作程序"))
    # and 问题说明 (and the reply) list all three, so that doing what the list says is enough
    cells = {get_column_letter(cols[label]) + str(row) for label in ("关键环节", "防控措施", "工作程序")}
    listed = links(openpyxl.load_workbook(next((workdir / "outbox/反馈/教务处").glob("*措施*_反馈.xlsx"))))
    assert cells <= {ref for _, ref, _ in listed}
    body = read_eml(next((workdir / "outbox/反馈/教务处").glob("*措施*_反馈.eml"))).get_body(("plain",)).get_content()
    assert all(f"附件6!{ref}" in body for ref in cells)
    # 完成时限 (wanted) is marked too: left empty it made one more round; the risk's own cells are locked, as in the
    # pre-filled rows above it
    assert fb.cell(row, cols["完成时限"] if "完成时限" in cols else
                   table_header_row(fb, ["完成时限"])[1]["完成时限"]).comment is not None
    assert fb.cell(row, cols["风险编号"]).protection.locked is not False
    # filled as marked (and nothing else), it is accepted without a further reply
    fixed = workdir / "inbox/教务处_措施_改.xlsx"
    shutil.copy(next((workdir / "outbox/反馈/教务处").glob("*措施*_反馈.xlsx")), fixed)
    wb = openpyxl.load_workbook(fixed)
    for label, value in (("关键环节", "执行"), ("防控措施", "专人保管"), ("工作程序", "申请—审批"), ("完成时限", "长期")):
        wb["附件6"].cell(row, table_header_row(wb["附件6"], [label])[1][label], value)
    wb.save(fixed)
    fill(fixed, header={"填表日期": "2023-04-25"})         # (asked for in the header, as in the sent form)
    merge(cfg)
    again = inputs(workdir)["inbox/教务处_措施_改.xlsx"]
    assert again["status"] == "accepted" and not [f for f in again["findings"] if f["severity"] != "info"]


def test_a_risk_registered_after_the_measures_comes_back_as_a_row_to_fill(cfg, workdir):
    """教务处's 附件6 was accepted; its 附件4 is re-sent with a new risk: the 附件6's reply asks for that risk's measure
    and its feedback workbook carries the row (pre-filled, its cells to fill marked): typing the measure there and
    sending it back is enough (the department had no regenerated form to use)."""
    fill_risk_stage(cfg, workdir / "inbox")
    a6 = next(p for p in generate_campaign(cfg, "measures", accepted=analyse(cfg)) if "附件6" in p.name
              and "教务处" in p.name)
    ids = [c.value for row in form_sheet(openpyxl.load_workbook(a6)).iter_rows() for c in row
           if isinstance(c.value, str) and c.value.startswith("JWC-B")]
    fill(a6, workdir / "inbox/教务处_措施.xlsx", by_risk_id={i: {
        "关键环节": "执行", "防控措施": "双人管理", "工作程序": "登记—审核", "完成时限": "长期"} for i in ids})
    merge(cfg)
    a4 = next(p for p in generate_campaign(cfg, "risks") if "附件4" in p.name and "教务处" in p.name)
    rows = [{"岗位(环节)": "考务", "关联权力事项": "", "风险类别": "业务流程", "风险点": r, "主要表现形式": "表现",
             "风险等级": "二级", "涉及“三重一大”": "否", "责任人": "李娜"} for r in ("泄露考试试题", "监考不严", "新增的风险点")]
    fill(a4, workdir / "inbox/教务处_附件4_重报.xlsx", header={"填表日期": "2023-04-25"}, rows=rows)
    merge(cfg)
    measures = inputs(workdir)["inbox/教务处_措施.xlsx"]
    later = [f["value"] for f in measures["findings"] if f["code"] == "risk-registered-later"]
    assert later
    fb_path = next((workdir / "outbox/反馈/教务处").glob("*措施*_反馈.xlsx"))
    fb = openpyxl.load_workbook(fb_path)["附件6"]
    hr, cols = table_header_row(fb, ["风险编号", "防控措施"])
    rows_of = {fb.cell(r, cols["风险编号"]).value: r for r in range(hr + 1, fb.max_row + 1)}
    assert all(fb.cell(rows_of[rid], cols["防控措施"]).comment is not None for rid in later)
    # … and the row of the risk deleted from the re-sent 附件4 (教材选用中收受回扣) says so (it came back as if current)
    withdrawn = fb.cell(rows_of["JWC-B01"], cols["风险编号"]).comment
    assert withdrawn is not None and "已从重新报送的风险点登记表中删去" in withdrawn.text
    # the form was accepted: the reply asks to verify and add, it has nothing "to correct"; nor does it quote the
    # risk's number as if typed in the measure cell
    body = read_eml(fb_path.with_suffix(".eml")).get_body(("plain",)).get_content()
    assert "需要改正" not in body and "需要核实" in body
    listed = openpyxl.load_workbook(fb_path)["问题说明"]
    assert not [r for r in listed.iter_rows(min_row=5, values_only=True) if r[4] in later]
    # the cells the measure needs are said to be required, not "suggested" (the form sent back with its measure alone
    # was returned for 关键环节 and 工作程序, the accepted measures gone from 风险目录 meanwhile)
    said = {r[3]: r[5] for r in listed.iter_rows(min_row=5, values_only=True) if r[3] in ("关键环节", "工作程序")}
    assert said and all("必填" in text for text in said.values())
    step = table_header_row(fb, ["关键环节"])[1]["关键环节"]
    assert all("必填" in fb.cell(rows_of[rid], step).comment.text for rid in later)
    # every cell of that row says what it is alike (完成时限 said "补回的风险点", the others "新登记的风险点": probe ce)
    limit = table_header_row(fb, ["完成时限"])[1]["完成时限"]
    assert all("新登记的风险点" in fb.cell(rows_of[rid], limit).comment.text for rid in later)
    fixed = workdir / "inbox/教务处_措施_补.xlsx"
    shutil.copy(fb_path, fixed)
    wb = openpyxl.load_workbook(fixed)
    for rid in later:
        for label, value in (("关键环节", "执行"), ("防控措施", f"{rid}的措施"), ("工作程序", "申请—审批"), ("完成时限", "长期")):
            wb["附件6"].cell(rows_of[rid], table_header_row(wb["附件6"], [label])[1][label], value)
    wb.save(fixed)
    result = merge(cfg)
    assert inputs(workdir)["inbox/教务处_措施_补.xlsx"]["status"] == "accepted"
    got = {r["风险编号"]: r["防控措施"] for r in result.analysis.catalogue if r["_dept"] == "JWC" and r["层级"] == "部门"}
    assert all(got[rid] == f"{rid}的措施" for rid in later)


def test_an_interrupted_merge_keeps_the_last_rounds_drafts(cfg, workdir, monkeypatch):
    """Ctrl-C (or a failure) while the consolidated workbook is written: the feedback workbooks, reply and chase
    drafts of the last complete merge are all still there (they were removed before anything new was
    written); the next merge gives the same set."""
    setup_inbox(cfg, workdir)
    merge(cfg)
    before = sorted(p.relative_to(workdir).as_posix() for p in (workdir / "outbox").rglob("*") if p.suffix in (".xlsx", ".eml")
                    and ("反馈" in p.parts or "催报" in p.parts))
    assert any("催报" in p for p in before) and any(p.endswith("_反馈.xlsx") for p in before)
    (workdir / "inbox/陈静.xlsx").unlink()          # a new round: 陈静's form gone, so a chase for 机电工程系 changes

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr("formkit.write.workbook.write_workbook", interrupted)
    with pytest.raises(KeyboardInterrupt):
        merge(cfg)
    after = sorted(p.relative_to(workdir).as_posix() for p in (workdir / "outbox").rglob("*") if p.suffix in (".xlsx", ".eml")
                   and ("反馈" in p.parts or "催报" in p.parts))
    assert set(before) <= set(after)
    assert not list((workdir / "outbox").rglob(".tmp-*"))


def test_feedback_prints_whole_texts_and_its_list_on_every_page(cfg, workdir):
    """A 风险点 of 299 characters (the limit is 300) is wholly visible in the feedback form (its row is as high as
    the text needs, beyond the former 12-line cap); 问题说明 repeats its column labels on every printed page and
    numbers the pages."""
    setup_inbox(cfg, workdir)
    long_point = "【开头】" + "报销审核把关不严" * 36 + "【结尾】"
    assert len(long_point) <= 300
    wb = openpyxl.load_workbook(workdir / FLAWED)
    ws = form_sheet(wb)
    hr, cols = table_header_row(ws, A4_LABELS)
    ws.cell(hr + 1, cols["风险点"], long_point)
    wb.save(workdir / FLAWED)
    merge(cfg)
    back = openpyxl.load_workbook(workdir / FEEDBACK)
    form = back["附件4"]
    hr2, cols2 = table_header_row(form, A4_LABELS)
    assert form.cell(hr2 + 1, cols2["风险点"]).value == long_point
    width = form.column_dimensions[get_column_letter(cols2["风险点"])].width
    lines = -(-len(long_point) * 2 // int(width - 1))
    assert form.row_dimensions[hr2 + 1].height >= 15 * min(lines, 27) > 180
    problems = back["问题说明"]
    assert problems.print_title_rows == "$4:$4"
    assert "第 &P 页" in problems.oddFooter.center.text


def test_a_long_institution_name_wraps_in_the_form_title(cfg, workdir):
    """The title is one merged line: an institution's name of 30+ characters makes it wrap into a higher row
    instead of being cut at both ends."""
    from formkit.generate import write_form
    from formkit.spec import load_forms

    spec = load_forms()["附件1"]
    long_cfg = dataclasses.replace(cfg, institution="某某省某某市某某区职业技术教育中心暨继续教育培训学院附属职业技术学院")
    path = workdir / "title.xlsx"
    write_form(path, spec, long_cfg, ident_mod.Identity(form="附件1", campaign=cfg.campaign, version=spec.version))
    ws = openpyxl.load_workbook(path)["附件1"]
    title = next(c for row in ws.iter_rows(max_row=4) for c in row if isinstance(c.value, str) and spec.title in c.value)
    assert title.alignment.wrap_text
    assert ws.row_dimensions[title.row].height > 32


def test_an_unreadable_file_is_put_to_the_department_it_came_from(workdir):
    """A corrupt file in inbox/教务处/ and a corrupt attachment mailed from 财务处's 联系邮箱: their replies go
    under those departments (addressed to them), not to 未识别部门, and 提交情况 counts them for those departments."""
    from formkit.config import load_config
    from formkit.workspace import write_roster
    from tests.conftest import STAFF

    write_roster(workdir / "名册.xlsx", [("JWC", "教务处", "党政部门", "王芳", "刘副院长", 2, "", "jwc@example.edu.cn"),
                                       ("CWC", "财务处", "党政部门", "赵强", "张副院长", 2, "", "cwc@example.edu.cn")],
                 STAFF[:4])
    cfg = load_config(workdir)
    broken = b"PK\x03\x04" + b"\x00garbage" * 40
    (workdir / "inbox/教务处").mkdir()
    (workdir / "inbox/教务处/附件4.xlsx").write_bytes(broken)
    (workdir / "inbox/教务处/签字页.pdf").write_bytes(hostile.pdf())      # nobody is asked to resend a scan: not counted
    (workdir / "inbox/财务处来信.eml").write_bytes(hostile.make_eml(
        [("附件4.xlsx", broken)], from_="财务处 <CWC@example.edu.cn>"))
    result = merge(cfg)
    drafts = sorted(p for p in result.outputs["mail_drafts"] if "/反馈/" in p)
    assert drafts == ["outbox/反馈/教务处/附件4_反馈.eml", "outbox/反馈/财务处/附件4_反馈.eml"]
    assert read_eml(workdir / drafts[0])["To"] == "jwc@example.edu.cn"
    assert "cwc@example.edu.cn" in read_eml(workdir / drafts[1])["To"].lower()
    ws = openpyxl.load_workbook(workdir / "outbox/廉政风险目录.xlsx")["提交情况"]
    head = [c.value for c in ws[4]]
    rows = {r[0]: r for r in ws.iter_rows(min_row=5, values_only=True) if r[0] in ("教务处", "财务处")}
    col = head.index("无法读取的文件")
    assert (rows["教务处"][col], rows["财务处"][col]) == (1, 1)
    chase = read_eml(workdir / "outbox/催报/教务处_催报.eml").get_body(("plain",)).get_content()
    # (its name says it is 教务处's 附件4: the item names it, not "not received" and "another unreadable file" again)
    assert "收到的文件“附件4.xlsx”无法读取" in chase and "另有" not in chase
    # and every output names that department: report.json, 问题清单
    assert inputs(workdir)["inbox/教务处/附件4.xlsx"]["department"] == "JWC"
    assert inputs(workdir)["inbox/财务处来信.eml!附件4.xlsx"]["department"] == "CWC"
    problems = list(openpyxl.load_workbook(workdir / "outbox/廉政风险目录.xlsx")["问题清单"].iter_rows(values_only=True))
    assert any(r[1] == "inbox/教务处/附件4.xlsx" and r[4] == "教务处" for r in problems)


def test_a_date_read_from_a_number_goes_back_as_a_date(cfg, workdir):
    """填表日期 held as the number 45005 in a General cell is read as 2023-03-20 (date-as-number); the feedback
    workbook writes it back as that date, so the fixed form does not come back with a new note about it."""
    setup_inbox(cfg, workdir)
    wb = openpyxl.load_workbook(workdir / FLAWED)
    ws = form_sheet(wb)
    label = _find_label(ws, "填表日期")
    cell = ws.cell(label.row, label.column + 1)
    cell.value, cell.number_format = 45005, "General"
    wb.save(workdir / FLAWED)
    merge(cfg)
    assert "date-as-number" in {f["code"] for f in inputs(workdir)[FLAWED]["findings"]}
    back = form_sheet(openpyxl.load_workbook(workdir / FEEDBACK))
    label = _find_label(back, "填表日期")
    assert back.cell(label.row, label.column + 1).value == datetime(2023, 3, 20)


def _find_label(ws, text: str):
    return next(c for row in ws.iter_rows() for c in row if c.value == text)


def test_the_cover_lists_the_mails_and_archives_as_they_lie_in_the_inbox(cfg, workdir):
    """说明 lists every input with its SHA-256, and, for inputs that came in a mail or an archive, that file as it
    lies in inbox/ with its own SHA-256: what an auditor holds can be checked against the workbook."""
    import hashlib

    setup_inbox(cfg, workdir)
    form = (workdir / "inbox/陈静.xlsx").read_bytes()
    (workdir / "inbox/陈静.xlsx").unlink()
    (workdir / "inbox/陈静.eml").write_bytes(hostile.make_eml([("陈静.xlsx", form)]))
    merge(cfg)
    rows = list(openpyxl.load_workbook(workdir / "outbox/廉政风险目录.xlsx")["说明"].iter_rows(values_only=True))
    member = next(r for r in rows if r and r[1] == "inbox/陈静.eml!陈静.xlsx")
    assert member[2] == hashlib.sha256(form).hexdigest() and member[3] == "inbox/陈静.eml"
    container = next(r for r in rows if r and r[1] == "inbox/陈静.eml")
    assert container[2] == hashlib.sha256((workdir / "inbox/陈静.eml").read_bytes()).hexdigest()
    assert container[3] == 1


def test_a_formula_without_a_result_is_left_to_retype_with_its_text_in_the_comment(cfg, workdir):
    """=收受礼品+宴请 typed into 风险点 (a formula saved without a result): returned; the feedback cell is empty (sent
    back untouched, it is still an error, never a risk point reading "=…"), and its comment shows what was typed."""
    setup_inbox(cfg, workdir)
    wb = openpyxl.load_workbook(workdir / FLAWED)
    ws = form_sheet(wb)
    hr, cols = table_header_row(ws, A4_LABELS)
    ws.cell(hr + 1, cols["风险点"], "=收受礼品+宴请")            # openpyxl writes a formula with no cached value
    wb.save(workdir / FLAWED)
    merge(cfg)
    assert "formula-uncached" in {f["code"] for f in inputs(workdir)[FLAWED]["findings"]}
    back = form_sheet(openpyxl.load_workbook(workdir / FEEDBACK))
    hr2, cols2 = table_header_row(back, A4_LABELS)
    cell = back.cell(hr2 + 1, cols2["风险点"])
    assert cell.value is None and "=收受礼品+宴请" in cell.comment.text


def test_a_marked_date_stays_a_date_in_the_feedback(cfg, workdir):
    """填表日期 2032-03-20 (a year far off: date-implausible, its cell marked): the feedback cell is still a date
    shown as a date (marked cells lost the date format and showed 48293)."""
    setup_inbox(cfg, workdir)
    wb = openpyxl.load_workbook(workdir / FLAWED)
    ws = form_sheet(wb)
    label = _find_label(ws, "填表日期")
    ws.cell(label.row, label.column + 1).value = datetime(2032, 3, 20)
    wb.save(workdir / FLAWED)
    merge(cfg)
    assert "date-implausible" in {f["code"] for f in inputs(workdir)[FLAWED]["findings"]}
    back = form_sheet(openpyxl.load_workbook(workdir / FEEDBACK))
    label = _find_label(back, "填表日期")
    cell = back.cell(label.row, label.column + 1)
    assert cell.value == datetime(2032, 3, 20) and cell.number_format == "yyyy-mm-dd"
    assert cell.fill.fgColor.rgb == YELLOW


def test_an_unreadable_file_named_for_two_forms_is_received_for_both(cfg, workdir):
    """教务处_附件2和附件4.zip, damaged: 提交情况 showed both as 未报 (the chase asking for what had come), where a name
    naming one form shows it 收到但无法读取."""
    (workdir / "inbox/教务处").mkdir()
    (workdir / "inbox/教务处/教务处_附件2和附件4.zip").write_bytes(b"PK\x03\x04" + b"\x00garbage" * 40)
    merge(cfg)
    ws = openpyxl.load_workbook(workdir / "outbox/廉政风险目录.xlsx")["提交情况"]
    head = [c.value for c in ws[4]]
    row = next(r for r in ws.iter_rows(min_row=5, values_only=True) if r[0] == "教务处")
    assert [row[i] for i, h in enumerate(head) if h and str(h).startswith(("附件2", "附件4"))] == ["收到但无法读取"] * 2


def test_what_an_unreadable_file_is_named_says_more_than_who_forwarded_it(workdir):
    """A broken 财务处 form forwarded from 教务处's mailbox counts for 财务处 (its name says so); a broken personal
    form under the name generate gave it (…_张伟_0012.xlsx), mailed from a personal address, counts for 张伟's
    department."""
    from formkit.config import load_config
    from formkit.submissions import sender_department
    from formkit.workspace import write_roster
    from tests.conftest import STAFF

    write_roster(workdir / "名册.xlsx", [("JWC", "教务处", "党政部门", "王芳", "刘副院长", 2, "", "jwc@example.edu.cn"),
                                       ("CWC", "财务处", "党政部门", "赵强", "张副院长", 2, "", "cwc@example.edu.cn")],
                 STAFF[:4])
    cfg = load_config(workdir)
    broken = b"PK\x03\x04" + b"\x00garbage" * 40
    (workdir / "inbox/转发.eml").write_bytes(hostile.make_eml(
        [("附件4_部门岗位风险点自查表_财务处.xlsx", broken)], from_="教务处 <jwc@example.edu.cn>"))
    (workdir / "inbox/张伟.eml").write_bytes(hostile.make_eml(
        [("附件3_个人岗位风险点自查表_张伟_0012.xlsx", broken)], from_="张伟 <zw@qq.com>"))
    a = analyse(cfg)
    got = {r.path: sender_department(r, cfg.roster) for r in a.inputs}
    assert got == {"inbox/转发.eml!附件4_部门岗位风险点自查表_财务处.xlsx": "CWC",
                   "inbox/张伟.eml!附件3_个人岗位风险点自查表_张伟_0012.xlsx": "JWC"}


def test_a_form_filled_by_someone_not_in_the_roster_tells_them_how_to_get_their_own(cfg, workdir):
    """林新, new and not in the staff list, fills 陈静's 附件3 with his own name: person-not-listed (not "use your own
    form", which he does not have), and the reply names both 陈静 and him (a name not in the roster may as well be a
    typo of hers)."""
    paths = generate_campaign(cfg, "risks")
    fill(_find(paths, "附件3", "陈静"), workdir / "inbox/林新.xlsx", header={"姓名": "林新", "填表日期": "2023-03-07"},
         rows=[{"风险类别": "岗位职责", "风险点": "实训耗材领用不规范", "主要表现形式": "多领少用", "风险等级": "三级"}])
    merge(cfg)
    found = inputs(workdir)["inbox/林新.xlsx"]
    assert found["status"] == "returned"
    assert [f["code"] for f in found["findings"] if f["severity"] == "error"] == ["person-not-listed"]
    eml = next((workdir / "outbox/反馈").rglob("林新_反馈.eml"))
    msg = read_eml(eml)
    assert msg.get_body(("plain",)).get_content().lstrip().startswith("陈静（表内姓名“林新”）：")   # (or a typo of 陈静)
    assert "请用正确的表单填写后" in msg.get_body(("plain",)).get_content()    # not "correct the attachment"
    assert "（陈静）" in msg["Subject"]


def test_another_departments_form_sent_as_ones_own_is_said(cfg, workdir):
    """财务处 fills 教务处's 附件2 with its own powers and mails it from its 联系邮箱 as 附件2_财务处.xlsx: it would be
    filed under 教务处 (replacing 教务处's list, or standing for it), so it is returned to 财务处 (department-sender-aside),
    greeting 财务处; the same form sent by 教务处's secretary under 教务处's name is no such case."""
    import dataclasses

    for code, address in (("JWC", "jwc@x.edu.cn"), ("CWC", "cwc@x.edu.cn")):
        cfg.roster.departments[code] = dataclasses.replace(cfg.roster.departments[code], email=address)
    form = _find(generate_campaign(cfg, "risks"), "附件2", "教务处")
    data = fill(form, workdir / "tmp.xlsx", header={"填报人": "赵强", "填报日期": "2023-03-05"}, rows=[
        {"权力事项": "资金支付审批", "权力类别": "审批", "职权依据": "财务管理办法", "行使岗位": "出纳", "涉及“三重一大”": "否"}
    ]).read_bytes()
    (workdir / "tmp.xlsx").unlink()
    (workdir / "inbox/cwc.eml").write_bytes(hostile.make_eml([("附件2_财务处.xlsx", data)], from_="财务处 <cwc@x.edu.cn>"))
    own = fill(form, workdir / "tmp.xlsx", header={"填报人": "王芳", "填报日期": "2023-03-06"}, rows=[
        {"权力事项": "考试管理", "权力类别": "执行", "职权依据": "考试管理办法", "行使岗位": "考务", "涉及“三重一大”": "否"}
    ]).read_bytes()
    (workdir / "tmp.xlsx").unlink()
    (workdir / "inbox/jwc").mkdir()
    (workdir / "inbox/jwc/jwc.eml").write_bytes(hostile.make_eml([("附件2_教务处.xlsx", own)], from_="<jwc@x.edu.cn>",
                                                                 subject="附件2 教务处", date="Mon, 06 Mar 2023 10:00:00 +0800"))
    merge(cfg)
    found = inputs(workdir)
    # 教务处 sent its own list too: the other department's does not replace it (returned to 财务处)
    said = [f for f in found["inbox/cwc.eml!附件2_财务处.xlsx"]["findings"] if f["code"] == "department-sender-aside"]
    assert len(said) == 1 and said[0]["severity"] == "error" and "财务处" in said[0]["message"]
    assert found["inbox/cwc.eml!附件2_财务处.xlsx"]["status"] == "returned"
    assert found["inbox/jwc/jwc.eml!附件2_教务处.xlsx"]["status"] == "accepted"
    assert not [f for f in found["inbox/jwc/jwc.eml!附件2_教务处.xlsx"]["findings"] if "sender" in f["code"]]
    (workdir / "inbox/jwc/jwc.eml").unlink()          # alone, it is not 教务处's either: 教务处 has not reported
    result = merge(cfg)
    alone = inputs(workdir)["inbox/cwc.eml!附件2_财务处.xlsx"]
    assert alone["status"] == "returned" and "department-sender-aside" in {f["code"] for f in alone["findings"]}
    from formkit.submissions import grid

    assert next(d for d in grid(result.analysis) if d.code == "JWC").forms["附件2"].state in ("未报", "逾期")
    assert not [p for p in result.analysis.powers if p.get("部门") == "教务处"]
    eml = next((workdir / "outbox/反馈").rglob("附件2_财务处_反馈.eml"))
    msg = read_eml(eml)
    assert msg["To"].endswith("cwc@x.edu.cn>") or msg["To"] == "cwc@x.edu.cn"
    assert msg.get_body(("plain",)).get_content().lstrip().startswith("财务处")
    # filed under the sender, everywhere (report.json said JWC, 问题清单 and the feedback folder 教务处)
    assert alone["department"] == "CWC" and eml.parent.name == "财务处"
    book = openpyxl.load_workbook(workdir / "outbox/廉政风险目录.xlsx", read_only=True)
    rows = [r for r in book["问题清单"].iter_rows(values_only=True) if r and r[1] == "inbox/cwc.eml!附件2_财务处.xlsx"]
    book.close()
    assert rows and all("财务处" in r for r in rows)
    # 财务处's submission, returned (提交情况 said 未报); the finding at the 部门 cell of the file it came in
    assert next(d for d in grid(result.analysis) if d.code == "CWC").forms["附件2"].state == "退回"
    (workdir / "sent.xlsx").write_bytes(data)
    ws = form_sheet(openpyxl.load_workbook(workdir / "sent.xlsx"))
    said = next(f for f in alone["findings"] if f["code"] == "department-sender-aside")
    assert ws[said["cell"]].value == "教务处" and said["sheet"] == "附件2"
    # its feedback is 财务处's own form with its rows: sent back as it is, it is 财务处's list (it was 教务处's form
    # again, returned again whatever 财务处 corrected)
    back = next((workdir / "outbox/反馈").rglob("附件2_财务处_反馈.xlsx"))
    fb = form_sheet(openpyxl.load_workbook(back))
    assert any(c.value == "财务处" for row in fb.iter_rows(max_row=6) for c in row)
    assert not any(c.value == "教务处" for row in fb.iter_rows() for c in row)
    fixed = fill(back, workdir / back.name, rows=[{"权力类别": "执行"}])           # (审批 is no 权力类别)
    (workdir / "inbox/cwc2.eml").write_bytes(hostile.make_eml([(back.name, fixed.read_bytes())], from_="财务处 <cwc@x.edu.cn>",
                                                              date="Fri, 10 Mar 2023 10:00:00 +0800"))
    result = merge(cfg)
    found = inputs(workdir)
    assert found[f"inbox/cwc2.eml!{back.name}"]["status"] == "accepted"
    assert found[f"inbox/cwc2.eml!{back.name}"]["department"] == "CWC"
    assert found["inbox/cwc.eml!附件2_财务处.xlsx"]["status"] == "superseded"
    assert [(p["部门"], p["权力事项"]) for p in result.analysis.powers] == [("财务处", "资金支付审批")]


def test_a_file_name_that_is_not_utf8_is_read_and_shown_as_its_text(cfg, workdir):
    """A form saved under a GBK file name (an unzip tool, a USB stick from Windows): read and merged, its name shown
    as the Chinese it spells in report.json and the workbook (merge stopped with a traceback); an archive so named is
    listed with its SHA-256."""
    import os

    paths = generate_campaign(cfg, "risks")
    src = fill(_find(paths, "附件3", "陈静"), workdir / "tmp.xlsx", header={"填表日期": "2023-03-07"}, rows=[
        {"风险类别": "岗位职责", "风险点": "学生成绩评定不公", "主要表现形式": "人情分", "风险等级": "三级"}])
    inbox = os.fsencode(workdir / "inbox")
    with open(os.path.join(inbox, "陈静自查表".encode("gbk") + b".xlsx"), "wb") as fh:
        fh.write(src.read_bytes())
    with open(os.path.join(inbox, "机电工程系材料".encode("gbk") + b".zip"), "wb") as fh:
        fh.write(hostile.make_zip({"附件3.xlsx": src.read_bytes()}))
    src.unlink()
    result = merge(cfg)
    found = inputs(workdir)
    assert {found["inbox/陈静自查表.xlsx"]["status"], found["inbox/机电工程系材料.zip!附件3.xlsx"]["status"]} == {
        "accepted", "duplicate"}
    assert [r["来源文件"] for r in result.analysis.catalogue if r["姓名"] == "陈静"] == ["inbox/机电工程系材料.zip!附件3.xlsx"]
    cover = openpyxl.load_workbook(workdir / "outbox/廉政风险目录.xlsx")["说明"]
    row = next(r for r in cover.iter_rows(values_only=True) if r[1] == "inbox/机电工程系材料.zip")
    assert re.fullmatch(r"[0-9a-f]{64}", row[2])


def test_the_feedback_workbook_forwarded_unchanged_later_replaces_nothing(cfg, workdir, tmp_path):
    """财务处 corrects its feedback workbook and sends it back (accepted); a day later a secretary forwards formkit's
    reply, with the feedback workbook as it was, and the office saves that mail into inbox/ too: nobody changed
    anything in it, so it is no new submission (it replaced the correction: its risks left the catalogue and a
    second reply asked for the same fixes): set aside behind the correction (feedback-unchanged)."""
    setup_inbox(cfg, workdir)
    merge(cfg)
    untouched = (workdir / FEEDBACK).read_bytes()
    fixed = tmp_path / "财务处风险点_修改.xlsx"
    shutil.copyfile(workdir / FEEDBACK, fixed)
    correct(fixed)
    (workdir / "inbox/改好.eml").write_bytes(hostile.make_eml([("财务处风险点_修改.xlsx", fixed.read_bytes())],
                                                             date="Tue, 14 Mar 2023 10:00:00 +0800"))
    (workdir / "inbox/转发.eml").write_bytes(hostile.make_eml([("财务处风险点_反馈.xlsx", untouched)],
                                                             date="Wed, 15 Mar 2023 09:00:00 +0800"))
    result = merge(cfg)
    got = inputs(workdir)
    assert got["inbox/改好.eml!财务处风险点_修改.xlsx"]["status"] == "accepted"
    again = got["inbox/转发.eml!财务处风险点_反馈.xlsx"]
    assert again["status"] == "superseded" and [f["code"] for f in again["findings"]] == ["feedback-unchanged"]
    assert again["superseded_by"] == "inbox/改好.eml!财务处风险点_修改.xlsx"     # (duplicate is for identical bytes)
    assert len([r for r in result.analysis.catalogue if r["_dept"] == "CWC"]) == 3
    assert not list((workdir / "outbox/反馈").rglob("财务处风险点_反馈_反馈.*"))


def test_a_reply_draft_is_threaded_to_the_mail_it_answers(cfg, workdir):
    """The reply to a flawed form that came by mail names that mail (In-Reply-To, References): the department's
    mail client shows it in the same conversation. A Message-ID that is not one is not copied."""
    setup_inbox(cfg, workdir)
    flawed = (workdir / FLAWED).read_bytes()
    (workdir / FLAWED).unlink()
    mail = hostile.make_eml([("财务处风险点.xlsx", flawed)])
    (workdir / "inbox/财务处.eml").write_bytes(mail.replace(b"MIME-Version", b"Message-ID: <abc.123@mail.example.cn>\r\n"
                                                            b"MIME-Version", 1))
    (workdir / "inbox/坏.eml").write_bytes(mail.replace(b"MIME-Version", b"Message-ID: <x>\r\nBcc: a@b.c\r\n"
                                                       b"MIME-Version", 1).replace(b"Tue, 07 Mar", b"Wed, 08 Mar"))
    merge(cfg)
    reply = read_eml(next((workdir / "outbox/反馈").rglob("财务处风险点_反馈.eml")))
    assert reply["In-Reply-To"] == reply["References"] == "<abc.123@mail.example.cn>"
    assert all(read_eml(p)["In-Reply-To"] in (None, "<abc.123@mail.example.cn>")
               for p in (workdir / "outbox/反馈").rglob("*.eml"))


def test_a_correction_of_a_normalised_value_is_a_correction(cfg, workdir):
    """风险等级 高 was read as 一级 with a warning; the submitter picks 一级 in the feedback workbook and sends it back:
    a correction (accepted, the warning gone), not 'unchanged' (it compared what was read, not what was typed)."""
    paths = generate_campaign(cfg, "risks")
    fill(_find(paths, "附件3", "陈静"), workdir / "inbox/陈静.xlsx", header={"填表日期": "2023-03-07"},
         rows=[{"风险类别": "岗位职责", "风险点": "学生成绩评定不公", "主要表现形式": "人情分", "风险等级": "高"}])
    merge(cfg)
    fb = next((workdir / "outbox/反馈").rglob("陈静_反馈.xlsx"))
    fixed = workdir / "inbox/陈静_改.xlsx"
    shutil.copy(fb, fixed)
    wb = openpyxl.load_workbook(fixed)
    ((_, ref, _),) = links(wb)
    wb["附件3"][ref] = "一级"
    wb.save(fixed)
    merge(cfg)
    got = inputs(workdir)["inbox/陈静_改.xlsx"]
    assert got["status"] == "accepted" and not got["findings"]


def test_the_measure_form_attached_again_unfilled_replaces_nothing(cfg, workdir):
    """张伟's filled 附件5 was accepted; a day later he attaches the pre-filled form again, unfilled: set aside
    (blank-resent), his measures stay, nobody is asked to fill it. The same holds for a feedback workbook sent back
    without filling the row it put back."""
    import os

    fill_risk_stage(cfg, workdir / "inbox")
    a5 = next(p for p in generate_campaign(cfg, "measures", accepted=analyse(cfg)) if "附件5" in p.name
              and "张伟" in p.name)
    good = fill(a5, workdir / "inbox/张伟_措施.xlsx", header={"填表日期": "2023-04-20"},
                by_risk_id={"JWC-0012-01": {"防控措施": "双人复核"}, "JWC-0012-02": {"防控措施": "拒绝宴请"}})
    again = workdir / "inbox/张伟_措施_再发.xlsx"
    shutil.copy(a5, again)
    os.utime(good, (1681000000, 1681000000))
    os.utime(again, (1681100000, 1681100000))
    result = merge(cfg)
    got = inputs(workdir)
    assert got["inbox/张伟_措施.xlsx"]["status"] == "accepted"
    assert got["inbox/张伟_措施_再发.xlsx"]["status"] == "superseded"
    assert [f["code"] for f in got["inbox/张伟_措施_再发.xlsx"]["findings"]] == ["blank-resent"]
    measures = {r["风险编号"]: r["防控措施"] for r in result.analysis.catalogue if r["姓名"] == "张伟"}
    assert measures == {"JWC-0012-01": "双人复核", "JWC-0012-02": "拒绝宴请"}
    assert not list((workdir / "outbox/反馈").rglob("张伟_措施_再发_反馈.*"))


def test_an_office_relaying_other_departments_forms_is_no_other_sender(cfg, workdir):
    """党政办公室 forwards 教务处's and 财务处's own 附件2 (their names on them) from its address, the mail saved as
    党政办公室转报教务处、财务处附件2.eml in inbox/党政办公室/: no department-sender warning (its name on the mail and the
    folder is not a claim that the forms are its own)."""
    import dataclasses

    for code, address in (("JWC", "jwc@x.edu.cn"), ("CWC", "cwc@x.edu.cn"), ("JDX", "dzb@x.edu.cn")):
        cfg.roster.departments[code] = dataclasses.replace(cfg.roster.departments[code], email=address)
    paths = generate_campaign(cfg, "risks")
    files = []
    for dept, item in (("教务处", "考试管理"), ("财务处", "资金支付审批")):
        data = fill(_find(paths, "附件2", dept), workdir / "tmp.xlsx", header={"填报人": "王芳", "填报日期": "2023-03-05"},
                    rows=[{"权力事项": item, "权力类别": "执行", "职权依据": "办法", "行使岗位": "岗位", "涉及“三重一大”": "否"}]
                    ).read_bytes()
        files.append((f"附件2_部门权力清单_{dept}.xlsx", data))
    (workdir / "tmp.xlsx").unlink()
    (workdir / "inbox/机电工程系").mkdir()
    (workdir / "inbox/机电工程系/机电工程系转报教务处、财务处附件2.eml").write_bytes(
        hostile.make_eml(files, from_="<dzb@x.edu.cn>"))
    merge(cfg)
    for i in inputs(workdir).values():
        assert not [f for f in i["findings"] if f["code"].startswith("department-sender")], i["path"]


def _put_to_its_sender(workdir, own: str, theirs: str) -> list[str]:
    """The department's own form accepted, the other's filling of its template returned (department-sender-aside): the
    department the latter is put to."""
    got = inputs(workdir)
    assert got[own]["status"] == "accepted"
    wrong = got[theirs]
    assert wrong["status"] == "returned" and "department-sender-aside" in {f["code"] for f in wrong["findings"]}
    return [wrong["department"]]


def test_another_departments_form_saved_into_the_inbox_under_the_senders_name_is_said(cfg, workdir):
    """No mail: the coordinator saved 财务处's attachment as 财务处附件4.xlsx, and 财务处 had filled 教务处's 附件4 with its
    own head (赵强) as 部门负责人: not a later version of 教务处's accepted 附件4 (it replaced it without a word, 财务处's
    risk published under 教务处); a 部门负责人 left as it was, or a file named for 教务处, is 教务处's."""
    from tests.test_rules import RISK4, RISK4B

    paths = generate_campaign(cfg, "risks")
    form = _find(paths, "附件4", "教务处")
    fill(form, workdir / "inbox/教务处附件4.xlsx", header={"填表日期": "2023-03-10"}, rows=[RISK4])
    fill(form, workdir / "inbox/财务处附件4.xlsx", header={"填表日期": "2023-03-16", "部门负责人": "赵强"},
         rows=[{**RISK4B, "责任人": "赵强"}])
    result = merge(cfg)
    assert _put_to_its_sender(workdir, "inbox/教务处附件4.xlsx", "inbox/财务处附件4.xlsx") == ["CWC"]
    assert [(r["风险编号"], r["风险点"]) for r in result.analysis.catalogue] == [("JWC-B01", RISK4["风险点"])]
    # the head left as the form had it: a later version of 教务处's (the file's name alone decides nothing)
    fill(form, workdir / "inbox/财务处附件4.xlsx", header={"填表日期": "2023-03-16"}, rows=[{**RISK4B, "责任人": "赵强"}])
    merge(cfg)
    got = inputs(workdir)
    assert got["inbox/财务处附件4.xlsx"]["status"] == "accepted" and got["inbox/财务处附件4.xlsx"]["department"] == "JWC"
    assert got["inbox/教务处附件4.xlsx"]["status"] == "superseded"


def test_ones_own_form_with_another_departments_name_typed_in_is_returned_to_oneself(cfg, workdir):
    """教务处's own 附件4, 财务处 typed over its 部门, filed by the office in inbox/教务处/ (no mail): one error at the 部门
    cell (department-mismatch); it was also said to be "教务处's form filled by 财务处", backwards, filed as 财务处's and its
    reply addressed to 财务处's mailbox. Now it is 教务处's, its reply to 教务处's mailbox."""
    import dataclasses

    from tests.test_rules import RISK4

    for code, address in (("JWC", "jwc@x.edu.cn"), ("CWC", "cwc@x.edu.cn")):
        cfg.roster.departments[code] = dataclasses.replace(cfg.roster.departments[code], email=address)
    form = _find(generate_campaign(cfg, "risks"), "附件4", "教务处")
    (workdir / "inbox/教务处").mkdir()
    fill(form, workdir / "inbox/教务处/附件4_教务处.xlsx", header={"填表日期": "2023-03-10", "部门": "财务处"}, rows=[RISK4])
    merge(cfg)
    got = inputs(workdir)["inbox/教务处/附件4_教务处.xlsx"]
    assert got["status"] == "returned" and got["department"] == "JWC"
    assert [f["code"] for f in got["findings"] if f["severity"] == "error"] == ["department-mismatch"]
    msg = read_eml(next((workdir / "outbox/反馈/教务处").glob("*_反馈.eml")))
    assert "jwc@x.edu.cn" in msg["To"] and msg.get_body(("plain",)).get_content().lstrip().startswith("教务处")


@pytest.mark.parametrize("by_mail", [True, False], ids=["mailed back", "saved into inbox"])
def test_ones_own_form_with_another_departments_name_corrected_from_its_feedback_replaces_it(cfg, workdir, by_mail):
    """财务处's 附件4 with 教务处 typed over its 部门 (department-mismatch, returned), corrected in its feedback workbook as
    the message says and mailed back (a mail dated before the file's time in inbox/): the correction accepted, the
    original superseded by it; it stayed returned beside its accepted correction, merge exited 1 and its reply asked
    the department again for a form it had corrected."""
    from tests.test_rules import RISK4

    form = _find(generate_campaign(cfg, "risks"), "附件4", "财务处")
    (workdir / "inbox/财务处").mkdir()
    fill(form, workdir / "inbox/财务处/附件4_财务处.xlsx", header={"填表日期": "2023-03-10", "部门": "教务处"}, rows=[RISK4])
    merge(cfg)
    fixed = workdir / "fixed.xlsx"
    shutil.copyfile(next((workdir / "outbox/反馈/财务处").glob("*_反馈.xlsx")), fixed)
    fill(fixed, header={"部门": "财务处"})
    if by_mail:
        (workdir / "inbox/reply.eml").write_bytes(hostile.make_eml([("附件4_财务处_反馈.xlsx", fixed.read_bytes())],
                                                                   date="Wed, 15 Mar 2023 10:00:00 +0800"))
    else:
        shutil.copyfile(fixed, workdir / "inbox/附件4_财务处_反馈.xlsx")
    fixed.unlink()
    result = merge(cfg)
    got = inputs(workdir)
    original = got["inbox/财务处/附件4_财务处.xlsx"]
    correction = next(v for k, v in got.items() if k.endswith("_反馈.xlsx"))
    assert correction["status"] == "accepted", correction["findings"]
    assert original["status"] == "superseded" and original["superseded_by"] == correction["path"]
    assert result.exit_code == 0


def test_who_sent_a_departments_form_is_the_author_of_the_mail_not_who_forwarded_it(cfg, workdir):
    """财务处 fills 教务处's 附件2 and mails it as its own; the office's duty mailbox forwards that mail: it was accepted
    as 教务处's (the forwarder taken for the sender). And 财务处's own 附件2, 教务处 typed in its 部门, mailed from
    财务处's mailbox as 附件2.xlsx: 财务处's (it was put to 教务处, which sent nothing, 财务处 chased)."""
    import dataclasses

    for code, address in (("JWC", "jwc@x.edu.cn"), ("CWC", "cwc@x.edu.cn")):
        cfg.roster.departments[code] = dataclasses.replace(cfg.roster.departments[code], email=address)
    paths = generate_campaign(cfg, "risks")
    theirs = fill(_find(paths, "附件2", "教务处"), workdir / "theirs.xlsx", header={"填报日期": "2023-03-10"},
                  rows=[{"权力事项": "资金支付审批", "权力类别": "审批"}]).read_bytes()
    inner = hostile.make_eml([("附件2_财务处.xlsx", theirs)], from_="财务处 <cwc@x.edu.cn>", subject="附件2 财务处")
    (workdir / "inbox/fwd.eml").write_bytes(hostile.make_eml([("财务处附件2.eml", inner)], from_="值班室 <duty@x.edu.cn>",
                                                             subject="转发：附件2 财务处"))
    own = fill(_find(paths, "附件2", "财务处"), workdir / "own.xlsx", header={"填报日期": "2023-03-11", "部门": "教务处"},
               rows=[{"权力事项": "票据管理", "权力类别": "执行"}]).read_bytes()
    (workdir / "inbox/own.eml").write_bytes(hostile.make_eml([("附件2.xlsx", own)], from_="财务处 <cwc@x.edu.cn>",
                                                             subject="附件2"))
    merge(cfg)
    got = inputs(workdir)
    forwarded = got["inbox/fwd.eml!财务处附件2.eml!附件2_财务处.xlsx"]
    assert forwarded["status"] == "returned" and forwarded["department"] == "CWC"
    assert "department-sender-aside" in {f["code"] for f in forwarded["findings"]}
    mine = got["inbox/own.eml!附件2.xlsx"]
    codes = {f["code"] for f in mine["findings"]}
    assert mine["department"] == "CWC" and "department-mismatch" in codes and "department-sender-aside" not in codes


def test_another_departments_form_under_a_plain_name_from_its_mailbox_with_its_head_is_said(cfg, workdir):
    """财务处 fills 教务处's 附件4 with its own head (赵强) and mails it from its 联系邮箱 as 附件4.xlsx (a name of no
    department): it was accepted as 教务处's, 教务处's own accepted 附件4 superseded, 财务处's risks under 教务处."""
    import dataclasses

    from tests.test_rules import RISK4, RISK4B

    for code, address in (("JWC", "jwc@x.edu.cn"), ("CWC", "cwc@x.edu.cn")):
        cfg.roster.departments[code] = dataclasses.replace(cfg.roster.departments[code], email=address)
    form = _find(generate_campaign(cfg, "risks"), "附件4", "教务处")
    own = fill(form, workdir / "own.xlsx", header={"填表日期": "2023-03-20"}, rows=[RISK4]).read_bytes()
    (workdir / "inbox/jwc.eml").write_bytes(hostile.make_eml([("附件4_教务处.xlsx", own)], from_="<jwc@x.edu.cn>",
                                                             date="Mon, 20 Mar 2023 09:00:00 +0800"))
    theirs = fill(form, workdir / "theirs.xlsx", header={"填表日期": "2023-03-22", "部门负责人": "赵强"},
                  rows=[{**RISK4B, "责任人": "赵强"}]).read_bytes()
    for i, subject in enumerate(("附件4", "附件4_教务处", "教务处附件4（财务处填）", "代教务处报送附件4")):
        # (a subject naming 教务处 is no relaying of 教务处's form: it took over 教务处's accepted form, exit 0)
        (workdir / "inbox/cwc.eml").write_bytes(hostile.make_eml([("附件4.xlsx", theirs)], from_="<cwc@x.edu.cn>",
                                                                 subject=subject, date=f"Wed, 22 Mar 2023 09:0{i}:00 +0800"))
        result = merge(cfg)
        assert _put_to_its_sender(workdir, "inbox/jwc.eml!附件4_教务处.xlsx", "inbox/cwc.eml!附件4.xlsx") == ["CWC"]
        assert [r["风险点"] for r in result.analysis.catalogue] == [RISK4["风险点"]]


def test_a_branchs_form_relayed_by_its_parent_under_a_subject_saying_so_is_the_branchs(cfg, workdir):
    """教务处党支部's own 附件4, relayed by 教务处 from jwc@ as 附件4.xlsx under the subject 转报教务处党支部附件4, signed by
    教务处's head: the branch's (it was sent aside as 教务处's, the branch chased). 财务处 filling 教务处's template and
    sending it "on behalf of" 教务处 (代教务处报送附件4), its head typed, is no relaying: returned to 财务处."""
    import dataclasses

    from formkit.config import Department
    from tests.test_rules import RISK4

    for code, address in (("JWC", "jwc@x.edu.cn"), ("CWC", "cwc@x.edu.cn")):
        cfg.roster.departments[code] = dataclasses.replace(cfg.roster.departments[code], email=address)
    cfg.roster.departments["JWZB"] = Department("JWZB", "教务处党支部", "党支部", "周敏", "刘副院长", 1)
    paths = generate_campaign(cfg, "risks")
    branch = fill(_find(paths, "附件4", "教务处党支部"), workdir / "zb.xlsx",
                  header={"填表日期": "2023-03-20", "部门负责人": "王芳"}, rows=[{**RISK4, "关联权力事项": ""}])
    (workdir / "inbox/relay.eml").write_bytes(hostile.make_eml([("附件4.xlsx", branch.read_bytes())],
                                                               from_="<jwc@x.edu.cn>", subject="转报教务处党支部附件4"))
    theirs = fill(next(p for p in paths if "附件4" in p.name and p.parent.name == "教务处"), workdir / "cwc.xlsx",
                  header={"填表日期": "2023-03-22", "部门负责人": "赵强"}, rows=[{**RISK4, "关联权力事项": ""}])
    (workdir / "inbox/cwc.eml").write_bytes(hostile.make_eml([("附件4.xlsx", theirs.read_bytes())],
                                                             from_="<cwc@x.edu.cn>", subject="代教务处报送附件4"))
    merge(cfg)
    got = inputs(workdir)
    relayed = got["inbox/relay.eml!附件4.xlsx"]
    assert relayed["department"] == "JWZB" and "department-sender-aside" not in {f["code"] for f in relayed["findings"]}
    wrong = got["inbox/cwc.eml!附件4.xlsx"]
    assert wrong["department"] == "CWC" and "department-sender-aside" in {f["code"] for f in wrong["findings"]}

def test_a_reply_draft_the_same_as_last_rounds_is_left_as_it_was(cfg, workdir):
    """A merge again with nothing new: each reply draft was written again, a new time on the same words, the coordinator
    unable to tell the drafts not yet sent by their dates."""
    import os

    setup_inbox(cfg, workdir)
    merge(cfg)
    drafts = sorted((workdir / "outbox/反馈").rglob("*.eml"))
    assert drafts
    for p in drafts:
        os.utime(p, (1600000000, 1600000000))
    merge(cfg)
    assert {p.stat().st_mtime for p in drafts} == {1600000000}
    # … nor when a later file (another's correct form) moves the data's date on: the drafts' Date the only change
    from tests.test_roundtrip import fill_risk_stage

    (workdir / "extra").mkdir()
    extra = fill_risk_stage(cfg, workdir / "extra")
    li = next(p for p in extra if p.name == "李娜.xlsx")
    os.replace(li, workdir / "inbox/李娜_新.xlsx")
    os.utime(workdir / "inbox/李娜_新.xlsx", (1679900000, 1679900000))
    merge(cfg)
    assert {p.stat().st_mtime for p in drafts if p.exists()} == {1600000000}


def test_another_departments_form_sent_after_ones_own_says_what_sending_it_back_does(cfg, workdir):
    """财务处's own 附件2 accepted, then it mails 教务处's 附件2 filled with one more item: returned (department-sender-aside)
    with its feedback on 财务处's own form holding that item only; sent back as told it would replace the accepted list
    (its items gone unsaid), so the finding says so and what to do if it only adds. The office's folder named for 财务处
    (inbox/财务处/附件2.xlsx, no mail) with 财务处's head typed in is the same case."""
    import dataclasses

    cfg.roster.departments["CWC"] = dataclasses.replace(cfg.roster.departments["CWC"], email="cwc@x.edu.cn")
    paths = generate_campaign(cfg, "risks")
    row = {"权力事项": "资金支付审批", "权力类别": "执行", "职权依据": "财务管理办法", "行使岗位": "出纳", "涉及“三重一大”": "否"}

    def form(dept: str, header: dict) -> bytes:
        data = fill(_find(paths, "附件2", dept), workdir / "tmp.xlsx", header=header, rows=[row]).read_bytes()
        (workdir / "tmp.xlsx").unlink()
        return data

    (workdir / "inbox/1.eml").write_bytes(hostile.make_eml([("附件2_财务处.xlsx", form("财务处", {"填报人": "赵强"}))],
                                                          from_="<cwc@x.edu.cn>", date="Mon, 06 Mar 2023 10:00:00 +0800"))
    (workdir / "inbox/2.eml").write_bytes(hostile.make_eml([("附件2_财务处.xlsx", form("教务处", {"填报人": "赵强"}))],
                                                          from_="<cwc@x.edu.cn>", date="Wed, 08 Mar 2023 10:00:00 +0800"))
    merge(cfg)
    got = inputs(workdir)
    assert got["inbox/1.eml!附件2_财务处.xlsx"]["status"] == "accepted"
    aside = got["inbox/2.eml!附件2_财务处.xlsx"]
    (said,) = [f for f in aside["findings"] if f["code"] == "department-sender-aside"]
    assert aside["status"] == "returned" and "已报送过本部门的附件2（inbox/1.eml!附件2_财务处.xlsx）" in said["message"]
    # in the office's folder for 财务处, its head typed over 教务处's: the same
    (workdir / "inbox/2.eml").unlink()
    (workdir / "inbox/财务处").mkdir()
    (workdir / "inbox/财务处/附件2.xlsx").write_bytes(form("教务处", {"填报人": "赵强", "部门负责人": "赵强"}))
    merge(cfg)
    got = inputs(workdir)
    assert got["inbox/财务处/附件2.xlsx"]["status"] == "returned"
    assert got["inbox/财务处/附件2.xlsx"]["department"] == "CWC"
    assert got["inbox/1.eml!附件2_财务处.xlsx"]["status"] == "accepted"


def test_a_department_that_filled_the_wrong_template_first_leaves_the_other_unreported(cfg, workdir):
    """财务处 fills 教务处's 附件2 template with its own powers and mails it as 附件2_财务处.xlsx, then sends its own form:
    the first is not 教务处's (returned to 财务处, department-sender-aside), 教务处 still 未报 and chased. A file
    named for both (附件2_教务处_财务处修改.xlsx: a correction made for 教务处) is 教务处's, without a word."""
    import dataclasses

    for code, address in (("JWC", "jwc@x.edu.cn"), ("CWC", "cwc@x.edu.cn")):
        cfg.roster.departments[code] = dataclasses.replace(cfg.roster.departments[code], email=address)
    paths = generate_campaign(cfg, "risks")
    row = {"权力事项": "资金支付审批", "权力类别": "执行", "职权依据": "财务管理办法", "行使岗位": "出纳", "涉及“三重一大”": "否"}

    def form(dept: str) -> bytes:
        data = fill(_find(paths, "附件2", dept), workdir / "tmp.xlsx", header={"填报人": "赵强", "填报日期": "2023-03-05"},
                    rows=[row]).read_bytes()
        (workdir / "tmp.xlsx").unlink()
        return data

    (workdir / "inbox/1.eml").write_bytes(hostile.make_eml([("附件2_财务处.xlsx", form("教务处"))], from_="<cwc@x.edu.cn>",
                                                          date="Mon, 06 Mar 2023 10:00:00 +0800"))
    (workdir / "inbox/2.eml").write_bytes(hostile.make_eml([("附件2_财务处.xlsx", form("财务处"))], from_="<cwc@x.edu.cn>",
                                                          date="Wed, 08 Mar 2023 10:00:00 +0800"))
    result = merge(cfg)
    got = inputs(workdir)
    wrong = got["inbox/1.eml!附件2_财务处.xlsx"]
    # made good by 财务处's own form sent after it (it stayed returned for good)
    assert wrong["status"] == "superseded" and wrong["superseded_by"] == "inbox/2.eml!附件2_财务处.xlsx"
    assert "department-sender-aside" in {f["code"] for f in wrong["findings"]}
    assert got["inbox/2.eml!附件2_财务处.xlsx"]["status"] == "accepted" and result.exit_code == 0
    from formkit.submissions import grid

    jwc = next(d for d in grid(result.analysis) if d.code == "JWC")
    assert jwc.forms["附件2"].state in ("未报", "逾期")
    (workdir / "inbox/1.eml").write_bytes(hostile.make_eml([("附件2_教务处_财务处修改.xlsx", form("教务处"))],
                                                          from_="<cwc@x.edu.cn>", date="Mon, 06 Mar 2023 10:00:00 +0800"))
    merge(cfg)
    fixed = inputs(workdir)["inbox/1.eml!附件2_教务处_财务处修改.xlsx"]
    assert fixed["status"] == "accepted" and not [f for f in fixed["findings"] if "sender" in f["code"]]


def test_a_feedback_workbook_returned_again_keeps_one_suffix(cfg, workdir):
    """The feedback workbook sent back and returned again: its own feedback is …_反馈.xlsx once more, not
    …_反馈_反馈.xlsx (one more _反馈 every round)."""
    setup_inbox(cfg, workdir)
    merge(cfg)
    shutil.copy(workdir / FEEDBACK, workdir / "inbox/财务处风险点_反馈.xlsx")
    fill(workdir / "inbox/财务处风险点_反馈.xlsx", header={"填表日期": "2023-03-20"})      # a change, the errors left
    merge(cfg)
    names = sorted(p.name for p in (workdir / "outbox/反馈/财务处").iterdir())
    assert not [n for n in names if "_反馈_反馈" in n], names
    assert names == ["财务处风险点_反馈.eml", "财务处风险点_反馈.xlsx"]     # (the first one's is gone: superseded)


def test_text_shaped_like_rich_text_is_text_in_every_workbook_written(cfg, workdir):
    """Text that starts with <r> and ends with </r> was copied into the XML unescaped by xlsxwriter (not only in
    constant_memory mode): 机电工程系's 风险点 “<r>金额<5万 & 未招标</r>” broke its feedback workbook, the measure form
    pre-filled from it, and a department named so in the roster lost the 部门 of every form (read back empty)."""
    import dataclasses

    tricky = "<r>金额<5万 & 未招标</r>"
    cfg.roster.departments["JDX"] = dataclasses.replace(cfg.roster.departments["JDX"], name="<r>机电&工程系</r>")
    paths = generate_campaign(cfg)
    a4 = next(p for p in paths if "附件4" in p.name and "机电" in p.name)
    assert form_sheet(openpyxl.load_workbook(a4)).cell(*_label_right(a4, "部门")).value == "<r>机电&工程系</r>"
    row = {"岗位(环节)": "采购", "风险类别": "岗位职责", "风险点": tricky, "风险等级": "一级", "涉及“三重一大”": "是"}
    fill(a4, workdir / "inbox/机电风险点.xlsx", rows=[row, {**row, "风险点": "另一条", "风险等级": "四级"}])
    result = merge(cfg)
    flawed = next(r for r in result.analysis.inputs if r.path == "inbox/机电风险点.xlsx")
    assert flawed.status == "returned" and "required" not in {f.code for f in flawed.findings}
    feedback = next((workdir / "outbox/反馈").rglob("机电风险点_反馈.xlsx"))
    assert tricky in [c.value for r in form_sheet(openpyxl.load_workbook(feedback)).iter_rows() for c in r]
    fill(a4, workdir / "inbox/机电风险点_改.xlsx", header={"填表日期": "2023-03-20"}, rows=[row])
    a6 = next(p for p in generate_campaign(cfg, "measures", accepted=analyse(cfg)) if "附件6" in p.name and "机电" in p.name)
    assert tricky in [c.value for r in form_sheet(openpyxl.load_workbook(a6)).iter_rows() for c in r]


def _label_right(path: Path, label: str) -> tuple[int, int]:
    ws = form_sheet(openpyxl.load_workbook(path))
    cell = next(c for r in ws.iter_rows() for c in r if c.value == label)
    return cell.row, cell.column + 1


@pytest.mark.parametrize("hidden", [True, False])
def test_a_form_sent_as_a_second_sheet_is_chased_as_such(cfg, workdir, hidden):
    """教务处 copies its 附件4 into the workbook of its 附件2, and sends that one file. A visible sheet is read as a form of
    its own (not chased); a hidden one is not read (a copy put away), and the chase mail listed it as 未报 and ended
    “如已报送，请忽略本邮件” (the department, having sent it, would ignore it): it says where the form came and what to
    do."""
    paths = generate_campaign(cfg)
    a2 = fill(next(p for p in paths if "附件2" in p.name and "教务处" in p.name), workdir / "教务处_两张表.xlsx",
             header={"填报日期": "2023-03-20"}, rows=[
        {"权力事项": "考试管理", "权力类别": "执行", "行使岗位": "考务专员", "涉及“三重一大”": "否"}])
    a4 = fill(next(p for p in paths if "附件4" in p.name and "教务处" in p.name), workdir / "a4.xlsx", rows=[
        {"岗位(环节)": "考务", "关联权力事项": "考试管理", "风险类别": "岗位职责", "风险点": "泄露试题", "风险等级": "二级"}])
    wb = openpyxl.load_workbook(a2)
    target = wb.create_sheet("附件4")
    for row in form_sheet(openpyxl.load_workbook(a4)).iter_rows():
        for c in row:
            if c.value is not None:
                target.cell(c.row, c.column, c.value)
    if hidden:
        target.sheet_state = "hidden"
    wb.save(workdir / "inbox/教务处_两张表.xlsx")
    result = merge(cfg)
    res = next(r for r in result.analysis.inputs if r.path == "inbox/教务处_两张表.xlsx")
    assert res.form == "附件2" and res.status == "accepted"
    chase = read_eml(workdir / "outbox/催报/教务处_催报.eml").get_body(("plain",)).get_content()
    if not hidden:
        (other,) = [r for r in result.analysis.inputs if r.path == "inbox/教务处_两张表.xlsx!附件4"]
        assert (other.form, other.status, other.department) == ("附件4", "accepted", "JWC")
        assert "附件4" not in chase and "multiple-forms" not in {f.code for f in res.findings}
        return
    assert next(f for f in res.findings if f.code == "multiple-forms").value == "附件4"
    line = next(x for x in chase.splitlines() if "附件4" in x)
    assert "未报" in line and "“教务处_两张表.xlsx”中有这张表" in line and "另存为单独的文件" in line


def test_a_scan_mailed_instead_of_the_form_is_said_to_be_a_scan(cfg, workdir):
    """李娜 mails a PDF scan of her printed 附件3 from her own mailbox, her whole From line written inside one encoded
    word: the mail was “without a form attachment” (she attached one), under no department, and its reply draft had
    no recipient. It is said to be no spreadsheet, filed under her department (her name in the staff list), and the
    reply goes to her."""
    from_ = hostile.encoded_word("李娜 <lina@example.edu.cn>", "utf-8")
    (workdir / "inbox/李娜扫描件.eml").write_bytes(hostile.make_eml([("附件3_李娜_扫描件.pdf", hostile.pdf())],
                                                                   subject="李娜 自查表扫描件", from_=from_))
    result = merge(cfg)
    res = next(r for r in result.report["inputs"] if r["path"] == "inbox/李娜扫描件.eml")
    assert res["status"] == "rejected" and res["department"] == "JWC"
    assert [f["code"] for f in res["findings"]] == ["mail-no-form"]
    assert "附件3_李娜_扫描件.pdf（PDF 文件）" in res["findings"][0]["message"]
    draft = read_eml(workdir / "outbox/反馈/教务处/李娜扫描件_反馈.eml")
    assert draft["To"] == "lina@example.edu.cn"
    assert "不是 Excel 表格" in draft.get_body(("plain",)).get_content()
    # she then mails the form itself: the scan is set aside (it stayed rejected: the same reply every round, exit 1)
    form = fill(_find(generate_campaign(cfg), "附件3", "李娜"), workdir / "李娜.xlsx", header={"填表日期": "2023-03-12"},
                rows=[{"风险类别": "岗位职责", "风险点": "考务泄密", "风险等级": "二级"}])
    (workdir / "inbox/李娜电子版.eml").write_bytes(hostile.make_eml([("附件3_李娜.xlsx", form.read_bytes())],
                                                                    subject="李娜 自查表", from_=from_,
                                                                    date="Wed, 15 Mar 2023 10:00:00 +0800"))
    result = merge(cfg)
    scan = next(r for r in result.report["inputs"] if r["path"] == "inbox/李娜扫描件.eml")
    assert scan["status"] == "superseded" and [f["code"] for f in scan["findings"]] == ["scan-followed-up"]
    assert not (workdir / "outbox/反馈/教务处/李娜扫描件_反馈.eml").exists()


def test_a_scan_mailed_from_an_unknown_address_goes_to_the_department_its_attachment_names(cfg, workdir):
    """A PDF and a photo of 教务处's stamped 附件4 mailed from an address not in the roster (saved as 0001.eml): the
    attachments' names and the subject say 教务处; the mail is filed there (it went to 未识别部门)."""
    (workdir / "inbox/0001.eml").write_bytes(hostile.make_eml(
        [("附件4_部门岗位风险点自查表_教务处.pdf", hostile.pdf()), ("盖章页.png", hostile.png())],
        subject="教务处附件4（盖章版）", from_="办公室 <office123@example.com>"))
    result = merge(cfg)
    res = next(r for r in result.report["inputs"] if r["path"] == "inbox/0001.eml")
    assert res["status"] == "rejected" and res["department"] == "JWC"
    assert (workdir / "outbox/反馈/教务处/0001_反馈.eml").exists()


def test_the_unreadable_attachments_of_one_mail_get_one_reply(cfg, workdir):
    """A mail of three damaged workbooks (and a good one): one reply draft naming each damaged file with its reason
    (there was a draft per attachment: 50 damaged files, 50 replies to one sender)."""
    good = fill(_find(generate_campaign(cfg), "附件3", "张伟"), workdir / "张伟.xlsx", header={"填表日期": "2023-03-12"},
                rows=[{"风险类别": "岗位职责", "风险点": "成绩修改审批把关不严", "风险等级": "二级"}])
    broken = [(f"坏{i}.xlsx", b"PK\x03\x04" + bytes([i]) * 80) for i in range(3)]
    (workdir / "inbox/教务处.eml").write_bytes(hostile.make_eml([("张伟.xlsx", good.read_bytes()), *broken]))
    result = merge(cfg)
    assert sum(1 for r in result.report["inputs"] if r["status"] == "rejected") == 3
    drafts = [p for p in result.outputs["mail_drafts"] if "/反馈/" in p and "张伟" not in p]
    assert len(drafts) == 1
    body = read_eml(workdir / drafts[0]).get_body(("plain",)).get_content()
    assert all(f"“坏{i}.xlsx”：" in body for i in range(3))


def test_a_measure_forms_feedback_shows_its_risks_as_registered_now(cfg, workdir):
    """教务处 rewords a risk in a re-sent 附件4 after its 附件6 went out; the 附件6 comes back with an error: its feedback
    workbook shows the 风险点 as registered now (it showed the wording the form went out with, which the catalogue
    no longer holds)."""
    fill_risk_stage(cfg, workdir / "inbox")
    a6 = _find(generate_campaign(cfg, "measures", accepted=analyse(cfg)), "附件6", "教务处")
    fill(_find(generate_campaign(cfg), "附件4", "教务处"), workdir / "inbox/教务处风险点_重报.xlsx",
         header={"填表日期": "2023-04-12"}, rows=[
             {"岗位(环节)": "教材选用", "关联权力事项": "教材选用", "风险类别": "岗位职责", "风险点": "教材选用中收受回扣",
              "主要表现形式": "指定教材供应商", "风险等级": "一级", "涉及“三重一大”": "是", "责任人": "王芳"},
             {"岗位(环节)": "考务", "关联权力事项": "考试管理", "风险类别": "业务流程", "风险点": "泄露期末考试试题",
              "主要表现形式": "考前透露题目", "风险等级": "二级", "涉及“三重一大”": "否", "责任人": "李娜"}])
    fill(a6, workdir / "inbox/教务处措施.xlsx", header={"填表日期": "2023-04-15"}, by_risk_id={
        "JWC-B01": {"防控措施": "集体决策", "工作程序": "提出—论证—决定"},          # 关键环节 left out: returned
        "JWC-B02": {"关键环节": "执行", "防控措施": "试题保密", "工作程序": "命题—封存—启封"}})
    result = merge(cfg)
    assert next(r for r in result.analysis.catalogue if r["风险编号"] == "JWC-B02")["风险点"] == "泄露期末考试试题"
    path = workdir / next(p for p in result.outputs["feedback"] if p.endswith("教务处措施_反馈.xlsx"))
    ws = form_sheet(openpyxl.load_workbook(path))
    hr, cols = table_header_row(ws, ["风险编号", "风险点"])
    shown = {ws.cell(r, cols["风险编号"]).value: ws.cell(r, cols["风险点"]).value for r in range(hr + 1, hr + 3)}
    assert shown == {"JWC-B01": "教材选用中收受回扣", "JWC-B02": "泄露期末考试试题"}


def test_a_feedback_workbook_sent_back_unchanged_when_the_date_was_typed_as_text(cfg, workdir):
    """陈静's 附件3 had its 填表日期 typed as text (2023年3月7日) and a warning; its feedback workbook writes the date back
    as a date. Sent back untouched, it is still unchanged (it was taken as a new version, accepted, and became the
    source of her rows with no 提交时间)."""
    paths = generate_campaign(cfg)
    fill(_find(paths, "附件3", "陈静"), workdir / "inbox/陈静.xlsx", header={"填表日期": "2023年3月7日"}, rows=[
        {"风险类别": "岗位职责", "风险点": "学生成绩评定不公", "风险等级": "三级", "涉及“三重一大”": "是"}])
    result = merge(cfg)
    feedback = workdir / next(p for p in result.outputs["feedback"] if p.endswith("陈静_反馈.xlsx"))
    shutil.copyfile(feedback, workdir / "inbox/陈静_反馈.xlsx")
    result = merge(cfg)
    got = inputs(workdir)
    assert got["inbox/陈静_反馈.xlsx"]["status"] == "superseded"
    assert [f["code"] for f in got["inbox/陈静_反馈.xlsx"]["findings"]] == ["feedback-unchanged"]
    assert {r["来源文件"] for r in result.analysis.catalogue if r["姓名"] == "陈静"} == {"inbox/陈静.xlsx"}


def test_measure_forms_are_owed_once_generated_wherever_the_templates_went(cfg, workdir):
    """The measure forms generated for 教务处 only: 财务处's 附件5/6 show 未下发 in 提交情况 (they showed 逾期 while the
    chase, rightly, did not ask for them). The office then moves outbox/templates/ away to send the forms: 教务处 is
    still chased for them (it was not: the chase looked for the files in outbox/templates/)."""
    from formkit.config import load_config
    from formkit.submissions import grid

    fill_risk_stage(cfg, workdir / "inbox")
    (workdir / "formkit.toml").write_text((workdir / "formkit.toml").read_text(encoding="utf-8").replace(
        "[campaign]", "[campaign]\nas_of = 2023-05-20", 1), encoding="utf-8")
    cfg = load_config(workdir)
    generate_campaign(cfg, "measures", departments=["JWC"], accepted=analyse(cfg))
    result = merge(cfg)
    rows = {d.code: d for d in grid(result.analysis)}
    assert rows["CWC"].forms["附件6"].state == "未下发" and rows["CWC"].personal["附件5"].state == "未下发"
    assert rows["JWC"].forms["附件6"].state == "逾期"
    shutil.move(workdir / "outbox/templates", workdir / "已发出的表")
    merge(cfg)
    chase = read_eml(workdir / "outbox/催报/教务处_催报.eml").get_body(("plain",)).get_content()
    assert "附件6" in chase and "附件5" in chase
    assert "附件6" not in read_eml(workdir / "outbox/催报/财务处_催报.eml").get_body(("plain",)).get_content()


def test_after_outbox_is_deleted_merge_says_how_to_restore_where_the_measure_forms_went(cfg, workdir, capsys):
    """The measure forms went out to every department; 教务处's 附件6 came back. outbox/ deleted (the contract says it may
    be): 财务处's 附件5/6 showed 未下发 and the chase left them out, unsaid (only the departments that answered are known
    to have had them). merge now says so and how to restore the record; generate --stage measures does."""
    from formkit.cli import main
    from formkit.config import load_config
    from formkit.submissions import grid

    fill_risk_stage(cfg, workdir / "inbox")
    (workdir / "formkit.toml").write_text((workdir / "formkit.toml").read_text(encoding="utf-8").replace(
        "[campaign]", "[campaign]\nas_of = 2023-05-20", 1), encoding="utf-8")
    cfg = load_config(workdir)
    paths = generate_campaign(cfg, "measures", accepted=analyse(cfg))
    fill(_find(paths, "附件6", "教务处"), workdir / "inbox/教务处附件6.xlsx", header={"填表日期": "2023-05-10"})
    before = {d.code: (d.forms["附件6"].state, d.personal["附件5"].state) for d in grid(merge(cfg).analysis)}
    assert before["CWC"] == ("逾期", "逾期")
    shutil.rmtree(workdir / "outbox")
    capsys.readouterr()
    main(["merge", "--dir", str(workdir)])
    err = capsys.readouterr().err
    assert "没有措施表（附件5/6）的下发记录" in err and "generate --stage measures" in err
    main(["generate", "--dir", str(workdir), "--stage", "measures", "--quiet"])
    after = {d.code: (d.forms["附件6"].state, d.personal["附件5"].state) for d in grid(merge(cfg).analysis)}
    assert after == before
    capsys.readouterr()
    main(["merge", "--dir", str(workdir)])
    assert "下发记录" not in capsys.readouterr().err


@pytest.mark.parametrize("typed", [{"姓名": "李娜"}, {"姓名": "李娜", "工号": "0013", "岗位": "考务专员", "职务层级": "一般干部"}],
                         ids=["her-name", "her-name-and-staff-no"])
def test_a_colleagues_rows_on_someone_elses_form_come_back_on_her_own_form(cfg, workdir, typed):
    """李娜 fills 张伟's 附件3 with her name (person-mismatch: hers, returned to her). Its feedback workbook was 张伟's form
    (his 工号 and 岗位 beside her name, "本表为张伟专用"): nothing she corrected in it would ever be accepted. Now it is
    her own form holding her rows; sent back as it is, it is accepted as hers (also when she had typed her own 工号 and
    岗位: it was "a feedback workbook sent back unchanged", set aside)."""
    paths = generate_campaign(cfg)
    fill(_find(paths, "附件3", "张伟"), workdir / "inbox/李娜.xlsx", header={**typed, "填表日期": "2023-03-10"},
         rows=[{"风险类别": "岗位职责", "风险点": "考务泄密", "主要表现形式": "试卷保管不严", "风险等级": "二级"}])
    result = merge(cfg)
    assert inputs(workdir)["inbox/李娜.xlsx"]["status"] == "returned"
    back = workdir / next(p for p in result.outputs["feedback"] if p.endswith("_反馈.xlsx"))
    ident = identity_of(back)[0]
    assert (ident.person, ident.staff_no) == ("李娜", "0013")
    ws = form_sheet(openpyxl.load_workbook(back))
    values = {c.value for row in ws.iter_rows(max_row=8) for c in row if c.value is not None}
    assert {"李娜", "0013", "考务专员"} <= values and "0012" not in values and "教务科科长" not in values
    body = read_eml(back.with_suffix(".eml")).get_body(("plain",)).get_content()
    assert "反馈附件已改为李娜本人的表单" in body and "请用正确的表单填写" not in body
    shutil.copy(back, workdir / "inbox/李娜_改.xlsx")
    merge(cfg)
    got = inputs(workdir)
    assert got["inbox/李娜_改.xlsx"]["status"] == "accepted" and got["inbox/李娜_改.xlsx"]["person"] == "李娜"
    assert got["inbox/李娜.xlsx"]["status"] == "superseded"


def test_a_namesake_of_another_department_on_someone_elses_form_is_that_namesake(cfg, workdir):
    """Two 张伟 (教务处 0012, 财务处 0104): 财务处's types his name and 工号 on 李娜's form. It was taken for 教务处's 张伟 (by
    the name in the form's department), its feedback his form, and sent back, nobody's."""
    from formkit.config import Person

    cfg.roster.staff.append(Person("0104", "张伟", "CWC", "会计", "一般干部"))
    paths = generate_campaign(cfg)
    fill(_find(paths, "附件3", "李娜"), workdir / "inbox/x.xlsx", header={"姓名": "张伟", "工号": "0104", "填表日期": "2023-03-10"},
         rows=[{"风险类别": "岗位职责", "风险点": "预算调整随意", "主要表现形式": "不按规定", "风险等级": "二级"}])
    merge(cfg)
    got = inputs(workdir)["inbox/x.xlsx"]
    assert (got["status"], got["department"], got["person"]) == ("returned", "CWC", "张伟")


def test_the_offices_other_mail_in_a_mailbox_export_is_skipped(cfg, workdir):
    """A mailbox export holds the forms and the office's other mail: a meeting notice with its PDF, the finance office's
    课时费统计.xlsx. Each was rejected, a reply drafted to its sender ("use the form you were sent"), merge never 0. Mail
    that speaks of the campaign, its staff or departments and brings no form (李娜's scan of her 附件3, 王磊's damaged form
    under "请查收") is still answered."""
    paths = generate_campaign(cfg)
    form = fill(_find(paths, "附件3", "张伟"), workdir / "a3.xlsx", header={"填表日期": "2023-03-10"},
                rows=[{"风险类别": "岗位职责", "风险点": "审批把关不严", "风险等级": "二级"}])
    mails = [hostile.make_eml([("附件3_张伟.xlsx", form.read_bytes())], subject="附件3 张伟", from_="张伟 <zw@example.edu.cn>"),
             hostile.make_eml([("会议通知.pdf", hostile.pdf())], subject="关于召开全校教职工大会的通知",
                              from_="党政办 <db@example.edu.cn>"),
             hostile.make_eml([("课时费统计.xlsx", hostile.tiny_xlsx())], subject="3月课时费统计",
                              from_="人事处 <rs@example.edu.cn>"),
             hostile.make_eml([("自查表扫描.pdf", hostile.pdf())], subject="附件3 李娜", from_="李娜 <ln@example.edu.cn>"),
             hostile.make_eml([("王磊.xlsx", form.read_bytes()[:3000])], subject="请查收", from_="wl <wl@example.edu.cn>")]
    (workdir / "inbox/收件箱.mbox").write_bytes(b"".join(
        b"From x@example.edu.cn Mon Mar 13 09:00:00 2023\n" + m.replace(b"\r\n", b"\n") + b"\n\n" for m in mails))
    result = merge(cfg)
    status = {r["path"]: r["status"] for r in result.report["inputs"]}
    assert status == {"inbox/收件箱.mbox!第1封邮件.eml!附件3_张伟.xlsx": "accepted", "inbox/收件箱.mbox!第4封邮件.eml": "rejected",
                      "inbox/收件箱.mbox!第5封邮件.eml!王磊.xlsx": "rejected"}   # (a staff member's damaged form: answered)
    skipped = {s["path"]: s["reason"] for s in result.report["skipped"]}
    assert "与本次活动无关" in skipped["inbox/收件箱.mbox!第3封邮件.eml!课时费统计.xlsx"]
    assert "与本次活动无关" in skipped["inbox/收件箱.mbox!第2封邮件.eml"]
    drafts = [Path(p).name for p in result.outputs["mail_drafts"] if "/反馈/" in p]
    assert "第4封邮件_反馈.eml" in drafts and not any("第2封" in d or "第3封" in d or "课时费" in d for d in drafts), drafts


def test_personal_forms_of_one_file_name_get_feedback_named_for_their_person(cfg, workdir):
    """教务处 files each person's form as 自查表.xlsx in a folder per person: the feedback of each names its person
    (they were 自查表_反馈 and 自查表_2_反馈, given by order: after one was corrected, the other's took its name)."""
    paths = generate_campaign(cfg)
    for name in ("张伟", "李娜"):
        (workdir / f"inbox/教务处/{name}").mkdir(parents=True)
        fill(_find(paths, "附件3", name), workdir / f"inbox/教务处/{name}/自查表.xlsx", rows=[
            {"风险类别": "岗位职责", "风险点": f"{name}的风险点", "风险等级": "二级"}])     # no 填表日期: a warning
    result = merge(cfg)
    names = sorted(Path(p).name for p in result.outputs["feedback"])
    assert names == sorted(["自查表_李娜_反馈.xlsx", "自查表_张伟_反馈.xlsx"])
    # 张伟 corrects his: 李娜's keeps its name (it became 自查表_反馈.xlsx once it was the only one)
    fill(_find(paths, "附件3", "张伟"), workdir / "inbox/教务处/张伟/自查表.xlsx", header={"填表日期": "2023-03-20"},
         rows=[{"风险类别": "岗位职责", "风险点": "张伟的风险点", "主要表现形式": "违规改分", "风险等级": "二级"}])
    result = merge(cfg)
    assert [Path(p).name for p in result.outputs["feedback"]] == ["自查表_李娜_反馈.xlsx"]


def test_the_feedback_of_a_measure_form_typed_anew_shows_what_the_office_knows(cfg, workdir):
    """教务处 retypes its 附件6 into a workbook of its own (no identity), leaving the 风险等级, 直接管理, 监督负责 of its
    rows and the 部门负责人 blank, and a 关键环节 out (returned): the feedback workbook shows them as the generated form
    would (they came back empty, the department warned that 部门负责人 was missing)."""
    fill_risk_stage(cfg, workdir / "inbox")
    a6 = _find(generate_campaign(cfg, "measures", accepted=analyse(cfg)), "附件6", "教务处")
    src = form_sheet(openpyxl.load_workbook(a6))
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in src.iter_rows():
        for c in row:
            if c.value is not None:
                ws.cell(c.row, c.column, c.value)
    hr, cols = table_header_row(ws, ["风险编号", "风险等级", "直接管理", "监督负责", "关键环节", "防控措施", "工作程序"])
    head = next(c for r in ws.iter_rows() for c in r if c.value == "部门负责人")
    ws.cell(head.row, head.column + 1).value = None
    for r in range(hr + 1, hr + 3):
        for label in ("风险等级", "直接管理", "监督负责"):
            ws.cell(r, cols[label]).value = None
        ws.cell(r, cols["防控措施"]).value = "集体决策"
        ws.cell(r, cols["工作程序"]).value = "登记—审核"
        ws.cell(r, cols["关键环节"]).value = "执行" if r > hr + 1 else None
    wb.save(workdir / "inbox/教务处措施_自制.xlsx")
    result = merge(cfg)
    assert {r.path: r.status for r in result.analysis.inputs}["inbox/教务处措施_自制.xlsx"] == "returned"
    path = workdir / next(p for p in result.outputs["feedback"] if "教务处措施_自制" in p)
    back = form_sheet(openpyxl.load_workbook(path))
    bhr, bcols = table_header_row(back, ["风险编号", "风险等级", "直接管理", "监督负责"])
    catalogue = {r["风险编号"]: r for r in result.analysis.catalogue}
    for r in range(bhr + 1, bhr + 3):
        rid = back.cell(r, bcols["风险编号"]).value
        assert [back.cell(r, bcols[k]).value for k in ("风险等级", "直接管理", "监督负责")] == \
            [catalogue[rid][k] for k in ("风险等级", "直接管理", "监督负责")]
    label = next(c for r in back.iter_rows() for c in r if c.value == "部门负责人")
    assert back.cell(label.row, label.column + 1).value == "王芳"


def test_a_stamped_copy_mailed_after_the_form_needs_nothing(cfg, workdir):
    """教务处 mails its 附件2, then a stamped PDF copy of it from the same address for the record: nothing to do about
    the copy (it was rejected, with a reply asking for the .xlsx already accepted, every round)."""
    form = fill(_find(generate_campaign(cfg), "附件2", "教务处"), workdir / "a2.xlsx",
                header={"填报人": "王芳", "填报日期": "2023-03-10"},
                rows=[{"权力事项": "考试管理", "权力类别": "执行", "行使岗位": "考务", "涉及“三重一大”": "否"}])
    sender = "教务处 <jwc@example.edu.cn>"
    (workdir / "inbox/权力清单.eml").write_bytes(hostile.make_eml([("附件2.xlsx", form.read_bytes())], from_=sender,
                                                                date="Fri, 10 Mar 2023 10:00:00 +0800"))
    (workdir / "inbox/权力清单盖章件.eml").write_bytes(hostile.make_eml([("附件2盖章.pdf", hostile.pdf())], from_=sender,
                                                                    date="Sat, 11 Mar 2023 10:00:00 +0800"))
    result = merge(cfg)
    copy = next(r for r in result.report["inputs"] if r["path"] == "inbox/权力清单盖章件.eml")
    assert copy["status"] == "superseded" and [f["code"] for f in copy["findings"]] == ["scan-followed-up"]
    assert not [p for p in result.outputs["mail_drafts"] if "盖章" in p]


def test_a_measure_form_that_came_back_says_both_went_out(cfg, workdir):
    """outbox/ deleted (the issued record with it): 教务处's 附件5 came back, so its 附件6 went out too: it is owed
    (it showed 未下发 and was not chased)."""
    from formkit.config import load_config
    from formkit.submissions import grid

    fill_risk_stage(cfg, workdir / "inbox")
    (workdir / "formkit.toml").write_text((workdir / "formkit.toml").read_text(encoding="utf-8").replace(
        "[campaign]", "[campaign]\nas_of = 2023-05-20", 1), encoding="utf-8")
    cfg = load_config(workdir)
    a5 = _find(generate_campaign(cfg, "measures", departments=["JWC"], accepted=analyse(cfg)), "附件5", "张伟")
    fill(a5, workdir / "inbox/张伟_措施.xlsx", by_risk_id={"JWC-0012-01": {"防控措施": "双人复核"},
                                                          "JWC-0012-02": {"防控措施": "拒绝宴请"}})
    shutil.rmtree(workdir / "outbox")
    rows = {d.code: d for d in grid(merge(cfg).analysis)}
    assert rows["JWC"].forms["附件6"].state == "逾期" and rows["CWC"].forms["附件6"].state == "未下发"


def test_a_row_inserted_among_prefilled_risks_comes_back_open_and_the_risks_locked(cfg, workdir):
    """教务处 inserts a row between the two pre-filled risks of its 附件6 (a second measure of the first, no 风险编号) and
    picks a 关键环节 that is no choice (returned): the feedback workbook locks the rows that carry the pre-filled risks
    wherever they now stand, and leaves the inserted row open (it locked the first two rows by place: the inserted
    row's 风险编号 could not be typed, JWC-B02 came back open)."""
    fill_risk_stage(cfg, workdir / "inbox")
    a6 = _find(generate_campaign(cfg, "measures", accepted=analyse(cfg)), "附件6", "教务处")
    wb = openpyxl.load_workbook(a6)
    ws = form_sheet(wb)
    hr, cols = table_header_row(ws, ["风险编号", "关键环节", "防控措施", "工作程序"])
    for r in (hr + 1, hr + 2):
        for label, value in (("关键环节", "执行"), ("防控措施", "集体决策"), ("工作程序", "登记")):
            ws.cell(r, cols[label]).value = value
    ws.cell(hr + 1, cols["关键环节"]).value = "随时"
    ws.insert_rows(hr + 2)
    ws.cell(hr + 2, cols["防控措施"]).value = "新增的措施"
    wb.save(workdir / "inbox/教务处措施.xlsx")
    result = merge(cfg)
    assert {r.path: r.status for r in result.analysis.inputs}["inbox/教务处措施.xlsx"] == "returned"
    back = form_sheet(openpyxl.load_workbook(workdir / next(p for p in result.outputs["feedback"] if "教务处措施" in p)))
    bhr, bcols = table_header_row(back, ["风险编号", "风险点"])
    ids = [back.cell(r, bcols["风险编号"]).value for r in range(bhr + 1, bhr + 4)]
    assert ids == ["JWC-B01", None, "JWC-B02"]
    locked = [back.cell(r, bcols["风险点"]).protection.locked for r in range(bhr + 1, bhr + 4)]
    assert locked == [True, False, True]
    assert not back.cell(bhr + 2, bcols["风险编号"]).protection.locked


def test_what_could_not_be_read_is_not_set_aside_by_another_persons_form(cfg, workdir):
    """教务处's mailbox sends 李娜's form in a winmail.dat and a .rar of "the others' forms", then 张伟's form: both were
    "followed up" by his (superseded, merge ending 0, nobody asked to send them again: 李娜's risks never came)."""
    d = cfg.roster.departments["JWC"]
    cfg.roster.departments["JWC"] = dataclasses.replace(d, email="jwc@example.edu.cn")    # (its 联系邮箱: a shared one)
    paths = generate_campaign(cfg)
    zw = fill(_find(paths, "附件3", "张伟"), workdir / "zw.xlsx", header={"填表日期": "2023-03-12"},
              rows=[{"风险类别": "岗位职责", "风险点": "成绩修改把关不严", "风险等级": "二级"}])
    jwc, inbox = "教务处 <jwc@example.edu.cn>", workdir / "inbox"
    (inbox / "1_李娜.eml").write_bytes(hostile.make_eml(
        [], from_=jwc, date="Mon, 13 Mar 2023 09:00:00 +0800", subject="李娜的自查表",
        extra_parts=[hostile.attachment_part("winmail.dat", b"\x78\x9f\x3e\x22" + bytes(64), "application/ms-tnef")]))
    (inbox / "2.eml").write_bytes(hostile.make_eml([("教务处其余人员自查表.rar", b"Rar!\x1a\x07\x01\x00" + bytes(200))],
                                                   from_=jwc, date="Mon, 13 Mar 2023 10:00:00 +0800",
                                                   subject="教务处其余人员的自查表"))
    (inbox / "3.eml").write_bytes(hostile.make_eml([("附件3_张伟.xlsx", zw.read_bytes())], from_=jwc,
                                                   date="Tue, 14 Mar 2023 09:00:00 +0800", subject="张伟的自查表"))
    result = merge(cfg)
    got = {r["path"]: r["status"] for r in result.report["inputs"]}
    assert got["inbox/1_李娜.eml!winmail.dat"] == got["inbox/2.eml!教务处其余人员自查表.rar"] == "rejected", got
    assert result.exit_code == 1
    # … a reply in its thread (回复：the same subject) brings what it should have
    li = fill(_find(paths, "附件3", "李娜"), workdir / "li.xlsx", header={"填表日期": "2023-03-12"},
              rows=[{"风险类别": "岗位职责", "风险点": "考务泄密", "风险等级": "二级"}])
    (inbox / "4.eml").write_bytes(hostile.make_eml([("附件3_李娜.xlsx", li.read_bytes())], from_=jwc,
                                                   date="Wed, 15 Mar 2023 09:00:00 +0800", subject="回复：李娜的自查表"))
    got = {r["path"]: r["status"] for r in merge(cfg).report["inputs"]}
    # (and with 李娜's form, each of 教务处's people's has come: the .rar brought nothing more)
    assert got["inbox/1_李娜.eml!winmail.dat"] == got["inbox/2.eml!教务处其余人员自查表.rar"] == "superseded"
    assert next(r for r in merge(cfg).report["inputs"] if r["path"] == "inbox/1_李娜.eml!winmail.dat")["superseded_by"] \
        == "inbox/4.eml!附件3_李娜.xlsx"        # (by hers, not by 张伟's that came between)
    # … and what a person sends from her own address, sorted into a folder named after her department, then sent again
    # in a new mail, or a department's mail without its attachment answered by the office's reply: followed up
    (inbox / "教务处").mkdir()
    (inbox / "教务处/5.eml").write_bytes(hostile.make_eml([("自查表.rar", b"Rar!\x1a\x07\x01\x00" + bytes(99))],
                                                        from_="王五 <ww@example.edu.cn>", subject="自查表",
                                                        date="Mon, 13 Mar 2023 09:00:00 +0800"))
    ww = fill(_find(paths, "附件3", "王磊"), workdir / "ww.xlsx", header={"填表日期": "2023-03-12"},
              rows=[{"风险类别": "岗位职责", "风险点": "报销审核不严", "风险等级": "二级"}])
    (inbox / "教务处/6.eml").write_bytes(hostile.make_eml([("附件3_王磊.xlsx", ww.read_bytes())], subject="重发",
                                                        from_="王五 <ww@example.edu.cn>", date="Tue, 14 Mar 2023 09:00:00 +0800"))
    a4 = fill(_find(paths, "附件4", "财务处"), workdir / "a4.xlsx", rows=[
        {"岗位(环节)": "报销", "风险类别": "岗位职责", "风险点": "报销审核不严", "风险等级": "二级"}])
    cwc = "财务处 <cwc@example.edu.cn>"
    (inbox / "7.eml").write_bytes(hostile.make_eml([], from_=cwc, date="Mon, 13 Mar 2023 09:00:00 +0800",
                                                   subject="财务处廉政风险点自查表"))
    (inbox / "8.eml").write_bytes(hostile.make_eml([("附件4.xlsx", a4.read_bytes())], from_=cwc,
                                                   date="Tue, 14 Mar 2023 09:00:00 +0800",
                                                   subject="回复：【请修改后重报】报送的表单（邮件“财务处廉政风险点自查表”）"))
    got = {r["path"]: r["status"] for r in merge(cfg).report["inputs"]}
    assert got["inbox/教务处/5.eml!自查表.rar"] == got["inbox/7.eml"] == "superseded", got
    # the department's own form before its batch counts for nothing after it; a winmail.dat whose subject names someone
    # waits for that one's form; a person's own mailbox naming her department in a subject is no department's batch
    a4j = fill(_find(paths, "附件4", "教务处"), workdir / "a4j.xlsx", rows=[
        {"岗位(环节)": "考务", "风险类别": "岗位职责", "风险点": "泄露试题", "风险等级": "二级"}])
    (inbox / "0.eml").write_bytes(hostile.make_eml([("附件4.xlsx", a4j.read_bytes())], from_=jwc, subject="教务处附件4",
                                                   date="Sun, 12 Mar 2023 09:00:00 +0800"))
    (inbox / "9.eml").write_bytes(hostile.make_eml(
        [], from_="王磊 <wanglei@example.edu.cn>", date="Mon, 13 Mar 2023 09:00:00 +0800", subject="刘洋的自查表",
        extra_parts=[hostile.attachment_part("winmail.dat", b"\x78\x9f\x3e\x22" + bytes(64), "application/ms-tnef")]))
    wl = fill(_find(paths, "附件3", "王磊"), workdir / "wl.xlsx", header={"填表日期": "2023-03-12"},
              rows=[{"风险类别": "岗位职责", "风险点": "报销审核走过场", "风险等级": "二级"}])
    (inbox / "10.eml").write_bytes(hostile.make_eml([("附件3_王磊.xlsx", wl.read_bytes())], subject="王磊的自查表",
                                                    from_="王磊 <wanglei@example.edu.cn>", date="Tue, 14 Mar 2023 09:00:00 +0800"))
    (inbox / "11.eml").write_bytes(hostile.make_eml([("自查表.rar", b"Rar!\x1a\x07\x01\x00" + bytes(77))],
                                                    from_="王五 <ww@example.edu.cn>", subject="教务处廉政风险自查表",
                                                    date="Mon, 13 Mar 2023 11:00:00 +0800"))
    got = {r["path"]: r["status"] for r in merge(cfg).report["inputs"]}
    assert got["inbox/9.eml!winmail.dat"] == "rejected", got
    assert got["inbox/11.eml!自查表.rar"] == "superseded", got


def test_a_departments_batch_that_could_not_be_opened_waits_for_its_peoples_forms(cfg, workdir):
    """教务处's 联系邮箱 sends a .rar of its people's forms, then its 附件4: the .rar was "followed up" by the 附件4, and
    nobody was told it could not be opened (its people's forms never came). A mail sent without its attachment and
    again under the same subject with it, and a reply to the office's reply quoting the .rar's name, follow up."""
    d = cfg.roster.departments["JWC"]
    cfg.roster.departments["JWC"] = dataclasses.replace(d, email="jwc@example.edu.cn")
    paths = generate_campaign(cfg)
    jwc, inbox = "教务处 <jwc@example.edu.cn>", workdir / "inbox"
    a4 = fill(_find(paths, "附件4", "教务处"), workdir / "a4.xlsx", rows=[
        {"岗位(环节)": "考务", "风险类别": "岗位职责", "风险点": "泄露试题", "风险等级": "二级"}])
    (inbox / "1.eml").write_bytes(hostile.make_eml([("个人自查表.rar", b"Rar!\x1a\x07\x01\x00" + bytes(90))], from_=jwc,
                                                   subject="教务处个人自查表", date="Mon, 13 Mar 2023 09:00:00 +0800"))
    (inbox / "2.eml").write_bytes(hostile.make_eml([("附件4.xlsx", a4.read_bytes())], from_=jwc, subject="教务处附件4",
                                                   date="Tue, 14 Mar 2023 09:00:00 +0800"))
    (inbox / "3.eml").write_bytes(hostile.make_eml([], from_=jwc, subject="教务处权力清单",
                                                   date="Tue, 14 Mar 2023 10:00:00 +0800"))
    a2 = fill(_find(paths, "附件2", "教务处"), workdir / "a2.xlsx", rows=[
        {"权力事项": "考试管理", "权力类别": "执行", "职权依据": "学生考试管理办法", "行使岗位": "考务专员", "涉及“三重一大”": "否"}])
    (inbox / "4.eml").write_bytes(hostile.make_eml([("附件2.xlsx", a2.read_bytes())], from_=jwc, subject="教务处权力清单",
                                                   date="Tue, 14 Mar 2023 11:00:00 +0800"))
    got = {r["path"]: r["status"] for r in merge(cfg).report["inputs"]}
    assert got["inbox/1.eml!个人自查表.rar"] == "rejected" and got["inbox/3.eml"] == "superseded", got
    people = [fill(_find(paths, "附件3", who), workdir / f"{who}.xlsx", header={"填表日期": "2023-03-12"},
                   rows=[{"风险类别": "岗位职责", "风险点": f"{who}的风险点", "风险等级": "二级"}]) for who in ("张伟", "李娜")]
    (inbox / "5.eml").write_bytes(hostile.make_eml(
        [(f"附件3_{p.stem}.xlsx", p.read_bytes()) for p in people], from_=jwc, date="Wed, 15 Mar 2023 09:00:00 +0800",
        subject="回复：【请修改后重报】报送的表单（个人自查表.rar）"))
    got = {r["path"]: r["status"] for r in merge(cfg).report["inputs"]}
    assert got["inbox/1.eml!个人自查表.rar"] == "superseded", got


def test_a_form_sent_in_time_unreadable_and_sent_again_late_is_not_late(cfg, workdir):
    """财务处 mails its 附件4 on 03-25, damaged on the way (收到但无法读取: not late, README); its reply asks for it again
    and it comes on 04-03, after the 03-31 deadline. It showed 已报（逾期）: doing as asked made the department late."""
    paths = generate_campaign(cfg)
    good = fill(_find(paths, "附件4", "财务处"), workdir / "a4.xlsx", rows=[
        {"岗位(环节)": "出纳", "关联权力事项": "资金支付", "风险类别": "岗位职责", "风险点": "违规支付", "风险等级": "二级"}])
    cwc, inbox = "财务处 <cwc@example.edu.cn>", workdir / "inbox"
    (inbox / "1.eml").write_bytes(hostile.make_eml([("附件4_财务处.xlsx", good.read_bytes()[:3000])], from_=cwc,
                                                   date="Sat, 25 Mar 2023 10:00:00 +0800"))
    (inbox / "2.eml").write_bytes(hostile.make_eml([("附件4_财务处.xlsx", good.read_bytes())], from_=cwc,
                                                   date="Mon, 03 Apr 2023 10:00:00 +0800"))
    merge(cfg)
    assert inputs(workdir)["inbox/1.eml!附件4_财务处.xlsx"]["status"] == "superseded"
    ws = openpyxl.load_workbook(workdir / "outbox/廉政风险目录.xlsx")["提交情况"]
    head = [c.value for c in ws[4]]
    row = next(r for r in ws.iter_rows(min_row=5, values_only=True) if r[0] == "财务处")
    assert row[head.index("附件4 部门风险")] == "已报"
    # sent late in the first place, it is late
    (inbox / "1.eml").write_bytes(hostile.make_eml([("附件4_财务处.xlsx", good.read_bytes()[:3000])], from_=cwc,
                                                   date="Sun, 02 Apr 2023 10:00:00 +0800"))
    merge(cfg)
    ws = openpyxl.load_workbook(workdir / "outbox/廉政风险目录.xlsx")["提交情况"]
    row = next(r for r in ws.iter_rows(min_row=5, values_only=True) if r[0] == "财务处")
    assert row[head.index("附件4 部门风险")] == "已报（逾期）"
    # a .rar of its 附件2 in time, then (late) its 附件4 and its 附件2: the .rar is the 附件2's, not the 附件4's (the
    # first form to come after it was credited with its time)
    a2 = fill(_find(generate_campaign(cfg), "附件2", "财务处"), workdir / "a2.xlsx", header={"填报人": "赵强"},
              rows=[{"权力事项": "资金支付", "权力类别": "执行", "行使岗位": "出纳", "涉及“三重一大”": "否"}])
    (inbox / "3.eml").write_bytes(hostile.make_eml([("附件2_财务处.rar", b"Rar!\x1a\x07\x00" + b"x" * 64)], from_=cwc,
                                                   date="Sat, 25 Mar 2023 11:00:00 +0800"))
    (inbox / "4.eml").write_bytes(hostile.make_eml([("附件2_财务处.xlsx", a2.read_bytes())], from_=cwc,
                                                   date="Tue, 04 Apr 2023 10:00:00 +0800"))
    result = merge(cfg)
    assert {r["path"]: r["superseded_by"] for r in result.report["inputs"]}["inbox/3.eml!附件2_财务处.rar"] == \
        "inbox/4.eml!附件2_财务处.xlsx"
    ws = openpyxl.load_workbook(workdir / "outbox/廉政风险目录.xlsx")["提交情况"]
    row = next(r for r in ws.iter_rows(min_row=5, values_only=True) if r[0] == "财务处")
    assert (row[head.index("附件2 权力清单")], row[head.index("附件4 部门风险")]) == ("已报", "已报（逾期）")


def test_a_mail_dated_by_a_wrong_clock_goes_by_when_the_server_took_it_in(cfg, workdir):
    """李娜's first 附件3 (风险等级 left out) comes from a PC whose clock says December; her correction, two days later,
    from another PC. The flawed one was the "latest" (her correction superseded, 数据截至 in December, every department
    逾期): now the server's Received time counts, said as such."""
    paths = generate_campaign(cfg)
    rows = [{"风险类别": "岗位职责", "风险点": "考务泄密", "风险等级": "二级"}]
    flawed = fill(_find(paths, "附件3", "李娜"), workdir / "v1.xlsx", rows=[{**rows[0], "风险等级": ""}])
    fixed = fill(_find(paths, "附件3", "李娜"), workdir / "v2.xlsx", rows=rows)
    inbox, lina = workdir / "inbox", "李娜 <lina@example.edu.cn>"

    def mail(path, date, received):
        return hostile.make_eml([("附件3_李娜.xlsx", path.read_bytes())], from_=lina, date=date).replace(
            b"From: ", f"Received: from mx by mail.example.edu.cn; {received}\r\nFrom: ".encode(), 1)

    (inbox / "1.eml").write_bytes(mail(flawed, "Mon, 25 Dec 2023 10:00:00 +0800", "Tue, 21 Mar 2023 10:00:05 +0800"))
    (inbox / "2.eml").write_bytes(mail(fixed, "Thu, 23 Mar 2023 09:00:00 +0800", "Thu, 23 Mar 2023 09:00:04 +0800"))
    merge(cfg)
    got = inputs(workdir)
    first, second = got["inbox/1.eml!附件3_李娜.xlsx"], got["inbox/2.eml!附件3_李娜.xlsx"]
    assert (first["status"], second["status"]) == ("superseded", "accepted")
    assert first["submitted_at"] == "2023-03-21T10:00:05+08:00"
    said = next(f for f in first["findings"] if f["code"] == "mail-date-wrong")
    assert "2023-12-25 10:00" in said["message"] and "2023-03-21 10:00" in said["message"]
    ws = openpyxl.load_workbook(workdir / "outbox/廉政风险目录.xlsx")["说明"]
    basis = {r[1]: r[11] for r in ws.iter_rows(values_only=True) if r and isinstance(r[1], str)}
    assert basis["inbox/1.eml!附件3_李娜.xlsx"] == "邮件服务器收信时间"
    assert basis["inbox/2.eml!附件3_李娜.xlsx"] == "邮件日期"
    assert "数据截至 2023-03-23" in openpyxl.load_workbook(workdir / "outbox/廉政风险目录.xlsx")["提交情况"]["A2"].value


def test_a_file_saved_into_the_inbox_that_could_not_be_read_is_set_aside_once_its_form_came_readable(cfg, workdir):
    """李娜's 附件3 with a password and then without, both saved from the mail client straight into inbox/ (the README
    allows it): the locked one stayed rejected for good (a reply asking for what had come, merge never 0); it is set
    aside, as when both came by mail. Not when the readable one is older (the locked one may be a newer version)."""
    import os

    paths = generate_campaign(cfg)
    a3 = fill(_find(paths, "附件3", "李娜"), workdir / "a3.xlsx", header={"填表日期": "2023-03-12"},
              rows=[{"风险类别": "岗位职责", "风险点": "考务泄密", "风险等级": "二级"}])
    locked, good = workdir / "inbox/李娜.xlsx", workdir / "inbox/李娜（无密码）.xlsx"
    locked.write_bytes(hostile.encrypted_xlsx())
    good.write_bytes(a3.read_bytes())
    os.utime(locked, (1678669200, 1678669200))        # 2023-03-13 09:00 +0800
    os.utime(good, (1678755600, 1678755600))          # a day later
    result = merge(cfg)
    got = {r["path"]: r for r in result.report["inputs"]}["inbox/李娜.xlsx"]
    assert (got["status"], got["superseded_by"]) == ("superseded", "inbox/李娜（无密码）.xlsx"), got
    assert [f["code"] for f in got["findings"]] == ["resent-followed-up"] and result.exit_code == 0
    os.utime(locked, (1678841000, 1678841000))        # the locked one the later
    result = merge(cfg)
    assert {r["path"]: r for r in result.report["inputs"]}["inbox/李娜.xlsx"]["status"] == "rejected"
    # … or saved with it, named the revised one; or another 李娜's (财务处, 0201); or a file naming two forms
    locked.rename(workdir / "inbox/李娜（修改稿）.xlsx")
    os.utime(workdir / "inbox/李娜（修改稿）.xlsx", (1678755600, 1678755600))
    from formkit.config import Person

    cfg.roster.staff.append(Person("0201", "李娜", "CWC", "会计", "一般干部"))
    (workdir / "inbox/财务处").mkdir()
    (workdir / "inbox/财务处/附件3_个人岗位风险点自查表_李娜_0201.xlsx").write_bytes(hostile.encrypted_xlsx())
    (workdir / "inbox/李娜_附件3和附件5.xlsx").write_bytes(hostile.encrypted_xlsx())
    for path in ("inbox/财务处/附件3_个人岗位风险点自查表_李娜_0201.xlsx", "inbox/李娜_附件3和附件5.xlsx"):
        os.utime(workdir / path, (1678669200, 1678669200))
    result = merge(cfg)
    status = {r["path"]: r["status"] for r in result.report["inputs"]}
    assert status["inbox/李娜（修改稿）.xlsx"] == status["inbox/财务处/附件3_个人岗位风险点自查表_李娜_0201.xlsx"] == \
        status["inbox/李娜_附件3和附件5.xlsx"] == "rejected", status


def test_what_could_not_be_read_and_came_again_readable_is_set_aside(cfg, workdir):
    """教务处 mails without its attachment, then again with it; 李娜 mails her 附件3 with a password, then again without;
    a winmail.dat comes beside 王磊's form in one mail. Each unreadable one stayed rejected every round (a reply asking
    for what had come, exit 1 for ever); each is set aside once what it should have brought is accepted."""
    paths = generate_campaign(cfg)
    a4 = fill(_find(paths, "附件4", "教务处"), workdir / "a4.xlsx", rows=[
        {"岗位(环节)": "考务", "关联权力事项": "考试管理", "风险类别": "岗位职责", "风险点": "泄露试题", "风险等级": "二级"}])
    a3 = fill(_find(paths, "附件3", "李娜"), workdir / "a3.xlsx", header={"填表日期": "2023-03-12"},
              rows=[{"风险类别": "岗位职责", "风险点": "考务泄密", "风险等级": "二级"}])
    wang = fill(_find(paths, "附件3", "王磊"), workdir / "wang.xlsx", header={"填表日期": "2023-03-12"},
                rows=[{"风险类别": "岗位职责", "风险点": "报销审核不严", "风险等级": "二级"}])
    first, then = "Mon, 13 Mar 2023 09:00:00 +0800", "Tue, 14 Mar 2023 09:00:00 +0800"
    jwc, lina = "教务处 <jwc@example.edu.cn>", "李娜 <lina@example.edu.cn>"
    inbox = workdir / "inbox"
    (inbox / "1.eml").write_bytes(hostile.make_eml([], from_=jwc, date=first))
    (inbox / "2.eml").write_bytes(hostile.make_eml([("附件4.xlsx", a4.read_bytes())], from_=jwc, date=then))
    (inbox / "3.eml").write_bytes(hostile.make_eml([("附件3_李娜.xlsx", hostile.encrypted_xlsx())], from_=lina,
                                                   date=first))
    (inbox / "4.eml").write_bytes(hostile.make_eml([("附件3_李娜.xlsx", a3.read_bytes())], from_=lina, date=then))
    (inbox / "5.eml").write_bytes(hostile.make_eml(
        [("附件3_王磊.xlsx", wang.read_bytes())], from_="王磊 <wanglei@example.edu.cn>", date=first,
        extra_parts=[hostile.attachment_part("winmail.dat", b"\x78\x9f\x3e\x22" + bytes(64), "application/ms-tnef")]))
    result = merge(cfg)
    by_path = {r["path"]: r for r in result.report["inputs"]}
    for path, by in (("inbox/1.eml", "inbox/2.eml!附件4.xlsx"), ("inbox/3.eml!附件3_李娜.xlsx", "inbox/4.eml!附件3_李娜.xlsx"),
                     ("inbox/5.eml!winmail.dat", "inbox/5.eml!附件3_王磊.xlsx")):
        got = by_path[path]
        assert (got["status"], got["superseded_by"]) == ("superseded", by), got
        assert [f["code"] for f in got["findings"]] == ["resent-followed-up"] and by in got["findings"][0]["message"]
    assert not [p for p in result.outputs["mail_drafts"] if Path(p).name.startswith(("1_", "3_", "5_"))]
    # an unreadable attachment of another name, or sent after the form, is still one to answer
    (inbox / "6.eml").write_bytes(hostile.make_eml([("附件2.xlsx", hostile.encrypted_xlsx())], from_=jwc,
                                                   date="Wed, 15 Mar 2023 09:00:00 +0800"))
    # … and a password zip: the forms in it may be others than the one sent next (its 附件2 is not 2.eml's 附件4)
    locked = hostile.raw_zip([hostile.RawEntry("附件2_教务处.xlsx".encode(), hostile.tiny_xlsx(), flags=0x801)])
    (inbox / "7.eml").write_bytes(hostile.make_eml([("教务处.zip", locked)], from_=jwc, date=first))
    result = merge(cfg)
    by_path = {r["path"]: r for r in result.report["inputs"]}
    assert by_path["inbox/6.eml!附件2.xlsx"]["status"] == "rejected"
    assert by_path["inbox/7.eml!教务处.zip!附件2_教务处.xlsx"]["status"] == "rejected"


def test_a_reply_goes_to_the_reply_to_address(cfg, workdir):
    """A form sent through a system mailbox (From: noreply@…, Reply-To: the person): the reply draft went to noreply."""
    form = fill(_find(generate_campaign(cfg), "附件3", "李娜"), workdir / "李娜.xlsx", header={"填表日期": "2023-03-12"},
                rows=[{"风险类别": "岗位职责", "风险点": "考务泄密", "风险等级": "四级"}])
    mail = hostile.make_eml([("附件3_李娜.xlsx", form.read_bytes())], from_="网上办事大厅 <noreply@example.edu.cn>")
    mail = mail.replace(b"\r\nTo: ", b"\r\nReply-To: =?utf-8?b?" + base64.b64encode("李娜".encode()) +
                        b"?= <lina@example.edu.cn>\r\nTo: ", 1)
    (workdir / "inbox/办事大厅.eml").write_bytes(mail)
    merge(cfg)
    (draft,) = (workdir / "outbox/反馈").rglob("*_反馈.eml")
    assert read_eml(draft)["To"] == "lina@example.edu.cn"


def test_the_offices_own_notice_mail_is_no_submission(cfg, workdir):
    """The notice the office mailed out (From: its contact address in formkit.toml, 教务处's blank forms attached), in
    inbox/ with a mailbox export of sent mail: its forms were 教务处's empty returns (退回 in 提交情况, replies addressed to
    the office itself). They are skipped; a filled form the office mailed on is read as any other."""
    from formkit.config import load_config

    text = (workdir / "formkit.toml").read_text(encoding="utf-8")
    (workdir / "formkit.toml").write_text(re.sub(r'(?m)^contact = .*$', 'contact = "纪检监察室 lianzheng@example.edu.cn"',
                                                 text) if "\ncontact = " in text else
                                          text.replace("[institution]\n", '[institution]\ncontact = "纪检监察室 '
                                                       'lianzheng@example.edu.cn"\n', 1), encoding="utf-8")
    cfg = load_config(workdir)
    paths = generate_campaign(cfg)
    blanks = [(p.name, p.read_bytes()) for p in paths if "教务处" in p.name and "附件3" not in p.name]
    office = "廉政办 <lianzheng@example.edu.cn>"
    (workdir / "inbox/通知.eml").write_bytes(hostile.make_eml(blanks, from_=office, subject="关于报送表单的通知"))
    a4 = fill(_find(paths, "附件4", "财务处"), workdir / "a4.xlsx", rows=[
        {"岗位(环节)": "出纳", "关联权力事项": "资金支付", "风险类别": "岗位职责", "风险点": "违规支付", "风险等级": "二级"}])
    (workdir / "inbox/转交.eml").write_bytes(hostile.make_eml([("附件4_财务处.xlsx", a4.read_bytes())], from_=office,
                                                           subject="财务处纸质表录入"))
    result = merge(cfg)
    paths_in = {r["path"]: r for r in result.report["inputs"]}
    assert not [p for p in paths_in if p.startswith("inbox/通知.eml")]
    assert {s["path"] for s in result.report["skipped"] if "办公室自己发出" in s["reason"]} == \
        {f"inbox/通知.eml!{name}" for name, _ in blanks}
    assert paths_in["inbox/转交.eml!附件4_财务处.xlsx"]["department"] == "CWC"
    assert not [p for p in result.outputs["mail_drafts"] if "通知" in p]


def test_an_unreadable_file_named_after_a_staff_member_is_put_to_her_department(cfg, workdir):
    """李娜's 附件3 with a password, saved as inbox/李娜.xlsx, and a truncated 王磊附件3.xlsx: no department (the reply
    in 未识别部门, 提交情况 counting nothing unreadable for them) though their names are in the staff list."""
    (workdir / "inbox/李娜.xlsx").write_bytes(hostile.encrypted_xlsx())
    (workdir / "inbox/王磊附件3.xlsx").write_bytes(hostile.truncated_xlsx())
    result = merge(cfg)
    by_path = {r["path"]: r for r in result.report["inputs"]}
    assert (by_path["inbox/李娜.xlsx"]["status"], by_path["inbox/李娜.xlsx"]["department"]) == ("rejected", "JWC")
    assert by_path["inbox/王磊附件3.xlsx"]["department"] == "CWC"
    assert (workdir / "outbox/反馈/教务处/李娜_反馈.eml").exists()


def test_a_department_whose_name_holds_anothers_sending_its_form_is_said(cfg, workdir):
    """教务处办公室 (its name holding 教务处's) fills 教务处's 附件2 and mails it from its own address as 教务处办公室附件2.xlsx:
    the file name was taken for 教务处's (a correction made for it), so the form was accepted as 教务处's."""
    import dataclasses

    jwc = cfg.roster.departments["JWC"]
    cfg.roster.departments["JWC"] = dataclasses.replace(jwc, email="jwc@x.edu.cn")
    cfg.roster.departments["JWB"] = dataclasses.replace(jwc, code="JWB", name="教务处办公室", aliases=(),
                                                         email="jwb@x.edu.cn")
    form = _find(generate_campaign(cfg, "risks", departments=["JWC"]), "附件2", "教务处")
    data = fill(form, workdir / "tmp.xlsx", header={"填报人": "赵强", "填报日期": "2023-03-05"}, rows=[
        {"权力事项": "档案借阅审批", "权力类别": "审批", "职权依据": "档案管理办法", "行使岗位": "文书", "涉及“三重一大”": "否"}
    ]).read_bytes()
    (workdir / "inbox/jwb.eml").write_bytes(hostile.make_eml([("教务处办公室附件2.xlsx", data)],
                                                          from_="教务处办公室 <jwb@x.edu.cn>"))
    merge(cfg)
    got = inputs(workdir)["inbox/jwb.eml!教务处办公室附件2.xlsx"]
    assert got["status"] == "returned" and "department-sender-aside" in {f["code"] for f in got["findings"]}


def test_a_table_saved_as_text_gets_a_reply_like_any_unreadable_form(cfg, workdir):
    """教务处's table saved as CSV under a .txt name: listed on screen as needing action (re-save as .xlsx), but no reply
    and not counted in 提交情况 (as a scan would be); a PDF beside it still gets neither."""
    from formkit.write.feedback import unreadable_by_department

    (workdir / "inbox/教务处").mkdir()
    (workdir / "inbox/教务处/风险点.txt").write_text("序号,风险点,风险等级\n1,泄露试题,二级\n", encoding="utf-8")
    (workdir / "inbox/教务处/扫描件.pdf").write_bytes(hostile.pdf())
    result = merge(cfg)
    assert unreadable_by_department(result.analysis)["JWC"] == 1
    assert [Path(p).name for p in result.outputs["mail_drafts"] if "反馈" in p] == ["风险点_反馈.eml"]


def test_a_note_in_prose_saved_as_text_is_no_table_to_redo(cfg, workdir):
    """财务处's note "附件4 将于下周报送，特此说明。" saved as a .txt beside its forms: a Chinese comma made it a "CSV", so it
    was counted as an unreadable form of 财务处 and a reply asked to re-save it as .xlsx."""
    from formkit.write.feedback import unreadable_by_department

    (workdir / "inbox/财务处说明.txt").write_text("附件4 将于下周报送，特此说明。\n", encoding="utf-8")
    result = merge(cfg)
    assert unreadable_by_department(result.analysis)["CWC"] == 0
    assert not [p for p in result.outputs["mail_drafts"] if "财务处说明" in p]


def test_forms_without_any_date_still_start_the_chase(cfg, workdir):
    """教务处's 附件4 with no 填表日期, saved into inbox/ long after the campaign: nothing said when, so the outputs spoke of
    phase 1's first day, when no form of phase 2 was owed yet: nobody chased. The phase of the forms that came is
    begun at least."""
    import os

    from formkit.submissions import as_of

    paths = generate_campaign(cfg)
    a4 = fill(_find(paths, "附件4", "教务处"), workdir / "inbox/a4.xlsx", header={"填表日期": None}, rows=[
        {"岗位(环节)": "考务", "关联权力事项": "考试管理", "风险类别": "岗位职责", "风险点": "泄露试题", "风险等级": "二级"}])
    os.utime(a4, (1893456000, 1893456000))
    result = merge(cfg)
    assert as_of(result.analysis) >= cfg.phases[result.analysis.forms["附件4"].phase].start
    assert (workdir / "outbox/催报/财务处_催报.eml").exists()


def test_an_inbox_of_unreadable_files_is_dated_by_them(cfg, workdir):
    """Only a CSV renamed .xlsx came, on 04-10 (after phase 2's deadline): the outputs spoke of phase 1's first day, so
    nothing was overdue and nobody chased. The date of a file that could not be read counts when it is in the campaign."""
    import os
    from datetime import date, datetime

    from formkit.submissions import as_of

    bad = workdir / "inbox/教务处_附件4.xlsx"
    bad.write_text("序号,岗位,风险点\n1,采购,吃回扣\n", encoding="utf-8")
    when = datetime(2023, 4, 10, 10, 0).timestamp()
    os.utime(bad, (when, when))
    result = merge(cfg)
    assert result.analysis.inputs[0].status == "rejected"
    assert as_of(result.analysis) == date(2023, 4, 10)
    assert (workdir / "outbox/催报/财务处_催报.eml").exists()


def test_a_merge_stopped_halfway_leaves_no_report_of_the_round_before(cfg, workdir, monkeypatch):
    """The second merge stops while writing the feedback (a workbook open in Excel, Ctrl-C): the new consolidated
    workbook stood beside the previous round's report.json, the two disagreeing on what came."""
    from formkit.write import feedback

    paths = generate_campaign(cfg)
    fill(_find(paths, "附件3", "李娜"), workdir / "inbox/李娜.xlsx", header={"填表日期": "2023-03-12"},
         rows=[{"风险类别": "岗位职责", "风险点": "考务泄密", "风险等级": "四级"}])
    merge(cfg)
    assert (workdir / "outbox/report.json").is_file()
    fill(_find(paths, "附件3", "王磊"), workdir / "inbox/王磊.xlsx", header={"填表日期": "2023-03-12"},
         rows=[{"风险类别": "岗位职责", "风险点": "报销审核不严", "风险等级": "五级"}])

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(feedback, "write_feedback_job", stopped)
    with pytest.raises(KeyboardInterrupt):
        merge(cfg)
    assert not (workdir / "outbox/report.json").exists()


def test_skipped_files_are_listed_in_the_workbook(cfg, workdir):
    """A system file and an Excel owner file were only in report.json (the summary screen sent a coordinator there);
    an empty zip is answered (it was only listed as skipped: the sender never knew the forms had not come)."""
    (workdir / "inbox/空压缩包.zip").write_bytes(hostile.make_zip({}))
    (workdir / "inbox/Thumbs.db").write_bytes(b"\x00" * 165)
    (workdir / "inbox/~$附件4.xlsx").write_bytes(b"\x00" * 165)
    result = merge(cfg)
    assert len(result.analysis.skipped) == 2
    empty = next(r for r in result.analysis.inputs if r.path == "inbox/空压缩包.zip")
    assert (empty.status, [f.code for f in empty.findings]) == ("rejected", ["archive-empty"])
    rows = list(openpyxl.load_workbook(workdir / "outbox/廉政风险目录.xlsx")["说明"].iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r[0] == "跳过的文件（没有作为表单读取）")
    listed = {r[1] for r in rows[head + 2:] if r[1]}
    assert {s.path for s in result.analysis.skipped} <= listed


def test_the_offices_own_list_with_something_to_check_gets_no_reply(cfg, workdir):
    """附件1 is the office's own: accepted with 填报人 and 填报日期 left empty, it is said in 问题清单, not answered with a
    feedback workbook and a reply to the office itself (with no recipient, counted among the replies to send)."""
    fill(_find(generate_campaign(cfg, "risks"), "附件1"), workdir / "inbox/附件1.xlsx", rows=[
        {"机构": "领导小组", "职务": "组长", "姓名": "周校长", "本职": "党委书记"},
        {"机构": "领导小组办公室", "职务": "主任", "姓名": "孙主任", "本职": "纪检监察室主任"}])
    result = merge(cfg)
    (only,) = [r for r in result.analysis.inputs if r.form == "附件1"]
    assert only.status == "accepted" and any(f.severity == "warning" for f in only.findings)
    assert not [p for p in result.outputs["feedback"] + result.outputs["mail_drafts"] if "附件1" in p]


def test_last_years_form_comes_back_as_this_years_form_to_send_back(cfg, workdir):
    """张伟 sends last year's 附件3: returned (identity-campaign), its feedback workbook is this campaign's form holding
    his rows (under last year's hidden identity, sent back corrected, it was returned again forever); sent back with
    the date brought up to date, it is accepted and replaces nothing else."""
    last_year = dataclasses.replace(cfg, campaign="2022年度廉政风险防控")
    old = _find(generate_campaign(last_year, "risks"), "附件3", "张伟")
    fill(old, workdir / "inbox/张伟.xlsx", header={"填表日期": "2022-03-10"}, rows=[
        {"风险类别": "岗位职责", "风险点": "成绩修改审批把关不严", "主要表现形式": "违规同意修改成绩", "风险等级": "二级"}])
    merge(cfg)
    got = inputs(workdir)["inbox/张伟.xlsx"]
    assert got["status"] == "returned" and "identity-campaign" in {f["code"] for f in got["findings"]}
    (feedback,) = [p for p in (workdir / "outbox/反馈").rglob("*.xlsx") if "张伟" in p.name]
    props, meta = identity_of(feedback)
    assert props.campaign == meta.campaign == cfg.campaign_id
    body = read_eml(feedback.with_suffix(".eml")).get_body(("plain",)).get_content()
    assert "附件已是本轮活动的表单" in body
    fill(feedback, workdir / "inbox/张伟_改.xlsx", header={"填表日期": "2023-03-12"})
    result = merge(cfg)
    got = inputs(workdir)
    assert got["inbox/张伟_改.xlsx"]["status"] == "accepted", got["inbox/张伟_改.xlsx"]["findings"]
    assert [r["风险点"] for r in result.analysis.catalogue if r["姓名"] == "张伟"] == ["成绩修改审批把关不严"]
    # last year's 附件5: its 风险编号 are of last year's risks (other risks this year): its feedback keeps last year's
    # identity (sent back, it is last year's form again), the mail asks for this round's measure form
    a5 = _find(generate_campaign(last_year, "measures"), "附件5", "张伟")
    fill(a5, workdir / "inbox/张伟措施.xlsx", header={"填表日期": "2022-04-10"}, rows=[
        {"风险编号": "JWC-0012-01", "风险点": "去年的风险点", "防控措施": "去年的措施"}])
    merge(cfg)
    (feedback,) = [p for p in (workdir / "outbox/反馈").rglob("*.xlsx") if "张伟措施" in p.name]
    assert identity_of(feedback)[0].campaign == last_year.campaign_id
    body = read_eml(feedback.with_suffix(".eml")).get_body(("plain",)).get_content()
    assert "请不要发回" in body and "本轮下发的措施表" in body and "修改后发回" not in body
    assert "请不要发回" in openpyxl.load_workbook(feedback)["问题说明"]["A2"].value


def test_a_ditto_with_nothing_above_is_marked_at_its_cell_in_the_feedback(cfg, workdir):
    """同上 in the first row's 风险点, and in its 风险类别 (a dropdown: also invalid-choice): the feedback workbook marks
    those cells, each comment with every message on it, 问题说明 links to them (it said "the whole sheet", and the
    dropdown cell's comment had the invalid-choice text only)."""
    form = _find(generate_campaign(cfg, "risks"), "附件3", "张伟")
    fill(form, workdir / "inbox/张伟.xlsx", header={"填表日期": "2023-03-12"}, rows=[
        {"风险类别": "同上", "风险点": "同上", "主要表现形式": "违规同意修改成绩", "风险等级": "二级"}])
    merge(cfg)
    (feedback,) = [p for p in (workdir / "outbox/反馈").rglob("张伟*_反馈.xlsx")]
    wb = openpyxl.load_workbook(feedback)
    ws = form_sheet(wb)
    hr, cols = table_header_row(ws, ["风险类别", "风险点"])
    point, category = ws.cell(hr + 1, cols["风险点"]), ws.cell(hr + 1, cols["风险类别"])
    assert point.comment is not None and "同上" in point.comment.text
    assert category.comment is not None and category.comment.text.count("【") == 2, category.comment.text
    cited = {cell for _, cell, _ in links(wb)}
    assert {point.coordinate, category.coordinate} <= cited
    assert "整张表" not in [c.value for row in wb["问题说明"].iter_rows() for c in row]


def test_a_prefilled_header_cell_the_feedback_marks_can_be_corrected(cfg, workdir):
    """张伟's 附件3 with 姓名 typed over as 张玮 (person-not-listed: "write it as the roster has it"): in the feedback
    workbook that cell is marked and unlocked (locked on the protected sheet, the correction could not be made)."""
    form = _find(generate_campaign(cfg, "risks"), "附件3", "张伟")
    fill(form, workdir / "inbox/张伟.xlsx", header={"姓名": "张玮", "填表日期": "2023-03-12"}, rows=[
        {"风险类别": "岗位职责", "风险点": "成绩修改审批把关不严", "风险等级": "二级"}])
    merge(cfg)
    (feedback,) = [p for p in (workdir / "outbox/反馈").rglob("*_反馈.xlsx")]
    ws = form_sheet(openpyxl.load_workbook(feedback))
    label = next(c for row in ws.iter_rows(max_row=8) for c in row if c.value == "姓名")
    cell = ws.cell(label.row, label.column + 1)
    assert cell.value == "张玮" and cell.comment is not None
    assert ws.protection.sheet and cell.protection.locked is False


def test_a_warning_checked_and_kept_is_not_asked_again_with_the_correction(cfg, workdir):
    """教务处's 附件4 returned for a level 四级, with a warning on another risk (三重一大 on a 二级 risk); it corrects the
    level in the feedback workbook, keeps the 三重一大 after checking, sends it back: accepted, and no new reply asks
    about the same warning again (each re-send drafted the same 请核实)."""
    form = _find(generate_campaign(cfg, "risks"), "附件4", "教务处")
    fill(form, workdir / "inbox/教务处.xlsx", rows=[
        {"岗位(环节)": "考务", "关联权力事项": "", "风险类别": "业务流程", "风险点": "泄露考试试题", "风险等级": "四级",
         "涉及“三重一大”": "否"},
        {"岗位(环节)": "教材", "关联权力事项": "", "风险类别": "岗位职责", "风险点": "教材选用收受回扣", "风险等级": "二级",
         "涉及“三重一大”": "是"}])
    merge(cfg)
    got = inputs(workdir)["inbox/教务处.xlsx"]
    assert got["status"] == "returned" and "major-not-level1" in {f["code"] for f in got["findings"]}
    (feedback,) = [p for p in (workdir / "outbox/反馈").rglob("教务处_反馈.xlsx")]
    wb = openpyxl.load_workbook(feedback)
    ws = form_sheet(wb)
    hr, cols = table_header_row(ws, ["风险点", "风险等级"])
    row = next(r for r in range(hr + 1, hr + 20) if ws.cell(r, cols["风险点"]).value == "泄露考试试题")
    ws.cell(row, cols["风险等级"]).value = "二级"
    wb.save(workdir / "inbox/教务处_改.xlsx")
    result = merge(cfg)
    fixed = inputs(workdir)["inbox/教务处_改.xlsx"]
    assert fixed["status"] == "accepted" and "major-not-level1" in {f["code"] for f in fixed["findings"]}
    assert not [p for p in result.outputs["mail_drafts"] if "教务处" in p and "反馈" in p], result.outputs["mail_drafts"]


def _mail_a_returned_form(cfg, workdir: Path, filled: str, sent: str) -> None:
    """张伟's 附件3 with a level 四级 (returned), mailed at `sent` into inbox/."""
    form = _find(generate_campaign(cfg, "risks"), "附件3", "张伟")
    data = fill(form, workdir / "x.xlsx", header={"填表日期": filled}, rows=[
        {"风险类别": "岗位职责", "风险点": "成绩修改审批把关不严", "风险等级": "四级"}]).read_bytes()
    (workdir / "x.xlsx").unlink()
    (workdir / "inbox/张伟.eml").write_bytes(hostile.make_eml([("附件3_张伟.xlsx", data)], date=sent))


def test_a_reply_is_dated_after_the_mail_it_answers(cfg, workdir):
    """The latest mail (数据截至 its day) came at 14:03: its reply draft is dated after it, not at 09:00 that morning."""
    _mail_a_returned_form(cfg, workdir, "2023-03-20", "Wed, 22 Mar 2023 14:03:00 +0800")
    result = merge(cfg)
    draft = next(workdir / p for p in result.outputs["mail_drafts"] if "张伟" in p)
    sent = read_eml(draft)["Date"].datetime
    assert sent > datetime.fromisoformat("2023-03-22T14:03:00+08:00"), sent


def test_a_reply_sets_its_deadline_after_its_own_date(workdir):
    """as_of 2023-03-20 in formkit.toml, a returned form mailed on 5 April (after phase 2's end): its reply, dated after
    the mail, asks for the correction a week on from then (it asked for it by 03-31, days before its own date)."""
    from formkit.config import load_config

    toml = workdir / "formkit.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("# as_of = ", "as_of = 2023-03-20 #"), encoding="utf-8")
    cfg = load_config(workdir)
    assert str(cfg.as_of) == "2023-03-20"
    _mail_a_returned_form(cfg, workdir, "2023-04-05", "Wed, 05 Apr 2023 10:00:00 +0800")
    result = merge(cfg)
    draft = read_eml(next(workdir / p for p in result.outputs["mail_drafts"] if "张伟" in p))
    sent = draft["Date"].datetime.date()
    deadline = re.search(r"于 (\d{4}-\d\d-\d\d) 前", draft.get_body(("plain",)).get_content())[1]
    assert date.fromisoformat(deadline) > sent, (deadline, sent)


WARNED_A4 = [{"岗位(环节)": "考务", "风险类别": "业务流程", "风险点": "泄露考试试题", "风险等级": "四级", "涉及“三重一大”": "否"},
             {"岗位(环节)": "教材", "风险类别": "岗位职责", "风险点": "教材选用收受回扣", "风险等级": "二级",
              "涉及“三重一大”": "是"}]
"""教务处's 附件4 rows: an error (四级) and a 请核实 (三重一大 on a 二级 risk)."""


def test_a_warning_never_told_is_asked_and_one_told_stays_told_when_its_risk_is_reworded(cfg, workdir):
    """教务处's flawed 附件4 (四级, and a 请核实 on its 教材 row) and its correction both come before the first merge: the
    flawed one got no reply, so the correction's warning is asked. Told at a merge, then corrected with that row's
    风险点 reworded a little: not asked again."""
    form = _find(generate_campaign(cfg, "risks"), "附件4", "教务处")
    base = WARNED_A4
    fill(form, workdir / "inbox/教务处.xlsx", header={"填表日期": "2023-03-10"}, rows=base)
    fixed = [{**base[0], "风险等级": "二级"}, base[1]]
    fill(form, workdir / "inbox/教务处_改.xlsx", header={"填表日期": "2023-03-15"}, rows=fixed)
    result = merge(cfg)
    assert inputs(workdir)["inbox/教务处_改.xlsx"]["status"] == "accepted"
    assert [p for p in result.outputs["mail_drafts"] if "反馈" in p and "教务处" in p]
    # merged again before anything was sent: the draft stays (the flawed one was read, never replied to)
    result = merge(cfg)
    assert [p for p in result.outputs["mail_drafts"] if "反馈" in p and "教务处" in p]
    (workdir / "inbox/教务处_改.xlsx").unlink()
    merge(cfg)                                  # the flawed one alone: returned, its reply drafted
    fill(form, workdir / "inbox/教务处_改3.xlsx", header={"填表日期": "2023-03-16"},
         rows=[fixed[0], {**base[1], "风险点": "教材选用中收受回扣"}])
    result = merge(cfg)
    assert inputs(workdir)["inbox/教务处_改3.xlsx"]["status"] == "accepted"
    assert not [p for p in result.outputs["mail_drafts"] if "反馈" in p and "教务处" in p]


def test_a_warning_on_a_new_row_is_asked_and_an_own_file_correction_is_not_asked_again(cfg, workdir):
    """教务处's 附件4 returned (四级) with a 请核实 on its 教材 row. Corrected in its own file with that row kept: no new
    reply (it asked the same again); corrected with a new row warned of the same way: a reply, for that row."""
    form = _find(generate_campaign(cfg, "risks"), "附件4", "教务处")
    base = WARNED_A4
    fill(form, workdir / "inbox/教务处.xlsx", header={"填表日期": "2023-03-10"}, rows=base)
    merge(cfg)
    fixed = [{**base[0], "风险等级": "二级"}, base[1]]
    fill(form, workdir / "inbox/教务处_改.xlsx", header={"填表日期": "2023-03-15"}, rows=fixed)
    result = merge(cfg)
    assert inputs(workdir)["inbox/教务处_改.xlsx"]["status"] == "accepted"
    assert not [p for p in result.outputs["mail_drafts"] if "反馈" in p and "教务处" in p]
    (workdir / "inbox/教务处_改.xlsx").unlink()
    more = [*fixed, {"岗位(环节)": "采购", "风险类别": "岗位职责", "风险点": "设备采购收受回扣", "风险等级": "二级",
                     "涉及“三重一大”": "是"}]
    fill(form, workdir / "inbox/教务处_改2.xlsx", header={"填表日期": "2023-03-16"}, rows=more)
    result = merge(cfg)
    assert inputs(workdir)["inbox/教务处_改2.xlsx"]["status"] == "accepted"
    assert [p for p in result.outputs["mail_drafts"] if "反馈" in p and "教务处" in p]


def test_a_warning_told_is_not_asked_again_after_the_old_file_left_or_when_it_was_all_the_reply_asked(cfg, workdir):
    """教务处's 附件4 returned (四级) with a 请核实 on its 教材 row; the coordinator moves the flawed file out of inbox/ and
    the correction (the 请核实 row kept) comes: not asked again (the flawed file gone, it was). A form accepted with
    only a 请核实, sent back checked with another cell reworded: not asked again either."""
    form = _find(generate_campaign(cfg, "risks"), "附件4", "教务处")
    base = WARNED_A4
    fill(form, workdir / "inbox/教务处.xlsx", header={"填表日期": "2023-03-10"}, rows=base)
    merge(cfg)
    shutil.move(workdir / "inbox/教务处.xlsx", workdir / "教务处_旧.xlsx")
    fixed = [{**base[0], "风险等级": "二级"}, base[1]]
    fill(form, workdir / "inbox/教务处_改.xlsx", header={"填表日期": "2023-03-15"}, rows=fixed)
    result = merge(cfg)
    assert inputs(workdir)["inbox/教务处_改.xlsx"]["status"] == "accepted"
    assert not [p for p in result.outputs["mail_drafts"] if "反馈" in p and "教务处" in p]
    # 张伟: accepted with a 请核实 only (a reply drafted); sent back checked, another cell reworded: not asked again
    a3 = _find(generate_campaign(cfg, "risks"), "附件3", "张伟")
    rows = [{"风险类别": "岗位职责", "风险点": "成绩修改审批把关不严", "主要表现形式": "违规同意修改成绩", "风险等级": "二级",
             "涉及“三重一大”": "是"}]
    fill(a3, workdir / "inbox/张伟.xlsx", header={"填表日期": "2023-03-12"}, rows=rows)
    result = merge(cfg)
    assert [p for p in result.outputs["mail_drafts"] if "张伟" in p]
    fill(a3, workdir / "inbox/张伟_核实.xlsx", header={"填表日期": "2023-03-14"},
         rows=[{**rows[0], "主要表现形式": "违规同意修改学生成绩"}])
    result = merge(cfg)
    assert inputs(workdir)["inbox/张伟_核实.xlsx"]["status"] == "accepted"
    assert not [p for p in result.outputs["mail_drafts"] if "张伟" in p], result.outputs["mail_drafts"]


def test_a_row_going_on_with_the_measures_above_comes_back_as_it_was(cfg, workdir):
    """教务处's 附件6 with a second measure on a row of its own (风险编号 empty: measure-continues) is returned for a
    关键环节 of 审批: its feedback workbook filled that row in as a risk row (风险点, 风险等级 …), and corrected as told it
    came back asking for the row's 关键环节 and 工作程序. Now the row comes back as sent, and the correction is accepted."""
    fill_risk_stage(cfg, workdir / "inbox")
    a6 = next(p for p in generate_campaign(cfg, "measures", accepted=analyse(cfg)) if "附件6" in p.name
              and "教务处" in p.name)
    measure = {"关键环节": "执行", "防控措施": "双人管理", "工作程序": "登记—审核", "完成时限": "长期"}
    fill(a6, workdir / "inbox/教务处_措施.xlsx", by_risk_id={"JWC-B01": {**measure, "关键环节": "审批"},
                                                           "JWC-B02": measure},
         rows=[{"防控措施": "年终抽查", "完成时限": "每年"}])
    merge(cfg)
    assert inputs(workdir)["inbox/教务处_措施.xlsx"]["status"] == "returned"
    fb_path = next((workdir / "outbox/反馈/教务处").glob("*措施*_反馈.xlsx"))
    wb = openpyxl.load_workbook(fb_path)
    ws = wb["附件6"]
    hr, cols = table_header_row(ws, ["风险编号", "风险点", "关键环节", "防控措施"])
    going_on = next(r for r in range(hr + 1, ws.max_row + 1) if ws.cell(r, cols["防控措施"]).value == "年终抽查")
    assert ws.cell(going_on, cols["风险点"]).value in (None, "") and ws.cell(going_on, cols["风险编号"]).value in (None, "")
    fixed = next(r for r in range(hr + 1, ws.max_row + 1) if ws.cell(r, cols["关键环节"]).value == "审批")
    ws.cell(fixed, cols["关键环节"], "执行")
    wb.save(workdir / "inbox/教务处_措施_改.xlsx")
    result = merge(cfg)
    assert inputs(workdir)["inbox/教务处_措施_改.xlsx"]["status"] == "accepted"
    got = {r["风险编号"]: r["防控措施"] for r in result.analysis.catalogue if r["_dept"] == "JWC" and r["层级"] == "部门"}
    assert got["JWC-B02"] == "双人管理\n年终抽查"


@pytest.mark.parametrize("added", ["deleted", "left empty"])
def test_a_measure_forms_feedback_with_the_registered_risk_put_back_is_a_correction(cfg, workdir, added):
    """张伟's 附件5 came back with last year's 风险点 typed over a pre-filled one (measure-other-risk: returned, the
    registered risk asked for its measure in a row the feedback workbook adds). He does what the reply says: puts the
    registered 风险点 back in that row and deletes the added one. That is the correction (it was taken for the feedback
    workbook forwarded unchanged: the pre-filled columns are not compared, the form stayed returned, no measure
    merged)."""
    fill_risk_stage(cfg, workdir / "inbox")
    first = merge(cfg)
    ids = {r["风险点"]: r["风险编号"] for r in first.analysis.catalogue if r["姓名"] == "张伟"}
    a5 = _find(generate_campaign(cfg, "measures", accepted=analyse(cfg)), "附件5", "张伟")
    measure = {"防控措施": "成绩修改须经教务处审核", "完成时限": "长期"}
    fill(a5, workdir / "inbox/张伟措施.xlsx", header={"填表日期": "2023-04-15"}, by_risk_id={
        ids["成绩修改审批把关不严"]: {**measure, "风险点": "招生录取中违规操作"},
        ids["接受学生家长宴请"]: {**measure, "防控措施": "签订廉洁承诺书"}})
    result = merge(cfg)
    got = inputs(workdir)["inbox/张伟措施.xlsx"]
    assert got["status"] == "returned" and "measure-other-risk" in {f["code"] for f in got["findings"]}
    path = workdir / next(p for p in result.outputs["feedback"] if p.endswith("张伟措施_反馈.xlsx"))
    wb = openpyxl.load_workbook(path)
    ws = form_sheet(wb)
    hr, cols = table_header_row(ws, ["风险编号", "风险点", "防控措施"])
    rows = [r for r in range(hr + 1, ws.max_row + 1) if str(ws.cell(r, cols["风险编号"]).value).startswith("JWC")]
    assert [ws.cell(r, cols["风险点"]).value for r in rows] == ["招生录取中违规操作", "接受学生家长宴请", "成绩修改审批把关不严"]
    ws.cell(rows[0], cols["风险点"]).value = "成绩修改审批把关不严"
    if added == "deleted":
        for cell in ws[rows[-1]]:
            cell.value = None
    # (left empty: the registered risk has its measure in the row put back; the added row asked for nothing more)
    wb.save(workdir / "inbox/张伟措施_已改.xlsx")
    result = merge(cfg)
    got = inputs(workdir)
    assert got["inbox/张伟措施_已改.xlsx"]["status"] == "accepted", got["inbox/张伟措施_已改.xlsx"]["findings"]
    assert {r["风险编号"]: r["防控措施"] for r in result.analysis.catalogue if r["姓名"] == "张伟"} == {
        ids["成绩修改审批把关不严"]: "成绩修改须经教务处审核", ids["接受学生家长宴请"]: "签订廉洁承诺书"}


def test_another_departments_form_filled_by_the_department_written_comes_back_as_its_own(cfg, workdir):
    """财务处 fills 教务处's 附件4 with its own name and head (department-mismatch: filed under 财务处, returned to it). Its
    feedback workbook was 教务处's form: sent back as it was, returned again forever; with 部门 put back to 教务处 as the
    message allowed, 财务处's rows became 教务处's. Now it is 财务处's own form holding its rows: sent back as it is, accepted
    as 财务处's, 教务处's own accepted form untouched."""
    from tests.test_rules import RISK4

    paths = generate_campaign(cfg, "risks")
    fill(_find(paths, "附件4", "教务处"), workdir / "inbox/教务处.xlsx", header={"填表日期": "2023-03-10"}, rows=[RISK4])
    fill(_find(paths, "附件4", "教务处"), workdir / "inbox/财务处.xlsx",
         header={"部门": "财务处", "部门负责人": "赵强", "填表日期": "2023-03-11"},
         rows=[{**RISK4, "风险点": "资金支付审核不严", "岗位(环节)": "出纳"}])
    result = merge(cfg)
    got = inputs(workdir)["inbox/财务处.xlsx"]
    assert got["status"] == "returned" and got["department"] == "CWC"
    back = workdir / next(p for p in result.outputs["feedback"] if p.endswith("财务处_反馈.xlsx"))
    assert identity_of(back)[0].department == "CWC"
    body = read_eml(back.with_suffix(".eml")).get_body(("plain",)).get_content()
    assert "反馈附件已改为财务处本部门的表单" in body
    shutil.copy(back, workdir / "inbox/财务处_改.xlsx")
    result = merge(cfg)
    got = inputs(workdir)
    assert got["inbox/财务处_改.xlsx"]["status"] == "accepted" and got["inbox/财务处_改.xlsx"]["department"] == "CWC", got["inbox/财务处_改.xlsx"]["findings"]
    assert got["inbox/教务处.xlsx"]["status"] == "accepted"
    assert {(r["_dept"], r["风险点"]) for r in result.analysis.catalogue if r["层级"] == "部门"} == {
        ("JWC", RISK4["风险点"]), ("CWC", "资金支付审核不严")}


def test_a_form_naming_another_department_sent_after_its_own_replaces_nothing(cfg, workdir):
    """教务处's 附件4 is accepted; then 财务处's own 附件4 comes with 教务处 typed in its 部门 (department-mismatch: filed under
    教务处). It replaced 教务处's accepted form, returned, 教务处's risks gone from the catalogue. Returned on its own,
    replacing nothing (as a form naming another person); a form of 教务处's own sent later still replaces."""
    from tests.test_rules import RISK4

    paths = generate_campaign(cfg, "risks")
    fill(_find(paths, "附件4", "教务处"), workdir / "inbox/a_教务处.xlsx", header={"填表日期": "2023-03-10"}, rows=[RISK4])
    fill(_find(paths, "附件4", "财务处"), workdir / "inbox/b_附件4.xlsx", header={"部门": "教务处", "填表日期": "2023-03-11"},
         rows=[{**RISK4, "风险点": "资金支付审核不严", "岗位(环节)": "出纳"}])
    result = merge(cfg)
    got = inputs(workdir)
    assert got["inbox/a_教务处.xlsx"]["status"] == "accepted"
    assert got["inbox/b_附件4.xlsx"]["status"] == "returned"
    assert [r["风险点"] for r in result.analysis.catalogue if r["层级"] == "部门"] == [RISK4["风险点"]]
    # … its feedback workbook is still 财务处's own form (its head left as it was: a slip of the name, not 教务处's rows;
    # made 教务处's form, sent back as it was, it replaced 教务处's accepted rows)
    back = workdir / next(p for p in result.outputs["feedback"] if p.endswith("b_附件4_反馈.xlsx"))
    assert identity_of(back)[0].department == "CWC"
    fill(_find(paths, "附件4", "教务处"), workdir / "inbox/c_教务处.xlsx", header={"填表日期": "2023-03-12"},
         rows=[{**RISK4, "风险点": "泄露期末考试试题"}])
    result = merge(cfg)
    got = inputs(workdir)
    assert got["inbox/a_教务处.xlsx"]["status"] == "superseded" and got["inbox/c_教务处.xlsx"]["status"] == "accepted"
    assert [r["风险点"] for r in result.analysis.catalogue if r["层级"] == "部门"] == ["泄露期末考试试题"]


def test_a_measure_forms_feedback_forwarded_untouched_after_a_risk_typed_over_is_unchanged(cfg, workdir):
    """张伟's 附件5 had another risk typed over a pre-filled row left without a measure (required, prefilled-risk-changed):
    its feedback workbook shows the registered 风险点 there. Forwarded untouched, that was taken for the registered risk
    put back (a correction): a new version, returned again, another reply with the same request."""
    fill_risk_stage(cfg, workdir / "inbox")
    first = merge(cfg)
    ids = {r["风险点"]: r["风险编号"] for r in first.analysis.catalogue if r["姓名"] == "张伟"}
    a5 = _find(generate_campaign(cfg, "measures", accepted=analyse(cfg)), "附件5", "张伟")
    fill(a5, workdir / "inbox/张伟措施.xlsx", header={"填表日期": "2023-04-15"}, by_risk_id={
        ids["成绩修改审批把关不严"]: {"风险点": "招生录取中违规操作"},
        ids["接受学生家长宴请"]: {"防控措施": "签订廉洁承诺书", "完成时限": "长期"}})
    result = merge(cfg)
    assert inputs(workdir)["inbox/张伟措施.xlsx"]["status"] == "returned"
    path = workdir / next(p for p in result.outputs["feedback"] if p.endswith("张伟措施_反馈.xlsx"))
    shutil.copyfile(path, workdir / "inbox/张伟措施_反馈.xlsx")
    merge(cfg)
    got = inputs(workdir)["inbox/张伟措施_反馈.xlsx"]
    assert got["status"] == "superseded" and [f["code"] for f in got["findings"]] == ["feedback-unchanged"]


def test_a_feedback_workbook_mailed_back_untouched_is_answered_at_that_mail(cfg, workdir):
    """陈静's form came in her department's folder (no mail): returned. She mails its feedback workbook back untouched
    from her own address (feedback-unchanged): the reply drafted again went to nobody, dated before her mail, the same
    words as the first. It answers her mail now, saying the workbook came back unchanged."""
    paths = generate_campaign(cfg)
    fill(_find(paths, "附件3", "陈静"), workdir / "inbox/陈静.xlsx", header={"填表日期": "2023-03-07"}, rows=[
        {"风险类别": "岗位职责", "风险点": "学生成绩评定不公", "风险等级": "很高", "涉及“三重一大”": "是"}])
    result = merge(cfg)
    feedback = workdir / next(p for p in result.outputs["feedback"] if p.endswith("陈静_反馈.xlsx"))
    (workdir / "inbox/陈静回复.eml").write_bytes(hostile.make_eml(
        [("陈静_反馈.xlsx", feedback.read_bytes())], from_="陈静 <chenjing@x.edu.cn>", subject="Re: 附件3",
        date="Wed, 22 Mar 2023 10:00:00 +0800"))
    result = merge(cfg)
    assert [f["code"] for f in inputs(workdir)["inbox/陈静回复.eml!陈静_反馈.xlsx"]["findings"]] == ["feedback-unchanged"]
    draft = read_eml(workdir / next(p for p in result.outputs["mail_drafts"] if p.endswith("陈静_反馈.eml")))
    assert "chenjing@x.edu.cn" in draft["To"]
    assert "没有修改，下面的问题仍需改正" in draft.get_body(("plain",)).get_content()
    assert draft["Date"] == "Wed, 22 Mar 2023 10:30:00 +0800"


def test_last_years_form_sent_back_as_the_feedback_workbook_it_came_in_is_accepted(cfg, workdir):
    """张伟's last year's 附件3 (this year's date typed) is returned; its feedback workbook is this round's form holding
    his rows, and he sends it back as it is, nothing else to change: it was "the feedback workbook unchanged" (set aside
    forever, the reply again asking for what only the workbook itself fixed)."""
    last_year = dataclasses.replace(cfg, campaign="2022年度廉政风险防控")
    old = _find(generate_campaign(last_year, "risks"), "附件3", "张伟")
    fill(old, workdir / "inbox/张伟.xlsx", header={"填表日期": "2023-03-10"}, rows=[
        {"风险类别": "岗位职责", "风险点": "成绩修改审批把关不严", "主要表现形式": "违规同意修改成绩", "风险等级": "二级"}])
    merge(cfg)
    (feedback,) = [p for p in (workdir / "outbox/反馈").rglob("*.xlsx") if "张伟" in p.name]
    shutil.copyfile(feedback, workdir / "inbox/张伟_反馈.xlsx")
    result = merge(cfg)
    got = inputs(workdir)["inbox/张伟_反馈.xlsx"]
    assert got["status"] == "accepted", got["findings"]
    assert [r["风险点"] for r in result.analysis.catalogue if r["姓名"] == "张伟"] == ["成绩修改审批把关不严"]


def test_an_item_at_another_post_comes_back_as_typed_and_its_correction_is_accepted(cfg, workdir):
    """附件2: an item typed once that forgot 权力类别 and 三重一大, the rows under it holding only another 行使岗位 (and
    责任人): asked at the item's row only; the feedback workbook shows the post rows as they were typed (they came back as
    numbered items missing 权力类别 and 三重一大, unmarked: the workbook corrected as it said was returned again), and
    filling the two cells it marks is enough; the post without its own 责任人 names nobody's (it took the row above's)."""
    from tests.test_rules import POWER

    form = _find(generate_campaign(cfg, "risks"), "附件2", "教务处")
    item = {**POWER, "权力类别": "", "涉及“三重一大”": "", "责任人": "张伟"}
    fill(form, workdir / "inbox/附件2_教务处.xlsx", header={"填报日期": "2023-03-10"},
         rows=[item, {"行使岗位": "学籍科", "责任人": "李娜"}, {"行使岗位": "教务处长"}, {**POWER, "权力事项": "教材选用"}])
    merge(cfg)
    got = inputs(workdir)["inbox/附件2_教务处.xlsx"]
    assert got["status"] == "returned" and len([f for f in got["findings"] if f["severity"] == "error"]) == 2
    fixed = workdir / "inbox/附件2_教务处_反馈.xlsx"
    shutil.copyfile(next((workdir / "outbox/反馈/教务处").glob("*_反馈.xlsx")), fixed)
    wb = openpyxl.load_workbook(fixed)
    ws = wb["附件2"]
    # (the items numbered as the department numbers them, the post rows without: the second item was 4)
    hr, cols = table_header_row(ws, ["序号"])
    assert [ws.cell(hr + i, cols["序号"]).value for i in range(1, 5)] == [1, None, None, 2]
    for sheet, ref, _ in links(wb):
        label = next(c.value for c in ws[table_header_row(ws, ["权力类别"])[0]] if c.column == wb[sheet][ref].column)
        if label in ("权力类别", "涉及“三重一大”"):      # (the errors; the rest only asked to check)
            wb[sheet][ref].value = {"权力类别": "执行", "涉及“三重一大”": "否"}[label]
    wb.save(fixed)
    result = merge(cfg)
    assert inputs(workdir)["inbox/附件2_教务处_反馈.xlsx"]["status"] == "accepted"
    assert [(p["行使岗位"], p["责任人"], p["权力类别"]) for p in result.analysis.powers] == [
        (POWER["行使岗位"], "张伟", "执行"), ("学籍科", "李娜", "执行"), ("教务处长", "", "执行"),
        (POWER["行使岗位"], "", POWER["权力类别"])]
