from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from formkit.config import load_config
from formkit.workspace import write_config, write_roster

DEPARTMENTS = [
    ("JWC", "教务处", "党政部门", "王芳", "刘副院长", 2),
    ("CWC", "财务处", "党政部门", "赵强", "张副院长", 2),
    ("JDX", "机电工程系", "教学系部", "陈立", "刘副院长", 1),
]
STAFF = [
    ("0012", "张伟", "JWC", "教务科科长", "中层干部"),
    ("0013", "李娜", "JWC", "考务专员", "一般干部"),
    ("0101", "王磊", "CWC", "会计", "一般干部"),
    ("0102", "刘洋", "CWC", "出纳", "一般干部"),
    ("0201", "陈静", "JDX", "专任教师", "专任教师"),
]


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    root = tmp_path / "campaign"
    root.mkdir()
    (root / "inbox").mkdir()
    write_config(root, institution="测试职业学院", main_leader="周校长", campaign="2023年度廉政风险防控", year=2023)
    write_roster(root / "名册.xlsx", DEPARTMENTS, STAFF)
    return root


@pytest.fixture
def cfg(workdir: Path):
    return load_config(workdir)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    exe = soffice()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is required in CI (.ci/run installs it)")
        pytest.skip("LibreOffice (soffice) is not installed here; .ci/run installs it for CI")
    return exe


def libreoffice_convert(src: Path, fmt: str, outdir: Path) -> Path:
    """Re-save a file through LibreOffice headless (xlsx, xls, ods, pdf)."""
    exe = require_soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / ".lo-profile"
    filters = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "xls": "xls:MS Excel 97", "ods": "ods", "pdf": "pdf"}
    subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", filters[fmt],
                    "--outdir", str(outdir), str(src)], check=True, capture_output=True, timeout=180)
    out = outdir / (src.stem + "." + fmt)
    assert out.is_file(), f"LibreOffice did not write {out}"
    return out
