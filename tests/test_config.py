"""formkit.toml as coordinators edit it: Windows encodings, typos in switches, dates with times, syntax errors."""

from __future__ import annotations

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
