"""`formkit init`: a new working folder with an example formkit.toml and roster workbook."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import xlsxwriter

from formkit.config import CONFIG_NAME, DEPARTMENT_TYPES, RANKS
from formkit.errors import FormkitError

CONFIG_TEMPLATE = """\
# formkit 活动配置（廉政风险防控）。修改后保存即可，格式为 TOML。

[institution]
name = "{institution}"            # 单位名称，出现在每张表单的标题中
main_leader = "{main_leader}"     # 单位主要领导：一级风险的“监督负责”
office = "廉政风险防控工作领导小组办公室"
contact = "{contact}"             # 报送邮箱或电话，写进填表说明

[campaign]
name = "{campaign}"               # 本轮活动名称，写入每张表单的隐藏标识
year = {year}
roster = "名册.xlsx"              # 名册工作簿：“部门”工作表必需，“人员”工作表可选
# as_of = {year}-03-25            # 数据截至（判断逾期的日期）；不写时取最近一份提交的日期

# 各阶段起止日期；每个阶段的结束日期就是该阶段表单的报送截止日期
[phases.1]
start = {year}-02-20
end = {year}-02-28
[phases.2]
start = {year}-03-01
end = {year}-03-31
[phases.3]
start = {year}-04-01
end = {year}-05-15
[phases.4]
start = {year}-05-16
end = {year}-06-20

[publication]
show_names = false      # 公示中是否显示个人姓名
show_staff_no = false   # 是否显示工号
show_phone = false      # 是否显示联系电话
# date = {year}-06-01   # 公示日期；不写则取第四阶段开始日期
"""

EXAMPLE_DEPARTMENTS = [
    ("DZB", "党政办公室", "党政部门", "李明", "张副院长", 6),
    ("JWC", "教务处", "党政部门", "王芳", "刘副院长", 8),
    ("CWC", "财务处", "党政部门", "赵强", "张副院长", 5),
    ("JJX", "机电工程系", "教学系部", "陈立", "刘副院长", 12),
]


def write_config(root: Path, *, institution: str, main_leader: str, campaign: str, year: int,
                 contact: str = "") -> None:
    (root / CONFIG_NAME).write_text(
        CONFIG_TEMPLATE.format(institution=institution, main_leader=main_leader, campaign=campaign,
                               year=year, contact=contact), encoding="utf-8")


def write_roster(path: Path, departments: list[tuple], staff: list[tuple] | None = None) -> None:
    """The roster workbook: sheet 部门 (and 人员 when staff is given), with dropdowns and help."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({"title": "名册", "created": datetime(2000, 1, 1)})   # fixed: the same roster, the same bytes
    head = wb.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "font_name": "宋体"})
    text = wb.add_format({"num_format": "@", "font_name": "宋体"})
    ws = wb.add_worksheet("部门")
    labels = ["代码", "名称", "类型", "部门负责人", "分管领导", "应报人数", "简称", "联系邮箱"]
    for i, (label, width) in enumerate(zip(labels, (10, 22, 12, 12, 12, 10, 20, 28), strict=True)):
        ws.write_string(0, i, label, head)
        ws.set_column(i, i, width, text if i != 5 else None)
    for r, d in enumerate(departments, 1):
        for c, v in enumerate(d):
            if isinstance(v, int):
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, v, text)
    ws.data_validation(1, 2, 500, 2, {"validate": "list", "source": list(DEPARTMENT_TYPES)})
    ws.data_validation(1, 0, 500, 0, {"validate": "any", "input_title": "部门代码",
                                      "input_message": "字母或数字，不超过 12 位，如 JWC；用于风险编号"})
    ws.data_validation(1, 7, 500, 7, {"validate": "any", "input_title": "联系邮箱（可不填）",
                                      "input_message": "催报和反馈邮件草稿的收件人；多个用逗号分开"})
    ws.freeze_panes(1, 0)
    ws2 = wb.add_worksheet("人员")
    for i, (label, width) in enumerate(zip(["工号", "姓名", "部门代码", "岗位", "职务层级"], (12, 10, 10, 20, 12),
                                           strict=True)):
        ws2.write_string(0, i, label, head)
        ws2.set_column(i, i, width, text)
    for r, p in enumerate(staff or [], 1):
        for c, v in enumerate(p):
            ws2.write_string(r, c, str(v), text)
    ws2.data_validation(1, 4, 5000, 4, {"validate": "list", "source": list(RANKS)})
    ws2.freeze_panes(1, 0)
    note = wb.add_worksheet("说明")
    note.set_column(0, 0, 100)
    for i, line in enumerate([
        "名册说明",
        "“部门”工作表：每行一个部门。代码用于风险编号，一经使用不要修改；应报人数为该部门应交个人表（附件3、附件5）的人数。",
        "“人员”工作表：可选。填写后，个人表按人生成并预填姓名、工号、部门、岗位；不填则每个部门生成一份通用的个人表。",
        f"类型只能是：{'、'.join(DEPARTMENT_TYPES)}；职务层级只能是：{'、'.join(RANKS)}。",
    ]):
        note.write_string(i, 0, line)
    wb.close()


def init_workdir(root: Path, kept: list[str] | None = None) -> Path:
    """A new working folder. A 名册.xlsx already there (the office made its roster first) is kept, and named in
    `kept`; an existing formkit.toml stops it (exit code 2)."""
    root = Path(root)
    if (root / CONFIG_NAME).exists():
        raise FormkitError(f"{root / CONFIG_NAME} 已经存在；init 不会覆盖已有的活动配置。", exit_code=2)
    if root.is_dir() and (saved_as := sorted(p.name for p in root.iterdir() if p.is_file()
                                             and p.name.casefold().startswith(CONFIG_NAME.casefold()) and p.suffix.casefold() == ".txt")):
        # the coordinator's edited configuration saved by Notepad as formkit.toml.txt: init wrote the example beside it
        # and every form came out for 某某学院
        raise FormkitError(f"{root} 中已有“{saved_as[0]}”（记事本保存时可能加上了 .txt）；请把它改名为 {CONFIG_NAME}，"
                           "不必再运行 init。", exit_code=2)
    "名册.xlsx".encode(sys.getfilesystemencoding())   # a locale that cannot spell it: said before anything is made
    root.mkdir(parents=True, exist_ok=True)
    (root / "inbox").mkdir(exist_ok=True)
    (root / "outbox").mkdir(exist_ok=True)
    write_config(root, institution="某某学院", main_leader="（请填写主要领导姓名）",
                 campaign="2023年度廉政风险防控", year=2023)
    if (root / "名册.xlsx").exists():
        if kept is not None:
            kept.append("名册.xlsx")
    else:
        write_roster(root / "名册.xlsx", EXAMPLE_DEPARTMENTS)
    return root
