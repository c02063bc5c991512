"""A new user's round trip: init, roster, generate, two forms typed in LibreOffice itself, merge."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from formkit.config import load_config
from formkit.generate import generate_campaign
from formkit.merge import merge
from formkit.workspace import init_workdir, write_roster
from tests.conftest import require_soffice

UNO_PYTHON = shutil.which("python3", path="/usr/bin")


def _uno_available() -> bool:
    if UNO_PYTHON is None:
        return False
    return subprocess.run([UNO_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0


def test_forms_typed_in_libreoffice_merge(tmp_path: Path):
    soffice = require_soffice()
    if not _uno_available():
        if os.environ.get("CI"):
            pytest.fail("python3-uno is required in CI (.ci/run installs it)")
        pytest.skip("the system python has no `uno` module (Debian package python3-uno)")
    root = init_workdir(tmp_path / "活动")
    write_roster(root / "名册.xlsx", [("JWC", "教务处", "党政部门", "王芳", "刘副院长", 1)],
                 [("00789", "张伟", "JWC", "教务科科长", "中层干部")])
    cfg = load_config(root)
    paths = generate_campaign(cfg)
    a3 = next(p for p in paths if "附件3" in p.name)
    a4 = next(p for p in paths if "附件4" in p.name)
    jobs = [
        {"src": str(a3), "dst": str(root / "inbox/张伟.xlsx"), "header": {"填表日期": "2023/3/15"},
         "rows": [{"风险类别": "岗位职责", "风险点": "成绩修改审批把关不严", "主要表现形式": "违规同意修改成绩",
                   "风险等级": "二级", "涉及“三重一大”": "否"},
                  {"风险类别": "思想道德", "风险点": "接受学生家长宴请", "主要表现形式": "吃请收礼", "风险等级": "高"}]},
        {"src": str(a4), "dst": str(root / "inbox/教务处.xlsx"),
         "rows": [{"岗位(环节)": "教材选用", "风险类别": "岗位职责", "风险点": "教材选用收受回扣", "风险等级": "一级",
                   "涉及“三重一大”": "是", "责任人": "王芳"}],
         "delete_rows": [2]},      # an unused row deleted: LibreOffice then declares A1:…1048576
    ]
    # 张伟 inserts rows in the protected sheet as the form tells (Calc refused: the cells right of the table were
    # locked) and types a risk into one
    jobs[0]["insert_rows"] = {"above_label": "本人签字", "count": 2,
                              "row": {"风险类别": "思想道德", "风险点": "收受教材供应商礼品", "主要表现形式": "逢年过节收礼",
                                      "风险等级": "三级"}}
    job_file = tmp_path / "jobs.json"
    job_file.write_text(json.dumps(jobs, ensure_ascii=False), encoding="utf-8")
    subprocess.run([UNO_PYTHON, str(Path(__file__).with_name("uno_fill.py")), soffice, str(job_file)],
                   check=True, timeout=300, env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    result = merge(cfg)
    by_path = {r.path: r for r in result.analysis.inputs}
    person = by_path["inbox/张伟.xlsx"]
    assert person.status == "accepted", [(f.cell, f.code, f.message) for f in person.findings]
    assert person.checked.sub.identity is not None       # the identity survived LibreOffice
    codes = {(f.cell, f.code) for f in person.findings}
    assert any(code == "level-normalised" for _, code in codes)   # 高 → 一级, with a warning
    assert by_path["inbox/教务处.xlsx"].status == "accepted", [f.message for f in by_path["inbox/教务处.xlsx"].findings]
    inserted = json.loads((root / "inbox/张伟.xlsx.inserted").read_text(encoding="utf-8"))
    assert inserted == {"moved_by": 2, "protected": True}
    assert [r.values["risk"] for r in person.checked.rows][-1] == "收受教材供应商礼品"
    ws = openpyxl.load_workbook(root / "outbox/廉政风险目录.xlsx")["风险目录"]
    rows = {r[6]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["成绩修改审批把关不严"][0] == "JWC-00789-01"    # the 工号 keeps its leading zeros
    assert rows["教材选用收受回扣"][0] == "JWC-B01"
    assert rows["接受学生家长宴请"][8] == "一级"
    for cell in ws["G"]:
        assert cell.data_type == "s" or cell.value is None
    assert sys.version_info >= (3, 11)
