"""Real-client round trips: filled forms re-saved by LibreOffice (.xlsx, .xls, .ods) merge to the same
catalogue as the originals, and every output of a merge survives LibreOffice (PDF) and openpyxl.

LibreOffice is slow to start, so each format is one `soffice --convert-to` call over all files at once,
and the original campaign is built once per module.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from formkit import identity as ident_mod
from formkit.config import load_config
from formkit.generate import generate_campaign
from formkit.merge import merge
from formkit.pipeline import analyse
from formkit.read import read_workbook
from formkit.spec import load_forms
from formkit.workspace import write_config, write_roster
from formkit.write.publication import PUBLIC_COLUMNS
from formkit.write.workbook import CATALOGUE_COLUMNS, LEADER_COLUMNS, POWER_COLUMNS
from tests.conftest import DEPARTMENTS, STAFF, require_soffice
from tests.helpers import fill, form_sheet, table_header_row
from tests.test_roundtrip import _find, fill_risk_stage

FILTERS = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "xls": "xls:MS Excel 97", "ods": "ods", "pdf": "pdf"}
BUSINESS = ("风险编号", "层级", "部门", "岗位", "姓名", "风险类别", "风险点", "主要表现形式", "风险等级", "涉及三重一大",
            "关联权力事项", "责任人", "关键环节", "防控措施", "工作程序", "完成时限", "直接管理", "监督负责", "来源位置",
            "措施来源位置")
EXPECTED_SHEETS = ["说明", "风险目录", "汇总", "提交情况", "问题清单", "权力清单", "领导小组", "公示", "变化"]


def convert_many(srcs: list[Path], fmt: str, outdir: Path, profile: Path) -> list[Path]:
    """One LibreOffice run re-saving every file of srcs into outdir (same stems, new extension)."""
    exe = require_soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    outs = [outdir / f"{s.stem}.{fmt}" for s in srcs]
    for _attempt in range(2):   # a first start on a fresh profile occasionally converts nothing: once more
        todo = [s for s, o in zip(srcs, outs, strict=True) if not o.is_file() or o.stat().st_size == 0]
        if not todo:
            break
        proc = subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
                               FILTERS[fmt], "--outdir", str(outdir), *map(str, todo)],
                              capture_output=True, timeout=240)
        assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")[-2000:]
    missing = [o.name for o in outs if not o.is_file() or o.stat().st_size == 0]
    assert not missing, f"LibreOffice wrote no {fmt} for {missing}: {proc.stdout.decode('utf-8', 'replace')[-2000:]}"
    return outs


def new_campaign(root: Path):
    root.mkdir(parents=True)
    (root / "inbox").mkdir()
    write_config(root, institution="测试职业学院", main_leader="周校长", campaign="2023年度廉政风险防控", year=2023)
    write_roster(root / "名册.xlsx", DEPARTMENTS, STAFF)
    return load_config(root)


def append_row(path: Path, values: dict) -> None:
    """Write values into the first empty table row under the rows already filled (fill() starts at the top)."""
    wb = openpyxl.load_workbook(path)
    ws = form_sheet(wb)
    hr, cols = table_header_row(ws, list(values))
    r = hr + 1
    while any(ws.cell(row=r, column=c).value not in (None, "") for c in cols.values()):
        r += 1
    for label, value in values.items():
        ws.cell(row=r, column=cols[label], value=value)
    wb.save(path)


def fill_everything(cfg, inbox: Path) -> list[Path]:
    """Every kind of form filled as a person would: the risk stage, then the measures stage pre-filled from it."""
    files = fill_risk_stage(cfg, inbox)
    # a real date beside the text dates, and a phone number with a leading zero typed as text
    fill(inbox / "张伟.xlsx", signoff={"审定日期": datetime(2023, 3, 15)})
    append_row(inbox / "附件1.xlsx", {"机构": "领导小组办公室", "职务": "成员", "姓名": "钱干事", "本职": "纪检干事",
                                      "联系电话": "013800138000"})
    paths = generate_campaign(cfg, "measures", accepted=analyse(cfg))
    files.append(fill(_find(paths, "附件5", "张伟"), inbox / "张伟_措施.xlsx", header={"填表日期": "2023-04-20"},
                      by_risk_id={"JWC-0012-01": {"防控措施": "成绩修改实行双人复核并留痕", "完成时限": "2023-05-01"},
                                  "JWC-0012-02": {"防控措施": "签订廉洁承诺书，拒绝宴请"}}))
    files.append(fill(_find(paths, "附件6", "教务处"), inbox / "教务处措施.xlsx", header={"填表日期": "2023-04-21"},
                      by_risk_id={"JWC-B01": {"关键环节": "决策", "防控措施": "教材选用集体决策",
                                              "工作程序": "提出—论证—集体决定—公示"},
                                  "JWC-B02": {"关键环节": "执行", "防控措施": "试题保密分级管理",
                                              "工作程序": "命题—审题—封存—启封", "完成时限": "2023-05-10"}}))
    return files


def business(catalogue: list[dict]) -> list[tuple]:
    return [tuple(r[k] for k in BUSINESS) for r in catalogue]


def _identities(path: Path) -> tuple:
    with zipfile.ZipFile(path) as zf:
        return ident_mod.from_custom_properties(zf), ident_mod.from_defined_name(zf)


@pytest.fixture(scope="module")
def lo_profile(tmp_path_factory) -> Path:
    require_soffice()
    return tmp_path_factory.mktemp("lo-profile")


@pytest.fixture(scope="module")
def original(tmp_path_factory):
    """The campaign with the original (openpyxl-filled) returns, merged once."""
    root = tmp_path_factory.mktemp("orig") / "campaign"
    cfg = new_campaign(root)
    files = fill_everything(cfg, root / "inbox")
    result = merge(cfg)
    statuses = {r.path: (r.status, [f.code for f in r.findings if f.severity != "info"])
                for r in result.analysis.inputs}
    assert {s for s, _ in statuses.values()} == {"accepted"}, statuses
    return root, files, result


@pytest.fixture(scope="module", params=["xlsx", "xls", "ods"])
def resaved(request, original, lo_profile, tmp_path_factory):
    """The same returns re-saved by LibreOffice as one format, alone in a fresh inbox, merged."""
    fmt = request.param
    _, files, _ = original
    root = tmp_path_factory.mktemp(f"lo-{fmt}") / "campaign"
    cfg = new_campaign(root)
    outs = convert_many(files, fmt, root / "inbox", lo_profile)
    return fmt, root, outs, merge(cfg)


# -- the round trip --------------------------------------------------------------------------------------


def test_resaved_returns_merge_to_the_same_catalogue(original, resaved):
    _, files, before = original
    fmt, root, outs, after = resaved
    inputs = {Path(r.path).stem: r for r in after.analysis.inputs}
    assert sorted(inputs) == sorted(f.stem for f in files)
    assert all(r.path.endswith("." + fmt) for r in after.analysis.inputs)
    problems = {k: (r.status, [(f.code, f.cell, f.message) for f in r.findings if f.severity != "info"])
                for k, r in inputs.items() if r.status != "accepted"}
    assert not problems, problems
    assert after.exit_code == 0
    assert business(after.analysis.catalogue) == business(before.analysis.catalogue)
    assert len(after.analysis.catalogue) == 5
    assert sum(1 for r in after.analysis.catalogue if r["防控措施"]) == 4

    def strip(rows: list[dict]) -> list[dict]:
        return [{k: v for k, v in r.items() if k not in ("来源文件",)} for r in rows]

    assert strip(after.analysis.powers) == strip(before.analysis.powers)
    assert strip(after.analysis.leaders) == strip(before.analysis.leaders)
    report = json.loads((root / "outbox/report.json").read_text(encoding="utf-8"))
    assert report["summary"] == {"inputs": len(files), "accepted": len(files)}
    assert report["catalogue"]["rows"] == 5


def test_identity_survives_every_format(original, resaved):
    _, _, before = original
    fmt, _, outs, after = resaved
    want = {Path(r.path).stem: r.checked.sub.identity for r in before.analysis.inputs}
    for res in after.analysis.inputs:
        codes = {f.code for f in res.findings}
        assert "identity-missing" not in codes, (res.path, codes)
        assert "identity-mismatch" not in codes, (res.path, res.findings)
        assert "multiple-forms" not in codes, (res.path, res.findings)   # 填表说明 and _meta are no forms
        ident = res.checked.sub.identity
        assert ident == want[Path(res.path).stem], res.path
        assert res.checked.sub.sheet == res.form          # never the hidden _meta sheet
    measure = next(r for r in after.analysis.inputs if r.form == "附件5")
    assert measure.checked.sub.identity.risks == ("JWC-0012-01", "JWC-0012-02")   # only _meta carries these
    for out in outs:   # what survives: _meta, merely hidden now (LibreOffice keeps no "very hidden")
        states = {m.name: str(m.visible) for m in CalamineWorkbook.from_path(str(out)).sheets_metadata}
        assert states.get("_meta", "").endswith("Hidden"), (out.name, states)
    if fmt == "xlsx":
        for out in outs:
            props, name = _identities(out)
            assert props is not None and name is not None, out.name    # both carriers kept by LibreOffice
            assert props.key() == name.key()


@pytest.mark.parametrize("resaved", ["xlsx"], indirect=True)
def test_unhidden_meta_sheet_is_identity_not_a_form(resaved, tmp_path):
    """After LibreOffice a user can unhide _meta: it is still read as the identity, never as the form."""
    _, _, outs, after = resaved
    src = next(o for o in outs if o.stem == "张伟_措施")
    wb = openpyxl.load_workbook(src)
    wb["_meta"].sheet_state = "visible"
    wb.move_sheet("_meta", offset=-len(wb.sheetnames) + 1)      # even first in the tab order
    wb.save(tmp_path / "unhidden.xlsx")
    sub = read_workbook((tmp_path / "unhidden.xlsx").read_bytes(), "xlsx", load_forms())
    want = next(r for r in after.analysis.inputs if Path(r.path).stem == "张伟_措施").checked.sub.identity
    assert sub.sheet == "附件5" and sub.identity == want
    assert not [f for f in sub.findings if f.code in ("identity-missing", "identity-mismatch", "multiple-forms")]
    assert [r.values["risk_id"] for r in sub.rows] == ["JWC-0012-01", "JWC-0012-02"]


def test_codes_dates_and_dropdown_values_survive(resaved):
    fmt, root, outs, after = resaved
    by_stem = {Path(r.path).stem: r.checked for r in after.analysis.inputs}
    zhang = by_stem["张伟"]
    assert zhang.header["staff_no"] == "0012"                     # leading zero kept
    assert by_stem["李娜"].header["staff_no"] == "0013"
    assert zhang.staff is not None and zhang.staff.staff_no == "0012"
    assert not [f for f in zhang.findings if f.code == "staff-no-mismatch"]
    assert zhang.header["date"] == date(2023, 3, 12)               # typed as text, read as a date …
    assert any(f.code == "date-as-text" and f.field == "填表日期" for f in zhang.findings)   # … and said so
    assert zhang.signoff["approve_date"] == date(2023, 3, 15)      # a real date stays a date
    assert not any(f.code == "date-as-text" and f.field == "审定日期" for f in zhang.findings)
    cat = {r["风险编号"]: r for r in after.analysis.catalogue}
    assert "JWC-0012-01" in cat                                    # numbered by the 工号 from the roster match
    assert cat["JWC-0012-01"]["完成时限"] == "2023-05-01"
    assert cat["JWC-B02"]["完成时限"] == "2023-05-10"
    # values chosen from dropdowns
    assert (cat["JWC-B01"]["风险等级"], cat["JWC-B01"]["风险类别"], cat["JWC-B01"]["涉及三重一大"]) == \
        ("一级", "岗位职责", "是")
    assert cat["JWC-B01"]["关键环节"] == "决策"
    assert [p["权力类别"] for p in after.analysis.powers] == ["执行", "决策"]
    phones = [r["联系电话"] for r in after.analysis.leaders]
    assert "013800138000" in phones and "0371-6000001" in phones
    if fmt == "xlsx":   # the dropdown itself is still there after LibreOffice
        ws = openpyxl.load_workbook(next(o for o in outs if o.stem == "教务处风险点"))["附件4"]
        lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
        assert any("一级" in (dv.formula1 or "") and "G8" in str(dv.sqref) for dv in lists), lists


# -- every output survives LibreOffice and openpyxl ---------------------------------------------------------


def _rows(ws) -> list[tuple]:
    return [tuple(c for c in row) for row in ws.iter_rows(values_only=True)]


def _table_after(rows: list[tuple], header: list[str]) -> tuple[int, list[tuple]]:
    """Index of the header row (its first cells equal header) and the non-empty rows below it."""
    i = next(i for i, r in enumerate(rows) if list(r[:len(header)]) == header)
    body = [r for r in rows[i + 1:] if any(v not in (None, "") for v in r)]
    return i, body


def test_merge_outputs_convert_to_pdf_and_read_back(tmp_path, lo_profile):
    root = tmp_path / "campaign"
    cfg = new_campaign(root)
    inbox = root / "inbox"
    fill_risk_stage(cfg, inbox)
    merge(cfg)                                     # a first round, so the second has 变化
    (inbox / "李娜.xlsx").unlink()
    paths = generate_campaign(cfg, "risks", departments=["CWC"])
    fill(_find(paths, "附件3", "王磊"), inbox / "王磊.xlsx", header={"填表日期": "2023-03-14"}, rows=[
        {"风险类别": "岗位职责", "风险点": "报销审核不严", "主要表现形式": "放宽报销标准", "风险等级": "四级"}])
    result = merge(cfg)
    report = json.loads((root / "outbox/report.json").read_text(encoding="utf-8"))
    assert report == json.loads(json.dumps(result.report, ensure_ascii=False))
    workbook = root / report["outputs"]["workbook"]
    public = root / report["outputs"]["publication_xlsx"]
    feedback = [root / p for p in report["outputs"]["feedback"] if p.endswith("/王磊_反馈.xlsx")]
    assert len(feedback) == 1, report["outputs"]["feedback"]

    pdfs = convert_many([workbook, public, *feedback], "pdf", tmp_path / "pdf", lo_profile)
    for pdf in pdfs:
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF") and len(data) > 2000, pdf.name
        if shutil.which("pdftotext"):
            text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, timeout=60).stdout.decode()
            assert "测试职业学院" in text or "风险" in text, pdf.name

    wb = openpyxl.load_workbook(workbook)
    assert wb.sheetnames == EXPECTED_SHEETS
    cat = report["catalogue"]
    findings = sum(len(i["findings"]) for i in report["inputs"])

    rows = _rows(wb["风险目录"])
    assert list(rows[0]) == [label for label, _ in CATALOGUE_COLUMNS]
    assert {"风险编号", "风险点", "风险等级", "防控措施"} <= set(rows[0])
    assert len([r for r in rows[1:] if r[0]]) == cat["rows"] == 4
    rows = _rows(wb["权力清单"])
    assert list(rows[0]) == [label for label, _ in POWER_COLUMNS]
    assert len([r for r in rows[1:] if any(r)]) == cat["powers"] == 2
    _, body = _table_after(_rows(wb["领导小组"]), [label for label, _ in LEADER_COLUMNS])
    assert len(body) == cat["leaders"] == 3
    rows = _rows(wb["问题清单"])
    assert rows[0][:3] == ("序号", "文件", "状态")
    assert len([r for r in rows[1:] if any(r)]) == findings > 0
    _, body = _table_after(_rows(wb["说明"]), ["序号", "文件", "SHA-256"])
    assert [(r[1], r[2]) for r in body] == [(i["path"], i["sha256"]) for i in report["inputs"]]
    _, body = _table_after(_rows(wb["提交情况"]), ["部门", "附件2 权力清单"])
    assert [r[0] for r in body[:3]] == ["教务处", "财务处", "机电工程系"]
    summary = _rows(wb["汇总"])
    assert "测试职业学院" in summary[0][0]
    head, body = _table_after(_rows(wb["公示"]), [label for label, _ in PUBLIC_COLUMNS])
    assert head == 3
    assert len([r for r in body if isinstance(r[0], int | float)]) == cat["rows"]
    _, body = _table_after(_rows(wb["变化"]), ["变化", "风险编号"])
    assert len(body) == sum(report["changes"]["counts"].values()) == 1
    assert body[0][0] == "删除" and body[0][5] == "考试期间受人情干扰"

    pub = openpyxl.load_workbook(public)
    assert pub.sheetnames == ["公示"]
    head, body = _table_after(_rows(pub["公示"]), [label for label, _ in PUBLIC_COLUMNS])
    assert len([r for r in body if isinstance(r[0], int | float)]) == cat["rows"]

    fb = openpyxl.load_workbook(feedback[0])
    assert [ws.title for ws in fb.worksheets if ws.sheet_state == "visible"] == ["附件3", "填表说明", "问题说明"]
    wang = next(i for i in report["inputs"] if i["path"] == "inbox/王磊.xlsx")
    shown = [f for f in wang["findings"] if f["severity"] in ("error", "warning")]
    _, body = _table_after(_rows(fb["问题说明"]), ["序号", "程度", "位置"])
    assert len(body) == len(shown) >= 1


@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_an_error_value_in_an_ods_is_a_formula_error(tmp_path, lo_profile, fmt):
    """=1/0 typed into 风险点 and saved by LibreOffice as .ods or .xls: python-calamine gives the cell back empty, but it
    shows #DIV/0!, so it is formula-error at that cell (as in .xlsx), not "风险点 is required"."""
    from formkit.generate import generate_campaign
    from formkit.pipeline import analyse
    from tests.helpers import fill

    cfg = new_campaign(tmp_path / "c")
    form = next(p for p in generate_campaign(cfg, "risks") if "附件3" in p.name and "张伟" in p.name)
    src = fill(form, tmp_path / "张伟.xlsx", header={"填表日期": "2023-03-12"}, rows=[
        {"风险类别": "岗位职责", "风险点": "=1/0", "主要表现形式": "违规同意修改成绩", "风险等级": "二级"},
        {"风险类别": "岗位职责", "风险点": "=2/0", "主要表现形式": "违规同意修改成绩", "风险等级": "二级"}])
    (ods,) = convert_many([src], fmt, cfg.inbox, lo_profile)
    res = analyse(cfg).inputs[0]
    assert res.path.endswith("." + fmt)
    from openpyxl.utils import get_column_letter

    from tests.helpers import form_sheet, table_header_row

    hr, cols = table_header_row(form_sheet(openpyxl.load_workbook(src)), ["风险点", "风险等级"])
    col = get_column_letter(cols["风险点"])
    codes = {(f.code, f.cell) for f in res.findings if f.severity == "error"}
    assert codes == {("formula-error", f"{col}{hr + 1}"), ("formula-error", f"{col}{hr + 2}")}, codes
    # two error cells read alike (empty) but are no duplicate rows
    assert "duplicate-row" not in {f.code for f in res.findings}
    err = next(f for f in res.findings if f.code == "formula-error")
    assert "#DIV/0!" in err.message or "Err" in err.message


