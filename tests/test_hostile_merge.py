"""A merge over an inbox that mixes good forms with every broken and hostile case of interfaces.md.

Each bad input is rejected with a Chinese reason, the merge finishes with exit 1, every good input
gets the status it gets alone, and the merge's peak memory stays under a bound measured here.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
from pathlib import Path

from tests import hostile
from tests.test_roundtrip import fill_risk_stage

CJK = re.compile(r"[\u4e00-\u9fff]")
# The bound chosen for a merge and its reader workers: parsing is capped at 2 GiB per worker, but the
# hostile files are refused before any parser sees them, so the whole merge must stay far lower.
PEAK_RSS_BOUND = 600 * 1024 * 1024


def _merge(root: Path) -> tuple[int, dict]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run([sys.executable, "-m", "formkit", "merge", "--dir", str(root), "--quiet"],
                          capture_output=True, text=True, timeout=600)
    assert "Traceback" not in proc.stderr, proc.stderr
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    report = json.loads((root / "outbox/report.json").read_text(encoding="utf-8"))
    report["_peak"] = peak if peak > before * 1024 else None
    return proc.returncode, report


HOSTILE = {
    "空文件.xlsx": (hostile.empty, "file-empty"),
    "其实是CSV.xlsx": (hostile.csv_renamed, "file-unknown-format"),
    "其实是网页.xlsx": (hostile.html_renamed, "file-unknown-format"),
    "截断.xlsx": (hostile.truncated_xlsx, "file-corrupt"),
    "加密.xlsx": (hostile.encrypted_xlsx, "file-encrypted"),
    "单元格炸弹.xlsx": (hostile.cell_bomb, None),
    "空白炸弹.xlsx": (hostile.whitespace_bomb, None),
    "远端单元格.xlsx": (hostile.far_cell, None),
    "远端单元格2.xlsx": (hostile.far_cell_hidden, None),
    "谎报大小.xlsx": (hostile.lying_member, None),
    "坏压缩流.xlsx": (hostile.corrupt_deflate, None),
    "实体炸弹.xlsx": (hostile.entity_bomb, None),
    "路径穿越.zip": (hostile.traversal_zip, "archive-unsafe-path"),
    "嵌套过深.zip": (lambda: hostile.nested_zip(5), "archive-too-deep"),
    "不是表单.xlsx": (hostile.tiny_xlsx, "file-not-a-form"),
}


def test_hostile_inbox_merges_with_reasons(cfg, workdir, tmp_path):
    # the good inputs alone
    alone = tmp_path / "alone"
    shutil.copytree(workdir, alone)
    good = fill_risk_stage(cfg, alone / "inbox")
    code, report_alone = _merge(alone)
    assert code == 0
    status_alone = {i["path"]: i["status"] for i in report_alone["inputs"]}

    # the same good inputs, mixed with everything hostile; one good form inside a GBK zip and a mail
    inbox = workdir / "inbox"
    for p in good:
        shutil.copy(p, inbox / p.name)
    for name, (make, _) in HOSTILE.items():
        (inbox / name).write_bytes(make())
    form = (inbox / "张伟.xlsx").read_bytes()
    (inbox / "邮件.eml").write_bytes(hostile.make_eml([("李娜的表.xlsx", (inbox / "李娜.xlsx").read_bytes())],
                                                   style="rfc2231"))
    (inbox / "~$张伟.xlsx").write_bytes(b"lock")
    (inbox / "宏.xlsm").write_bytes(hostile.add_members(form, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 60}))
    earlier = (inbox / "张伟.xlsx").stat().st_mtime - 3600   # sent before 张伟.xlsx (which stays the current one)
    os.utime(inbox / "宏.xlsm", (earlier, earlier))
    code, report = _merge(workdir)
    assert code == 1
    by_path = {i["path"]: i for i in report["inputs"]}
    for name, (_, expected) in HOSTILE.items():
        entries = [i for p, i in by_path.items() if p.startswith(f"inbox/{name}")]
        assert entries, name
        rejected = [i for i in entries if i["status"] == "rejected"]
        assert rejected, (name, entries)
        # an archive may also hold a harmless member (here a copy of 不是表单.xlsx: a duplicate)
        assert all(i["status"] in ("rejected", "duplicate") for i in entries), (name, entries)
        for entry in rejected:
            message = entry["findings"][0]["message"]
            assert CJK.search(message), message
        if expected:
            assert expected in {i["findings"][0]["code"] for i in rejected}, (name, entries)
    for path, status in status_alone.items():
        assert by_path[path]["status"] == status, path
    # the mail's attachment reads like the original (and is a duplicate of it)
    mail = next(i for p, i in by_path.items() if p.startswith("inbox/邮件.eml!"))
    assert mail["path"] == "inbox/邮件.eml!李娜的表.xlsx"
    assert mail["status"] == "duplicate"
    # … and says whose form it repeats (form, department and person of the input it duplicates)
    assert (mail["form"], mail["department"], mail["person"]) == ("附件3", "JWC", "李娜")
    macro = by_path["inbox/宏.xlsm"]
    assert macro["form"] == "附件3" and any(f["code"] == "file-macros" for f in macro["findings"])
    assert any(s["path"] == "inbox/~$张伟.xlsx" for s in report["skipped"])
    assert report["catalogue"]["rows"] == report_alone["catalogue"]["rows"]
    if report["_peak"] is not None:
        assert report["_peak"] < PEAK_RSS_BOUND, f"peak RSS {report['_peak'] / 2**20:.0f} MiB"
    # no macro and no user formula reaches any output
    for out in (workdir / "outbox").rglob("*.xlsx"):
        names = hostile.members(out.read_bytes())
        assert "xl/vbaProject.bin" not in names, out
