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
    with pytest.raises(ConfigError, match=r"\[publication\] show_staff_no 应写 true（是）或 false（否）"):
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
