"""Reading returned workbooks that people (and their programs) rearranged, renamed, copied or re-typed.

Every test checks what was read against what was written, and that every value keeps the A1 reference
of the cell it came from (Row.refs, header_refs, signoff_refs), looked up independently with openpyxl.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from formkit import identity as ident_mod
from formkit import normalize
from formkit.pipeline import analyse
from formkit.read import Submission, read_workbook
from tests import hostile
from tests.helpers import fill, form_sheet, table_header_row
from tests.test_rules import (
    FORMS,
    GOOD_HEADER,
    POWER,
    RISK3,
    RISK3B,
    RISK4,
    RISK4B,
    blank,
    check_messages,
    run,
    submit,
    triples,
)

# column label → key, for every form
KEYS = {form: {c.label: c.key for c in spec.columns} for form, spec in FORMS.items()}


def read(path: Path) -> Submission:
    sub = read_workbook(path.read_bytes(), "xlsx", FORMS)
    check_messages(sub.findings)
    return sub


def shown(v: object) -> str:
    return normalize.to_text(v.date() if isinstance(v, datetime) and v.time() == datetime.min.time() else v)


def assert_refs(path: Path, sub: Submission) -> None:
    """Every value read sits in the cell its reference names (openpyxl's view of the same file)."""
    ws = openpyxl.load_workbook(path)[sub.sheet]
    for row in sub.rows:
        for key, ref in row.refs.items():
            assert shown(ws[ref].value) == shown(row.values[key]), (ref, key, row.values[key])
            assert int("".join(ch for ch in ref if ch.isdigit())) == row.excel_row
    for values, refs in ((sub.header, sub.header_refs), (sub.signoff, sub.signoff_refs)):
        for key, ref in refs.items():
            cell = shown(ws[ref].value)
            # a value typed as "标签：值" in one cell points at that cell
            assert cell == shown(values[key]) or cell.endswith(shown(values[key])), (ref, key, values[key])


def as_read(sub: Submission) -> list[dict[str, str]]:
    """The rows as {column label: text}, without empty cells and 序号."""
    label = {c.key: c.label for c in FORMS[sub.form].columns}
    return [{label[k]: normalize.to_text(v) for k, v in r.values.items() if k != "seq" and normalize.to_text(v)}
            for r in sub.rows]


def as_filled(rows: list[dict]) -> list[dict[str, str]]:
    return [{k: normalize.to_text(v) for k, v in r.items() if normalize.to_text(v)} for r in rows]


# -- rearranging a filled form in place (its identity carriers stay) ------------------------------------------


def rearrange(path: Path, form: str, *, order: list[str] | None = None, extra: tuple[int, str, list] | None = None,
              down: int = 0, right: int = 0, gap: int = 0) -> Path:
    """Move the form's cells: the table's columns into `order` (labels), an extra column inserted at
    position extra[0] (0-based, among the table's columns) with header extra[1] and values extra[2],
    everything moved down/right, and `gap` empty rows inserted between the header block and the table."""
    wb = openpyxl.load_workbook(path)
    ws = form_sheet(wb)
    spec = FORMS[form]
    hr, cols = table_header_row(ws, [c.label for c in spec.columns])
    signoff_labels = {f.label for f in spec.signoff}
    end = next(r for r in range(hr + 1, ws.max_row + 1)
               if any(ws.cell(r, c).value in signoff_labels for c in range(1, 8)))
    cells = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}
    for rng in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(rng))
    for r, c in cells:
        ws.cell(r, c).value = None
    order = order or [c.label for c in spec.columns]
    new_col = {cols[label]: i + 1 for i, label in enumerate(order)}
    if extra:
        new_col = {old: (new + 1 if new > extra[0] else new) for old, new in new_col.items()}
    for (r, c), v in cells.items():
        r2 = r + down + (gap if r >= hr else 0)
        c2 = new_col.get(c, c) if hr <= r < end else c
        ws.cell(r2, c2 + right).value = v
    if extra:
        at, label, values = extra
        ws.cell(hr + down + gap, at + 1 + right).value = label
        for i, v in enumerate(values):
            ws.cell(hr + down + gap + 1 + i, at + 1 + right).value = v
    wb.save(path)
    return path


ROWS3 = [RISK3, RISK3B, {**RISK3, "风险点": "监考中徇私", "风险等级": "一级", "涉及“三重一大”": "否", "备注": "第三行"}]


@pytest.mark.parametrize("down,right,gap", [(0, 0, 0), (3, 2, 0), (0, 1, 4)])
def test_reordered_columns_extra_column_and_moved_table(cfg, down, right, gap):
    path = submit(cfg, "附件3", "JWC", "张伟", rows=ROWS3)
    order = ["风险等级", "序号", "风险点", "备注", "风险类别", "涉及“三重一大”", "主要表现形式"]
    rearrange(path, "附件3", order=order, extra=(2, "联系电话", ["13800000000", "", "13900000000"]),
              down=down, right=right, gap=gap)
    sub = read(path)
    assert sub.identity is not None and sub.identity.person == "张伟"
    assert as_read(sub) == as_filled(ROWS3)
    assert [r.extra for r in sub.rows] == [{"联系电话": "13800000000"}, {}, {"联系电话": "13900000000"}]
    assert {f.code for f in sub.findings} == {"column-extra"}
    assert sub.header["name"] == "张伟" and sub.header["date"] == GOOD_HEADER["附件3"]["填表日期"]
    assert_refs(path, sub)
    # the whole pipeline agrees, and the catalogue points at the moved cells
    a_res = run(cfg)[path.name]
    assert a_res.status == "accepted"
    assert triples(a_res) == {(f.sheet, f.cell, f.code) for f in sub.findings}


def test_columns_of_another_program_row_one(cfg):
    """A table rebuilt from A1 (no title, no header block): values still read where they are."""
    path = submit(cfg, "附件4", "JWC", rows=[RISK4, RISK4B])
    src = form_sheet(openpyxl.load_workbook(path))
    hr, cols = table_header_row(src, [c.label for c in FORMS["附件4"].columns])
    wb = openpyxl.load_workbook(path)
    ws = form_sheet(wb)
    for rng in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(rng))
    for row in ws.iter_rows():
        for c in row:
            c.value = None
    for j, label in enumerate(reversed(list(cols))):
        ws.cell(1, j + 1).value = label
        for i in range(2):
            ws.cell(2 + i, j + 1).value = src.cell(hr + 1 + i, cols[label]).value
    wb.save(path)
    sub = read(path)
    assert as_read(sub) == as_filled([RISK4, RISK4B])
    assert sub.column_refs["seq"] == f"{openpyxl.utils.get_column_letter(len(cols))}1"
    assert_refs(path, sub)


def test_recognisably_renamed_columns(cfg):
    path = submit(cfg, "附件3", "JWC", "张伟", rows=[RISK3, RISK3B])
    wb = openpyxl.load_workbook(path)
    ws = form_sheet(wb)
    renamed = {"风险点": "风险点描述", "风险等级": "风险等级（高/中/低）", "主要表现形式": " 主要表现\n形式 ",
               "涉及“三重一大”": "是否涉及三重一大"}
    refs = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value in renamed:
                refs[c.value] = c.coordinate
                c.value = renamed[c.value]
    wb.save(path)
    sub = read(path)
    assert as_read(sub) == as_filled([RISK3, RISK3B])
    # aliases and spacing are read silently; a label with a note added is read and said so
    assert [(f.cell, f.code, f.field, f.value) for f in sub.findings] == [
        (refs["风险等级"], "column-renamed", "风险等级", "风险等级（高/中/低）")]
    assert_refs(path, sub)


def test_identity_lost_recognised_by_title_and_labels(cfg):
    filled = submit(cfg, "附件4", "CWC", name="tmp.xlsx", rows=[RISK4, RISK4B])
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"                     # an empty first sheet, the form in the second
    ws = wb.create_sheet("部门风险点")
    for row in form_sheet(openpyxl.load_workbook(filled)).iter_rows():
        for c in row:
            if c.value is not None:
                ws.cell(c.row, c.column, c.value)
    dst = filled.with_name("copied.xlsx")
    wb.save(dst)
    filled.unlink()
    sub = read(dst)
    assert (sub.form, sub.sheet, sub.identity) == ("附件4", "部门风险点", None)
    assert [(f.sheet, f.cell, f.code) for f in sub.findings] == [("部门风险点", None, "identity-missing")]
    assert "附件4" in sub.findings[0].message
    assert as_read(sub) == as_filled([RISK4, RISK4B])
    assert_refs(dst, sub)
    res = run(cfg)["copied.xlsx"]
    assert (res.status, res.form, res.department) == ("accepted", "附件4", "CWC")


