"""Property-based round trips (Hypothesis) and the nothing-lost invariant of a mixed inbox.

1. Any text typed into 风险点 / 主要表现形式 (formula-like, links, XML-legal control characters, CJK, emoji,
   long, padded) comes out of merge in 风险目录 as the same text, modulo normalize.to_text, read back with
   openpyxl and python-calamine, and always as a plain string cell: never a formula, never a link.
2. generate → fill arbitrary values → read.read_workbook returns what was filled.
3. Every non-empty table row of every readable input is in the consolidated workbook (by 来源文件 and
   来源位置) or named by a finding of its input on that row, and that finding is in 问题清单.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from formkit import findings as F
from formkit import normalize
from formkit.config import load_config
from formkit.generate import generate_campaign
from formkit.merge import WORKBOOK_NAME, merge
from formkit.pipeline import analyse
from formkit.read import _DITTO, read_workbook
from formkit.spec import LEVELS
from formkit.validate import PLACEHOLDERS
from formkit.workspace import write_config, write_roster
from tests.conftest import DEPARTMENTS, STAFF
from tests.helpers import fill, form_sheet, table_header_row
from tests.test_rules import (
    FORMS,
    GOOD_HEADER,
    LEADERS,
    MEASURE5,
    MEASURE6,
    POWER,
    RISK3,
    RISK3B,
    RISK4,
    RISK4B,
    blank,
    check_messages,
    pick,
    submit,
)

PROPS = settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])

# -- text people type ---------------------------------------------------------------------------------------

# Everything XML 1.0 can carry: no surrogates, no C0 controls other than tab/newline/return, no U+FFFE/FFFF.
XML_CHARS = st.characters(exclude_categories=("Cs",),
                          exclude_characters=[chr(c) for c in range(0x20) if c not in (9, 10, 13)] + ["\ufffe",
                                                                                                      "\uffff"])
FLAVOURS = st.sampled_from([
    "风险", "廉政风险点：", "收受礼品礼金", "😀", "👨‍👩‍👧", "𠀀𪚥", "Ⅰ级", "１２３", "（全角括号）", "\u3000", "\u00a0",
    " ", "\t", "\n", "\r\n", "\x85", "\u2028", "\x7f", "\x9f", "\u200b", "\ufeff", "'", '"', "<b>&amp;</b>",
    # what the reader looks for: labels, notes, "label：value"
    "本人签字", "审定日期", "风险点", "风险等级", "序号", "注：", "填表说明", "姓名：", "部门负责人",
])
PREFIXES = st.sampled_from(["", "", "=", "+", "-", "@", "=1+1", "=HYPERLINK(\"http://x.cn\",\"点击\")", "http://",
                            "https://example.com/a?b=1&c=中文", "mailto:a@b.cn", "#N/A", "#REF!", "'", " ", "\n", "="])
TEXT = st.builds(lambda prefix, parts: prefix + "".join(parts), PREFIXES,
                 st.lists(st.one_of(st.text(XML_CHARS, max_size=40), FLAVOURS), max_size=12))
LONG_TEXT = st.builds(lambda s, n: (s * n)[:300], st.text(XML_CHARS, min_size=1, max_size=20), st.integers(1, 40))
CELL_TEXT = st.one_of(TEXT, TEXT, LONG_TEXT).filter(
    # the openpyxl filler writes "_x0041_" unescaped, which every reader (and Excel) then decodes to "A":
    # such text cannot be typed through openpyxl, so it says nothing about formkit
    lambda s: len(s) <= 300 and not re.search(r"_x[0-9A-Fa-f]{4}_", s))


def typed_text(ws, row: int, col: int, value: str) -> None:
    """Put text into a cell as text, the way Excel stores what a person types with a leading apostrophe
    (openpyxl would otherwise make "=…" a formula and "#N/A" an error value)."""
    cell = ws.cell(row, col)
    cell.value = value
    cell.data_type = "s"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A campaign folder with 张伟's blank 附件3, copied afresh for every example."""
    root = tmp_path_factory.mktemp("props") / "campaign"
    root.mkdir()
    (root / "inbox").mkdir()
    write_config(root, institution="测试职业学院", main_leader="周校长", campaign="2023年度廉政风险防控", year=2023)
    write_roster(root / "名册.xlsx", DEPARTMENTS, STAFF)
    cfg = load_config(root)
    shutil.copyfile(blank(cfg, "附件3", "JWC", "张伟"), root / "附件3_张伟.xlsx")
    shutil.rmtree(root / "blank")
    return root


