"""The bundled demo campaign: reproducible, and every mistake planted in it is reported where it was made."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from formkit.config import load_config
from formkit.demo import STAFF, build_demo, planted_findings
from formkit.inputs import InputResult
from formkit.pipeline import Analysis, analyse


def _inbox_bytes(root: Path) -> dict[str, bytes]:
    inbox = root / "inbox"
    return {p.relative_to(inbox).as_posix(): p.read_bytes() for p in sorted(inbox.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Analysis]:
    root = tmp_path_factory.mktemp("demo")
    build_demo(root)
    return root, analyse(load_config(root))


def test_building_twice_gives_identical_inbox(tmp_path: Path) -> None:
    build_demo(tmp_path)
    first = _inbox_bytes(tmp_path)
    times = {p: p.stat().st_mtime for p in (tmp_path / "inbox").rglob("*") if p.is_file()}
    build_demo(tmp_path)
    second = _inbox_bytes(tmp_path)
    assert list(first) == list(second)
    assert [k for k in first if first[k] != second[k]] == []
    assert times == {p: p.stat().st_mtime for p in (tmp_path / "inbox").rglob("*") if p.is_file()}
    other = tmp_path / "again"
    build_demo(other)
    assert _inbox_bytes(other) == first


def test_the_demos_measures_fit_their_risks(demo: tuple[Path, Analysis]) -> None:
    """A first-time user reads the demo's 一级 table: a project review's and a salary post's risks were given a finance
    office's measure (核对银行账户和现金)."""
    _, analysis = demo
    for row in analysis.catalogue:
        if any(w in row["风险点"] for w in ("评审", "工资", "津贴")):
            assert "银行账户" not in (row["防控措施"] or ""), (row["风险编号"], row["风险点"], row["防控措施"])


def test_statuses(demo: tuple[Path, Analysis]) -> None:
    _, a = demo
    statuses = Counter(i.status for i in a.inputs)
    assert statuses["accepted"] > 60
    assert statuses["returned"] >= 2
    assert statuses["superseded"] == 1
    assert statuses["duplicate"] == 1
    assert statuses["rejected"] == 0
    assert {i.form for i in a.inputs if i.status == "accepted"} == {f"附件{n}" for n in range(1, 7)}


def _inputs(a: Analysis, form: str, dept: str, person: str | None, status: str) -> list[InputResult]:
    if status == "duplicate":     # never read: found by the file name
        return [i for i in a.inputs if i.status == status and person and person in i.path]
    return [i for i in a.inputs if (i.form, i.department, i.person, i.status) == (form, dept, person, status)]


@pytest.mark.parametrize("planted", planted_findings(), ids=lambda p: f"{p.code}-{p.department}-{p.person or p.form}")
def test_planted_mistake_is_reported_at_its_cell(demo: tuple[Path, Analysis], planted) -> None:
    _, a = demo
    found = _inputs(a, planted.form, planted.department, planted.person, planted.status)
    assert len(found) == 1, [(i.path, i.status) for i in a.inputs if planted.department == i.department]
    where = {(f.code, f.sheet, f.cell) for f in found[0].findings}
    assert (planted.code, planted.sheet, planted.cell) in where, sorted(where, key=str)


def test_identity_lost_form_is_recognised_by_its_labels(demo: tuple[Path, Analysis]) -> None:
    _, a = demo
    (copied,) = [i for i in a.inputs if i.path.endswith("秦宇航-个人风险点自查表.xlsx")]
    assert (copied.form, copied.department, copied.person, copied.status) == ("附件3", "XXX", "秦宇航", "accepted")
    assert copied.checked.sub.identity is None
    assert any(r["姓名"] == "秦宇航" for r in a.catalogue)


def test_containers_and_encoded_names_are_read(demo: tuple[Path, Analysis]) -> None:
    _, a = demo
    paths = [i.path for i in a.inputs]
    gbk = [p for p in paths if p.startswith("inbox/组织人事处/组织人事处廉政风险排查材料.zip!")]
    assert "inbox/组织人事处/组织人事处廉政风险排查材料.zip!组织人事处廉政风险材料/个人自查表/曹宇.xlsx" in gbk
    assert len(gbk) == 7
    assert "inbox/教务处/教务处廉政风险排查材料.eml!附件3 萧然个人岗位风险点自查表.xlsx" in paths      # RFC 2047, GBK
    assert "inbox/教务处/回复：萧然个人自查表（更正）.eml!附件3 萧然个人岗位风险点自查表（更正）.xlsx" in paths  # RFC 2231
    (old,) = [i for i in a.inputs if i.status == "superseded"]
    assert old.person == "萧然" and "更正" in old.superseded_by
    assert old.order_basis == "邮件日期"


def test_silent_department_and_person_return_nothing(demo: tuple[Path, Analysis]) -> None:
    _, a = demo
    assert not [i for i in a.inputs if i.department == "ZSJY" or "招生就业处" in i.path]
    assert not [i for i in a.inputs if i.person == "袁芳" or "袁芳" in i.path]


def test_measures_join_the_catalogue(demo: tuple[Path, Analysis]) -> None:
    _, a = demo
    personal = [r for r in a.catalogue if r["层级"] == "个人"]
    staff_no = {name: no for no, name, *_ in STAFF}
    for r in personal:   # 工号 with its leading zeros is part of the personal 风险编号
        assert r["风险编号"].split("-")[1] == staff_no[r["姓名"]]
    # the blank 附件5 was matched to 唐亮's risks by their text
    (blank,) = [i for i in a.inputs if i.form == "附件5" and i.person == "唐亮"]
    assert blank.status == "accepted" and blank.checked.sub.identity.risks == ()
    tang = [r for r in a.catalogue if r["姓名"] == "唐亮"]
    assert tang and all(r["防控措施"] and r["措施来源文件"] == blank.path for r in tang)
    # departments with an accepted 附件6 have every risk answered; 财务处's 附件6 was returned
    done = {i.department for i in a.accepted("附件6")}
    assert {"DZB", "ZZRS", "JWC", "HQ", "JDX"} <= done and "CWC" not in done
    for r in a.catalogue:
        if r["层级"] == "部门" and r["_dept"] in done:
            assert r["防控措施"] and r["工作程序"] and r["关键环节"], r["风险编号"]
    assert sum(1 for r in a.catalogue if r["防控措施"]) > len(a.catalogue) // 2


def test_report_statuses_keep_their_contract(demo: tuple[Path, Analysis], tmp_path: Path) -> None:
    """interfaces.md: duplicate is byte-identical to another input; superseded names a current input of the same
    form and submitter; returned has an error; accepted none; a rejected input says why."""
    import json
    import shutil

    from formkit.merge import merge

    root = tmp_path / "demo"
    shutil.copytree(demo[0], root)
    merge(load_config(root))
    report = json.loads((root / "outbox/report.json").read_text(encoding="utf-8"))
    by_path = {i["path"]: i for i in report["inputs"]}
    for i in report["inputs"]:
        errors = [f for f in i["findings"] if f["severity"] == "error"]
        if i["status"] == "duplicate":
            assert by_path[i["duplicate_of"]]["sha256"] == i["sha256"], i["path"]
        elif i["status"] == "superseded":
            current = by_path[i["superseded_by"]]
            assert current["status"] in ("accepted", "returned") and current["form"] == i["form"], i["path"]
        elif i["status"] == "returned":
            assert errors, i["path"]
        elif i["status"] == "accepted":
            assert not errors, i["path"]
        else:
            assert i["status"] == "rejected" and errors, i["path"]
