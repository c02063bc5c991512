"""formkit.toml as coordinators edit it: Windows encodings, typos in switches, dates with times, syntax errors."""

from __future__ import annotations

import re

import pytest

from formkit.config import CONFIG_NAME, load_config
from formkit.errors import ConfigError


def _edit(workdir, old: str, new: str) -> None:
    path = workdir / CONFIG_NAME
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize("value, shown", [("true", True), ("false", False), ('"是"', True), ('"否"', False),
                                          ('"false"', False), ('"yes"', True), ("0", False), ("1", True)])
def test_publication_switches(workdir, value, shown):
    _edit(workdir, "show_names = false", f"show_names = {value}")
    assert load_config(workdir).publication.show_names is shown


@pytest.mark.parametrize("value", ['"不确定"', "2", '"flase"'])
def test_a_switch_that_is_neither_is_an_error(workdir, value):
    """A privacy switch is never turned on by a typo ("否" used to count as true: any non-empty text did)."""
    _edit(workdir, "show_staff_no = false", f"show_staff_no = {value}")
    with pytest.raises(ConfigError, match=r"\[publication\] show_staff_no 应写 true 或 false（也可写 \"是\" 或 \"否\"）"):
        load_config(workdir)


def test_a_phase_end_with_a_time_counts_its_day(workdir):
    _edit(workdir, "end = 2023-03-31", "end = 2023-03-31T17:00:00")
    cfg = load_config(workdir)
    assert cfg.phases[2].end.isoformat() == "2023-03-31" and type(cfg.phases[2].end).__name__ == "date"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_saved_by_windows_notepad(workdir, encoding):
    path = workdir / CONFIG_NAME
    path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    assert load_config(workdir).institution == "测试职业学院"


def test_a_syntax_error_names_the_line_in_chinese(workdir):
    _edit(workdir, 'name = "测试职业学院"', "name = 测试职业学院")
    with pytest.raises(ConfigError) as exc:
        load_config(workdir)
    message = exc.value.message
    assert "格式有误（第 " in message and "行第" in message and "name = 测试职业学院" in message
    assert "英文双引号" in message


@pytest.mark.parametrize("typed, says", [("\u3000name = \"测试职业学院\"", "全角空格"),
                                         ('name = "测试职业学院"  ＃ 单位名称', "英文 #")])
def test_a_syntax_error_of_the_chinese_input_method_names_its_character(workdir, typed, says):
    """A full-width space before a setting or a full-width ＃ for a comment, as the Chinese input method types them: the
    hint spoke of quotes and ＝ only."""
    _edit(workdir, 'name = "测试职业学院"', typed)
    with pytest.raises(ConfigError, match=says):
        load_config(workdir)


def _roster(workdir, departments, staff, staff_sheet: str = "人员"):
    import openpyxl

    from formkit.workspace import write_roster

    write_roster(workdir / "名册.xlsx", departments, staff)
    if staff_sheet != "人员":
        wb = openpyxl.load_workbook(workdir / "名册.xlsx")
        wb["人员"].title = staff_sheet
        wb.save(workdir / "名册.xlsx")


STAFF = [("0012", "张伟", "jwc", "教务科科长", "中层干部"), ("0013", "李娜", "JWC", "考务专员", "一般干部")]


def test_roster_as_coordinators_type_it(workdir):
    """A staff sheet named "人员 " is the staff sheet; department codes in lower case are the same codes;
    an empty 应报人数 is the number of people the staff list names."""
    _roster(workdir, [(" jwc ", "教务处", "党政部门", "王芳", "刘副院长", "")], STAFF, staff_sheet="人员 ")
    cfg = load_config(workdir)
    assert list(cfg.roster.departments) == ["JWC"]
    assert cfg.roster.departments["JWC"].headcount == 2
    assert [p.name for p in cfg.roster.people_of("JWC")] == ["张伟", "李娜"]