def fresh(template: Path, into: str) -> tuple[Path, object]:
    root = Path(into) / "campaign"
    shutil.copytree(template, root)
    return root, load_config(root)


def fill_texts(form: Path, dst: Path, texts: list[tuple[str, str]]) -> None:
    fill(form, dst, header=GOOD_HEADER["附件3"])
    wb = openpyxl.load_workbook(dst)
    ws = form_sheet(wb)
    hr, cols = table_header_row(ws, [c.label for c in FORMS["附件3"].columns])
    for i, (risk, manifest) in enumerate(texts):
        r = hr + 1 + i
        ws.cell(r, cols["风险类别"]).value = "岗位职责"
        ws.cell(r, cols["风险等级"]).value = "二级"
        typed_text(ws, r, cols["风险点"], risk)
        typed_text(ws, r, cols["主要表现形式"], manifest)
    wb.save(dst)


@PROPS
@given(texts=st.lists(st.tuples(CELL_TEXT.filter(lambda s: normalize.to_text(s) != "" and  # (a 风险点 "-": no risk;
                                                 normalize.to_text(s).strip() not in PLACEHOLDERS and   # " alone:
                                                 not _DITTO.fullmatch(normalize.to_text(s).strip())),  # 同上
                                        # (nor a 主要表现形式 that is a ditto mark alone, " or 同上: in the first row it
                                        # has nothing above to repeat, an error)
                                        CELL_TEXT.filter(lambda s: not _DITTO.fullmatch(normalize.to_text(s).strip()))),
                      min_size=1, max_size=4))
def test_typed_text_reaches_the_catalogue_unchanged_and_as_text(template, texts):
    with tempfile.TemporaryDirectory(dir=template.parent) as tmp:
        root, cfg = fresh(template, tmp)
        fill_texts(root / "附件3_张伟.xlsx", root / "inbox/张伟.xlsx", texts)
        result = merge(cfg)
        (res,) = result.analysis.inputs
        assert res.status == "accepted", [(f.code, f.cell, f.value) for f in res.findings]
        check_messages(res.findings)
        out = root / "outbox" / WORKBOOK_NAME
        want = []
        for r, m in ((normalize.to_text(r), normalize.to_text(m)) for r, m in texts):
            if want and r == want[-1][0] and m and m != want[-1][1]:
                # the row above's 风险点 again, no 序号, another 主要表现形式: its next line (row-repeated)
                want[-1] = (r, f"{want[-1][1]}\n{m}" if want[-1][1] else m)
            else:
                want.append((r, m))
        # a row repeating an earlier one word for word is catalogued once (duplicate-row), not one whose 风险点 folds to
        # nothing (a quote mark alone: no main column to tell rows apart by)
        firsts = {}
        for i, (r, m) in enumerate(want):
            firsts.setdefault((normalize.fold(r), normalize.fold(m)) if normalize.fold(r) else i, (r, m))
        want = list(firsts.values())

        ws = openpyxl.load_workbook(out)["风险目录"]
        head = [c.value for c in ws[1]]
        risk_col, manifest_col = head.index("风险点"), head.index("主要表现形式")
        rows = list(ws.iter_rows(min_row=2))
        assert [(r[risk_col].value, r[manifest_col].value or "") for r in rows] == want
        for r in rows:
            for cell in (r[risk_col], r[manifest_col]):
                if cell.value is not None:
                    assert cell.data_type == "s" and cell.hyperlink is None, (cell.coordinate, cell.value)
        assert not ws._hyperlinks

        grid = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("风险目录").to_python()
        assert [(g[risk_col], g[manifest_col]) for g in grid[1:]] == want


# -- generate → fill → read_workbook ----------------------------------------------------------------------------

A3 = FORMS["附件3"]
HEADER_LABELS = {normalize.label_key(x) for f in (*A3.header, *A3.signoff) for x in (f.label, *f.aliases)}