def _tamper(path: Path, carrier: str) -> None:
    data = path.read_bytes()
    if carrier == "custom-property":
        xml = hostile.members(data)["docProps/custom.xml"]
        data = hostile.rewrite_members(data, {"docProps/custom.xml": xml.replace("张伟".encode(), "李娜".encode())})
    elif carrier == "defined-name":
        xml = hostile.members(data)["xl/workbook.xml"]
        assert "张伟".encode() in xml
        data = hostile.rewrite_members(data, {"xl/workbook.xml": xml.replace("张伟".encode(), "李娜".encode())})
    else:
        wb = openpyxl.load_workbook(path)
        meta = wb["_meta"]
        cell = next(c for r in meta.iter_rows() for c in r if c.value == "张伟")
        cell.value = "李娜"
        wb.save(path)
        data = path.read_bytes()
    path.write_bytes(data)


@pytest.mark.parametrize("carrier", ["custom-property", "defined-name", "meta-sheet"])
def test_one_identity_carrier_tampered(cfg, carrier):
    path = submit(cfg, "附件3", "JWC", "张伟")
    _tamper(path, carrier)
    sub = read(path)
    assert sub.identity is not None and (sub.identity.department, sub.identity.person) == ("JWC", "张伟")
    assert [(f.code, f.severity) for f in sub.findings] == [("identity-mismatch", "warning")]
    assert "李娜" in sub.findings[0].message
    res = run(cfg)[path.name]
    assert (res.status, res.person) == ("accepted", "张伟")
    assert triples(res) == {(None, None, "identity-mismatch")}


def test_identity_mismatch_names_the_field_that_differs(cfg):
    """Only the campaign differs between the carriers: the warning shows the campaign of each carrier."""
    path = submit(cfg, "附件3", "JWC", "张伟")
    data = path.read_bytes()
    xml = hostile.members(data)["docProps/custom.xml"]
    assert cfg.campaign_id.encode() in xml
    path.write_bytes(hostile.rewrite_members(
        data, {"docProps/custom.xml": xml.replace(cfg.campaign_id.encode(), b"2022-old")}))
    sub = read(path)
    (f,) = [f for f in sub.findings if f.code == "identity-mismatch"]
    assert f"文档属性：活动 2022-old；定义名称：活动 {cfg.campaign_id}；隐藏工作表：活动 {cfg.campaign_id}" in f.message
    assert "姓名" not in f.message and "部门" not in f.message


def test_header_value_typed_into_the_label_cell(cfg):
    path = fill(blank(cfg, "附件3", "JWC"), cfg.inbox / "inline.xlsx",
                header={"岗位": "干事", "职务层级": "一般干部", "填表日期": date(2023, 3, 6)})
    wb = openpyxl.load_workbook(path)
    ws = form_sheet(wb)
    name_label = next(c for r in ws.iter_rows() for c in r if c.value == "姓名")
    no_label = next(c for r in ws.iter_rows() for c in r if c.value == "工号")
    name_label.value = "姓名：孙悟空"
    no_label.value = "工号: 00789"
    ws.cell(no_label.row, no_label.column + 1).value = None
    wb.save(path)
    fill(path, rows=[RISK3])
    sub = read(path)
    assert (sub.header["name"], sub.header_refs["name"]) == ("孙悟空", name_label.coordinate)
    assert (sub.header["staff_no"], sub.header_refs["staff_no"]) == ("00789", no_label.coordinate)
    assert sub.header["post"] == "干事" and sub.header["department"] == "教务处"
    assert_refs(path, sub)
    res = run(cfg)["inline.xlsx"]
    assert res.person == "孙悟空" and res.checked.header["staff_no"] == "00789"


def test_rows_beyond_the_blank_rows_and_below_the_signoff(cfg):
    spec = FORMS["附件3"]
    many = [{**RISK3, "风险点": f"风险点第{i + 1}条"} for i in range(spec.blank_rows)]
    path = submit(cfg, "附件3", "JWC", "张伟", rows=many, signoff={"本人签字": "张伟", "审定日期": "2023年3月20日"})
    wb = openpyxl.load_workbook(path)
    ws = form_sheet(wb)
    hr, cols = table_header_row(ws, [c.label for c in spec.columns])
    below = ws.max_row + 2                        # under the sign-off block and the note line
    added = [{**RISK3B, "风险点": "续写的风险点一"}, {**RISK3B, "风险点": "续写的风险点二", "备注": "注：后补"}]
    for i, values in enumerate(added):
        for label, v in values.items():
            ws.cell(below + i, cols[label]).value = v
    wb.save(path)
    sub = read(path)
    assert as_read(sub) == as_filled(many + added)
    assert [r.excel_row for r in sub.rows][-2:] == [below, below + 1]
    assert sub.signoff["self_sign"] == "张伟" and sub.signoff["approve_date"] == "2023年3月20日"
    assert_refs(path, sub)
    a_res = run(cfg)[path.name]
    assert a_res.status == "accepted"
    assert len(a_res.checked.rows) == spec.blank_rows + 2


def test_data_row_that_looks_like_a_signoff_label_is_kept(cfg):
    """岗位(环节) = 部门负责人 is a real post, and also the sign-off's label without （签字）."""
    rows = [RISK4, {**RISK4B, "岗位(环节)": "部门负责人", "责任人": "王芳"}]
    path = submit(cfg, "附件4", "JWC", rows=rows, signoff={"部门负责人（签字）": "王芳", "主管领导审定": "刘副院长"})
    sub = read(path)
    assert as_read(sub) == as_filled(rows)
    assert (sub.signoff["head_sign"], sub.signoff["approver"]) == ("王芳", "刘副院长")
    assert_refs(path, sub)


def test_whitespace_and_full_width_normalisation(cfg):
    path = fill(blank(cfg, "附件3", "JWC"), cfg.inbox / "ws.xlsx",
                header={"姓名": " 张　伟 ", "部门": "　教务处 ", "岗位": "教务科科长", "职务层级": " 中层干部　",
                        "填表日期": date(2023, 3, 6)},
                rows=[{"风险类别": "　岗位职责 ", "风险点": "  成绩修改\u3000审批 \n\n 把关不严  ",
                       "主要表现形式": "违规\t同意", "风险等级": "２级", "涉及“三重一大”": " 否 "}])
    a = analyse(cfg)
    res = a.inputs[0]
    # 张伟 found in the roster despite the spaces (and named as the roster names him); only the full-width level is reported
    assert (res.status, res.person, res.department) == ("accepted", "张伟", "JWC")
    assert triples(res) == {("附件3", res.checked.rows[0].refs["level"], "level-normalised")}
    (row,) = a.catalogue
    assert (row["风险编号"], row["风险类别"], row["风险点"], row["主要表现形式"], row["风险等级"], row["涉及三重一大"]) == \
        ("JWC-0012-01", "岗位职责", "成绩修改 审批\n把关不严", "违规 同意", "二级", "否")
    assert_refs(path, read(path))


def test_staff_no_with_leading_zeros_stays_text(cfg):
    path = fill(blank(cfg, "附件3", "JWC"), cfg.inbox / "no.xlsx",
                header={"姓名": "新同事", "工号": "00789", "岗位": "干事", "职务层级": "一般干部", **GOOD_HEADER["附件3"]},
                rows=[RISK3])
    sub = read(path)
    assert sub.header["staff_no"] == "00789"
    assert_refs(path, sub)
    res = run(cfg)["no.xlsx"]
    assert res.checked.header["staff_no"] == "00789"
    assert triples(res) == {("附件3", sub.header_refs["name"], "person-unknown")}