@pytest.mark.parametrize("headcount, says", [("", "“应报人数”不能为空"), ("3.5", "应为非负整数")])
def test_a_headcount_that_cannot_be_meant(workdir, headcount, says):
    _roster(workdir, [("JWC", "教务处", "党政部门", "王芳", "刘副院长", 2),
                      ("CWC", "财务处", "党政部门", "赵强", "张副院长", headcount)], STAFF)
    with pytest.raises(ConfigError, match=says):
        load_config(workdir)


def test_a_staff_number_typed_as_a_number_matches_its_zeros(workdir):
    """The roster's 工号 typed in Excel as the number 12 is the 0012 a form carries (and 12 beside 0012 is a
    duplicate)."""
    _roster(workdir, [("JWC", "教务处", "党政部门", "王芳", "刘副院长", 2)],
            [("12", "张伟", "JWC", "教务科科长", "中层干部"), ("0013", "李娜", "JWC", "考务专员", "一般干部")])
    roster = load_config(workdir).roster
    assert roster.find_person("JWC", "张伟", "0012").staff_no == "12"
    _roster(workdir, [("JWC", "教务处", "党政部门", "王芳", "刘副院长", 2)],
            [("12", "张伟", "JWC", "教务科科长", "中层干部"), ("0012", "李娜", "JWC", "考务专员", "一般干部")])
    with pytest.raises(ConfigError, match="重复"):
        load_config(workdir)


def _staff_as_numbers(workdir, number_format: str | None) -> None:
    """The 人员 sheet's 工号 typed as numbers (123 for 00123), shown with their zeros by `number_format`."""
    import openpyxl

    path = workdir / "名册.xlsx"
    wb = openpyxl.load_workbook(path)
    for (cell,) in wb["人员"].iter_rows(min_row=2, max_col=1):
        cell.value = int(cell.value)
        if number_format:
            cell.number_format = number_format
    wb.save(path)


def test_a_staff_number_shown_with_its_zeros_by_its_format_is_read_as_shown(workdir):
    """工号 typed as numbers in a column formatted 0000 (as offices keep 0012 in Excel and WPS): the form, its file name
    and every 风险编号 carried 12, the coordinator seeing 0012."""
    _staff_as_numbers(workdir, "0000")
    assert [p.staff_no for p in load_config(workdir).roster.staff][:2] == ["0012", "0013"]


@pytest.mark.parametrize("since", ["lost", "gained"])
def test_staff_numbers_that_lost_or_gained_zeros_since_the_forms_went_out_are_as_issued(workdir, since):
    """The staff list pasted again from a system that gives numbers (0012 → 12), or its 工号 column formatted 0000 (12 →
    0012), after the forms went out: generate made every personal form anew (new names, the issued ones deleted, all to
    be sent again). As issued, said."""
    from formkit.generate import generate_campaign

    if since == "gained":
        _staff_as_numbers(workdir, None)
    generate_campaign(load_config(workdir))
    _staff_as_numbers(workdir, None if since == "lost" else "0000")
    cfg = load_config(workdir)
    issued = ["0012", "0013"] if since == "lost" else ["12", "13"]
    assert [p.staff_no for p in cfg.roster.staff][:2] == issued
    assert any("只差前面的 0" in w and issued[0] in w for w in cfg.warnings)
    _edit(workdir, "year = 2023", "year = 2024")        # next year's round: its forms go out as the roster says
    assert [p.staff_no for p in load_config(workdir).roster.staff][:2] != issued