def plain_header_text(s: str) -> bool:
    """A header value that does not read as a label itself, nor as "label：value"."""
    m = re.match(r"^(.{1,12}?)[:：]", normalize.to_text(s), re.S)
    return normalize.label_key(s) not in HEADER_LABELS and not (m and normalize.label_key(m[1]) in HEADER_LABELS)


# (a cell of 〃 or " alone is 同上, the value above it: read as such, not as the text typed)
ROW_TEXT = CELL_TEXT.filter(lambda s: not _DITTO.fullmatch(normalize.to_text(s).strip()))
ROW = st.fixed_dictionaries({
    "风险类别": st.sampled_from(A3.column("category").choices),
    "风险点": ROW_TEXT,
    "主要表现形式": ROW_TEXT,
    "风险等级": st.sampled_from([*LEVELS, "高", "1", "Ⅱ级", "三级风险", "特级"]),
    "涉及“三重一大”": st.sampled_from(["是", "否", ""]),
    "备注": ROW_TEXT,
})


@PROPS
@given(post=CELL_TEXT.filter(plain_header_text), day=st.one_of(st.none(), st.dates(date(2000, 1, 1), date(2099, 12, 31))),
       rows=st.lists(ROW, min_size=1, max_size=6), sign=CELL_TEXT.filter(plain_header_text))
@example(post="", day=None, sign="", rows=[   # (a risk typed again for its second 主要表现形式: one risk, row-repeated)
    {"风险类别": "思想道德", "风险点": "0", "主要表现形式": "", "风险等级": "一级", "涉及“三重一大”": "是", "备注": ""},
    {"风险类别": "思想道德", "风险点": "0", "主要表现形式": "=", "风险等级": "一级", "涉及“三重一大”": "是", "备注": ""}])
def test_generate_fill_read_returns_what_was_filled(template, post, day, rows, sign):
    with tempfile.TemporaryDirectory(dir=template.parent) as tmp:
        dst = Path(tmp) / "filled.xlsx"
        fill(template / "附件3_张伟.xlsx", dst, header={"填表日期": day or ""})
        wb = openpyxl.load_workbook(dst)
        ws = form_sheet(wb)
        post_cell = next(c for r in ws.iter_rows() for c in r if c.value == "岗位")
        typed_text(ws, post_cell.row, post_cell.column + 1, post)
        sign_cell = next(c for r in ws.iter_rows() for c in r if c.value == "本人签字")
        typed_text(ws, sign_cell.row, sign_cell.column + 1, sign)
        hr, cols = table_header_row(ws, [c.label for c in A3.columns])
        for i, row in enumerate(rows):
            for label, value in row.items():
                typed_text(ws, hr + 1 + i, cols[label], value)
        wb.save(dst)

        sub = read_workbook(dst.read_bytes(), "xlsx", FORMS)
        assert sub.identity is not None and sub.identity.person == "张伟"
        assert normalize.to_text(sub.header["post"]) == normalize.to_text(post)
        assert normalize.to_text(sub.signoff["self_sign"]) == normalize.to_text(sign)
        assert sub.header["date"] in (day or "", )
        label = {c.key: c.label for c in A3.columns}
        got = [{label[k]: normalize.to_text(v) for k, v in r.values.items() if k != "seq"} for r in sub.rows]
        # a row is read when any of its cells shows something (the category always does); one typed again but for
        # another 主要表现形式 is its next line (row-repeated), the cell it came from where the row above had none
        want: list[dict] = []
        at: list[dict] = []             # each row read: the offset of the typed row each of its cells comes from
        for i, row in enumerate(rows):
            typed = {k: normalize.to_text(v) for k, v in row.items()}
            more, above = typed["主要表现形式"], want[-1] if want else None
            if above and typed["风险点"] and more and more != above["主要表现形式"] and all(
                    typed[k] == above[k] for k in typed if k != "主要表现形式"):
                if not above["主要表现形式"]:
                    at[-1]["主要表现形式"] = i
                above["主要表现形式"] = f"{above['主要表现形式']}\n{more}" if above["主要表现形式"] else more
            else:
                want.append(typed)
                at.append(dict.fromkeys(typed, i))
        assert got == want
        for r, offsets in zip(sub.rows, at, strict=True):
            assert r.excel_row == hr + 1 + offsets["风险点"]
            assert {k: ref for k, ref in r.refs.items()} == {
                k: f"{openpyxl.utils.get_column_letter(cols[label[k]])}{hr + 1 + offsets.get(label[k], offsets['风险点'])}"
                for k in r.refs}


