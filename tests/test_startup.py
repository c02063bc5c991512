"""Start-up: `formkit --help` and `formkit check` do not import what they do not use (no timing asserted)."""

from __future__ import annotations

import json
import subprocess
import sys

from formkit.workspace import write_config, write_roster

HEAVY = ("xlsxwriter", "openpyxl", "jinja2", "pandas", "numpy", "sqlite3", "formkit.write", "formkit.generate",
         "formkit.merge", "formkit.demo")

PROBE = """
import json, sys
from formkit.cli import main
try:
    rc = main(sys.argv[1:])
except SystemExit as exc:
    rc = exc.code
print("MODULES " + json.dumps(sorted(sys.modules)))
"""


def modules_after(*argv: str, cwd=None) -> set[str]:
    out = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, cwd=cwd, timeout=120)
    line = next(x for x in out.stdout.splitlines() if x.startswith("MODULES "))
    return set(json.loads(line[len("MODULES "):]))


def loaded(modules: set[str], name: str) -> bool:
    return name in modules or any(m.startswith(name + ".") for m in modules)


def test_help_imports_argparse_only(tmp_path):
    mods = modules_after("--help", cwd=tmp_path)
    formkit_modules = {m for m in mods if m.startswith("formkit")}
    assert formkit_modules <= {"formkit", "formkit.cli", "formkit.errors"}, formkit_modules
    assert "argparse" in mods
    for name in (*HEAVY, "python_calamine", "formkit.pipeline", "multiprocessing", "email"):
        assert not loaded(mods, name), name


def test_check_does_not_import_writers(tmp_path):
    from formkit.config import load_config
    from formkit.generate import FormContent, header_prefill, identity_for, write_form
    from formkit.spec import load_forms

    write_config(tmp_path, institution="测试学院", main_leader="周校长", campaign="2023年度廉政风险防控", year=2023)
    write_roster(tmp_path / "名册.xlsx", [("JWC", "教务处", "党政部门", "王芳", "刘副院长", 1)],
                 [("0012", "张伟", "JWC", "教务科科长", "中层干部")])
    cfg = load_config(tmp_path)
    spec = load_forms()["附件3"]
    dept, person = cfg.roster.departments["JWC"], cfg.roster.staff[0]
    form = tmp_path / "张伟.xlsx"
    write_form(form, spec, cfg, identity_for(spec, cfg, dept, person),
               FormContent(header=header_prefill(spec, cfg, dept, person),
                           rows=[{"category": "岗位职责", "risk": "审批把关不严", "level": "二级"}]), department=dept)
    mods = modules_after("check", "--quiet", "--dir", str(tmp_path), str(form), cwd=tmp_path)
    assert "formkit.pipeline" in mods and "python_calamine" in mods      # it did read the file
    for name in HEAVY:
        assert not loaded(mods, name), name