def test_note_lines_under_the_roster_tables_are_no_rows(workdir):
    """注：应报人数含借调人员 typed under the 部门 table, 注：工号以人事处为准 under 人员: each stopped every command as a bad row
    (“代码”应为…, “姓名”不能为空)."""
    _roster(workdir, [("JWC", "教务处", "党政部门", "王芳", "刘副院长", 2), ("注：应报人数含借调人员，以人事处核定为准",)],
            [("0012", "张伟", "JWC", "教务科科长", "中层干部"), ("0013", "李娜", "JWC", "考务专员", "一般干部"),
             ("注:工号以人事处为准",)])
    roster = load_config(workdir).roster
    assert list(roster.departments) == ["JWC"] and [p.name for p in roster.staff] == ["张伟", "李娜"]
    # … and merged across the table, as offices write such a line (each cell of the merge holds it)
    import openpyxl

    wb = openpyxl.load_workbook(workdir / "名册.xlsx")
    for ws in wb.worksheets:
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=ws.max_column)
    wb.save(workdir / "名册.xlsx")
    roster = load_config(workdir).roster
    assert list(roster.departments) == ["JWC"] and [p.name for p in roster.staff] == ["张伟", "李娜"]


def test_every_bad_roster_row_is_named_at_once(workdir):
    """Two departments of an unknown 类型 and a person with a wrong 职务层级: all three rows in one message (the office
    fixes the roster in one go, not one row per run)."""
    _roster(workdir, [("JWC", "教务处", "党政部门", "王芳", "刘副院长", 2), ("CWC", "财务处", "行政", "赵强", "张副院长", 2),
                      ("JDX", "机电工程系", "系部", "陈立", "刘副院长", 1)],
            [("0012", "张伟", "JWC", "教务科科长", "中层干部"), ("0013", "李娜", "JWC", "考务专员", "科员")])
    with pytest.raises(ConfigError) as exc:
        load_config(workdir)
    assert "部门”第 3 行“类型”" in exc.value.message and "部门”第 4 行“类型”" in exc.value.message
    _roster(workdir, [("JWC", "教务处", "党政部门", "王芳", "刘副院长", 2)],
            [("0012", "张伟", "JWC", "教务科科长", "中层"), ("0013", "李娜", "XXX", "考务专员", "科员")])
    with pytest.raises(ConfigError) as exc:
        load_config(workdir)
    assert "人员”第 2 行“职务层级”" in exc.value.message and "人员”第 3 行“部门代码”" in exc.value.message


# -- settings in the wrong place, placeholders, phases --------------------------------------------------------

@pytest.mark.parametrize("edit, says", [
    (("[institution]", "[Institution]"), "文件中写的是 [Institution]，应写作 [institution]"),
    (("[institution]\n", ""), "name 写在了所有 [节] 之前"),
])
def test_a_setting_not_found_under_its_section_says_why(workdir, edit, says):
    """[Institution] typed with a capital, or its line deleted: "[institution] 缺少 name" although name is the next line."""
    _edit(workdir, *edit)
    with pytest.raises(ConfigError, match=re.escape(says)):
        load_config(workdir)


def test_a_campaign_name_of_another_year_is_said(workdir):
    """init's 2023年度廉政风险防控 kept while year and the dates were made 2024's: every form titled 2023, unsaid."""
    _edit(workdir, "year = 2023", "year = 2024")
    assert any("“2023年度廉政风险防控”中的年份与 year = 2024 不符" in w for w in load_config(workdir).warnings)
    _edit(workdir, "2023年度廉政风险防控", "2023-2024学年廉政风险防控")
    assert not any("中的年份与" in w for w in load_config(workdir).warnings)


def test_a_configuration_notepad_saved_as_txt_is_named(workdir):
    """Notepad saves formkit.toml.txt: "找不到 formkit.toml, run init" — init then wrote the example beside it, and every
    form came out for 某某学院. Both say to rename the file."""
    from formkit.errors import FormkitError
    from formkit.workspace import init_workdir

    (workdir / CONFIG_NAME).rename(workdir / "formkit.toml.txt")
    with pytest.raises(ConfigError, match="但有“formkit.toml.txt”"):
        load_config(workdir)
    with pytest.raises(FormkitError, match="请把它改名为 formkit.toml"):
        init_workdir(workdir)
    assert not (workdir / CONFIG_NAME).exists()
    (workdir / "formkit.toml.txt").rename(workdir / "formkit.toml.bak")     # a backup is no configuration saved as .txt
    init_workdir(workdir)
    assert (workdir / CONFIG_NAME).exists()