# -- nothing is lost --------------------------------------------------------------------------------------------


def _mixed_inbox(cfg) -> None:
    """accepted, returned, superseded, duplicate and rejected inputs, risks and measures."""
    inbox = cfg.inbox
    submit(cfg, "附件1", name="领导小组.xlsx", rows=LEADERS)
    submit(cfg, "附件2", "JWC", name="教务处_权力清单.xlsx", rows=[POWER, {**POWER, "权力事项": "教材选用",
                                                                   "权力类别": "决策", "涉及“三重一大”": "是"}])
    submit(cfg, "附件2", "CWC", name="财务处_权力清单.xlsx", rows=[{**POWER, "权力事项": "报销审核"},
                                                                {**POWER, "权力事项": "预算编制", "权力类别": "审批"}])
    zw = submit(cfg, "附件3", "JWC", "张伟", name="张伟.xlsx", rows=[RISK3, RISK3B])
    wb = openpyxl.load_workbook(zw)   # one more row typed below the sign-off block
    ws = form_sheet(wb)
    _, cols = table_header_row(ws, [c.label for c in FORMS["附件3"].columns])
    below = ws.max_row + 2
    for label, v in {**RISK3, "风险点": "续写在签字栏下面的风险点"}.items():
        ws.cell(below, cols[label]).value = v
    wb.save(zw)
    shutil.copyfile(zw, inbox / "张伟_再次发送.xlsx")                                   # duplicate
    submit(cfg, "附件3", "JWC", "李娜", name="李娜_初稿.xlsx", header={"填表日期": date(2023, 3, 2)},
           rows=[RISK3])                                                                 # superseded
    submit(cfg, "附件3", "JWC", "李娜", name="李娜_定稿.xlsx", header={"填表日期": date(2023, 3, 6)},
           rows=[RISK3, {**RISK3B, "风险点": "考试期间受人情干扰"}])
    submit(cfg, "附件3", "CWC", "王磊", name="王磊.xlsx", rows=[RISK3, {**RISK3B, "风险等级": "很高"}])  # returned
    submit(cfg, "附件4", "JWC", name="教务处_风险点.xlsx",
           rows=[RISK4, {**RISK4B, "岗位(环节)": "部门负责人", "关联权力事项": "", "涉及“三重一大”": ""},
                 {**RISK4, "风险点": "阅卷不公", "关联权力事项": "阅卷"}])
    (inbox / "坏文件.xlsx").write_bytes(b"PK\x03\x04 not really a zip")                 # rejected
    paths = generate_campaign(cfg, "measures", departments=["JWC"], accepted=analyse(cfg))
    submit(cfg, "附件5", src=pick(paths, "附件5", "张伟"), name="张伟_措施.xlsx",
           by_risk_id={"JWC-0012-01": MEASURE5, "JWC-0012-02": MEASURE5, "JWC-0012-03": MEASURE5})
    submit(cfg, "附件5", src=pick(paths, "附件5", "李娜"), name="李娜_措施.xlsx",            # a measure in
           by_risk_id={"JWC-0013-01": MEASURE5, "JWC-0013-02": MEASURE5},               # a row of its own:
           rows=[{"防控措施": "另起一行补充的措施", "完成时限": "2023-06-01"}])          # the risk above's
    submit(cfg, "附件6", src=pick(paths, "附件6", "教务处"), name="教务处_措施.xlsx",
           by_risk_id={"JWC-B01": MEASURE6, "JWC-B02": {**MEASURE6, "关键环节": "审批"}, "JWC-B03": MEASURE6})


def _sheet_rows(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    top = next(i for i, r in enumerate(rows) if "来源文件" in r or "文件" in r)
    return [dict(zip(rows[top], r, strict=False)) for r in rows[top + 1:]]


def _row_number(ref: str) -> int:
    return int(re.sub(r"^.*!", "", ref).lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))


