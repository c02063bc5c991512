"""The progress bar: counts and time left on a terminal, nothing otherwise; every merge stage reports."""

from __future__ import annotations

import io

from formkit.merge import merge
from formkit.progress import Progress
from tests.test_cache import _risk_forms


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_silent_when_not_a_terminal():
    out = io.StringIO()
    p = Progress(stream=out, min_seconds=0)
    for i in range(1, 11):
        p("读取", i, 10)
    p.close()
    assert out.getvalue() == ""


def test_counts_and_time_left_on_a_terminal():
    out = Tty()
    p = Progress(stream=out, min_seconds=0)
    p.last = -1.0
    p("读取", 1, 4)
    p("读取", 4, 4)
    p("写出反馈", 2, 3)
    p.close()
    text = out.getvalue()
    assert "读取" in text and "1/4" in text and "剩余约" in text and "4/4" in text
    assert text.count("\n") == 2 and text.endswith("\n")        # one line per stage, ended


def test_the_bar_fits_a_narrow_terminal_and_each_stage_is_drawn_once(monkeypatch):
    """On a terminal 40 columns wide the bar (always 30 cells and its text) wrapped, every redraw leaving a row of it
    on the screen; a stage reported done twice was drawn twice; one done within the second drew "用时 0 秒"."""
    from formkit.progress import _width

    monkeypatch.setenv("COLUMNS", "40")
    out = Tty()
    p = Progress(stream=out, min_seconds=0)
    for i in range(0, 101):
        p.last = -1.0
        p("写出公示与反馈", i, 100)
    p("写出公示与反馈", 100, 100)
    p.close()
    lines = [part for line in out.getvalue().split("\n") for part in line.split("\r") if part.strip()]
    assert lines and all(_width(line) < 40 for line in lines), lines
    assert out.getvalue().count("100/100") == 1 and out.getvalue().count("\n") == 1
    quick = Tty()
    p = Progress(stream=quick, min_seconds=5)
    p("读取", 3, 3)
    p.close()
    assert quick.getvalue() == ""


def test_no_bar_on_a_dumb_terminal(monkeypatch):
    monkeypatch.setenv("TERM", "dumb")
    out = Tty()
    p = Progress(stream=out, min_seconds=0)
    p("读取", 1, 1)
    assert out.getvalue() == ""


def test_quiet_overrides_the_terminal():
    out = Tty()
    p = Progress(enabled=False, stream=out, min_seconds=0)
    p("读取", 1, 1)
    assert out.getvalue() == ""


def test_every_merge_stage_reports(workdir, cfg):
    _risk_forms(cfg, workdir / "inbox")
    seen: dict[str, tuple[int, int]] = {}

    def progress(stage: str, done: int, total: int) -> None:
        seen[stage] = (done, total)

    merge(cfg, progress=progress)
    assert set(seen) >= {"读取", "校验", "写出汇总工作簿", "写出公示与反馈", "写出报告"}
    assert all(done == total for done, total in seen.values()), seen


def test_unpacking_mails_and_archives_reports(workdir, cfg):
    """Mails and archives are unpacked before reading, in this process: 3,000 mails took seconds with nothing on the
    screen. The unpacking reports its count of them."""
    from tests import hostile as H

    for i in range(3):
        (workdir / "inbox" / f"m{i}.eml").write_bytes(H.make_eml(subject=f"附件4 第{i}封"))
    (workdir / "inbox" / "a.zip").write_bytes(H.make_zip({"附件4.xlsx": H.tiny_xlsx()}))
    (workdir / "inbox" / "__MACOSX").mkdir()          # (a Mac's unzipping leaves ._ files of them: skipped, not counted)
    (workdir / "inbox" / "__MACOSX" / "._m0.eml").write_bytes(b"\x00\x05\x16\x07")
    (workdir / "inbox" / "link.zip").symlink_to(workdir / "inbox" / "a.zip")
    seen: list[tuple[str, int, int]] = []
    merge(cfg, progress=lambda stage, done, total: seen.append((stage, done, total)))
    unpacking = [(d, t) for s, d, t in seen if s.startswith("收件")]
    assert unpacking and unpacking[-1] == (4, 4) and [d for d, _ in unpacking] == sorted(d for d, _ in unpacking)