def test_a_setting_in_the_wrong_section_is_an_error_an_unknown_one_a_warning(workdir):
    """roster under [institution] would leave the example roster in use: an error naming the line; a typo'd key
    (show_name) or section ([publicaton]) is said and ignored."""
    _edit(workdir, 'main_leader = "周校长"', 'main_leader = "周校长"\nroster = "学院名册.xlsx"')
    with pytest.raises(ConfigError, match=r"第 \d+ 行的 roster 应写在 \[campaign\] 下，现在在 \[institution\] 下"):
        load_config(workdir)
    _edit(workdir, 'roster = "学院名册.xlsx"', '')
    _edit(workdir, "show_names = false", "show_name = true\n[publicaton]\nshow_names = true")
    warnings = load_config(workdir).warnings
    assert any("show_name 不是 [publication] 的设置" in w for w in warnings), warnings
    assert any("[publicaton] 不是 formkit 的设置" in w for w in warnings), warnings
    assert load_config(workdir).publication.show_names is False


def test_settings_of_the_wrong_type_are_errors_not_tracebacks(workdir):
    _edit(workdir, 'roster = "名册.xlsx"', "roster = 2023")
    with pytest.raises(ConfigError, match=r"\[campaign\] roster（名册文件名）应是加英文双引号的文字"):
        load_config(workdir)


def test_example_texts_and_odd_phases_are_said(workdir):
    _edit(workdir, 'main_leader = "周校长"', 'main_leader = "（请填写主要领导姓名）"')
    _edit(workdir, "start = 2023-03-01", "start = 2023-02-25")            # phase 2 overlaps phase 1
    warnings = load_config(workdir).warnings
    assert any("还是示例文字“（请填写主要领导姓名）”" in w for w in warnings), warnings
    assert any("第 1、2 阶段日期重叠" in w for w in warnings), warnings
    _edit(workdir, "start = 2023-02-25\nend = 2023-03-31", "start = 2024-03-01\nend = 2024-03-31")   # a year typo
    with pytest.raises(ConfigError, match=r"\[phases.3\] 开始日期 2023-04-01 早于第 2 阶段的开始日期 2024-03-01"):
        load_config(workdir)


def test_a_date_written_the_chinese_way_gets_a_date_hint(workdir):
    _edit(workdir, "start = 2023-03-01", "start = 2023/3/1")
    with pytest.raises(ConfigError, match=r"日期请写成 2023-03-01"):
        load_config(workdir)


def test_notepad_unicode_is_read(workdir):
    path = workdir / CONFIG_NAME
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    assert load_config(workdir).institution == "测试职业学院"


# -- the roster as offices make it ------------------------------------------------------------------------------