def test_a_number_no_date_can_be_is_no_date():
    """1e309 (inf) or NaN in a date cell: not a date (int() of it stopped the reading of the whole file: rejected as a
    program error, its risks with it)."""
    for value in (float("inf"), float("-inf"), float("nan"), 1e308, -1e15):
        assert normalize.parse_date(value) == (None, False)


@pytest.mark.parametrize("typed,finding", [
    (date(2023, 3, 5), None), (datetime(2023, 3, 5, 0, 0), None), (45000, None),   # a serial in a date cell
    ("2023-03-05", "date-as-text"), ("2023年3月5日", "date-as-text"),
    ("3月5日", "date-as-text"),             # (the campaign's year: test_a_date_written_without_its_year_takes_the_campaigns)
    ("三月上旬", "date-unclear"),
])
def test_dates_as_dates_and_as_text(cfg, typed, finding):
    path = submit(cfg, "附件3", "JWC", "张伟", header={"填表日期": typed})
    sub = read(path)
    assert_refs(path, sub)
    res = run(cfg)[path.name]
    want = date(2023, 3, 15) if typed == 45000 else date(2023, 3, 5)
    expected = set() if finding is None else {("附件3", sub.header_refs["date"], finding)}
    assert triples(res) == expected
    if finding != "date-unclear":
        assert res.checked.header["date"] == want


def test_xlsm_values_read_macros_reported(cfg):
    path = submit(cfg, "附件3", "JWC", "张伟", name="tmp.xlsx", rows=[RISK3, RISK3B])
    xlsm = cfg.inbox / "张伟.xlsm"
    xlsm.write_bytes(hostile.add_members(path.read_bytes(), {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 60}))
    path.unlink()
    a = analyse(cfg)
    (res,) = a.inputs
    assert res.raw.has_macros and res.status == "accepted"
    assert triples(res) == {(None, None, "file-macros")}
    assert [r["风险点"] for r in a.catalogue] == [RISK3["风险点"], RISK3B["风险点"]]
    assert all(r["来源文件"] == "inbox/张伟.xlsm" for r in a.catalogue)


_CUSTOM = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<{p}Properties xmlns{c}="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
           'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">{props}</{p}Properties>')
_WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><{p}workbook xmlns{c}="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><{p}definedNames>{names}</{p}definedNames></{p}workbook>')


@pytest.mark.parametrize("variant", ["excel", "prefixed", "single-quoted", "attributes-swapped", "entities", "cdata",
                                     "spaced"])