def _table_rows(data: bytes, form: str, sheet: str) -> list[int]:
    """The non-empty table rows of a returned form, found independently of formkit's reader."""
    import io

    spec = FORMS[form]
    ws = openpyxl.load_workbook(io.BytesIO(data))[sheet]
    hr, cols = table_header_row(ws, [c.label for c in spec.columns])
    signoff = {f.label for f in spec.signoff}
    data_cols = [cols[c.label] for c in spec.columns if c.type != "seq" and c.label in cols]
    out = []
    for r in range(hr + 1, ws.max_row + 1):
        cells = [ws.cell(r, c).value for c in range(1, ws.max_column + 1)]
        if any(v in signoff for v in cells) or str(cells[0] or "").startswith("填表说明"):
            continue
        if any(normalize.to_text(ws.cell(r, c).value) for c in data_cols):
            out.append(r)
    return out


def test_nothing_is_lost(cfg):
    _mixed_inbox(cfg)
    result = merge(cfg)
    inputs = {Path(r.path).name: r for r in result.analysis.inputs}
    assert {name: r.status for name, r in inputs.items()} == {
        "领导小组.xlsx": "accepted", "教务处_权力清单.xlsx": "accepted", "财务处_权力清单.xlsx": "returned",
        "张伟.xlsx": "accepted", "张伟_再次发送.xlsx": "duplicate", "李娜_初稿.xlsx": "superseded",
        "李娜_定稿.xlsx": "accepted", "王磊.xlsx": "returned", "教务处_风险点.xlsx": "accepted",
        "坏文件.xlsx": "rejected", "张伟_措施.xlsx": "accepted", "李娜_措施.xlsx": "accepted",
        "教务处_措施.xlsx": "returned",
    }
    book = openpyxl.load_workbook(cfg.outbox / WORKBOOK_NAME, read_only=True)
    merged: set[tuple[str, int]] = set()
    for name in ("风险目录", "权力清单", "领导小组"):
        for row in _sheet_rows(book[name]):
            merged.add((row["来源文件"], _row_number(row["来源位置"])))
            if row.get("措施来源文件"):      # (a risk answered by several rows names each: 附件5!E9；附件5!E11)
                merged.update((row["措施来源文件"], _row_number(where)) for where in row["措施来源位置"].split("；"))
    issues = {(r["文件"], r["代码"], r["单元格"] or None) for r in _sheet_rows(book["问题清单"])}
    book.close()

    checked_rows = 0
    for res in result.analysis.inputs:
        if res.status == "duplicate":     # not read again: its twin's rows stand for it
            twin = next(r for r in result.analysis.inputs if r.path == res.duplicate_of)
            assert twin.sha256 == res.sha256 and (res.path, F.DUPLICATE_FILE, None) in issues
            continue
        if res.checked is None:
            assert res.status == "rejected" and {(res.path, f.code, None) for f in res.findings} <= issues
            continue
        for r in _table_rows(res.raw.data, res.form, res.checked.sub.sheet):
            checked_rows += 1
            if (res.path, r) in merged:
                continue
            named = [f for f in res.findings if f.cell and _row_number(f.cell) == r
                     and (f.code == F.ROW_NOT_MERGED or f.severity == F.ERROR)]
            assert named, f"{res.path} row {r} ({res.status}) is neither merged nor named"
            assert all((res.path, f.code, f.cell) in issues for f in named)
        if res.status == "accepted":
            assert all((res.path, r) in merged for r in _table_rows(res.raw.data, res.form, res.checked.sub.sheet))
    assert checked_rows == 27
    # every finding of every input is listed in 问题清单
    assert {(r.path, f.code, f.cell) for r in result.analysis.inputs for f in r.findings} == issues


def test_corrects_is_a_digest_or_nothing():
    """A program retyping the custom properties may turn corrects' "-" into false or 0: that corrects nothing (it
    made an ordinary form a 'correction', whose 填表日期 was then ignored)."""
    from formkit.identity import Identity

    base = {"form": "附件3", "version": "1", "campaign": "c", "department": "JWC"}
    for value in ("false", "0", "-", "", "FALSE", "not-a-digest-0123"):
        assert Identity.from_mapping({**base, "corrects": value}).corrects == "", value
    assert Identity.from_mapping({**base, "corrects": "0123456789ABCDEF"}).corrects == "0123456789abcdef"