def test_roster_as_an_office_lays_it_out(workdir):
    """Header labels 部门名称 and 应报人数（人）, 12人, a full-width code from a Chinese input method, a 合计 row at the
    bottom, and the staff list on a sheet called 人员名单: all read as meant (the sheet name said)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "部门"
    ws.append(["2023年部门名单"])
    ws.append(["代码", "部门名称", "类型", "部门负责人", "分管领导", "应报人数（人）"])
    ws.append(["ＪＷＣ", "教务处", "党政部门", "王芳", "刘副院长", "2人"])
    ws.append(["cwc", "财务处", "其它", "赵强", "张副院长", 1])              # 其它 for 其他
    ws.append(["合计", "", "", "", "", 3])
    staff = wb.create_sheet("人员名单")
    staff.append(["工号", "姓名", "部门代码", "岗位", "职务层级"])
    staff.append(["0012", "张伟", "JWC", "教务科科长", "中层干部"])
    staff.append(["0013", "李娜", "ｊｗｃ", "考务专员", "一般干部"])
    staff.append(["0101", "王磊", "CWC", "会计", "一般干部"])
    wb.save(workdir / "名册.xlsx")
    cfg = load_config(workdir)
    assert list(cfg.roster.departments) == ["JWC", "CWC"] and cfg.roster.departments["CWC"].type == "其他"
    assert cfg.roster.departments["JWC"].headcount == 2
    assert [p.department for p in cfg.roster.staff] == ["JWC", "JWC", "CWC"]
    assert any("已按表头把“人员名单”当作人员名单读取" in w for w in cfg.warnings), cfg.warnings


def test_roster_problems_are_named_in_chinese(workdir):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "部门"
    wb.active.append(["代码", "名称", "类型", "部门负责人", "分管领导"])
    wb.active.append(["教务", "教务处", "党政部门", "王芳", "刘副院长"])
    wb.save(workdir / "名册.xlsx")
    with pytest.raises(ConfigError, match=r"缺少：应报人数"):
        load_config(workdir)
    wb.active.cell(1, 6, "应报人数")
    wb.active.cell(2, 6, 2)
    wb.save(workdir / "名册.xlsx")
    with pytest.raises(ConfigError, match=r"“代码”应为不超过 12 位的字母或数字"):      # 教务: not letters or digits
        load_config(workdir)
    (workdir / "名册.xlsx").write_bytes(b"")
    with pytest.raises(ConfigError, match="空文件"):
        load_config(workdir)
    (workdir / "名册.xlsx").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600)
    with pytest.raises(ConfigError, match="无法作为表格打开"):
        load_config(workdir)


def test_a_roster_saved_under_another_extension_is_read_by_its_content(workdir):
    (workdir / "名册.xls").write_bytes((workdir / "名册.xlsx").read_bytes())       # an .xlsx renamed .xls
    _edit(workdir, 'roster = "名册.xlsx"', 'roster = "名册.xls"')
    assert "JWC" in load_config(workdir).roster.departments


def test_a_roster_missing_under_its_name_says_which_file_is_there(workdir):
    """The roster saved as 名册(1).xlsx: "找不到名册文件 名册.xlsx" named no file the coordinator could see."""
    (workdir / "名册.xlsx").rename(workdir / "名册(1).xlsx")
    with pytest.raises(ConfigError, match=re.escape("文件夹中有“名册(1).xlsx”")):
        load_config(workdir)


def test_an_as_of_years_away_is_said(workdir):
    _edit(workdir, "year = 2023", "year = 2023\nas_of = 2031-01-01")
    assert any("as_of = 2031-01-01" in w for w in load_config(workdir).warnings)


def test_contact_addresses_as_people_paste_them(workdir):
    from formkit.workspace import write_roster
    from tests.conftest import DEPARTMENTS

    emails = ["教务处 <jwc@x.edu.cn>", "cwc＠x.edu.cn，mailto:caiwu@x.edu.cn", ""]
    write_roster(workdir / "名册.xlsx", [(*d, "", e) for d, e in zip(DEPARTMENTS, emails, strict=True)])
    got = {code: d.email for code, d in load_config(workdir).roster.departments.items()}
    assert got == {"JWC": "jwc@x.edu.cn", "CWC": "cwc@x.edu.cn, caiwu@x.edu.cn", "JDX": ""}
    # what no mail program can send to is said and left out: one cell does not stop the campaign
    write_roster(workdir / "名册.xlsx", [(*d, "", "jwc at x；王芳@x.edu.cn，ok@x.edu.cn") for d in DEPARTMENTS])
    cfg = load_config(workdir)
    assert cfg.roster.departments["JWC"].email == "ok@x.edu.cn"
    assert any("“jwc at x”不是邮件程序能发送的地址" in w for w in cfg.warnings)


# -- rosters as offices make them (session 6) -----------------------------------------------------------------

def _wb_roster(workdir, depts: list[list], staff: list[list] | None = None, merges: dict | None = None) -> None:
    """A roster written with openpyxl: header rows included in the lists; merges {sheet: ["E2:E4", …]}."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "部门"
    for row in depts:
        ws.append(row)
    if staff is not None:
        sheet = wb.create_sheet("人员")
        for row in staff:
            sheet.append(row)
    for name, ranges in (merges or {}).items():
        for ref in ranges:
            wb[name].merge_cells(ref)
    wb.save(workdir / "名册.xlsx")