def test_identity_carriers_read_the_same_by_regex_and_by_parser(variant):
    """The carriers are read by a regex on the hot path (the XML parser took 0.1 ms a file) and by the parser
    where the regex cannot tell: whatever a program writes, both give the same identity."""
    import html
    import json
    import xml.etree.ElementTree as ET

    values = {"form": "附件3", "version": "1", "campaign": "2023 年 A&B <廉政>", "department": "JWC",
              "person": "张\"伟'", "staff_no": "0012"}
    p, c = ("op:", ":op") if variant == "prefixed" else ("", "")
    props, names = [], []
    for i, (k, v) in enumerate(values.items(), 2):
        text = html.escape(v, quote=False)
        if variant == "entities":
            text = "".join(f"&#{ord(ch)};" if ord(ch) > 127 else ch for ch in text)
        if variant == "cdata" and k == "campaign":
            text = f"<![CDATA[{v}]]>"
        name = f"formkit.{k}"
        attrs = {"excel": f'fmtid="{{D5CDD505}}" pid="{i}" name="{name}"',
                 "single-quoted": f"fmtid='x' pid='{i}' name='{name}'",
                 "attributes-swapped": f'name="{name}" pid="{i}" fmtid="x"',
                 "spaced": f'fmtid="x" pid="{i}"  name = "{name}" '}.get(variant, f'fmtid="x" pid="{i}" name="{name}"')
        props.append(f"<{p}property {attrs}><vt:lpwstr>{text}</vt:lpwstr></{p}property>")
    formula = '="' + json.dumps(values, ensure_ascii=False).replace('"', '""') + '"'
    names.append(f'<{p}definedName name="_xlnm.Print_Area">Sheet1!$A$1</{p}definedName>')
    names.append(f'<{p}definedName name="{ident_mod.DEFINED_NAME}" hidden="1">{html.escape(formula, quote=False)}'
                 f"</{p}definedName>")
    custom = _CUSTOM.format(p=p, c=c, props="".join(props)).encode()
    workbook = _WORKBOOK.format(p=p, c=c, names="".join(names)).encode()
    expected = ident_mod.Identity.from_mapping(values)
    assert ident_mod.from_custom_xml(custom) == expected
    assert ident_mod.from_workbook_xml(workbook) == expected
    # and the parser alone (what the regex stands in for) agrees
    ns = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}property"
    parsed = {e.get("name")[len("formkit."):]: e[0].text or "" for e in ET.fromstring(custom).iter(ns)}
    assert ident_mod.Identity.from_mapping(parsed) == expected


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_cells_merged_down_over_rows(cfg, tmp_path, fmt):
    """One post with three risks, its 岗位(环节) and 责任人 merged over their rows (common in Chinese forms): every
    row reads with the merged value, and an info finding says so (the rows used to lack them: returned)."""
    from tests.conftest import libreoffice_convert

    rows = [{**RISK4, "风险点": f"风险{i}", "岗位(环节)": "教材科" if i == 0 else "", "责任人": "王芳" if i == 0 else ""}
            for i in range(3)]
    path = submit(cfg, "附件4", "JWC", rows=rows, name="merged.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = form_sheet(wb)
    hr, cols = table_header_row(ws, ["岗位(环节)", "责任人"])
    for label in ("岗位(环节)", "责任人"):
        letter = openpyxl.utils.get_column_letter(cols[label])
        ws.merge_cells(f"{letter}{hr + 1}:{letter}{hr + 3}")
    wb.save(path)
    if fmt in ("xls", "ods"):       # (.ods: python-calamine gives no merges; content.xml is read for them)
        converted = libreoffice_convert(path, fmt, tmp_path / "lo")
        path.unlink()
        path = cfg.inbox / f"merged.{fmt}"
        path.write_bytes(converted.read_bytes())
    res = run(cfg)[path.name]
    assert res.status == "accepted", res.findings
    sub = res.checked
    assert [(r.values["post"], r.values["owner"]) for r in sub.rows] == [("教材科", "王芳")] * 3
    post = openpyxl.utils.get_column_letter(cols["岗位(环节)"])
    assert ("附件4", f"{post}{hr + 1}", "merged-rows") in triples(res)
    # each row's 岗位 is where it is written, the merged cell's (the cells it covers are empty: an auditor found nothing)
    assert [r.refs["post"] for r in sub.rows] == [f"{post}{hr + 1}"] * 3
    # the 风险点 itself merged over two rows: catalogued as two risks, and asked (one risk split over rows?)
    wb = openpyxl.load_workbook(submit(cfg, "附件4", "JWC", rows=[{**RISK4, "主要表现形式": "前半"},
                                                                {**RISK4, "风险点": "", "主要表现形式": "后半"}],
                                       name="merged_risk.xlsx"))
    ws = form_sheet(wb)
    risk = openpyxl.utils.get_column_letter(table_header_row(ws, ["风险点"])[1]["风险点"])
    ws.merge_cells(f"{risk}{hr + 1}:{risk}{hr + 2}")
    wb.save(cfg.inbox / "merged_risk.xlsx")
    analysis = analyse(cfg)
    res = next(r for r in analysis.inputs if r.path.endswith("merged_risk.xlsx"))
    assert [(f.code, f.cell, f.severity) for f in res.findings if f.code.startswith("merged")] == \
        [("merged-risk-rows", f"{risk}{hr + 1}", "warning")]
    # its rows are the sender's file's: the reply's positions are those of the feedback workbook, laid out anew
    assert next(f.message for f in res.findings if f.code == "merged-risk-rows").startswith(f"“风险点”在原表第 {hr + 1}")
    assert [r.refs["risk"] for r in res.checked.rows] == [f"{risk}{hr + 1}"] * 2
    # but each risk's 来源位置 is its own row (both cited the merged cell's top: the auditor found the first risk)
    traced = [(row["主要表现形式"], row["来源位置"]) for row in analysis.catalogue if row["来源文件"].endswith("merged_risk.xlsx")]
    assert traced == [("前半", f"{ws.title}!{risk}{hr + 1}"), ("后半", f"{ws.title}!{risk}{hr + 2}")]


@pytest.mark.parametrize("form, key, every", [("附件3", "风险点", False), ("附件4", "风险点", False),
                                              ("附件2", "权力事项", False), ("附件3", "风险点", True)])
def test_an_item_merged_over_rows_of_nothing_else_is_one_row(cfg, form, key, every):
    """A long 风险点 (权力事项) given two rows' room by merging its cell, the row under it holding nothing of its own (or
    every cell of the row merged alike): one risk, accepted (each row was read as a risk of its own: the second one
    returned for the cells it lacked, or said twice)."""
    rows = {"附件2": [POWER], "附件3": [RISK3, RISK3B], "附件4": [RISK4]}[form]
    path = submit(cfg, form, "JWC", "张伟" if form == "附件3" else None, rows=rows, name="room.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = form_sheet(wb)
    hr, cols = table_header_row(ws, [key])
    ws.insert_rows(hr + 2)       # room under the first item
    for j in ([cols[key]] if not every else range(1, ws.max_column + 1)):
        ws.merge_cells(start_row=hr + 1, start_column=j, end_row=hr + 2, end_column=j)
    wb.save(path)
    analysis = analyse(cfg)
    res = next(r for r in analysis.inputs if r.path.endswith("room.xlsx"))
    assert res.status == "accepted" and not [f for f in res.findings if f.severity != "info"], \
        [(f.code, f.cell) for f in res.findings]
    assert len(res.checked.rows) == len(rows)
    column = openpyxl.utils.get_column_letter(cols[key])
    assert res.checked.rows[0].refs[{"风险点": "risk", "权力事项": "power_item"}[key]] == f"{column}{hr + 1}"


def test_a_transposed_form_keeps_its_identity(cfg):
    """The table turned on its side (labels down column A): the workbook is still 附件3 by its identity, reported
    as table-not-found, not taken for another form that a few labels in one row happen to suggest."""
    from openpyxl.cell.cell import MergedCell

    path = submit(cfg, "附件3", "JWC", "张伟", rows=[RISK3, RISK3B], name="transposed.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = form_sheet(wb)
    values = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if not isinstance(c, MergedCell)}
    for rng in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(rng))
    for (r, c) in values:
        ws.cell(r, c).value = None
    for (r, c), v in values.items():
        if v is not None:
            ws.cell(c, r).value = v
    wb.save(path)
    res = run(cfg)[path.name]
    assert (res.form, res.department, res.person) == ("附件3", "JWC", "张伟")
    assert "table-not-found" in {f.code for f in res.findings}
    assert res.status == "returned"
    assert not {"identity-missing", "identity-mismatch"} & {f.code for f in res.findings}


def test_a_cell_merged_down_in_the_sign_off_is_not_copied(cfg):
    """Only table cells are filled down: a sign-off value merged over the row below it (where 审定日期 sits) does
    not become that row's value."""
    path = submit(cfg, "附件3", "JWC", "张伟", name="signoff.xlsx", signoff={"审定领导": "刘副院长"})
    wb = openpyxl.load_workbook(path)
    ws = form_sheet(wb)
    label = next(c for row in ws.iter_rows() for c in row if c.value == "审定领导")
    below = next(c for row in ws.iter_rows() for c in row if c.value == "审定日期")
    value = ws.cell(label.row, label.column + 1)
    for rng in [r for r in ws.merged_cells.ranges if value.coordinate in r or
                ws.cell(below.row, label.column + 1).coordinate in r]:
        ws.unmerge_cells(str(rng))
    if below.row == label.row + 1:
        ws.merge_cells(start_row=label.row, start_column=label.column + 1, end_row=below.row, end_column=label.column + 1)
    else:       # 审定日期 on the same row: merge the value down over the empty row below instead
        ws.merge_cells(start_row=label.row, start_column=label.column + 1, end_row=label.row + 1,
                       end_column=label.column + 1)
    wb.save(path)
    res = run(cfg)[path.name]
    assert res.checked.signoff.get("approver") == "刘副院长"
    assert normalize.to_text(res.checked.signoff.get("approve_date", "")) != "刘副院长"
    assert "merged-rows" not in {f.code for f in res.findings}


def test_line_breaks_of_other_programs_are_line_breaks(cfg):
    """Word's manual line break (Shift+Enter) and page break pasted into a cell, stored as _x000B_ and _x000C_, and the
    line separator of a web page or a chat (U+2028): a line break in 风险目录 (the two lines were glued together, 1.审核不严2.把关不严,
    unsaid); a name typed with a dot after it (王五.) is the name (it became 王五·, a name nobody has)."""
    fill(blank(cfg, "附件3", "JWC"), cfg.inbox / "breaks.xlsx",
         header={"姓名": "张伟", "部门": "教务处", "岗位": "教务科科长", "职务层级": "中层干部", "填表日期": date(2023, 3, 6)},
         rows=[{"风险类别": "岗位职责", "风险点": "成绩修改_x000C_把关不严", "主要表现形式": "1.审核不严_x000B_2.把关不严\u2028吃请",
                "风险等级": "二级", "涉及“三重一大”": "否"}])
    (row,) = analyse(cfg).catalogue
    assert (row["风险点"], row["主要表现形式"]) == ("成绩修改\n把关不严", "1.审核不严\n2.把关不严\n吃请")
    assert normalize.person_name("王五.") == "王五" and normalize.person_name("艾力.买买提") == "艾力·买买提"


def test_a_text_joined_past_what_a_cell_holds_says_it_is_cut(cfg):
    """主要表现形式 of 20,000 characters and a row under it carrying it on with 20,000 more (row-continued): the outputs'
    cells hold 32,767; too-long said "kept as written" while the last 7,000 characters were gone. It says they are cut."""
    fill(blank(cfg, "附件3", "JWC"), cfg.inbox / "long.xlsx",
         header={"姓名": "张伟", "部门": "教务处", "岗位": "教务科科长", "职务层级": "中层干部", "填表日期": date(2023, 3, 6)},
         rows=[{**RISK3, "主要表现形式": "甲" * 20000}, {"主要表现形式": "乙" * 20000}])
    res = analyse(cfg).inputs[0]
    (long,) = [f for f in res.findings if f.code == "too-long"]
    assert "40001 字" in long.message and "只能保留前 32767 字" in long.message and "已照原文汇总" not in long.message


def test_control_characters_and_lone_surrogates_are_no_text():
    """A bell or an escape sequence (typed into a cell as _x0007_, _x001B_) or a lone surrogate: nothing anyone
    meant to write, and what a terminal or an HTML page would act on or choke on."""
    from formkit import normalize

    assert normalize.to_text("二级\x07") == "二级"
    assert normalize.to_text("\x1b[2J\x1b[31m全部接收\x07") == "[2J[31m全部接收"
    assert normalize.to_text("风险\ud800点") == "风险点"
    assert normalize.to_text("风险\x85点\x9b[31m") == "风险点[31m"      # C1 controls too (a terminal's CSI: \x9b)
    assert normalize.to_text("第一行\n第二行\t末") == "第一行\n第二行 末"


def test_a_workbook_of_more_sheets_than_anyones_collection_is_refused_at_once(tmp_path):
    """201 sheets (each would be read as a form of its own, each looking at the whole workbook: minutes, and hundreds
    of MiB): refused as too large, saying how many sheets and what to do."""
    import xlsxwriter

    from formkit.read import MAX_SHEETS, TooManyRows, read_workbook
    from formkit.spec import load_forms

    buf = tmp_path / "多表.xlsx"
    wb = xlsxwriter.Workbook(str(buf))
    for i in range(MAX_SHEETS + 1):
        wb.add_worksheet(f"表{i}").write("A1", "风险点")
    wb.close()
    with pytest.raises(TooManyRows, match=f"{MAX_SHEETS + 1} 张工作表"):
        read_workbook(buf.read_bytes(), "xlsx", load_forms())


@pytest.mark.parametrize("hints", [{"风险类别": "（下拉选择）", "风险等级": "（一级/二级/三级）", "涉及“三重一大”": "(是/否)"},
                                   {"风险类别": "从下拉列表选择", "风险点": "简要描述本岗位的风险点", "风险等级": "一级/二级/三级"},
                                   {"风险点": "（必填，简要描述）"}], ids=["brackets", "words", "alone"])
def test_a_line_of_hints_under_the_header_is_no_row(cfg, hints):
    """A department inserts a line under the header: （下拉选择） | （一级/二级/三级） | （是/否）, as Chinese forms often
    have (or 从下拉列表选择 | 简要描述… | 一级/二级/三级 without brackets, or （必填，简要描述） under the 风险点 alone), and fills
    its risks below: read as a risk, returned for its level and choices. No row (header-hints)."""
    path = submit(cfg, "附件3", "JWC", "张伟", rows=[RISK3, RISK3B], name="hints.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = form_sheet(wb)
    hr, cols = table_header_row(ws, ["风险类别", "风险点", "风险等级", "涉及“三重一大”"])
    ws.insert_rows(hr + 1)
    for label, hint in hints.items():
        ws.cell(hr + 1, cols[label], hint)
    wb.save(path)
    res = run(cfg)["hints.xlsx"]
    assert res.status == "accepted" and [r.values["risk"] for r in res.checked.rows] == [RISK3["风险点"], RISK3B["风险点"]]
    column = openpyxl.utils.get_column_letter(min(cols[label] for label in hints))
    assert ("header-hints", f"{column}{hr + 1}") in {(f.code, f.cell) for f in res.findings}


def test_many_lines_of_hints_are_said_with_their_extent(cfg):
    """Five lines of hints under the header: one note naming them all (第 8–12 行), not the first only (four rows
    left out unsaid)."""
    path = submit(cfg, "附件3", "JWC", "张伟", rows=[RISK3, RISK3B], name="hints.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = form_sheet(wb)
    hr, cols = table_header_row(ws, ["风险类别", "风险等级"])
    ws.insert_rows(hr + 1, 5)
    for r in range(hr + 1, hr + 6):
        ws.cell(r, cols["风险类别"], "（下拉选择）")
        ws.cell(r, cols["风险等级"], "（一级/二级/三级）")
    wb.save(path)
    res = run(cfg)["hints.xlsx"]
    assert res.status == "accepted" and len(res.checked.rows) == 2
    (said,) = [f for f in res.findings if f.code == "header-hints"]
    assert f"第 {hr + 1}–{hr + 5} 行" in said.message


@pytest.mark.parametrize("form, post, gap", [("附件4", "岗位(环节)", "blank"), ("附件4", "岗位(环节)", "room"),
                                             ("附件2", "行使岗位", "blank"), ("附件4", "岗位(环节)", "second line")])
def test_a_post_merged_over_its_items_with_a_row_of_nothing_between(cfg, form, post, gap):
    """A 岗位 merged over its two risks' rows with an empty row between them (a blank row, or the room of a long 风险点
    merged over two rows): the empty row became a risk with only its 岗位 (附件4 returned for every other cell), or
    its 行使岗位 joined to the item above (附件2: 处长\\n处长). And a long 风险点 merged over two rows whose second holds
    a second line of 主要表现形式: one risk, the line joined (row-continued), not two risks returned."""
    item = {"附件4": "风险点", "附件2": "权力事项"}[form]
    rows = {"附件4": [RISK4, RISK4B], "附件2": [POWER, {**POWER, "权力事项": "教材选用"}]}[form]
    path = submit(cfg, form, "JWC", rows=rows, name="gap.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = form_sheet(wb)
    hr, cols = table_header_row(ws, [item, post, "主要表现形式"] if form == "附件4" else [item, post])
    ws.insert_rows(hr + 2)
    ws.cell(hr + 3, cols[post]).value = None
    ws.merge_cells(start_row=hr + 1, start_column=cols[post], end_row=hr + 3, end_column=cols[post])
    if gap in ("room", "second line"):
        ws.merge_cells(start_row=hr + 1, start_column=cols[item], end_row=hr + 2, end_column=cols[item])
    if gap == "second line":
        ws.cell(hr + 2, cols["主要表现形式"]).value = "另一种表现"
    wb.save(path)
    res = run(cfg)["gap.xlsx"]
    assert res.status == "accepted" and not [f for f in res.findings if f.severity != "info"], \
        [(f.code, f.cell) for f in res.findings]
    key = {"附件4": "post", "附件2": "post"}[form]
    assert [r.values[key] for r in res.checked.rows] == [rows[0][post]] * 2
    if gap == "second line":
        assert res.checked.rows[0].values["manifest"].endswith("另一种表现")


@pytest.mark.parametrize("first", [{"风险点": "报销单据未按规定填写、审核", "主要表现形式": "例如发票与事项不符仍予报销"},
                                   {"风险点": "选择供应商时收受回扣", "主要表现形式": "简述：指定供应商"}])
def test_a_first_risk_worded_like_a_hint_is_a_risk(cfg, first):
    """A first risk whose texts hold 按规定填写, 例如, 选择, 简述 (its 风险类别 and 风险等级 left for later): a risk, asked
    for what it lacks (it was taken for a line of fill-in hints and dropped, the form "通过")."""
    submit(cfg, "附件3", "JWC", "张伟", rows=[first, RISK3B], name="first.xlsx")
    res = run(cfg)["first.xlsx"]
    assert "header-hints" not in {f.code for f in res.findings}
    assert [r.values["risk"] for r in res.checked.rows][0] == first["风险点"] and res.status == "returned"


@pytest.mark.parametrize("own", ["序号", "主要表现形式", "both"])
def test_a_row_under_a_merged_post_with_only_a_number_or_a_second_line_is_no_risk(cfg, own):
    """附件4 with 岗位 merged over three rows: the middle one holds only its 序号 (pre-numbered), or only a second line of
    the 主要表现形式 above (二、延误办理时限): no risk of 岗位 only (returned for every other cell); the line joined to
    the risk above, as where nothing is merged (row-continued)."""
    path = submit(cfg, "附件4", "JWC", rows=[RISK4, RISK4B], name="mid.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = form_sheet(wb)
    hr, cols = table_header_row(ws, ["序号", "岗位(环节)", "主要表现形式"])
    ws.insert_rows(hr + 2)
    if own in ("序号", "both"):
        ws.cell(hr + 2, cols["序号"]).value = 2
    if own in ("主要表现形式", "both"):
        ws.cell(hr + 2, cols["主要表现形式"]).value = "二、延误办理时限"
    ws.cell(hr + 1, cols["主要表现形式"]).value = "一、压件不办"
    ws.merge_cells(start_row=hr + 1, start_column=cols["岗位(环节)"], end_row=hr + 3, end_column=cols["岗位(环节)"])
    wb.save(path)
    res = run(cfg)["mid.xlsx"]
    if own == "both":
        # (numbered: a risk whose other cells were forgotten, asked for them, its 岗位 the merged one's: it was cleared,
        # "岗位 required" beside "the merged 岗位 read into every row")
        assert res.status == "returned"
        assert not [f for f in res.findings if f.code == "required" and f.field == "岗位(环节)"]
        return
    assert res.status == "accepted", [(f.code, f.cell) for f in res.findings if f.severity != "info"]
    assert [r.values["manifest"] for r in res.checked.rows] == \
        ["一、压件不办" + ("\n二、延误办理时限" if own == "主要表现形式" else ""), RISK4B["主要表现形式"]]


def test_items_of_a_manifest_one_per_row_under_a_merged_risk_are_joined(cfg):
    """One risk over three rows, its 风险点 and other cells merged, 主要表现形式 一、… / 二、… / 三、… one per row: the items
    二、 and 三、 were taken for section headings and dropped (info only, the form accepted)."""
    path = submit(cfg, "附件3", "JWC", "张伟", rows=[{**RISK3, "主要表现形式": "一、擅自调整绩效数据；"}, RISK3B],
                  name="items.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = form_sheet(wb)
    hr, cols = table_header_row(ws, ["风险点", "主要表现形式"])
    ws.insert_rows(hr + 2, 2)
    ws.cell(hr + 2, cols["主要表现形式"]).value = "二、多发、少发工资；"
    ws.cell(hr + 3, cols["主要表现形式"]).value = "三、泄露工资信息。"
    for j in range(1, ws.max_column + 1):
        if j != cols["主要表现形式"] and ws.cell(hr, j).value:
            ws.merge_cells(start_row=hr + 1, start_column=j, end_row=hr + 3, end_column=j)
    wb.save(path)
    res = run(cfg)["items.xlsx"]
    assert res.status == "accepted" and "section-heading" not in {f.code for f in res.findings}
    assert res.checked.rows[0].values["manifest"] == "一、擅自调整绩效数据；\n二、多发、少发工资；\n三、泄露工资信息。"


def _rewrite_sheet(path: Path, edit) -> None:
    """The form's sheet XML edited in place, as another program (or an attacker) may have written it."""
    import zipfile

    with zipfile.ZipFile(path) as src:
        items = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, body in items:
            if info.filename.startswith("xl/worksheets/sheet") and b"mergeCell" in body:
                body = edit(body)
            dst.writestr(info, body)


@pytest.mark.parametrize("how", ["backwards", "no range", "no range written otherwise", "absolute", "20000 times"])
def test_merged_ranges_as_other_programs_write_them(cfg, how):
    """A 岗位 merged over its two risks, the range recorded B10:B8 (LibreOffice shows B8:B10: it was ignored, the cells
    under it "required"), next to one that is no range (A0:A2: the whole file was "damaged", its rows lost, where
    Excel and LibreOffice drop that range), as $B$8:$B$10, or the same range 20,000 times (20,000 notes)."""
    path = submit(cfg, "附件4", "JWC", rows=[RISK4, RISK4B], name="merges.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = form_sheet(wb)
    hr, cols = table_header_row(ws, ["岗位(环节)"])
    post = openpyxl.utils.get_column_letter(cols["岗位(环节)"])
    ws.insert_rows(hr + 2)
    ws.merge_cells(f"{post}{hr + 1}:{post}{hr + 3}")
    wb.save(path)
    ref = f"{post}{hr + 1}:{post}{hr + 3}".encode()
    edits = {"backwards": lambda b: b.replace(ref, f"{post}{hr + 3}:{post}{hr + 1}".encode()),
             "no range": lambda b: b.replace(b"<mergeCell ", b'<mergeCell ref="A0:A2"/><mergeCell ', 1),
             # (single quotes, spaces, not self-closing: the same to Excel and LibreOffice)
             "no range written otherwise": lambda b: b.replace(b"<mergeCell ", b"<mergeCell ref = 'A0:A2'></mergeCell>"
                                                                              b"<mergeCell ", 1),
             "absolute": lambda b: b.replace(ref, f"${post}${hr + 1}:${post}${hr + 3}".encode()),
             "20000 times": lambda b: re.sub(rb'<mergeCell ref="' + ref + rb'"\s*/>', lambda m: m[0] * 20000, b)}
    _rewrite_sheet(path, edits[how])
    res = run(cfg)["merges.xlsx"]
    assert res.status == "accepted", [(f.code, f.cell) for f in res.findings if f.severity != "info"]
    assert [r.values["post"] for r in res.checked.rows] == [RISK4["岗位(环节)"]] * 2
    assert [f.code for f in res.findings].count("merged-rows") == 1
    assert ("merges-damaged" in {f.code for f in res.findings}) == how.startswith("no range")


def test_a_power_item_merged_over_the_rows_of_its_posts_is_an_item_at_each(cfg):
    """附件2: one power item exercised at two posts, 权力事项, 权力类别, 职权依据 and 涉及“三重一大” merged over its two rows,
    each row its own 行使岗位, 责任人 and 运行流程: an item at each post (the second row was taken for room of a long item,
    nothing filled into it: returned for 权力事项 required in a cell the merge covers)."""
    path = submit(cfg, "附件2", "JWC", rows=[POWER, {**POWER, "权力事项": "", "权力类别": "", "职权依据": "",
                                                     "涉及“三重一大”": "", "行使岗位": "教务处长", "运行流程": "审批"}],
                  name="posts.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = form_sheet(wb)
    hr, cols = table_header_row(ws, ["权力事项", "权力类别", "职权依据", "涉及“三重一大”"])
    for label in ("权力事项", "权力类别", "职权依据", "涉及“三重一大”"):
        ws.merge_cells(start_row=hr + 1, start_column=cols[label], end_row=hr + 2, end_column=cols[label])
    wb.save(path)
    res = run(cfg)["posts.xlsx"]
    assert res.status == "accepted", [(f.code, f.cell) for f in res.findings if f.severity != "info"]
    assert [(r.values["power_item"], r.values["post"]) for r in res.checked.rows] == [
        (POWER["权力事项"], POWER["行使岗位"]), (POWER["权力事项"], "教务处长")]


def test_a_line_of_hints_dragged_down_past_the_rows_is_no_row(cfg):
    """（下拉选择） | （必填） | （选填） dragged down over the table, the risks typed over its first rows: the lines left
    under them were risks, the form returned with four errors a line. No rows (header-hints, said once)."""
    path = submit(cfg, "附件3", "JWC", "张伟", rows=[RISK3, RISK3B], name="dragged.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = form_sheet(wb)
    hr, cols = table_header_row(ws, ["风险类别", "风险点", "主要表现形式"])
    for r in range(hr + 3, hr + 8):
        for label, hint in (("风险类别", "（下拉选择）"), ("风险点", "（必填）"), ("主要表现形式", "（选填）")):
            ws.cell(r, cols[label], hint)
    wb.save(path)
    res = run(cfg)["dragged.xlsx"]
    assert res.status == "accepted" and [r.values["risk"] for r in res.checked.rows] == [RISK3["风险点"], RISK3B["风险点"]]
    assert [f.code for f in res.findings].count("header-hints") == 1


@pytest.mark.parametrize("post_merged", [True, False], ids=["post merged", "post typed once"])
def test_a_power_item_merged_over_the_steps_of_its_process_is_one_item(cfg, post_merged):
    """附件2: one power item typed once, the rows under it holding only the further steps of its 运行流程, 权力事项 and the
    other cells merged over them as offices draw it: one item, its steps joined (it was an item per step, or returned
    for 行使岗位 required in the step rows); a row with a 行使岗位 of its own stays an item at that post (above)."""
    steps = [{k: "" for k in POWER} | {"运行流程": step} for step in ("2.教务科审核", "3.分管领导审批")]
    path = submit(cfg, "附件2", "JWC", rows=[{**POWER, "运行流程": "1.系部申报"}, *steps], name="steps.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = form_sheet(wb)
    labels = ["序号", "权力事项", "权力类别", "职权依据", "责任人", "涉及“三重一大”"] + (["行使岗位"] if post_merged else [])
    hr, cols = table_header_row(ws, labels)
    ws.cell(hr + 1, cols["序号"]).value = 1
    for label in labels:
        ws.merge_cells(start_row=hr + 1, start_column=cols[label], end_row=hr + 3, end_column=cols[label])
    wb.save(path)
    res = run(cfg)["steps.xlsx"]
    assert res.status == "accepted", [(f.code, f.cell) for f in res.findings if f.severity != "info"]
    assert [(r.values["power_item"], r.values["post"], r.values["process"]) for r in res.checked.rows] == [
        (POWER["权力事项"], POWER["行使岗位"], "1.系部申报\n2.教务科审核\n3.分管领导审批")]


@pytest.mark.parametrize("heading", ["决策类", "决策类权力", "决策权"])
def test_a_category_line_without_its_number_over_power_items_is_no_item(cfg, heading):
    """附件2 with 决策类 (决策类权力, 决策权) alone in 权力事项 over the items of that group, as 一、决策类 already was: a
    category line (category-heading), the items under it 决策 where they left 权力类别 empty (it was an item missing
    its 权力类别, 行使岗位 and 三重一大: the form returned)."""
    submit(cfg, "附件2", "JWC", rows=[{k: "" for k in POWER} | {"权力事项": heading},
                                        {**POWER, "权力类别": ""}], name="heading.xlsx")
    res = run(cfg)["heading.xlsx"]
    assert res.status == "accepted", [(f.code, f.cell) for f in res.findings if f.severity != "info"]
    assert [(r.values["power_item"], r.values["power_type"]) for r in res.checked.rows] == [(POWER["权力事项"], "决策")]
    assert "category-heading" in {f.code for f in res.findings}


def test_an_item_numbered_over_its_sub_items_is_no_item(cfg):
    """附件2: 1 | 招生录取管理 alone, the items under it numbered 1.1 and 1.2, as offices group a list: a heading (it was an
    item missing its 权力类别, 行使岗位 and 三重一大: the form returned)."""
    second = {**POWER, "权力事项": "录取结果公示", "序号": "1.2"}
    submit(cfg, "附件2", "JWC", rows=[{k: "" for k in POWER} | {"序号": "1", "权力事项": "招生录取管理"},
                                        {**POWER, "序号": "1.1"}, second], name="sub.xlsx")
    res = run(cfg)["sub.xlsx"]
    assert res.status == "accepted", [(f.code, f.cell) for f in res.findings if f.severity != "info"]
    assert [r.values["power_item"] for r in res.checked.rows] == [POWER["权力事项"], "录取结果公示"]
    assert "section-heading" in {f.code for f in res.findings}


def test_an_item_typed_again_on_each_step_of_its_process_is_one_item(cfg):
    """附件2: 序号 1 and the item typed again on three rows, only 运行流程 differing (one step a row), as where its cells
    are merged over them: one item, the steps joined (row-repeated; it was an item per step); the same 序号 with a
    行使岗位 of its own is the item at another post, a row of its own."""
    steps = [{**POWER, "序号": "1", "运行流程": step} for step in ("1.申报", "2.审核", "3.审批")]
    submit(cfg, "附件2", "JWC", rows=[*steps, {**POWER, "序号": "1", "行使岗位": "教务处长", "运行流程": "审批"}],
           name="again.xlsx")
    res = run(cfg)["again.xlsx"]
    assert res.status == "accepted", [(f.code, f.cell) for f in res.findings if f.severity != "info"]
    assert [(r.values["post"], r.values["process"]) for r in res.checked.rows] == [
        (POWER["行使岗位"], "1.申报\n2.审核\n3.审批"), ("教务处长", "审批")]
    assert [f.code for f in res.findings].count("row-repeated") == 2


@pytest.mark.parametrize("below", [{"行使岗位": "复核岗", "责任人": "周会计"}, {"行使岗位": "复核岗"}],
                         ids=["post and owner", "post alone"])
def test_a_power_item_typed_once_over_rows_of_its_other_posts_is_the_item_at_each(cfg, below):
    """附件2: the item typed once, the row under it holding only another 行使岗位 (and its 责任人), as where the item's cells
    are merged over its posts' rows: the item at that post too, its cells traced to the row it was typed on
    (item-at-post; it was returned for 权力事项, 权力类别 and 三重一大 required there, or the post joined: 考务专员\\n复核岗)."""
    submit(cfg, "附件2", "JWC", rows=[POWER, below], name="posts.xlsx")
    res = run(cfg)["posts.xlsx"]
    assert res.status == "accepted", [(f.code, f.cell) for f in res.findings if f.severity != "info"]
    first, second = res.checked.rows
    assert [(r.values["power_item"], r.values["post"]) for r in (first, second)] == [
        (POWER["权力事项"], POWER["行使岗位"]), (POWER["权力事项"], "复核岗")]
    assert second.refs["power_item"] == first.refs["power_item"] and "item-at-post" in {f.code for f in res.findings}


def test_a_risk_typed_once_over_a_row_of_another_post_is_said_as_a_risk(cfg):
    """附件4: a row under a risk holding only another 岗位(环节) and its 责任人 is the risk at that post too; the note said
    "上一行权力事项……在这一岗位的行使……请补填权力事项" (附件4 has a 关联权力事项 column: filled there, the row was
    still no risk of its own)."""
    submit(cfg, "附件4", "JWC", rows=[RISK4, {"岗位(环节)": "教学秘书", "责任人": "各学院秘书"}], name="posts4.xlsx")
    res = run(cfg)["posts4.xlsx"]
    assert res.status == "accepted", [(f.code, f.cell) for f in res.findings if f.severity != "info"]
    assert [(r.values["risk"], r.values["post"]) for r in res.checked.rows] == [
        (RISK4["风险点"], RISK4["岗位(环节)"]), (RISK4["风险点"], "教学秘书")]
    said = next(f.message for f in res.findings if f.code == "item-at-post")
    assert f"（{RISK4['风险点']}）" in said and "权力" not in said, said


def test_a_power_item_merged_over_a_step_and_another_post(cfg):
    """附件2: the item and its other cells merged over three rows; the second holds only the next step of 运行流程 and
    who does it (责任人), the third a 行使岗位 of its own with its step: the item at 考务专员 with the steps joined and
    both people named, and the item at 验收员 (the second row was an item of its own, returned for 行使岗位; with
    the 责任人 beside the step, for 权力事项 in the merged cell that shows it)."""
    rows = [{**POWER, "责任人": "张伟", "运行流程": "1.申报"}, {k: "" for k in POWER} | {"责任人": "李娜", "运行流程": "2.审核"},
            {k: "" for k in POWER} | {"行使岗位": "验收员", "责任人": "王芳", "运行流程": "3.验收"}]
    path = submit(cfg, "附件2", "JWC", rows=rows, name="mixed.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = form_sheet(wb)
    labels = ["权力事项", "权力类别", "职权依据", "涉及“三重一大”"]
    hr, cols = table_header_row(ws, labels)
    for label in labels:
        ws.merge_cells(start_row=hr + 1, start_column=cols[label], end_row=hr + 3, end_column=cols[label])
    wb.save(path)
    res = run(cfg)["mixed.xlsx"]
    assert res.status == "accepted", [(f.code, f.cell) for f in res.findings if f.severity != "info"]
    assert [(r.values["power_item"], r.values["post"], r.values["owner"], r.values["process"]) for r in res.checked.rows] == [
        (POWER["权力事项"], POWER["行使岗位"], "张伟、李娜", "1.申报\n2.审核"), (POWER["权力事项"], "验收员", "王芳", "3.验收")]


@pytest.mark.parametrize("seq", ["一", "1"])
def test_a_category_line_numbered_in_its_own_cell_gives_its_items_their_category(cfg, seq):
    """附件2: 一 (or 1) in 序号 and 决策类 in 权力事项 over items that leave 权力类别 empty: the heading's category is theirs,
    as for 一、决策类 typed in one cell (it was a section heading only: the items returned for 权力类别 required)."""
    submit(cfg, "附件2", "JWC", rows=[{k: "" for k in POWER} | {"序号": seq, "权力事项": "决策类"},
                                      {**POWER, "权力类别": ""}], name="numbered.xlsx")
    res = run(cfg)["numbered.xlsx"]
    assert res.status == "accepted", [(f.code, f.cell) for f in res.findings if f.severity != "info"]
    assert [r.values["power_type"] for r in res.checked.rows] == ["决策"]


def test_rows_under_an_item_that_go_on_are_said_and_joined_as_a_reader_takes_them(cfg):
    """附件2: an item at another post whose item row forgot its 权力类别: asked once, where it was forgotten (it was asked
    in the post's row too, and filling it there made that row no item at a post: returned again); names carried on
    once each (张伟、李娜, not 张伟、李娜、张伟); 1 | 决策 in 权力类别 over items: a category line; two names on two lines
    of a cell are two (刘洪、周建国, not 刘洪周建国)."""
    submit(cfg, "附件2", "JWC", rows=[{**POWER, "权力类别": ""}, {"行使岗位": "复核岗", "责任人": "周会计"}], name="post.xlsx")
    steps = [{**POWER, "序号": "1", "责任人": who, "运行流程": step} for who, step in (("张伟", "申请"), ("李娜", "登记"),
                                                                                    ("张伟", "归档"))]
    submit(cfg, "附件2", "CWC", rows=[*steps, {"序号": "2", "权力类别": "决策"}, {**POWER, "序号": "3", "权力事项": "预算",
                                                                               "权力类别": ""}], name="steps.xlsx")
    got = run(cfg)
    post = got["post.xlsx"]
    assert [(f.code, f.cell) for f in post.findings if f.severity == "error"] == [
        ("required", post.checked.rows[0].refs["power_type"])]
    assert post.checked.rows[1].refs["power_item"] == post.checked.rows[0].refs["power_item"]
    steps = got["steps.xlsx"]
    assert steps.status == "accepted", [(f.code, f.cell) for f in steps.findings if f.severity != "info"]
    assert [(r.values["owner"], r.values["power_type"]) for r in steps.checked.rows] == [("张伟、李娜", "执行"),
                                                                                        ("", "决策")]
    assert normalize.person_name("刘洪\n周建国") == "刘洪、周建国"
    # (a title on the line under a name, a name going on over the line at its dot: one person)
    assert normalize.names_in("刘洪\n党委书记") == ["刘洪"] and normalize.names_in("艾尔肯·\n吐尔逊") == ["艾尔肯·吐尔逊"]
    from formkit.read import _joined

    assert _joined("owner", "王  芳", "李  娜") == "王芳、李娜"
    assert _joined("owner", "王芳", "刘洪\n处长") == "王芳、刘洪" and _joined("owner", "王芳", "艾尔肯·\n吐尔逊") == "王芳、艾尔肯·吐尔逊"
    # (a title by the name on a line of its own is no part of it: 刘洪⏎党委书记 was 刘洪党委书记 on the forms and lists)
    assert normalize.person_name("刘洪\n党委书记") == normalize.person_name("党委书记\n刘洪") == "刘洪"
    # (… only where the lines are clear: a section and its title is one post, 学籍科科长, as typed; a name ending in 员 is
    # a name; titles not ending in 书记/长 are titles too; two posts are two)
    assert normalize.person_name("学籍科\n科长") == "学籍科科长" and normalize.names_in("李正员\n周建国") == ["李正员", "周建国"]
    assert normalize.person_name("王芳\n校长助理") == normalize.person_name("王芳\n副院长（主持工作）") == "王芳"
    assert normalize.person_name("处长\n科长") == "处长、科长"
    # (a name ending in 科 beside another is a name; a title ending in 员 is a title; names listed apart on each line)
    assert normalize.names_in("刘洪\n张科") == ["刘洪", "张科"] and normalize.person_name("孙丽\n教务员") == "孙丽"
    assert normalize.names_in("王芳、李娜\n张伟、赵强") == ["王芳", "李娜", "张伟", "赵强"]
    assert normalize.person_name("王芳、李娜\n张伟、赵强") == "王芳、李娜、张伟、赵强"
    # (an office on a line by the name is where, not who: 李明⏎党政办 as 主任 was two 主任, the form returned)
    assert normalize.names_in("李明\n党政办") == ["李明"] and normalize.person_name("张伟\n财务处") == "张伟"


@pytest.mark.parametrize("form", ["附件3", "附件4"])
def test_a_risk_typed_again_without_a_number_for_its_second_manifestation_is_one_risk(cfg, form):
    """A risk whose second line of 主要表现形式 is on the row under it, every other cell typed again there and no 序号 on
    either: one risk (row-repeated; it was the same risk twice in 风险目录, each with a 风险编号 and asked for a measure);
    the note on 附件4 names the risk, not its 岗位 shared by the post's risks."""
    risk = RISK4 if form == "附件4" else RISK3
    rows = [{**risk, "主要表现形式": "1.擅自扩散"}, {**risk, "主要表现形式": "2.丢失文件"}]
    submit(cfg, form, "JWC", *(("张伟",) if form == "附件3" else ()), rows=rows, name="twice.xlsx")
    res = run(cfg)["twice.xlsx"]
    assert [r.values["manifest"] for r in res.checked.rows] == ["1.擅自扩散\n2.丢失文件"]
    (said,) = [f for f in res.findings if f.code == "row-repeated"]
    assert risk["风险点"] in said.message


@pytest.mark.parametrize("heading", [{"序号": "一", "岗位(环节)": "文秘岗位"}, {"序号": "一、文秘岗位"},
                                     {"序号": "1", "岗位(环节)": "文秘岗位", "风险点": "公文管理"}],
                         ids=["numeral and post", "in the 序号 cell", "parent of sub-risks"])
def test_a_heading_over_the_risks_of_a_post_gives_them_its_post(cfg, heading):
    """附件4: risks grouped under a heading naming their post (一 | 文秘岗位; 一、文秘岗位 in 序号; 1 | 文秘岗位 | 公文管理 over
    1.1 and 1.2), 岗位(环节) left empty on the risks: theirs (it was said to be a heading and the risks returned for
    岗位 required; a parent of sub-risks naming its post and a title was a risk returned for the rest)."""
    rows = [{k: "" for k in RISK4} | heading, {**RISK4, "岗位(环节)": "", "序号": "1.1"},
            {**RISK4B, "岗位(环节)": "", "序号": "1.2"}]
    submit(cfg, "附件4", "JWC", rows=rows, name="posts.xlsx")
    res = run(cfg)["posts.xlsx"]
    assert res.status == "accepted", [(f.code, f.cell) for f in res.findings if f.severity != "info"]
    assert [(r.values["post"], r.values["risk"]) for r in res.checked.rows] == [
        ("文秘岗位", RISK4["风险点"]), ("文秘岗位", RISK4B["风险点"])]


def test_a_parent_naming_its_category_over_sub_risks_is_their_heading(cfg):
    """附件3: 1 | 岗位职责 | 设备采购 over risks 1.1 and 1.2 without a 风险类别: a heading, its category theirs (it was a
    risk returned for its 风险等级)."""
    rows = [{k: "" for k in RISK3} | {"序号": "1", "风险类别": "岗位职责", "风险点": "设备采购"},
            {**RISK3, "风险类别": "", "序号": "1.1"}, {**RISK3B, "风险类别": "", "序号": "1.2"}]
    submit(cfg, "附件3", "JWC", "张伟", rows=rows, name="parent.xlsx")
    res = run(cfg)["parent.xlsx"]
    assert res.status == "accepted", [(f.code, f.cell) for f in res.findings if f.severity != "info"]
    assert [(r.values["category"], r.values["risk"]) for r in res.checked.rows] == [
        ("岗位职责", RISK3["风险点"]), ("岗位职责", RISK3B["风险点"])]


def test_a_category_line_goes_on_over_an_item_of_its_own_category(cfg):
    """决策类 over 招生计划制定 (its 权力类别 决策 typed) and 专业设置 (left empty): both 决策, as the note says of the rows
    under it (the second was returned for 权力类别 required)."""
    submit(cfg, "附件2", "JWC", rows=[{k: "" for k in POWER} | {"权力事项": "决策类"}, {**POWER, "权力类别": "决策"},
                                      {**POWER, "权力事项": "专业设置", "权力类别": ""}], name="group.xlsx")
    res = run(cfg)["group.xlsx"]
    assert res.status == "accepted", [(f.code, f.cell) for f in res.findings if f.severity != "info"]
    assert [r.values["power_type"] for r in res.checked.rows] == ["决策", "决策"]


@pytest.mark.parametrize("heading, post", [("一、文秘岗位", "文秘岗位"), ("二、其他", None), ("一、教学管理类", None),
                                           ("第一部分", None)])
def test_only_a_heading_naming_a_post_gives_its_risks_their_post(cfg, heading, post):
    """一、文秘岗位 over risks without a 岗位: theirs, asked to check (post-heading, a 提醒 naming the post and the row of
    the sender's own file); 二、其他, 一、教学管理类, 第一部分 name no post: the risks asked for their 岗位 as before (they
    were accepted with 岗位 其他)."""
    rows = [{k: "" for k in RISK4} | {"序号": heading}, {**RISK4, "岗位(环节)": ""}]
    submit(cfg, "附件4", "JWC", rows=rows, name="heading.xlsx")
    res = run(cfg)["heading.xlsx"]
    if post:
        assert res.status == "accepted" and res.checked.rows[0].values["post"] == post
        (said,) = [f for f in res.findings if f.code == "post-heading"]
        assert said.severity == "warning" and f"岗位“{post}”" in said.message and said.message.startswith("原表第")
    else:
        assert res.status == "returned" and "required" in {f.code for f in res.findings}