def test_outputs_resaved_as_ods_or_xls_are_no_forms(tmp_path, lo_profile):
    """An auditor's copies of the consolidated workbook and the publication, saved by LibreOffice as .ods and .xls
    (where formkit's document property is kept elsewhere) and put into inbox/: the .xls catalogue was accepted as 附件1
    and replaced the real one, the publications read as 附件3. They are formkit's outputs, whatever their format."""
    root = tmp_path / "campaign"
    cfg = new_campaign(root)
    fill_risk_stage(cfg, root / "inbox")
    merge(cfg)
    workbook = root / "outbox/廉政风险目录.xlsx"
    public = next((root / "outbox/公示").glob("*.xlsx"))
    copies = [*convert_many([workbook, public], "ods", tmp_path / "ods", lo_profile),
              *convert_many([workbook, public], "xls", tmp_path / "xls", lo_profile)]
    (root / "inbox/审计").mkdir()
    for i, path in enumerate(copies):
        shutil.copy(path, root / f"inbox/审计/{i}_{path.name}")
    result = merge(cfg)
    by_path = {r["path"]: r for r in result.report["inputs"]}
    mine = [r for p, r in by_path.items() if p.startswith("inbox/审计/")]
    assert len(mine) == 4 and all([f["code"] for f in r["findings"]] == ["file-is-output"] for r in mine), mine
    assert by_path["inbox/附件1.xlsx"]["status"] == "accepted"
    assert all(r["来源文件"] == "inbox/附件1.xlsx" for r in result.analysis.leaders)