DEPT_HEAD = ["代码", "名称", "类型", "部门负责人", "分管领导", "应报人数", "简称"]
STAFF_HEAD = ["工号", "姓名", "部门代码", "岗位", "职务层级"]


def test_a_name_wins_over_another_departments_short_name(workdir):
    """组织人事处 once called 人事处 (its 简称) and a department named 人事处: a form saying 人事处 is 人事处's; the
    clash is said."""
    _wb_roster(workdir, [DEPT_HEAD, ["ZZRS", "组织人事处", "党政部门", "甲", "刘副院长", 1, "组织部,人事处"],
                         ["RSC", "人事处", "党政部门", "乙", "刘副院长", 1, ""]])
    cfg = load_config(workdir)
    assert cfg.roster.find_department("人事处").code == "RSC"
    assert cfg.roster.find_department("组织部").code == "ZZRS"
    assert any("简称“人事处”与人事处的名称或代码相同" in w for w in cfg.warnings), cfg.warnings


def test_more_people_listed_than_the_headcount_are_all_counted(workdir):
    _wb_roster(workdir, [DEPT_HEAD, ["JWC", "教务处", "党政部门", "王芳", "刘副院长", 1, ""]],
               [STAFF_HEAD, ["0012", "张伟", "JWC", "科长", "中层干部"], ["0013", "李娜", "JWC", "专员", "一般干部"]])
    cfg = load_config(workdir)
    assert cfg.roster.departments["JWC"].headcount == 2
    assert any("“应报人数”为 1，人员名单列出 2 人：按 2 人统计" in w for w in cfg.warnings), cfg.warnings


def test_merged_roster_cells_belong_to_every_row_they_cover(workdir):
    """张副院长 merged over the rows of the departments he leads, a 部门代码 and a 职务层级 merged down the staff
    list: each row has the value, as the office sees it."""
    _wb_roster(workdir, [DEPT_HEAD, ["JWC", "教务处", "党政部门", "王芳", "张副院长", 2, ""],
                         ["CWC", "财务处", "党政部门", "赵强", None, 1, ""]],
               [STAFF_HEAD, ["0012", "张伟", "JWC", "科长", "一般干部"], ["0013", "李娜", None, "专员", None],
                ["0101", "王磊", "CWC", "会计", "一般干部"]],
               merges={"部门": ["E2:E3"], "人员": ["C2:C3", "E2:E3"]})
    cfg = load_config(workdir)
    assert cfg.roster.departments["CWC"].leader == "张副院长"
    assert [(p.name, p.department, p.rank) for p in cfg.roster.staff] == [
        ("张伟", "JWC", "一般干部"), ("李娜", "JWC", "一般干部"), ("王磊", "CWC", "一般干部")]


def test_department_codes_in_the_staff_list_as_excel_and_people_leave_them(workdir):
    """部门 codes typed 001/002 (Excel keeps 1 and 2) against text 001 in the staff list, a department's name in
    the code column: the department meant; an empty one is said as empty; 01 beside 1 is said."""
    _wb_roster(workdir, [DEPT_HEAD, [1, "党政办公室", "党政部门", "李明", "张副院长", 1, ""],
                         [2, "教务处", "党政部门", "王芳", "刘副院长", 1, ""]],
               [STAFF_HEAD, ["1001", "甲", "001", "文秘", "一般干部"], ["1002", "乙", "教务处", "教务", "一般干部"]])
    cfg = load_config(workdir)
    assert [(p.name, p.department) for p in cfg.roster.staff] == [("甲", "1"), ("乙", "2")]
    _wb_roster(workdir, [DEPT_HEAD, [1, "党政办公室", "党政部门", "李明", "张副院长", 1, ""]],
               [STAFF_HEAD, ["1001", "甲", None, "文秘", "一般干部"]])
    with pytest.raises(ConfigError, match="第 2 行“部门代码”不能为空"):
        load_config(workdir)
    _wb_roster(workdir, [DEPT_HEAD, ["01", "党政办公室", "党政部门", "李明", "张副院长", 1, ""],
                         [1, "教务处", "党政部门", "王芳", "刘副院长", 1, ""]])
    assert any("部门代码 01 与 1 只差前面的 0" in w for w in load_config(workdir).warnings)


