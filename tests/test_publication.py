"""The publication (公示): public columns only, grouped by department, text stays text, print-ready xlsx and HTML.

The HTML is also rendered in headless Chromium (DOM and A4-landscape PDF). Without Chromium those tests skip,
except under CI (env CI set), where a missing browser is a failure.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from formkit.config import DEFAULT_PHASES, Config, Department, Phase, Publication, Roster
from formkit.write.common import Styles, atomic_workbook
from formkit.write.publication import (
    PUBLIC_COLUMNS,
    public_columns,
    publication_rows,
    render_publication_html,
    write_publication,
    write_publication_sheet,
)

INSTITUTION = "示范职业技术学院"
SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x","y")'
AMP = "&amp;"
PERSON = "欧阳明远"          # a personal form's submitter: never public unless show_names
STAFF_NO = "20230117"
BASE_LABELS = [label for label, _ in PUBLIC_COLUMNS]


@dataclass
class FakeAnalysis:
    """What the publication reads of pipeline.Analysis: the configuration and the catalogue rows."""

    cfg: Config
    catalogue: list[dict] = field(default_factory=list)


def _row(dept: Department, n: int, *, level: str = "二级", post: str = "岗位", risk: str = "风险点",
         manifest: str = "表现形式", measure: str = "防控措施", category: str = "业务流程",
         person: str = "", staff_no: str = "") -> dict:
    personal = bool(person)
    return {
        "风险编号": f"{dept.code}-{'P' + staff_no if personal else 'B'}{n:02d}", "层级": "个人" if personal else "部门",
        "部门": dept.name, "岗位": post, "姓名": person, "风险类别": category, "风险点": risk,
        "主要表现形式": manifest, "风险等级": level, "涉及三重一大": "否", "关联权力事项": "", "责任人": person or "王责任",
        "关键环节": "", "防控措施": measure, "工作程序": "工作程序" if measure else "", "完成时限": "", "直接管理": "部门负责人",
        "监督负责": {"一级": "周院长", "二级": dept.leader}.get(level, dept.head),      # the level table "来源文件": f"inbox/{dept.name}/附件4.xlsx", "来源SHA256": "0" * 64,
        "来源位置": "附件4!E7", "提交时间": "", "措施来源文件": "", "措施来源位置": "",
        "_dept": dept.code, "_person": person, "_staff_no": staff_no, "_order": ("", n),
    }


def make_analysis(tmp_path: Path, **publication) -> FakeAnalysis:
    depts = [
        Department("DZB", "党政办公室", "党政部门", "李明", "张建国", 6),
        Department("CWC", "财务处", "党政部门", "赵强", "张建国", 5),
        Department("ZCC", "资产&后勤管理处", "党政部门", "孙伟", "陈海涛", 9),
        Department("TSG", "图书馆", "其他", "周静", "刘志远", 3),         # no risks: no group
    ]
    roster = Roster({d.code: d for d in depts})
    phases = {n: Phase(n, name, s, e) for n, (name, s, e) in DEFAULT_PHASES.items()}
    cfg = Config(root=tmp_path, institution=INSTITUTION, main_leader="周院长", campaign="2023年度廉政风险防控",
                 year=2023, phases=phases, roster_file="名册.xlsx", roster=roster,
                 publication=Publication(**publication))
    d, c, z = depts[0], depts[1], depts[2]
    # deliberately out of roster order: the publication groups by the roster
    catalogue = [
        _row(z, 1, level="一级", post="基建工程管理", risk="工程招投标违规", manifest=FORMULA, measure=AMP),
        _row(c, 1, level="一级", post="经费报销审核", risk="审核把关不严", manifest="拆分报销规避审批"),
        _row(c, 2, level="三级", post="收费管理", risk=SCRIPT, manifest="多行\n表现"),
        _row(d, 1, level="二级", post="公务接待", risk="超标准接待", manifest="陪餐人数超标"),
        _row(d, 2, level="三级", post="公务用车", risk="公车私用", manifest="节假日私用公车"),
        _row(d, 1, level="三级", post="文秘", risk="泄露未公开文件", manifest="私自复印文件",
             person=PERSON, staff_no=STAFF_NO),
    ]
    return FakeAnalysis(cfg, catalogue)


def _cells(ws) -> list[list]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def _all_values(ws) -> list[str]:
    return [str(v) for row in _cells(ws) for v in row if v is not None]


def _open_sheet(path: Path, name: str = "公示"):
    return openpyxl.load_workbook(path)[name]


# ------------------------------------------------------------------------------------------------ rows


def test_rows_grouped_by_roster_order_with_seq_restarting(tmp_path):
    rows = publication_rows(make_analysis(tmp_path))
    assert [(r["_dept"], r["序号"]) for r in rows] == [
        ("DZB", 1), ("DZB", 2), ("DZB", 3), ("CWC", 1), ("CWC", 2), ("ZCC", 1)]
    assert list(rows[0])[:len(BASE_LABELS)] == BASE_LABELS
    first = rows[0]
    assert first["单位/科室"] == "党政办公室" and first["部门负责人"] == "李明" and first["责任领导"] == "张建国"
    # 责任领导 answers for the risk by its level: 二级 the 分管领导, 一级 the 单位主要领导, 三级 the 部门负责人
    assert rows[-1]["部门负责人"] == "孙伟" and rows[-1]["责任领导"] == "周院长"
    assert rows[1]["责任领导"] == "李明"
    assert rows[-1]["主要表现形式"] == FORMULA and rows[-1]["防控措施"] == AMP
    # a person's measures (附件5) are filed with the office, not published (said, not left empty as if there were
    # none); the department's are, with their 工作程序 (plan, 第三阶段: 防控措施和相关工作程序……予以公开)
    assert [r["防控措施"] for r in rows if r["_dept"] == "DZB"] == ["防控措施", "防控措施", "（个人防控措施已报纪检监察室备案）"]
    assert [r["工作程序"] for r in rows if r["_dept"] == "DZB"] == ["工作程序", "工作程序", ""]


def test_departments_not_in_the_publication_are_named(tmp_path):
    """图书馆 has no risk (not sent, returned): named under the list, in the workbook and the page (it was simply
    missing, the list read as complete)."""
    analysis = make_analysis(tmp_path)
    xlsx, page = write_publication(analysis, tmp_path / "outbox")
    said = "以下部门暂无汇总的廉政风险点（尚未报送、退回修改或正在审核）：图书馆。"
    assert said in _all_values(_open_sheet(xlsx))
    assert said in page.read_text(encoding="utf-8") and said in render_publication_html(analysis)
    # … and printed: the print area holds its row (it stopped one row short: the printed 公示 read as complete)
    ws = _open_sheet(xlsx)
    at = next(c.row for row in ws.iter_rows() for c in row if c.value == said)
    area = ws.print_area[0] if isinstance(ws.print_area, list) else ws.print_area
    assert int(area.rsplit("$", 1)[-1]) >= at


def test_rows_carry_no_personal_data_by_default(tmp_path):
    analysis = make_analysis(tmp_path)
    assert public_columns(analysis) == PUBLIC_COLUMNS
    for row in publication_rows(analysis):
        assert "姓名" not in row and "工号" not in row and "联系电话" not in row
        assert PERSON not in map(str, row.values()) and STAFF_NO not in map(str, row.values())
        assert "王责任" not in row.values()          # 责任人 is not a public column
    # a person's own post would name them (one 文秘 in 党政办公室): blank on personal rows; a department's
    # 岗位(环节) is a step of its work and stays
    posts = {(r["_dept"], r["岗位"]) for r in publication_rows(analysis)}
    assert ("DZB", "文秘") not in posts and any(post for _, post in posts)


def test_rows_show_names_and_staff_no_when_configured(tmp_path):
    analysis = make_analysis(tmp_path, show_names=True, show_staff_no=True, show_phone=True)
    labels = [label for label, _ in public_columns(analysis)]
    assert labels[:5] == ["序号", "单位/科室", "岗位", "姓名", "工号"]
    assert "联系电话" not in labels             # the catalogue carries no phone numbers
    personal = next(r for r in publication_rows(analysis) if r["岗位"] == "文秘")
    assert personal["姓名"] == PERSON and personal["工号"] == STAFF_NO
    department_row = publication_rows(analysis)[0]
    assert department_row["姓名"] == "" and department_row["工号"] == ""


# ------------------------------------------------------------------------------------------------ xlsx


def test_xlsx_layout_values_and_text_safety(tmp_path):
    analysis = make_analysis(tmp_path)
    xlsx, page = write_publication(analysis, tmp_path / "outbox")
    assert xlsx == tmp_path / "outbox" / "公示" / "廉政风险目录（公示）.xlsx"
    assert page == tmp_path / "outbox" / "公示" / "廉政风险目录（公示）.html"
    ws = _open_sheet(xlsx)
    assert ws["A1"].value == f"{INSTITUTION}廉政风险目录（公示）"
    assert "2023年度廉政风险防控" in ws["A2"].value and "2023年5月16日" in ws["A2"].value   # phase 4 start
    assert ws["A3"].value == "共登记廉政风险点 6 个，其中一级 2 个、二级 1 个、三级 3 个。"
    assert [c.value for c in ws[4]] == BASE_LABELS

    merged = {str(r) for r in ws.merged_cells.ranges}
    last = get_column_letter(len(PUBLIC_COLUMNS))
    groups = {}
    for row in ws.iter_rows(min_row=5):
        text = row[0].value
        if isinstance(text, str) and "、" in text[:4] and f"A{row[0].row}:{last}{row[0].row}" in merged:
            assert row[0].font.b, f"group heading {text} should be bold"
            groups[text.split("　")[0]] = row[0].row
    assert list(groups) == ["一、党政办公室", "二、财务处", "三、资产&后勤管理处"]

    # data rows: 序号 restarts after each group heading; values land in the right columns
    dzb, cwc, zcc = groups.values()
    assert [ws.cell(r, 1).value for r in range(dzb + 1, cwc)] == [1, 2, 3]
    assert [ws.cell(r, 1).value for r in range(cwc + 1, zcc)] == [1, 2]
    assert [c.value for c in ws[zcc + 1]] == [1, "资产&后勤管理处", "基建工程管理", "业务流程", "工程招投标违规",
                                                 FORMULA, "一级", AMP, "工作程序", "孙伟", "周院长"]
    formula_cell = ws.cell(zcc + 1, 6)
    assert formula_cell.data_type == "s" and formula_cell.hyperlink is None
    assert ws.cell(zcc + 1, 7).font.b                                  # 一级 highlighted
    assert SCRIPT in _all_values(ws) and "多行\n表现" in _all_values(ws)
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f" and cell.hyperlink is None
    assert not ws._hyperlinks

    # no personal data by default
    assert not any(PERSON in v or STAFF_NO in v for v in _all_values(ws))
    assert "姓名" not in [c.value for c in ws[4]]


def test_a_risk_longer_than_a_row_shows_and_prints_from_its_start(tmp_path):
    """A 2,000-character 风险点 fills more than the tallest row Excel has (409 pt): centred, its beginning and its end
    were cut off the printed 公示; its row is aligned to the top (the others stay centred)."""
    analysis = make_analysis(tmp_path)
    long = "开头第一句。" + "中间内容，" * 400 + "\n结尾最后一句。"
    analysis.catalogue[1]["风险点"] = long
    xlsx, _ = write_publication(analysis, tmp_path / "outbox")
    ws = _open_sheet(xlsx)
    cell = next(c for row in ws.iter_rows() for c in row if c.value == long)
    assert ws.row_dimensions[cell.row].height >= 408 and cell.alignment.vertical == "top"
    short = next(c for row in ws.iter_rows() for c in row if c.value == "超标准接待")
    assert short.alignment.vertical == "center"


def test_xlsx_print_settings(tmp_path):
    xlsx, _ = write_publication(make_analysis(tmp_path), tmp_path / "outbox")
    ws = _open_sheet(xlsx)
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == "9"                      # A4
    assert ws.print_title_rows == "$4:$4"                           # the header row repeats on every page
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth or 1) == 1                     # absent means 1 (OOXML default)
    assert str(ws.page_setup.fitToHeight) == "0"
    assert ws.freeze_panes == "A5"
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"
    assert ws.column_dimensions["E"].width > ws.column_dimensions["A"].width
    assert all(ws.cell(r, 5).alignment.wrap_text for r in range(6, 9))


def test_xlsx_names_when_configured(tmp_path):
    xlsx, _ = write_publication(make_analysis(tmp_path, show_names=True), tmp_path / "outbox")
    ws = _open_sheet(xlsx)
    header = [c.value for c in ws[4]]
    assert header == ["序号", "单位/科室", "岗位", "姓名", *BASE_LABELS[3:]]
    personal = next(row for row in ws.iter_rows(min_row=5) if row[2].value == "文秘")
    assert personal[3].value == PERSON
    assert STAFF_NO not in _all_values(ws)                          # show_staff_no is still off


def test_sheet_in_an_open_workbook(tmp_path):
    """The consolidated workbook adds the same sheet among its own."""
    path = tmp_path / "all.xlsx"
    with atomic_workbook(path) as wb:
        wb.add_worksheet("说明").write_string(0, 0, "封面")
        write_publication_sheet(wb, Styles(wb), make_analysis(tmp_path), sheet_name="公示视图")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["说明", "公示视图"]
    assert book["公示视图"]["A1"].value == f"{INSTITUTION}廉政风险目录（公示）"


def test_empty_catalogue(tmp_path):
    analysis = make_analysis(tmp_path)
    analysis.catalogue = []
    xlsx, page = write_publication(analysis, tmp_path / "outbox")
    assert "暂无已登记的廉政风险点。" in _all_values(_open_sheet(xlsx))
    assert "暂无已登记的廉政风险点。" in page.read_text(encoding="utf-8")


def test_outputs_are_byte_identical_and_dated_by_config(tmp_path):
    analysis = make_analysis(tmp_path, date=date(2023, 6, 1))
    first = write_publication(analysis, tmp_path / "a")
    second = write_publication(analysis, tmp_path / "b" / "公示")       # the 公示 folder itself works too
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert "2023年6月1日" in _open_sheet(first[0])["A2"].value
    assert "2023年6月1日" in first[1].read_text(encoding="utf-8")
    assert not list((tmp_path / "a" / "公示").glob(".tmp-*"))


# ------------------------------------------------------------------------------------------------ HTML


def test_html_escapes_and_is_self_contained(tmp_path):
    page = render_publication_html(make_analysis(tmp_path))
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in page and '<meta charset="utf-8">' in page
    assert f"<title>{INSTITUTION}廉政风险目录（公示）</title>" in page
    assert "<script" not in page.lower()
    assert html.escape(SCRIPT, quote=False) in page
    assert "资产&amp;后勤管理处" in page and "&amp;amp;" in page
    assert FORMULA not in page and f"<td class=\"t\">{FORMULA}</td>" in html.unescape(page)
    # offline: no external assets, fonts, frames or scripts; in-page anchors only
    assert not re.search(r"<(link|img|iframe|object|embed)\b|@import|url\(|\bsrc\s*=", page, re.I)
    assert all(h.startswith("#") for h in re.findall(r'href="([^"]*)"', page))
    # print stylesheet and screen niceties
    assert re.search(r"@page\s*\{[^}]*size:\s*A4 landscape;\s*margin:\s*12mm", page)
    assert "display: table-header-group" in page and "break-inside: avoid" in page
    assert "position: sticky" in page and "nth-child(even)" in page
    assert page.count('<tr class="lv1">') == 2                      # the two 一级 rows
    # department sections with counts, a summary by level
    assert page.count('<section class="dept"') == 3 and "图书馆" not in page.split("<footer")[0]
    assert "共 3 项" in page and "共 2 项" in page and "共 1 项" in page
    # the heading names the department's 分管领导; 责任领导 is each row's own (by its level)
    assert "分管领导：张建国" in page and "责任领导：" not in page
    assert "共登记廉政风险点 <b>6</b> 个" in page and "一级 2" in page and "三级 3" in page


def test_html_personal_data(tmp_path):
    assert PERSON not in render_publication_html(make_analysis(tmp_path))
    shown = render_publication_html(make_analysis(tmp_path, show_names=True))
    assert "<th scope=\"col\">姓名</th>" in shown and PERSON in shown


# ------------------------------------------------------------------------------------------------ Chromium


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


@pytest.fixture
def chromium() -> str:
    path = CHROMIUM if os.access(CHROMIUM, os.X_OK) else shutil.which("chromium")
    if not path:
        why = f"headless Chromium not found ({CHROMIUM}; Debian package 'chromium')"
        if os.environ.get("CI"):
            pytest.fail(why + ": CI must install it")
        pytest.skip(why)
    return path


def _run_chromium(chromium: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    profile.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, timeout=180, check=False)
    return done


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.parts.append(data)


def test_chromium_renders_the_page(tmp_path, chromium):
    _, page = write_publication(make_analysis(tmp_path), tmp_path / "outbox")
    done = _run_chromium(chromium, tmp_path / "profile", "--dump-dom", page.as_uri())
    dom = done.stdout.decode("utf-8")
    assert "</table>" in dom, f"no DOM from Chromium (rc {done.returncode}): {done.stderr.decode(errors='replace')[-2000:]}"
    parser = _Text()
    parser.feed(dom)
    text = "".join(parser.parts)
    assert INSTITUTION in text and "资产&后勤管理处" in text and "审核把关不严" in text
    assert SCRIPT in text                        # shown as text …
    assert "script" not in parser.tags           # … never an element
    assert "<script" not in dom.lower()
    assert PERSON not in text


def _page_boxes(pdf: bytes) -> list[tuple[float, float]]:
    """(width, height) of each MediaBox, swapped where the page is rotated by 90 or 270 degrees."""
    number = rb"(-?\d+(?:\.\d+)?)"
    boxes = []
    for m in re.finditer(rb"/MediaBox\s*\[\s*" + rb"\s+".join([number] * 4) + rb"\s*\]", pdf):
        x0, y0, x1, y1 = (float(v) for v in m.groups())
        w, h = abs(x1 - x0), abs(y1 - y0)
        window = pdf[max(0, m.start() - 400): m.end() + 400]
        if re.search(rb"/Rotate\s+(90|270)\b", window):
            w, h = h, w
        boxes.append((w, h))
    return boxes


def test_chromium_prints_a4_landscape(tmp_path, chromium):
    _, page = write_publication(make_analysis(tmp_path), tmp_path / "outbox")
    pdf_path = tmp_path / "p.pdf"
    done = _run_chromium(chromium, tmp_path / "profile", f"--print-to-pdf={pdf_path}", "--no-pdf-header-footer",
                         page.as_uri())
    assert pdf_path.is_file(), f"no PDF (rc {done.returncode}): {done.stderr.decode(errors='replace')[-2000:]}"
    pdf = pdf_path.read_bytes()
    assert pdf.startswith(b"%PDF")
    boxes = _page_boxes(pdf)
    assert boxes, "no /MediaBox in the PDF"
    for w, h in boxes:
        assert w > h, f"page {w}x{h} is not landscape"
        assert abs(w - 841.9) <= 2 and abs(h - 595.3) <= 2, f"page {w}x{h} is not A4"


def test_row_heights_fit_the_wrapped_text():
    """The explicit row height of the 公示 sheet: one line while the text fits the column (14 wide characters in
    a column 28 wide), a line more for each further width of text, newlines counted, narrow characters half."""
    from formkit.write.common import _LINE_PT
    from formkit.write.common import row_height as _row_height

    def lines(text: str, width: float = 28.0) -> float:
        return (_row_height([text, "短"], [width, 9.0]) - 4) / _LINE_PT

    assert lines("风" * 14) == 1 and lines("风" * 15) == 2 and lines("风" * 29) == 3
    assert lines("a" * 28) == 1 and lines("a" * 29) == 2          # narrow characters: half the width
    assert lines("风险\n点\n") == 3 and lines("") == 1
    assert lines("😀" * 15) == 2                                   # beyond the BMP: wide too
    assert lines("风" * 15, width=38.0) == 1
    assert _row_height(["风" * 10_000], [28.0]) == 409.0            # Excel's largest row height