def test_a_month_and_day_typed_as_a_number_reads_alike_from_ods(tmp_path, lo_profile):
    """填表日期 typed 3.16 into its date cell (stored as the number 3.16) and the file saved as .ods by LibreOffice: an
    .ods counts those days from 1899-12-30, a day before Excel's first months: it was read as 2月16日, unsaid, and
    ordered the versions by it. Read as in the .xlsx: 3月16日."""
    from datetime import date, datetime

    from formkit.generate import generate_campaign
    from formkit.pipeline import analyse
    from tests.helpers import fill

    cfg = new_campaign(tmp_path / "c")
    form = next(p for p in generate_campaign(cfg, "risks") if "附件3" in p.name and "张伟" in p.name)
    src = fill(form, tmp_path / "张伟.xlsx", header={"填表日期": datetime(1900, 1, 3, 3, 50, 24)}, rows=[
        {"风险类别": "岗位职责", "风险点": "成绩修改审批把关不严", "主要表现形式": "违规同意修改成绩", "风险等级": "二级"}])
    (ods,) = convert_many([src], "ods", cfg.inbox, lo_profile)
    (res,) = analyse(cfg).inputs
    assert res.path.endswith(".ods") and res.status == "accepted", res.findings
    assert res.checked.header["date"] == date(cfg.year, 3, 16)