def test_roster_labels_addresses_and_names_as_typed(workdir):
    """部门编号 for 代码; a display name with a comma in quotes; names typed over two lines (Alt+Enter)."""
    _wb_roster(workdir, [["部门编号", "名称", "类型", "部门负责人", "分管领导", "应报人数", "联系邮箱"],
                         ["CWC", "财务\n处", "党政部门", "赵\n强", "张副院长", 1, '"财务处,收" <cw@x.edu.cn>']],
               [STAFF_HEAD, ["0101", "王\n五", "CWC", "会计", "一般干部"]])
    cfg = load_config(workdir)
    d = cfg.roster.departments["CWC"]
    assert (d.name, d.head, d.email) == ("财务处", "赵强", "cw@x.edu.cn")
    assert [p.name for p in cfg.roster.staff] == ["王五"]
    assert not cfg.warnings


@pytest.mark.parametrize("dept_label", ["部门", "所在部门", "部门名称"])
def test_a_staff_list_naming_departments_in_a_column_headed_as_offices_head_it(workdir, dept_label):
    """人员 headed 部门 / 所在部门 (the department's name in it, which the column may hold) and 应交人数 for 应报人数: it
    stopped every command (缺少：部门代码), or, the sheet named otherwise (教职工名单), was not read as the staff list."""
    _wb_roster(workdir, [["代码", "名称", "类型", "部门负责人", "分管领导", "应交人数"],
                         ["CWC", "财务处", "党政部门", "赵强", "张副院长", 1]],
               [["工号", "姓名", dept_label, "岗位", "职务层级"], ["0101", "王五", "财务处", "会计", "一般干部"]])
    cfg = load_config(workdir)
    assert [(p.name, p.department) for p in cfg.roster.staff] == [("王五", "CWC")]
    assert cfg.roster.departments["CWC"].headcount == 1


def test_a_staff_list_with_a_name_column_beside_its_code_column_reads_the_code(workdir):
    """工号 | 姓名 | 部门 | 部门代码 | 单位: the 部门代码 column is the code wherever it stands (the 部门 column of names,
    an alias of it, was read as the code; 单位 = the college stopped every command); a 简称 in a 部门 column is that
    department (机电系)."""
    _wb_roster(workdir, [["代码", "名称", "类型", "部门负责人", "分管领导", "应报人数", "简称"],
                         ["JDX", "机电工程系", "教学系部", "陈立", "张副院长", 2, "机电系"]],
               [["工号", "姓名", "部门", "部门代码", "单位", "岗位", "职务层级"],
                ["0101", "王五", "机电系", "JDX", "某某学院", "教师", "专任教师"]])
    cfg = load_config(workdir)
    assert [(p.name, p.department) for p in cfg.roster.staff] == [("王五", "JDX")]
    _wb_roster(workdir, [["代码", "名称", "类型", "部门负责人", "分管领导", "应报人数", "简称"],
                         ["JDX", "机电工程系", "教学系部", "陈立", "张副院长", 2, "机电系"]],
               [["工号", "姓名", "所在部门", "岗位", "职务层级"], ["0101", "王五", "机电系", "教师", "专任教师"]])
    assert [(p.name, p.department) for p in load_config(workdir).roster.staff] == [("王五", "JDX")]
    # an HR export: 所在单位 holding the departments; 单位 (the college) left of 部门 (the departments): the 部门
    for head, row in ((["工号", "姓名", "所在单位", "岗位", "职务层级"], ["0101", "王五", "机电工程系", "教师", "专任教师"]),
                      (["工号", "姓名", "单位", "部门", "岗位", "职务层级"],
                       ["0101", "王五", "某某学院", "机电工程系", "教师", "专任教师"])):
        _wb_roster(workdir, [["代码", "名称", "类型", "部门负责人", "分管领导", "应报人数", "简称"],
                             ["JDX", "机电工程系", "教学系部", "陈立", "张副院长", 2, "机电系"]], [head, row])
        assert [(p.name, p.department) for p in load_config(workdir).roster.staff] == [("王五", "JDX")], head


