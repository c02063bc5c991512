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
from tests.helpers import fill
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


def _ods_with_rows(rows_xml: bytes, tables: bytes = b"") -> bytes:
    """hostile.tiny_ods with its table's rows replaced (and more tables after it)."""
    import io
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(hostile.tiny_ods()))
    content = src.read("content.xml")
    start = content.index(b"<table:table-row")
    end = content.rindex(b"</table:table>")
    content = content[:start] + rows_xml + content[end:end + len(b"</table:table>")] + tables + \
        content[end + len(b"</table:table>"):]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in src.namelist():
            z.writestr(name, content if name == "content.xml" else src.read(name),
                       compress_type=zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_repeated_cells_of_an_ods_count_as_the_cells_they_stand_for():
    """An .ods declares cells with number-rows-repeated / number-columns-repeated: 27 KB can ask for 100,000 x 100
    cells (a reader went to 1.8 GB and died). Checked against the caps of an .xlsx sheet, and summed over sheets;
    LibreOffice's own trailing empty rows (repeated to the last row) are no problem."""
    from formkit.safety import check_workbook

    cell = b'<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'
    wide = b'<table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated=' \
           b'"16384" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>'
    assert check_workbook(_ods_with_rows(wide), "ods").code == "file-too-large"
    many = b"".join(b'<table:table table:name="S%d"><table:table-row table:number-rows-repeated="100000">'
                    b'<table:table-cell table:number-columns-repeated="100" office:value-type="string"><text:p>y'
                    b'</text:p></table:table-cell></table:table-row></table:table>' % i for i in range(20))
    assert check_workbook(_ods_with_rows(b"<table:table-row>" + cell + b"</table:table-row>", many),
                          "ods").code == "file-too-large"
    trailing = b'<table:table-row>' + cell + b'</table:table-row><table:table-row table:number-rows-repeated=' \
               b'"1048575"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    assert check_workbook(_ods_with_rows(trailing), "ods") is None


def test_a_form_of_thousands_of_rows_and_damaged_files_are_said_in_chinese(cfg, workdir):
    """A personal form whose row was dragged down 6,000 rows is no form (it made 200,000 catalogue rows and
    findings): file-too-large. A damaged file's reason is Chinese, not the parser's English."""
    from formkit.generate import FormContent, header_prefill, identity_for, write_form
    from formkit.spec import load_forms

    spec = load_forms()["附件3"]
    dept = cfg.roster.departments["JWC"]
    person = next(p for p in cfg.roster.staff if p.name == "张伟")
    row = {"category": "岗位职责", "risk": "重复的风险点", "manifest": "重复", "level": "三级"}
    write_form(workdir / "inbox/拖动填充.xlsx", spec, cfg, identity_for(spec, cfg, dept, person),
               FormContent(header=header_prefill(spec, cfg, dept, person), rows=[row] * 6001), department=dept)
    broken = bytearray(hostile.legacy_xls())
    broken[600:700] = b"\xff" * 100
    (workdir / "inbox/坏的.xls").write_bytes(bytes(broken))
    code, report = _merge(workdir)
    by_path = {i["path"]: i for i in report["inputs"]}
    big = by_path["inbox/拖动填充.xlsx"]
    assert big["status"] == "rejected" and [f["code"] for f in big["findings"]] == ["file-too-large"]
    assert "超过 5000 行" in big["findings"][0]["message"]
    for i in report["inputs"]:
        for f in i["findings"]:
            assert not re.search(r"[A-Za-z]{4,}Error|Cannot|not found", f["message"]), f["message"]


def test_dates_off_the_calendar_do_not_stop_the_merge(cfg, workdir):
    """A mail dated 31 Dec 9999 (a day that is none in 北京时间), or a Received header of it, stopped the whole merge with
    an internal error and no outputs: the mail's form is merged, its time taken from nothing it cannot be."""
    from formkit.generate import generate_campaign
    from tests.test_roundtrip import _find

    paths = generate_campaign(cfg, "risks")
    rows = [{"风险类别": "岗位职责", "风险点": "考务泄密", "风险等级": "二级"}]
    form = fill(_find(paths, "附件3", "李娜"), workdir / "a3.xlsx", rows=rows).read_bytes()
    inbox = workdir / "inbox"
    (inbox / "1.eml").write_bytes(hostile.make_eml([("附件3_李娜.xlsx", form)], date="Fri, 31 Dec 9999 20:00:00 +0000"))
    (inbox / "2.eml").write_bytes(hostile.make_eml([("附件3_张伟.xlsx", fill(
        _find(paths, "附件3", "张伟"), workdir / "b3.xlsx", rows=rows).read_bytes())], date="不详").replace(
        b"From: ", b"Received: from mx by mail.example.edu.cn; Fri, 31 Dec 9999 23:59:59 -1200\r\nFrom: ", 1))
    code, report = _merge(workdir)
    assert code == 0
    assert {i["path"]: (i["status"], i["submitted_at"]) for i in report["inputs"]} == {
        "inbox/1.eml!附件3_李娜.xlsx": ("accepted", None), "inbox/2.eml!附件3_张伟.xlsx": ("accepted", None)}


def test_formkits_own_outputs_put_back_into_the_inbox_are_no_forms(cfg, workdir):
    """The consolidated workbook and the publication, copied back into inbox/ (a leader's copy mailed back): the
    consolidated workbook was accepted as 附件1 and replaced the real one (its 领导小组 sheet shows 附件1's labels), the
    publication read as a 附件3. Both are said to be formkit's own outputs; nobody is sent a reply about them."""
    from formkit.merge import merge

    fill_risk_stage(cfg, workdir / "inbox")
    merge(cfg)
    (workdir / "inbox/领导转回").mkdir()
    shutil.copy(workdir / "outbox/廉政风险目录.xlsx", workdir / "inbox/领导转回/廉政风险目录.xlsx")
    shutil.copy(next((workdir / "outbox/公示").glob("*.xlsx")), workdir / "inbox/领导转回/公示.xlsx")
    result = merge(cfg)
    by_path = {r["path"]: r for r in result.report["inputs"]}
    for name in ("廉政风险目录.xlsx", "公示.xlsx"):
        got = by_path[f"inbox/领导转回/{name}"]
        assert got["status"] == "rejected" and [f["code"] for f in got["findings"]] == ["file-is-output"]
    assert by_path["inbox/附件1.xlsx"]["status"] == "accepted"
    assert result.analysis.leaders and all(r["来源文件"] == "inbox/附件1.xlsx" for r in result.analysis.leaders)
    assert not [p for p in result.outputs["mail_drafts"] if "领导转回" in p or "公示_反馈" in p or "目录_反馈" in p]


def test_the_rest_of_formkits_own_outputs_in_the_inbox_are_no_submissions(cfg, workdir):
    """outbox/templates/, a chase draft, report.json and the 公示 page copied into inbox/ by mistake: the blank forms
    and the drafts are skipped, report.json and the page are said to be formkit's own; no reply is drafted to any
    department about them (a blank 附件3 was "returned" to 教务处 for 张伟, who had sent nothing, a chase draft answered
    as a mail without its form)."""
    from formkit.generate import generate_campaign
    from formkit.merge import merge

    generate_campaign(cfg)
    fill_risk_stage(cfg, workdir / "inbox")
    replies = sorted(merge(cfg).outputs["mail_drafts"])
    mistaken = workdir / "inbox/误放"
    shutil.copytree(workdir / "outbox/templates", mistaken / "templates")
    chase = next((workdir / "outbox/催报").glob("*.eml"))
    shutil.copy(chase, mistaken / chase.name)
    shutil.copy(workdir / "outbox/report.json", mistaken / "report.json")
    shutil.copy(next((workdir / "outbox/公示").glob("*.html")), mistaken / "公示.html")
    before = merge(cfg)
    by_path = {r["path"]: r for r in before.report["inputs"]}
    mine = {p: r for p, r in by_path.items() if p.startswith("inbox/误放/")}
    assert {p: [f["code"] for f in r["findings"]] for p, r in mine.items()} == {
        "inbox/误放/report.json": ["file-is-output"], "inbox/误放/公示.html": ["file-is-output"]}
    skipped = {s.path: s.reason for s in before.analysis.skipped}
    assert any("templates" in p and "空白表单" in why for p, why in skipped.items())
    assert any(p.endswith(chase.name) and "邮件草稿" in why for p, why in skipped.items())
    assert sorted(before.outputs["mail_drafts"]) == replies          # no reply about any of them


def test_blank_forms_of_the_notice_quoted_or_forwarded_with_a_filled_form_are_no_submissions(cfg, workdir):
    """教务处 answers the office's notice with its filled 附件4, the notice attached as it came (message/rfc822, the blank
    附件2, 附件4 and its staff's 附件3 in it), and a plain forward carrying the blank forms beside the filled one: the
    blank forms are skipped (they were returned: 附件2 退回, 0/3（退回） for people who sent nothing, four replies)."""
    import email.message
    import email.policy

    from formkit.generate import generate_campaign
    from formkit.merge import merge

    paths = generate_campaign(cfg, "risks", departments=["JWC"])
    blanks = [p for p in paths if p.parent.name == "教务处"]
    assert len(blanks) >= 4
    notice = email.message.EmailMessage()
    notice["From"], notice["To"] = "纪检监察室 <office@example.edu.cn>", "jwc@example.edu.cn"
    notice["Subject"], notice["Date"] = "关于开展廉政风险防控工作的通知", "Wed, 01 Mar 2023 09:00:00 +0800"
    notice.set_content("各部门：请填写附件并报送。")
    for p in blanks:
        notice.add_attachment(p.read_bytes(), maintype="application", subtype="octet-stream", filename=p.name)
    a4 = next(p for p in blanks if "附件4" in p.name)
    filled = fill(a4, workdir / "filled.xlsx", rows=[
        {"岗位(环节)": "考务", "关联权力事项": "考试管理", "风险类别": "业务流程", "风险点": "泄露考试试题",
         "主要表现形式": "考前透露题目", "风险等级": "二级", "涉及“三重一大”": "否", "责任人": "李娜"}])

    def reply(forward: bool) -> bytes:
        m = email.message.EmailMessage()
        m["From"], m["To"] = "教务处 <jwc@example.edu.cn>", "office@example.edu.cn"
        m["Subject"] = ("转发: " if forward else "答复: ") + notice["Subject"]
        m["Date"] = "Mon, 20 Mar 2023 09:00:00 +0800"
        m.set_content("附件4已填好，请查收。")
        m.add_attachment(filled.read_bytes(), maintype="application", subtype="octet-stream", filename="附件4_已填.xlsx")
        if forward:
            for p in blanks:
                m.add_attachment(p.read_bytes(), maintype="application", subtype="octet-stream", filename=p.name)
        else:
            m.add_attachment(notice)
        return m.as_bytes(policy=email.policy.SMTP)

    for forward in (False, True):
        for old in cfg.inbox.iterdir():
            old.unlink()
        (cfg.inbox / "教务处回复.eml").write_bytes(reply(forward))
        result = merge(cfg)
        by_status = {r.path: r.status for r in result.analysis.inputs}
        assert by_status == {"inbox/教务处回复.eml!附件4_已填.xlsx": "accepted"}, (forward, by_status)
        assert sum("空白表单" in s.reason for s in result.analysis.skipped) == len(blanks)
        assert result.exit_code == 0
        assert not [p for p in result.outputs["mail_drafts"] if "/反馈/" in p and "附件4_已填" not in p]