@pytest.mark.parametrize("edit, year, said", [(("year = 2023\n", ""), 2023, False),      # from the phase dates
                                              (("[campaign]", "[campain]"), 2023, False)])  # a misspelt section
def test_a_campaign_without_a_year_takes_it_from_what_is_written(workdir, edit, year, said):
    _edit(workdir, *edit)
    cfg = load_config(workdir)
    if year:
        assert cfg.year == year
    assert any("没有 year（年份）" in w for w in cfg.warnings) is said, cfg.warnings


def test_a_campaign_with_no_year_anywhere_says_which_it_took(workdir):
    import re
    from datetime import date

    path = workdir / CONFIG_NAME
    text = re.sub(r"(?ms)^\[phases\.\d\].*?(?=^\[|\Z)", "", path.read_text(encoding="utf-8"))
    text = text.replace("year = 2023\n", "").replace('name = "2023年度廉政风险防控"', 'name = "廉政风险防控"')
    path.write_text(text, encoding="utf-8")
    cfg = load_config(workdir)
    assert cfg.year == date.today().year
    assert any(f"没有 year（年份），已按今年 {cfg.year} 年处理" in w for w in cfg.warnings), cfg.warnings


def test_someone_listed_in_two_departments_is_told_how_to_list_them(workdir):
    """The same person (工号 and name) listed under two departments (双肩挑): the error says to list them once, in the
    department whose forms they fill (it said only that the 工号 repeats)."""
    _roster(workdir, [("JWC", "教务处", "党政部门", "王芳", "刘副院长", 1), ("CWC", "财务处", "党政部门", "赵强", "张副院长", 1)],
            [("0012", "张伟", "JWC", "教务科科长", "中层干部"), ("0012", "张伟", "CWC", "会计", "一般干部")])
    with pytest.raises(ConfigError, match="同一人只能列在一个部门"):
        load_config(workdir)


def test_a_roster_that_cannot_be_read_is_said_before_anything_is_done(workdir, monkeypatch, capsys):
    """The roster (or formkit.toml) not readable (another user's, locked by another program): merge says it could not
    read it and that nothing was done (it said "没有权限读写…已写出的部分结果不完整，没有 report.json", the last round's
    outputs untouched)."""
    from formkit import config
    from formkit.cli import main

    roster = workdir / "名册.xlsx"

    def locked(path, *args, **kw):
        raise PermissionError(13, "Permission denied", str(roster))

    monkeypatch.setattr(config, "_read_toml", locked)
    assert main(["merge", "--dir", str(workdir)]) == 2
    said = capsys.readouterr().err
    assert f"无法读取“{roster}”" in said and "本次没有做任何处理" in said
    assert "report.json" not in said and "读写" not in said


def test_a_date_that_does_not_exist_is_said_so(workdir):
    """end = 2023-02-30, written the right way: said to be no date (it was told to write dates the way it was written)."""
    _edit(workdir, "start = 2023-03-01", "start = 2023-02-30")
    with pytest.raises(ConfigError, match=r"2023-02-30 不是存在的日期") as caught:
        load_config(workdir)
    assert "日期请写成" not in str(caught.value)
