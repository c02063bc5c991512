"""The command line: Chinese help for every command, documented in the README, exit codes of the contract."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from formkit.cli import COMMANDS, main

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "formkit", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_chinese_help_and_is_in_the_readme(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"用法：formkit {command} ")
    assert "显示帮助并退出" in out
    assert "options" not in out and "usage" not in out
    description = out.split("\n\n")[1]
    assert CJK.search(description), description
    assert f"`formkit {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_top_level_help_lists_commands_in_chinese():
    result = run("--help")
    assert result.returncode == 0
    assert "廉政风险防控" in result.stdout
    for command in COMMANDS:
        assert command in result.stdout


@pytest.mark.parametrize("args, says", [
    (["generate", "--stage", "x"], "参数 --stage：无效的取值 'x'"),
    (["merge", "--bogus"], "无法识别的参数：--bogus"),
    (["check"], "缺少必需的参数：文件"),
    (["bogus"], "无效的取值 'bogus'"),
])
def test_usage_errors_in_chinese(args, says):
    result = run(*args)
    assert result.returncode == 2
    assert says in result.stderr and "错误" in result.stderr, result.stderr
    assert "error" not in result.stderr and "usage" not in result.stderr


def test_dir_and_quiet_before_the_command(workdir, tmp_path):
    """formkit --dir 活动 merge (as git -C is written) said the folder was no command name; -q before it, unknown."""
    done = run("--dir", str(workdir), "-q", "merge", cwd=tmp_path)
    assert done.returncode == 0 and (workdir / "outbox/report.json").is_file(), done.stdout + done.stderr
    assert "汇总工作簿" not in done.stdout                   # quiet
    other = tmp_path / "另一个"
    done = run("--dir", str(other), "merge", "--dir", str(workdir), cwd=tmp_path)     # the command's own wins
    assert done.returncode == 0 and not other.exists(), done.stdout + done.stderr


def test_generate_after_a_department_is_renamed_says_the_forms_sent_stay_good(workdir):
    """教务处 renamed 教务部 in the roster (same code) after its forms went out: generate writes them again under the new
    name; it said they were new and to be sent, and the ones sent "no longer apply", and the coordinator sent the
    department every form again (merge takes the ones sent as the department's: department-renamed)."""
    assert run("generate", "--dir", str(workdir), "-q").returncode == 0
    roster = workdir / "名册.xlsx"
    wb = openpyxl.load_workbook(roster)
    next(c for row in wb["部门"].iter_rows() for c in row if c.value == "教务处").value = "教务部"
    wb.save(roster)
    done = run("generate", "--dir", str(workdir))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "没有需要发出的表单" in done.stdout and "部门在名册中改名后按新名称重新生成" in done.stdout, done.stdout
    assert "份是新的" not in done.stdout and "不再适用" not in done.stdout, done.stdout
    assert not (workdir / "outbox/templates/教务处").exists() and any((workdir / "outbox/templates/教务部").iterdir())
    # renamed again, one person's 岗位 changed with it: that form differs beyond the name (to send), the others not
    wb = openpyxl.load_workbook(roster)
    next(c for row in wb["部门"].iter_rows() for c in row if c.value == "教务部").value = "教务处"
    next(c for row in wb["人员"].iter_rows() for c in row if c.value == "考务专员").value = "考务科副科长"
    wb.save(roster)
    done = run("generate", "--dir", str(workdir))
    assert "1 份是新的（教务处/附件3_个人岗位风险点自查表_李娜_0013.xlsx）" in done.stdout, done.stdout
    assert "部门在名册中改名后按新名称重新生成" in done.stdout, done.stdout


def test_generate_after_a_person_moved_says_the_form_they_had_still_counts(workdir):
    """李娜 moved from 教务处 to 财务处 in the roster: her 附件3 written under 财务处 was "new, to send" (and the one she had
    "no longer applies"): filled again, it replaced her accepted risks, where merge takes the one she had as hers."""
    assert run("generate", "--dir", str(workdir), "-q").returncode == 0
    roster = workdir / "名册.xlsx"
    wb = openpyxl.load_workbook(roster)
    cell = next(c for row in wb["人员"].iter_rows() for c in row if c.value == "李娜")
    wb["人员"].cell(cell.row, cell.column + 1).value = "CWC"
    wb.save(roster)
    done = run("generate", "--dir", str(workdir))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 份是名册中调到其他部门的人员按新部门生成的（财务处/附件3_个人岗位风险点自查表_李娜_0013.xlsx），已交回原表的不必再发" \
        in done.stdout, done.stdout
    assert "份是新的" not in done.stdout and "不再适用" not in done.stdout and "没有需要发出" not in done.stdout


def test_init_then_refuses_to_overwrite(tmp_path):
    target = tmp_path / "活动"
    assert run("init", str(target)).returncode == 0
    assert (target / "formkit.toml").is_file() and (target / "名册.xlsx").is_file()
    assert (target / "inbox").is_dir() and (target / "outbox").is_dir()
    again = run("init", str(target))
    assert again.returncode == 2
    assert "已经存在" in again.stderr
    assert "Traceback" not in again.stderr


def test_generate_on_a_fresh_init(tmp_path):
    target = tmp_path / "w"
    run("init", str(target))
    result = run("generate", "--dir", str(target), "--quiet")
    assert result.returncode == 0, result.stderr
    files = sorted((target / "outbox/templates").rglob("*.xlsx"))
    # 附件1 + (附件2, 附件4, generic 附件3) × 4 departments of the example roster
    assert len(files) == 1 + 3 * 4


def test_generate_after_a_run_stopped_half_way_lists_what_it_wrote_as_to_send(tmp_path):
    """A generate stopped half-way (Ctrl-C, the window closed) wrote forms but recorded and listed nothing; the next
    run said of those forms "the same as last time, already sent" and the coordinator never sent them."""
    import openpyxl

    target = tmp_path / "w"
    run("init", str(target))
    ledger = target / "outbox/.formkit-generated.json"
    assert run("generate", "--dir", str(target), "--quiet").returncode == 0
    ledger.unlink()                       # the first run stopped before it recorded anything
    again = run("generate", "--dir", str(target))
    assert again.returncode == 0, again.stderr
    assert "与上次相同" not in again.stdout and "已发出的不必重发" not in again.stdout
    recorded = ledger.read_bytes()        # … a later run stopped: one department's head renamed, its forms rewritten
    roster = target / "名册.xlsx"
    wb = openpyxl.load_workbook(roster)
    ws = wb.worksheets[0]
    head = [c.value for c in ws[1]].index("部门负责人") + 1
    ws.cell(2, head).value = "钱新"
    dept = ws.cell(2, 2).value
    wb.save(roster)
    assert run("generate", "--dir", str(target), "--quiet").returncode == 0
    ledger.write_bytes(recorded)
    again = run("generate", "--dir", str(target))
    assert again.returncode == 0, again.stderr
    said = next(line for line in again.stdout.splitlines() if line.startswith("与上次生成的相比"))
    assert "份内容有变化" in said and dept in said and "0 份内容有变化" not in said


def test_generate_again_keeps_forms_filled_in_place_and_says_what_changed(tmp_path):
    """The coordinator fills 附件1 where generate put it: generating again (a roster fix) replaced it with a blank one,
    and a form no longer issued was deleted, filled or not. Now a form changed since it was written is moved to
    outbox/已改动的表单/ (never overwritten nor deleted); forms the same as before are left alone (their time too) and
    the summary says which ones differ (every form was rewritten: all went out again)."""
    import openpyxl

    target = tmp_path / "w"
    run("init", str(target))
    assert run("generate", "--dir", str(target), "--quiet").returncode == 0
    templates = target / "outbox/templates"
    a1 = next(templates.glob("附件1_*.xlsx"))
    wb = openpyxl.load_workbook(a1)
    wb.worksheets[0]["D7"] = "钱院长"
    wb.save(a1)
    untouched = next(templates.rglob("附件4_*.xlsx"))
    stamp = untouched.stat().st_mtime_ns
    result = run("generate", "--dir", str(target))
    assert result.returncode == 0, result.stderr
    kept = target / "outbox/已改动的表单" / a1.name
    assert openpyxl.load_workbook(kept).worksheets[0]["D7"].value == "钱院长"
    assert openpyxl.load_workbook(a1).worksheets[0]["D7"].value is None       # a fresh one in its place
    assert "1 份表单在上次生成后被改动过" in result.stdout and "13 份表单都与上次生成的相同" in result.stdout
    assert untouched.stat().st_mtime_ns == stamp
    # a department taken off the roster: its forms go, but one filled in place is set aside
    roster = target / "名册.xlsx"
    wb = openpyxl.load_workbook(roster)
    ws = wb.worksheets[0]
    last = ws.max_row
    gone_name = ws.cell(last, 2).value
    ws.delete_rows(last)
    wb.save(roster)
    filled = next((templates / gone_name).glob("附件2_*.xlsx"))
    wb = openpyxl.load_workbook(filled)
    wb.worksheets[0]["B9"] = "已填写的权力事项"
    wb.save(filled)
    result = run("generate", "--dir", str(target))
    assert result.returncode == 0, result.stderr
    assert (target / "outbox/已改动的表单" / gone_name / filled.name).is_file()
    assert not (templates / gone_name).exists()
    assert "已改动的表单" in result.stdout and "删除了 2 份" in result.stdout, result.stdout


def test_generate_says_which_heads_get_no_personal_form(workdir):
    """A department head left out of the staff list owes a 附件3 as a 中层干部 but none was made, unsaid (his colleague's
    was used later, returned): generate names them, for the departments it wrote."""
    result = run("generate", "--dir", str(workdir))
    assert result.returncode == 0, result.stderr
    assert "3 个部门的负责人不在本部门的人员名单中，没有为他们生成附件3：教务处 王芳、财务处 赵强、机电工程系 陈立" in result.stdout
    one = run("generate", "--dir", str(workdir), "--department", "CWC")
    assert "1 个部门的负责人不在本部门的人员名单中，没有为他们生成附件3：财务处 赵强；" in one.stdout
    assert "负责人不在" not in run("generate", "--dir", str(workdir), "--stage", "measures").stdout
    # two heads, or a title after the name: each name as written (both listed: nothing to say of them)
    from formkit.workspace import write_roster
    from tests.conftest import DEPARTMENTS, STAFF

    depts = [("JWC", "教务处", "党政部门", "张伟、李娜", "刘副院长", 2), ("CWC", "财务处", "党政部门", "王磊（处长）", "张副院长", 2),
             DEPARTMENTS[2]]
    write_roster(workdir / "名册.xlsx", depts, STAFF)
    again = run("generate", "--dir", str(workdir))
    assert "1 个部门的负责人不在本部门的人员名单中，没有为他们生成附件3：机电工程系 陈立；" in again.stdout, again.stdout


def test_generate_says_when_every_phase_has_ended(tmp_path):
    """init writes the plan's 2023 dates: generating with them years later says every return will be counted
    late, and what to change; a campaign whose last phase is still to come is not told so."""
    from datetime import date

    target = tmp_path / "w"
    assert "2023 年的示例" in run("init", str(target)).stdout
    result = run("generate", "--dir", str(target))
    assert result.returncode == 0 and "各阶段的日期都已过去（最后一个阶段 2023-06-20 结束）" in result.stderr
    assert "修改 [phases]" in result.stderr
    toml = target / "formkit.toml"
    year = date.today().year + 1
    toml.write_text(toml.read_text(encoding="utf-8").replace("2023-", f"{year}-"), encoding="utf-8")
    result = run("generate", "--dir", str(target))
    assert result.returncode == 0 and "都已过去" not in result.stderr, result.stderr


def test_merge_without_config_or_inbox_exits_2(tmp_path):
    result = run("merge", "--dir", str(tmp_path))
    assert result.returncode == 2
    assert "formkit.toml" in result.stderr and "Traceback" not in result.stderr
    run("init", str(tmp_path / "w"))
    (tmp_path / "w/inbox").rmdir()
    result = run("merge", "--dir", str(tmp_path / "w"))
    assert result.returncode == 2
    assert "inbox" in result.stderr


def test_bad_roster_names_sheet_row_and_field(workdir):
    from formkit.workspace import write_roster

    write_roster(workdir / "名册.xlsx", [("JWC", "教务处", "党政部门", "王芳", "刘副院长", "很多")])
    result = run("merge", "--dir", str(workdir))
    assert result.returncode == 2
    assert "“部门”第 2 行" in result.stderr and "应报人数" in result.stderr


def test_merge_exit_codes_and_summary(workdir):
    empty = run("merge", "--dir", str(workdir))
    assert empty.returncode == 0, empty.stderr
    assert "汇总完成" in empty.stdout
    (workdir / "inbox/坏文件.xlsx").write_bytes(b"not a workbook at all")
    bad = run("merge", "--dir", str(workdir))
    assert bad.returncode == 1
    assert "无法读取" in bad.stdout
    report = json.loads((workdir / "outbox/report.json").read_text(encoding="utf-8"))
    assert report["inputs"][0]["status"] == "rejected"
    quiet = run("merge", "--dir", str(workdir), "--quiet")
    # only errors (README): the unreadable file with its reason, no summary (it printed nothing, exit 1 unexplained)
    assert quiet.returncode == 1 and "汇总完成" not in quiet.stdout and "风险目录" not in quiet.stdout
    assert quiet.stdout.startswith("需要处理的文件 1 份：") and "坏文件.xlsx" in quiet.stdout
    for i in range(14):     # … every one of them (the screen's summary shows 12 and points to 问题清单)
        (workdir / f"inbox/坏文件{i:02}.xlsx").write_bytes(b"not a workbook either %d" % i)
    quiet = run("merge", "--dir", str(workdir), "--quiet")
    assert quiet.stdout.count("[无法读取]") == 15 and "其余" not in quiet.stdout
    assert "其余 3 份见 问题清单" in run("merge", "--dir", str(workdir)).stdout


def test_the_summary_counts_an_item_at_several_posts_once(workdir, cfg):
    """附件2: one item exercised at two posts (a row per post in 权力清单) and another item: 权力清单 2 项, saying the rows
    (it said 3 项, an item per row)."""
    from formkit.generate import generate_campaign
    from tests.helpers import fill
    from tests.test_rules import POWER

    form = next(p for p in generate_campaign(cfg) if "附件2" in p.name and "教务处" in p.as_posix())
    fill(form, workdir / "inbox/附件2.xlsx", rows=[POWER, {**POWER, "行使岗位": "教务处长"}, {**POWER, "权力事项": "教材选用"}])
    done = run("merge", "--dir", str(workdir))
    assert "权力清单 2 项（3 行：" in done.stdout, done.stdout


def test_merge_summary_keeps_the_file_name_and_error_of_a_file_deep_in_the_inbox(workdir):
    """Two broken files in folders four levels deep with long names: the summary line of each keeps its file name and
    why (cut at its end at 160 characters, both printed the same line and no error)."""
    deep = workdir / "inbox" / ("2023年度廉政风险防控工作材料（第一批，截至3月31日）" + "/马克思主义学院思想政治理论课教学研究部报送材料" * 3)
    deep.mkdir(parents=True)
    for who in ("王小明", "王小红"):
        (deep / f"附件3_个人岗位风险点自查表_马克思主义学院思想政治理论课教学研究部_{who}.xlsx").write_bytes(b"not a workbook")
    # … and one in a zip with a long name: the archive's name kept whole (cut, "…廉政风…!…" lost its .zip)
    from tests import hostile

    (workdir / "inbox/信息工程系").mkdir()
    (workdir / "inbox/信息工程系/信息工程系廉政风险排查材料（第一批）.zip").write_bytes(hostile.make_zip(
        {"信息工程系廉政风险材料/附件3_个人岗位风险点自查表_汪洋_0086.xlsx": b"not a workbook"}))
    out = run("merge", "--dir", str(workdir)).stdout
    lines = [line for line in out.splitlines() if "[无法读取]" in line]
    assert len(lines) == 3 and len(set(lines)) == 3, out
    assert all("_" in line.split("：", 1)[0] and len(line.split("：", 1)[1]) > 5 for line in lines)
    assert any("信息工程系廉政风险排查材料（第一批）.zip!" in line and "附件3_个人岗位风险点自查表_汪洋_0086.xlsx" in line
               for line in lines), lines


def test_merge_summary_names_every_problem_safely(workdir):
    """A mail without attachment is listed with its reason (a warning, the only finding it has); a file name with
    terminal escape sequences is shown with ? for them (it must not clear or colour the coordinator's screen)."""
    from tests import hostile

    (workdir / "inbox/noatt.eml").write_bytes(hostile.make_eml([]))
    (workdir / "inbox/张三\x1b[2J\x1b[31m红\x07.xlsx").write_bytes(b"not a workbook")
    out = run("merge", "--dir", str(workdir)).stdout
    line = next(x for x in out.splitlines() if "noatt.eml" in x)
    assert line.split("：", 1)[1].strip(), line
    assert "\x1b" not in out and "\x07" not in out and "张三?[2J?[31m红?.xlsx" in out
    from formkit.cli import _shown

    assert _shown("考试管理\n招生录取\x1b") == "考试管理 招生录取?"      # a line break in a cell is a space


def test_check_outside_a_folder_of_a_form_dated_year_one(workdir, cfg, tmp_path):
    """A 填表日期 stored as the date 0001-01-01 (t="d"): checked outside a working folder, formkit stopped with an
    internal error (year 0 in 北京时间)."""
    import re
    import zipfile

    from formkit.generate import generate_campaign
    from tests.helpers import fill
    from tests.test_rules import value_ref

    paths = generate_campaign(cfg)
    form = next(p for p in paths if "附件3" in p.name and "张伟" in p.name)
    good = fill(form, workdir / "good.xlsx", rows=[{"风险类别": "岗位职责", "风险点": "审批把关不严", "风险等级": "二级"}])
    ref = value_ref(good, "填表日期")
    out = tmp_path / "year1.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                cell = f'<c r="{ref}" t="d"><v>0001-01-01T00:00:00</v></c>'
                data, n = re.subn(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)'.encode(), cell.encode(), data, count=1)
                assert n == 1
            dst.writestr(info, data)
    done = run("check", str(out), cwd=tmp_path)
    assert done.returncode == 0 and "通过" in done.stdout, done.stdout + done.stderr


def test_check_outside_a_folder_judges_each_file_alone(workdir, cfg, tmp_path):
    """Outside a working folder check compares no versions (the screen says so): a draft with an error checked beside
    the final copy was "已被替代，不会汇总", its error uncounted, exit 0."""
    from datetime import date

    from formkit.generate import generate_campaign
    from tests.helpers import fill

    form = next(p for p in generate_campaign(cfg) if "附件3" in p.name and "张伟" in p.name)
    row = {"风险类别": "岗位职责", "风险点": "审批把关不严", "风险等级": "特级"}
    fill(form, tmp_path / "初稿.xlsx", header={"填表日期": date(2023, 3, 5)}, rows=[row])
    fill(form, tmp_path / "终稿.xlsx", header={"填表日期": date(2023, 3, 8)}, rows=[{**row, "风险等级": "二级"}])
    done = run("check", "初稿.xlsx", "终稿.xlsx", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "初稿.xlsx：附件3，有错误（错误 1" in done.stdout and "替代" not in done.stdout, done.stdout
    assert done.stdout.splitlines()[-1] == "—— 共检查 2 份：有错误 1，通过 1 ——"


def test_check_shows_a_name_the_disk_holds_in_gbk(workdir, cfg, tmp_path):
    """A file copied from a Windows USB stick keeps its GBK name bytes on Linux: merge shows it decoded, check printed
    ????3_?¾?.xlsx (and a program reading the screen as UTF-8 failed on it)."""
    import os

    from formkit.generate import generate_campaign
    from tests.helpers import fill

    form = next(p for p in generate_campaign(cfg) if "附件3" in p.name and "张伟" in p.name)
    name = os.fsdecode("附件3_张伟.xlsx".encode("gbk"))
    fill(form, tmp_path / name, rows=[{"风险类别": "岗位职责", "风险点": "审批把关不严", "风险等级": "二级"}])
    done = subprocess.run([sys.executable, "-m", "formkit", "check", os.fsencode(name)], capture_output=True,
                          cwd=tmp_path, timeout=300)
    out = done.stdout.decode("utf-8")
    assert "附件3_张伟.xlsx：附件3，通过" in out, out


def test_check_exit_codes(workdir, cfg):
    from formkit.generate import generate_campaign
    from tests.helpers import fill

    paths = generate_campaign(cfg)
    form = next(p for p in paths if "附件3" in p.name and "张伟" in p.name)
    good = fill(form, workdir / "good.xlsx", rows=[{"风险类别": "岗位职责", "风险点": "审批把关不严", "风险等级": "二级"}])
    bad = fill(form, workdir / "bad.xlsx", rows=[{"风险类别": "岗位职责", "风险点": "审批把关不严", "风险等级": "四级"}])
    ok = run("check", "--dir", str(workdir), str(good))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "通过" in ok.stdout
    failed = run("check", "--dir", str(workdir), str(bad))
    assert failed.returncode == 1
    assert "附件3!E" in failed.stdout and "invalid-level" in failed.stdout
    missing = run("check", str(workdir / "nothing.xlsx"), str(good), cwd=workdir.parent)  # the others still checked
    assert missing.returncode == 1 and "nothing.xlsx：找不到文件" in missing.stdout and "通过" in missing.stdout
    # several files: a last line counts them (how many failed was for the reader to count); one unreadable is said as
    # merge says it (it was "未识别，有错误")
    (workdir / "broken.xlsx").write_bytes(b"PK\x03\x04 broken")
    several = run("check", "--dir", str(workdir), str(good), str(workdir / "broken.xlsx"), str(workdir / "nothing.xlsx"))
    assert several.stdout.splitlines()[-1] == "—— 共检查 3 份：通过 1，无法读取 1，找不到 1 ——", several.stdout
    assert "broken.xlsx：未识别，无法读取" in several.stdout
    folder = run("check", "--dir", str(workdir), str(workdir / "inbox"))
    assert folder.returncode == 1 and "是文件夹" in folder.stdout and "找不到" not in folder.stdout


def test_check_in_a_working_folder_applies_the_campaign_rules(workdir, cfg):
    """A measure form that merge would return for a 风险编号 nobody registered is not passed by check either:
    in a working folder, check looks at the risks the inbox holds (and leaves the checked file out of them)."""
    import openpyxl

    from formkit.generate import generate_campaign
    from formkit.pipeline import analyse
    from tests.helpers import fill
    from tests.test_roundtrip import fill_risk_stage

    fill_risk_stage(cfg, workdir / "inbox")
    paths = generate_campaign(cfg, "measures", accepted=analyse(cfg))
    a5 = next(p for p in paths if "附件5" in p.name and "张伟" in p.name)
    good = fill(a5, workdir / "inbox/张伟_措施.xlsx", by_risk_id={
        "JWC-0012-01": {"防控措施": "双人复核", "完成时限": "2023-05-01"},
        "JWC-0012-02": {"防控措施": "拒绝宴请", "完成时限": "长期"}})
    bad = workdir / "张伟_措施_改过编号.xlsx"
    wb = openpyxl.load_workbook(good)
    cell = next(c for row in wb["附件5"].iter_rows() for c in row if c.value == "JWC-0012-02")
    cell.value = "JWC-0012-09"               # a number nobody has, on a row naming a risk nobody registered
    wb["附件5"].cell(cell.row, cell.column + 1).value = "没有登记过的风险点"
    wb.save(bad)
    shutil.rmtree(workdir / "outbox", ignore_errors=True)
    ok = run("check", "--dir", str(workdir), str(good))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "对照收件箱" in ok.stdout and "通过" in ok.stdout
    assert not (workdir / "outbox").exists()          # check writes nothing
    failed = run("check", "--dir", str(workdir), str(bad))
    assert failed.returncode == 1, failed.stdout
    assert f"附件5!{cell.coordinate} [risk-id-unknown]" in failed.stdout
    alone = run("check", str(bad), cwd=workdir.parent)      # no working folder: the file rules only
    assert alone.returncode == 0 and "risk-id-unknown" not in alone.stdout, alone.stdout


def test_measure_forms_generated_again_after_they_were_answered_are_not_to_send(workdir, cfg):
    """张伟 answered every risk of his 附件5; a late 附件4 comes and the measures stage is generated again: his form is
    now pre-filled with his accepted measures, nothing left for him to fill: not among the forms "to send" (it was
    "changed: to send", the people who had answered asked again), while 教务处's 附件6 with its new risk is."""
    from formkit.generate import generate_campaign
    from formkit.pipeline import analyse
    from tests.helpers import fill
    from tests.test_roundtrip import fill_risk_stage

    fill_risk_stage(cfg, workdir / "inbox")
    late = workdir / "inbox/教务处风险点.xlsx"
    late.rename(workdir / "教务处风险点.xlsx")
    first = run("generate", "--dir", str(workdir), "--stage", "measures")
    assert first.returncode == 0, first.stderr
    a5 = next(p for p in generate_campaign(cfg, "measures", accepted=analyse(cfg)) if "附件5" in p.name and "张伟" in p.name)
    fill(a5, workdir / "inbox/张伟_措施.xlsx", by_risk_id={
        "JWC-0012-01": {"防控措施": "双人复核", "完成时限": "2023-05-01"},
        "JWC-0012-02": {"防控措施": "拒绝宴请", "完成时限": "长期"}})
    (workdir / "教务处风险点.xlsx").rename(late)
    again = run("generate", "--dir", str(workdir), "--stage", "measures")
    assert again.returncode == 0, again.stderr
    to_send = again.stdout.split("需要发出")[0]
    assert "附件6_部门风险防控措施及工作程序_教务处" in to_send and "张伟" not in to_send, again.stdout
    assert "1 份措施表的每一行都已预填收到的措施（已交齐，不必重发）" in again.stdout, again.stdout
    # generated once more, nothing new: the next step is not "send the forms in templates/"
    last = run("generate", "--dir", str(workdir), "--stage", "measures")
    assert "下一步：没有需要发出的表单" in last.stdout and "发给各部门" not in last.stdout, last.stdout


def test_a_new_round_with_last_rounds_inbox_left_says_to_move_it_out_first(workdir, cfg):
    """A new year in the same folder, last year's filled forms still in inbox/: the summary said not to send their reply
    drafts, then "next: open the drafts and send them"; the next step is to move them out and merge again."""
    from formkit.config import load_config
    from formkit.workspace import write_config
    from tests.test_roundtrip import fill_risk_stage

    fill_risk_stage(cfg, workdir / "inbox")
    write_config(workdir, institution="测试职业学院", main_leader="周校长", campaign="2024年度廉政风险防控", year=2024)
    load_config(workdir)
    out = run("merge", "--dir", str(workdir)).stdout
    assert "其他活动" in out and "下一步：先把上一轮留在 inbox/ 中的文件移出 inbox/" in out, out
    assert "核对后发出" not in out
    # … but one of last year's forms mailed by mistake beside this round's returned one: the others' drafts are to send
    from formkit.generate import generate_campaign
    from tests.helpers import fill
    from tests.test_roundtrip import _find

    cfg2 = load_config(workdir)
    fill(_find(generate_campaign(cfg2, "risks"), "附件3", "王磊"), workdir / "inbox/王磊.xlsx",
         header={"填表日期": "2024-03-12"}, rows=[{"风险类别": "岗位职责", "风险点": "报销审核不严", "风险等级": "很高级"}])
    out = run("merge", "--dir", str(workdir)).stdout
    assert "下一步：如果其他活动的" in out and "其余邮件草稿" in out and "核对后发出" in out, out


def _boom(args):
    raise RuntimeError("boom")


def _interrupted_while_importing(args):
    try:
        raise KeyboardInterrupt
    except KeyboardInterrupt as exc:
        raise RuntimeError("Error calling __set_name__ on '_Field' instance") from exc


@pytest.mark.parametrize("command, code", [(_boom, 2), (_interrupted_while_importing, 130)], ids=["fault", "ctrl-c"])
def test_a_fault_of_formkits_own_is_said_and_exits_2(workdir, monkeypatch, capsys, command, code):
    """An unexpected error inside merge (a bug, no mistake of the coordinator's) threw a Python traceback and exited 1,
    which merge uses for "files returned": now said in Chinese, exit 2 ("not done"), the traceback kept in a file (and
    kept there after later runs that go well, for the maintainers). Ctrl-C landing while Python set up a class comes as
    a RuntimeError: an interruption (130), not formkit's own fault ("send it to the maintainers")."""
    import formkit.cli as cli

    monkeypatch.setitem(cli.COMMANDS, "merge", command)
    (workdir / "outbox").mkdir(exist_ok=True)
    assert main(["merge", "--dir", str(workdir)]) == code
    err = capsys.readouterr().err
    log = workdir / "outbox/formkit-错误记录.txt"
    if code == 130:
        assert "已中断" in err and "内部出错" not in err and not log.exists()
        return
    assert "formkit 内部出错（RuntimeError: boom）" in err and "Traceback" not in err
    assert "Traceback" in log.read_text(encoding="utf-8") and str(log) in err
    monkeypatch.setitem(cli.COMMANDS, "merge", lambda args: 1)
    assert main(["merge", "--dir", str(workdir)]) == 1 and log.exists()


def test_ctrl_c_in_merge_says_no_file_is_left_half_written(workdir, monkeypatch, capsys):
    """Ctrl-C during merge said "the outputs written may be incomplete", though each is replaced whole or not at all
    (the previous round's workbook intact): said as it is."""
    import formkit.cli as cli

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setitem(cli.COMMANDS, "merge", interrupted)
    assert main(["merge", "--dir", str(workdir)]) == 130
    err = capsys.readouterr().err
    assert "没有写了一半的文件" in err and "请重新运行 merge" in err and "可能不完整" not in err


def test_help_on_a_terminal_that_cannot_show_chinese(workdir):
    """A terminal of ISO-8859-1 (or PYTHONIOENCODING=ascii): formkit --help threw a traceback."""
    import os

    for args in (["--help"], ["merge", "--help"]):
        done = subprocess.run([sys.executable, "-m", "formkit", *args], capture_output=True, text=True, timeout=60,
                              env={**os.environ, "PYTHONIOENCODING": "ascii"})
        assert done.returncode == 0 and "Traceback" not in done.stderr and "formkit" in done.stdout, done.stderr


def test_last_years_form_mailed_this_round_is_no_file_left_in_the_inbox(workdir, cfg):
    """孙丽 mails, during this year's round, last year's form by mistake, the only problem file: the next step said to move
    "last round's files left in inbox/" out and to send no draft (her reply, "use this year's form", held back)."""
    from formkit.config import load_config
    from formkit.generate import generate_campaign
    from formkit.workspace import write_config
    from tests import hostile
    from tests.helpers import fill
    from tests.test_roundtrip import _find

    old = fill(_find(generate_campaign(cfg, "risks"), "附件3", "张伟"), workdir / "old.xlsx", header={"填表日期": "2023-03-12"},
               rows=[{"风险类别": "岗位职责", "风险点": "成绩修改把关不严", "风险等级": "二级"}])
    write_config(workdir, institution="测试职业学院", main_leader="周校长", campaign="2024年度廉政风险防控", year=2024)
    load_config(workdir)
    (workdir / "inbox/1.eml").write_bytes(hostile.make_eml([("附件3_张伟.xlsx", old.read_bytes())],
                                                           date="Fri, 15 Mar 2024 09:00:00 +0800"))
    out = run("merge", "--dir", str(workdir)).stdout
    assert "下一步：如果其他活动的 1 份文件是上一轮留在 inbox/ 中的" in out and "核对后发出" in out, out
    # … a mail of no date at all (no Date, no Received) is no crash: taken as one left from the last round
    (workdir / "inbox/1.eml").write_bytes(hostile.make_eml([("附件3_张伟.xlsx", old.read_bytes())], date=None))
    done = run("merge", "--dir", str(workdir))
    assert done.returncode == 1 and "内部出错" not in done.stderr and "下一步：先把上一轮留在 inbox/ 中的文件移出" in done.stdout, \
        done.stdout + done.stderr


def test_demo_runs_end_to_end(tmp_path):
    result = run("demo", str(tmp_path / "demo"))
    assert result.returncode == 0, result.stderr
    assert "汇总工作簿" in result.stdout
    assert (tmp_path / "demo/outbox/廉政风险目录.xlsx").is_file()
    assert "Traceback" not in result.stderr


def test_every_finding_code_is_in_the_readme_catalogue():
    from formkit.findings import markdown_table

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- codes:start (python -m formkit.findings) -->\n")[1].split("<!-- codes:end -->")[0]
    assert section == markdown_table(), "README 的问题代码目录已过时：运行 python -m formkit.findings 重新生成"


def test_a_second_command_on_the_same_folder_waits_its_turn(workdir):
    """Two merges at once would write the same outputs and cache together: the second stops with a message."""
    from formkit.lock import working_folder_lock

    with working_folder_lock(workdir / "outbox"):
        second = run("merge", "--dir", str(workdir))
        generate = run("generate", "--dir", str(workdir))
    assert second.returncode == 2 and "另一个 formkit 命令正在处理这个工作目录" in second.stderr
    assert generate.returncode == 2 and "Traceback" not in generate.stderr
    assert run("merge", "--dir", str(workdir)).returncode == 0          # the lock goes with the process


@pytest.mark.parametrize("make", ["missing", "empty", "roster"])
def test_compare_with_a_wrong_file_says_so(workdir, make):
    target = {"missing": workdir / "无.xlsx", "empty": workdir / "空.xlsx", "roster": workdir / "名册.xlsx"}[make]
    if make == "empty":
        target.write_bytes(b"")
    result = run("merge", "--dir", str(workdir), "--compare", str(target))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "比较" in result.stderr or "风险目录" in result.stderr, result.stderr
    assert not (workdir / "outbox/report.json").exists()       # nothing merged


def test_an_output_that_cannot_be_written_is_a_chinese_error(workdir, cfg, monkeypatch, capsys):
    """A read-only outbox (tests run as root, whom permissions do not stop: the refusal is simulated where the
    workbook is moved into place) gives a Chinese message and exit 2, not a traceback."""
    import os

    real = os.replace

    def refuse(src, dst, *a, **k):
        if str(dst).endswith("廉政风险目录.xlsx"):
            raise PermissionError(13, "Permission denied", str(dst))
        return real(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", refuse)
    assert main(["merge", "--dir", str(workdir), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "没有权限读写" in err and "廉政风险目录.xlsx" in err
    assert "本次汇总没有完成" in err      # (exit 2 read "not done" while outputs were already written)


def test_summary_piped_into_head_is_no_error(workdir):
    """`formkit merge | head -1`: the reader has gone away (here before the first line); no Chinese disk error, no
    traceback, and the outputs are written."""
    import os

    read_end, write_end = os.pipe()
    os.close(read_end)
    proc = subprocess.run([sys.executable, "-m", "formkit", "merge", "--dir", str(workdir)], stdout=write_end,
                          stderr=subprocess.PIPE, text=True, timeout=120)
    os.close(write_end)
    assert proc.returncode == 0 and "错误" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert (workdir / "outbox/廉政风险目录.xlsx").is_file()


@pytest.mark.parametrize("screen", ["closed pipe", "/dev/full", "gbk"])
def test_the_screen_does_not_change_what_merge_did(workdir, screen):
    """A returned input makes merge exit 1 whatever becomes of its summary: piped into `head` that has gone, sent
    to a full device, or to a GBK screen that cannot show a character of a file name (shown as ?)."""
    import os

    if screen == "/dev/full" and not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    (workdir / "inbox/坏文件😀.xlsx").write_bytes(b"not a workbook at all")
    env = {**os.environ, **({"PYTHONIOENCODING": "gbk"} if screen == "gbk" else {})}
    cmd = [sys.executable, "-m", "formkit", "merge", "--dir", str(workdir)]
    if screen == "closed pipe":
        read_end, write_end = os.pipe()
        os.close(read_end)
        proc = subprocess.run(cmd, stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120, env=env)
        os.close(write_end)
    elif screen == "/dev/full":
        with open("/dev/full", "w") as full:
            proc = subprocess.run(cmd, stdout=full, stderr=subprocess.PIPE, text=True, timeout=120, env=env)
    else:
        proc = subprocess.run(cmd, capture_output=True, timeout=120, env=env)
        assert "坏文件?.xlsx".encode("gbk") in proc.stdout
        proc.stderr = proc.stderr.decode("gbk", "replace")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "错误" not in proc.stderr, proc.stderr
    assert (workdir / "outbox/report.json").is_file()


def test_sigterm_is_an_interruption(workdir, monkeypatch, capsys):
    """SIGTERM or SIGHUP (the terminal window closed) ends a command as Ctrl-C does: a Chinese message, exit 130."""
    import os
    import signal

    def killed(args):
        os.kill(os.getpid(), signal.SIGTERM)
        raise AssertionError("not interrupted")

    before = signal.getsignal(signal.SIGTERM)
    monkeypatch.setitem(COMMANDS, "merge", killed)
    assert main(["merge", "--dir", str(workdir)]) == 130
    assert "已中断" in capsys.readouterr().err
    assert signal.getsignal(signal.SIGTERM) == before          # handlers put back


def test_a_folder_in_place_of_an_output_is_named(workdir, capsys):
    """A folder where an output goes (廉政风险目录.xlsx, report.json): said before anything is written, naming the
    output, not a temporary file."""
    for name in ("廉政风险目录.xlsx", "report.json"):
        (workdir / "outbox" / name).mkdir(parents=True)
        assert main(["merge", "--dir", str(workdir), "--quiet"]) == 2
        err = capsys.readouterr().err
        assert name in err and "文件夹" in err and ".tmp" not in err, err
        assert not [p for p in (workdir / "outbox").iterdir() if p.name != name and not p.name.startswith(".formkit")]
        (workdir / "outbox" / name).rmdir()


def test_a_full_disk_is_a_chinese_error_and_leaves_no_temporary_files(workdir, cfg, monkeypatch, capsys):
    """xlsxwriter reports a failed write as its own FileCreateError (not an OSError): the disk-full message, exit
    2, and no temporary file (nor xlsxwriter's, which hold the sheets' contents) left in outbox/."""
    import errno

    import xlsxwriter.exceptions
    import xlsxwriter.workbook

    def full(self, *a, **k):
        raise xlsxwriter.exceptions.FileCreateError(OSError(errno.ENOSPC, "No space left on device"))

    (workdir / "outbox").mkdir(exist_ok=True)
    (workdir / "outbox/.tmp-leftover").write_bytes(b"an interrupted run's")      # swept by the next merge
    monkeypatch.setattr(xlsxwriter.workbook.Workbook, "_store_workbook", full)
    assert main(["merge", "--dir", str(workdir), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "磁盘空间不足" in err and "廉政风险目录.xlsx" in err and "Traceback" not in err, err
    assert not [p for p in (workdir / "outbox").rglob(".tmp-*")]
    assert not [p for p in (workdir / "outbox").rglob("tmp*")]


def test_init_keeps_a_roster_already_there_and_builds_under_dir(tmp_path):
    """The office made its roster first: init keeps it (it replaced it with the example). A relative 目录 is under
    --dir, and the next-step line quotes a path with a space."""
    from formkit.workspace import write_roster
    from tests.conftest import DEPARTMENTS

    (tmp_path / "我的 活动").mkdir()
    write_roster(tmp_path / "我的 活动/名册.xlsx", DEPARTMENTS)
    mine = (tmp_path / "我的 活动/名册.xlsx").read_bytes()
    done = run("init", "--dir", str(tmp_path), "我的 活动")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "我的 活动/名册.xlsx").read_bytes() == mine and "已有的名册保留未动" in done.stdout
    assert f"'{tmp_path / '我的 活动'}'" in done.stdout
    assert (tmp_path / "我的 活动/formkit.toml").is_file()
    generate = run("generate", "--dir", str(tmp_path / "我的 活动"))
    assert generate.returncode == 0 and "提醒：" in generate.stderr and "示例文字" in generate.stderr


def test_check_works_beside_a_cache_it_cannot_write(workdir, cfg, monkeypatch, capsys):
    """check writes nothing: a merge's cache in a read-only outbox/ (simulated: tests run as root) is done
    without, not an error."""
    import os

    from formkit.generate import generate_campaign
    from tests.helpers import fill

    paths = generate_campaign(cfg)
    form = next(p for p in paths if "附件3" in p.name and "张伟" in p.name)
    fill(form, workdir / "inbox/李.xlsx", rows=[{"风险类别": "岗位职责", "风险点": "审批把关不严", "风险等级": "二级"}])
    assert main(["merge", "--dir", str(workdir), "--quiet"]) == 0
    good = fill(form, workdir / "good.xlsx", rows=[{"风险类别": "岗位职责", "风险点": "审批把关不严", "风险等级": "三级"}])
    outbox = str(workdir / "outbox")
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, *a, **k: False if str(p).startswith(outbox) and mode & os.W_OK
                        else real(p, mode, *a, **k))

    def refuse(*a, **k):
        raise AssertionError("the cache opened for writing")

    monkeypatch.setattr("formkit.cache.open_store", refuse)
    capsys.readouterr()
    assert main(["check", "--dir", str(workdir), str(good)]) == 0
    assert "通过" in capsys.readouterr().out


def test_init_under_a_locale_without_chinese_file_names_makes_nothing(tmp_path, monkeypatch, capsys):
    """A locale whose file-name encoding cannot spell 名册.xlsx (ISO-8859-1): init says so and exits 2 before it
    makes anything (it left formkit.toml without a roster, and then refused to run again)."""
    monkeypatch.setattr(sys, "getfilesystemencoding", lambda: "iso8859-1")
    assert main(["init", str(tmp_path / "c")]) == 2
    assert "UTF-8" in capsys.readouterr().err
    assert not (tmp_path / "c").exists()


def test_a_full_disk_while_drafts_are_written_names_the_draft(workdir, monkeypatch, capsys):
    """The disk fills up while the reply drafts are written: the message names the draft that could not be
    written (it said only "无法写入文件"), exit 2, no temporary file left beside it."""
    import errno
    import os

    from formkit.write import common

    (workdir / "inbox/坏文件.xlsx").write_bytes(b"not a workbook at all")      # one reply draft to write
    real = os.fdopen

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(common.os, "fdopen", lambda fd, mode: Full(real(fd, mode)))
    assert main(["merge", "--dir", str(workdir), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "磁盘空间不足" in err and "_反馈.eml" in err, err
    assert not list((workdir / "outbox").rglob(".tmp-*"))


def test_a_disk_that_fills_while_a_workbook_is_packed_leaves_no_open_zip(workdir, cfg, monkeypatch, capsys):
    """The disk fills while xlsxwriter packs the workbook: the message, and the half-written zip closed then (left to
    the garbage collector, its close failed again and printed 'Exception ignored … No space left' with a traceback)."""
    import errno
    import gc

    from formkit.write import common

    def full(self, *a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(common._QuickZip, "write", full)
    monkeypatch.setattr(common._QuickZip, "writestr", full)
    assert main(["merge", "--dir", str(workdir), "--quiet"]) == 2
    assert "磁盘空间不足" in capsys.readouterr().err
    assert all(zf.fp is None for zf in common._QuickZip.open_now)
    gc.collect()


def test_check_judges_a_file_as_merge_would_with_the_inbox(workdir, cfg):
    """张伟's filled 附件3 is in inbox/. check on an older draft of it with an error, and on the blank form sent again:
    both set aside as merge sets them aside (superseded, blank-resent), exit 0 (check said 有错误, exit 1, for both).
    Two departments' files of one name are told apart by their paths, in the order given; a --dir that does not
    exist is an error (the campaign checks were skipped without a word); outside a working folder, check says what
    it did not check; --quiet prints only what has errors."""
    from formkit.generate import generate_campaign
    from tests.helpers import fill

    a3 = next(p for p in generate_campaign(cfg) if "附件3" in p.name and "张伟" in p.name)
    row = {"风险类别": "岗位职责", "风险点": "成绩修改审批把关不严", "风险等级": "二级"}
    fill(a3, workdir / "inbox/张伟.xlsx", header={"填表日期": "2023-03-20"}, rows=[row])
    (workdir / "草稿").mkdir()
    draft = fill(a3, workdir / "草稿/张伟.xlsx", header={"填表日期": "2023-03-10"}, rows=[{**row, "风险等级": "四级"}])
    blank = fill(a3, workdir / "张伟_空白.xlsx", header={"填表日期": "2023-03-25"})
    got = run("check", "--dir", str(workdir), str(draft), str(blank), cwd=workdir)
    assert got.returncode == 0, got.stdout
    lines = [x for x in got.stdout.splitlines() if x.startswith(str(draft)) or x.startswith(str(blank))]
    assert len(lines) == 2 and lines[0].startswith(str(draft)) and "已被替代，不会汇总" in lines[0]
    assert "[blank-resent]" in got.stdout
    quiet = run("check", "--quiet", "--dir", str(workdir), str(draft), cwd=workdir)
    assert quiet.stdout == "" and quiet.returncode == 0
    nowhere = run("check", "--dir", str(workdir / "没有这个文件夹"), str(draft), cwd=workdir)
    assert nowhere.returncode == 2 and "找不到工作文件夹" in (nowhere.stdout + nowhere.stderr)
    alone = run("check", str(draft), cwd=workdir.parent)
    assert alone.returncode == 1 and "没有对照收件箱" in alone.stdout and "invalid-level" in alone.stdout
    again = run("check", "--quiet", str(draft), cwd=workdir.parent)
    assert "[invalid-level]" in again.stdout and "  提醒" not in again.stdout


def test_compare_names_a_workbook_of_the_working_folder(workdir, cfg):
    """`merge --dir X --compare outbox/历史/…` names the workbook as the working folder has it, as the error message
    suggests (it was looked for from the shell's folder: “找不到用于比较的工作簿”)."""
    from tests.test_roundtrip import fill_risk_stage

    made = fill_risk_stage(cfg, workdir / "inbox")
    made[-1].rename(workdir / "later.xlsx")
    assert run("merge", "--dir", str(workdir)).returncode == 0
    (workdir / "later.xlsx").rename(made[-1])
    assert run("merge", "--dir", str(workdir)).returncode == 0
    kept = sorted((workdir / "outbox/历史").glob("*.xlsx"))[0].relative_to(workdir)
    result = run("merge", "--dir", str(workdir), "--compare", str(kept), cwd=workdir.parent)
    assert result.returncode == 0, result.stderr


def test_demo_never_writes_over_a_real_campaign_or_other_files(tmp_path, workdir):
    """formkit demo on the office's campaign folder replaced its formkit.toml and roster and put the demo's returns
    among the real ones; on a folder of other files it wrote into it. It refuses both (exit 2); a demo folder is
    built again."""
    config = (workdir / "formkit.toml").read_bytes()
    done = run("demo", str(workdir))
    assert done.returncode == 2 and "不是演示活动" in done.stderr and "Traceback" not in done.stderr
    assert (workdir / "formkit.toml").read_bytes() == config
    (tmp_path / "文档").mkdir()
    (tmp_path / "文档/笔记.txt").write_text("x", encoding="utf-8")
    done = run("demo", str(tmp_path / "文档"))
    assert done.returncode == 2 and "不是空目录" in done.stderr
    assert run("demo", str(tmp_path / "演示"), "--quiet").returncode == 0
    assert run("demo", str(tmp_path / "演示"), "--quiet").returncode == 0       # a demo folder: built again


def test_quiet_is_quiet_and_check_says_what_it_skips(workdir):
    """--quiet printed every 提醒 of generate and merge (its help says: only errors); check said nothing at all of a
    file it skips (an Excel owner file), which read as passed."""
    text = (workdir / "formkit.toml").read_text(encoding="utf-8")
    (workdir / "formkit.toml").write_text(text + "\n[unknown_section]\nx = 1\n", encoding="utf-8")
    loud = run("merge", "--dir", str(workdir))
    assert "提醒：" in loud.stderr
    quiet = run("merge", "--dir", str(workdir), "--quiet")
    assert "提醒：" not in quiet.stderr and "提醒：" not in run("generate", "--dir", str(workdir), "-q").stderr
    owner = workdir / "~$附件4.xlsx"
    owner.write_bytes(b"\x00" * 165)
    checked = run("check", "--dir", str(workdir), str(owner))
    assert "跳过" in checked.stdout and "~$附件4.xlsx" in checked.stdout


def test_the_example_roster_left_as_it_is_is_said(tmp_path):
    """The roster init writes (党政办公室 李明, 教务处 王芳…) used as it is: forms went out pre-filled with its names and
    no 提醒, while formkit.toml's example text had one."""
    from formkit.config import EXAMPLE_ROSTER
    from formkit.workspace import EXAMPLE_DEPARTMENTS

    assert EXAMPLE_ROSTER == {(d[0], d[1], d[3]) for d in EXAMPLE_DEPARTMENTS}
    assert run("init", "--dir", str(tmp_path), "活动").returncode == 0
    generate = run("generate", "--dir", str(tmp_path / "活动"))
    assert generate.returncode == 0 and "示例名册" in generate.stderr


def test_messages_say_what_is_wrong_in_plain_words(workdir, tmp_path):
    """A roster saved as CSV ("CalamineError"), a Windows path pasted into formkit.toml (a hint about quotes), --dir
    naming formkit.toml itself or a folder that is not there, a command run inside inbox/, an inbox that is a file:
    each is said as it is."""
    text = (workdir / "formkit.toml").read_text(encoding="utf-8")
    (workdir / "名册.csv").write_text("代码,名称\nJWC,教务处\n", encoding="utf-8")
    (workdir / "formkit.toml").write_text(re.sub(r'roster = "[^"]*"', 'roster = "名册.csv"', text), encoding="utf-8")
    done = run("merge", "--dir", str(workdir))
    assert done.returncode == 2 and "文本文件（如 CSV）" in done.stderr and "Calamine" not in done.stderr
    (workdir / "formkit.toml").write_text(re.sub(r'roster = "[^"]*"', r'roster = "D:\\廉政\\名册.xlsx"', text),
                                          encoding="utf-8")
    assert "请改成 /" in run("merge", "--dir", str(workdir)).stderr
    (workdir / "formkit.toml").write_text(text, encoding="utf-8")
    assert "是一个文件，不是文件夹" in run("merge", "--dir", str(workdir / "formkit.toml")).stderr
    assert "找不到文件夹" in run("merge", "--dir", str(tmp_path / "没有")).stderr
    assert "工作文件夹是上级的" in run("merge", cwd=workdir / "inbox").stderr
    shutil.rmtree(workdir / "inbox")
    (workdir / "inbox").write_text("x", encoding="utf-8")
    assert "是一个文件，不是文件夹" in run("merge", "--dir", str(workdir)).stderr


def test_an_edited_roster_is_no_example_and_gitkeep_is_nothing_received(tmp_path):
    """The example-roster reminder fired on a roster with departments added and a staff list (only the four example
    rows were looked for); the repository's inbox/.gitkeep was listed as a skipped file on every demo."""
    from formkit.workspace import EXAMPLE_DEPARTMENTS, write_roster

    assert run("init", "--dir", str(tmp_path), "活动").returncode == 0
    root = tmp_path / "活动"
    write_roster(root / "名册.xlsx", [*EXAMPLE_DEPARTMENTS, ("XXZX", "信息中心", "其他", "周海", "刘副院长", 3)])
    (root / "inbox/.gitkeep").write_text("", encoding="utf-8")
    done = run("merge", "--dir", str(root))
    assert "示例名册" not in done.stderr and "跳过" not in done.stdout


def test_the_summary_counts_reply_drafts_as_written(workdir):
    """One mail of 教务处 with three damaged workbooks gets one reply (the files of one mail are answered together):
    the screen said 回复 3 份 beside one draft on disk."""
    from tests import hostile as H

    mail = H.make_eml([(f"附件3_{i}.xlsx", H.truncated_xlsx()) for i in range(3)], subject="教务处 附件3")
    (workdir / "inbox/教务处.eml").write_bytes(mail)
    result = run("merge", "--dir", str(workdir))
    replies = [p for p in (workdir / "outbox/反馈").rglob("*.eml")]
    assert len(replies) == 1, replies
    assert "回复 1 份（涉及 3 个文件：3 个要求改正后重报" in result.stdout, result.stdout


def test_check_treats_links_and_pipes_in_the_inbox_as_merge_does(workdir, tmp_path):
    """A link in inbox/ to a form elsewhere is skipped by merge: check said 通过 and counted it; a named pipe is no file
    merge reads: check said 找不到文件."""
    form = tmp_path / "外面的表.xlsx"
    form.write_bytes((workdir / "名册.xlsx").read_bytes())
    link = workdir / "inbox/链接.xlsx"
    link.symlink_to(form)
    checked = run("check", "--dir", str(workdir), str(link))
    assert "跳过" in checked.stdout and "符号链接" in checked.stdout and "通过" not in checked.stdout, checked.stdout
    import os

    pipe = workdir / "inbox/管道.xlsx"
    os.mkfifo(pipe)
    checked = run("check", "--dir", str(workdir), str(pipe))
    assert "不是普通文件" in checked.stdout and "找不到" not in checked.stdout, checked.stdout


def test_check_on_a_copy_of_a_returned_file_shows_its_errors(workdir, cfg, capsys):
    """李娜's 附件3 (风险等级 很高) is in inbox/ and was returned; the same file checked again (the copy saved from the mail)
    shows that file's errors and exits 1 (it said "重复，错误 0" and exited 0, and flipped once outbox/ was deleted)."""
    from formkit.generate import generate_campaign
    from tests.helpers import fill

    form = next(p for p in generate_campaign(cfg) if "附件3" in p.name and "李娜" in p.name)
    fill(form, workdir / "inbox/李娜.xlsx", rows=[{"风险类别": "岗位职责", "风险点": "审批把关不严", "风险等级": "很高"}])
    assert main(["merge", "--dir", str(workdir), "--quiet"]) == 1
    copy = shutil.copy(workdir / "inbox/李娜.xlsx", workdir / "李娜_副本.xlsx")
    fill(form, workdir / "inbox/李娜_改.xlsx", header={"填表日期": "2023-03-20"},
         rows=[{"风险类别": "岗位职责", "风险点": "审批把关不严", "风险等级": "二级"}])
    capsys.readouterr()
    assert main(["check", "--dir", str(workdir), str(copy)]) == 0       # superseded since: said so, never "通过"
    out = capsys.readouterr().out
    assert "已被替代），不会汇总" in out and "通过" not in out, out
    (workdir / "inbox/李娜_改.xlsx").unlink()
    for reset in (False, True):
        if reset:
            shutil.rmtree(workdir / "outbox")
        capsys.readouterr()
        assert main(["check", "--dir", str(workdir), str(copy)]) == 1
        out = capsys.readouterr().out
        assert "有错误" in out and "[invalid-level]" in out and "错误 1" in out, out


def test_check_on_a_feedback_workbook_not_yet_corrected_shows_the_errors_still_in_it(workdir, cfg, capsys):
    """李娜 checks her feedback workbook before correcting it: "已被替代，不会汇总（错误 0）", exit 0 (it is the returned
    form unchanged, feedback-unchanged): the errors she was asked to fix, and exit 1."""
    from formkit.generate import generate_campaign
    from tests.helpers import fill

    form = next(p for p in generate_campaign(cfg) if "附件3" in p.name and "李娜" in p.name)
    fill(form, workdir / "inbox/李娜.xlsx", rows=[{"风险类别": "岗位职责", "风险点": "审批把关不严", "风险等级": "很高"}])
    assert main(["merge", "--dir", str(workdir), "--quiet"]) == 1
    feedback = next((workdir / "outbox/反馈").rglob("李娜_反馈.xlsx"))
    capsys.readouterr()
    assert main(["check", "--dir", str(workdir), str(feedback)]) == 1
    out = capsys.readouterr().out
    assert "的反馈工作簿，还没有修改（那份退回修改），有错误" in out and "[invalid-level]" in out, out


def _lock(monkeypatch, locked):
    """Files `locked` says are open in Excel on Windows: refused for writing (tests run as root, whom permissions do
    not stop). Returns the real open."""
    import builtins

    real_open = builtins.open

    def refuse(file, mode="r", *a, **k):
        if locked(file) and mode == "r+b":
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, mode, *a, **k)

    monkeypatch.setattr(builtins, "open", refuse)
    return real_open


def test_last_rounds_feedback_open_in_excel_stops_merge_before_it_writes(workdir, cfg, capsys, monkeypatch):
    """Last round's feedback workbook open in Excel on the coordinator's desktop (locked; ~$ beside it), a correction
    come in: merge stopped halfway (the new 廉政风险目录.xlsx written, report.json and the draft beside it deleted),
    saying only "no permission". Now it stops before writing anything and says the file is open."""

    from formkit.generate import generate_campaign
    from tests.helpers import fill

    form = next(p for p in generate_campaign(cfg) if "附件3" in p.name and "李娜" in p.name)
    fill(form, workdir / "inbox/李娜.xlsx", rows=[{"风险类别": "岗位职责", "风险点": "审批把关不严", "风险等级": "四级"}])
    assert main(["merge", "--dir", str(workdir), "--quiet"]) == 1
    opened = next((workdir / "outbox/反馈").rglob("*_反馈.xlsx"))
    (opened.parent / f"~${opened.name}").write_bytes(b"")
    fill(form, workdir / "inbox/李娜_改.xlsx", rows=[{"风险类别": "岗位职责", "风险点": "审批把关不严", "风险等级": "二级"}])
    before = {p: p.read_bytes() for p in (workdir / "outbox").rglob("*") if p.is_file() and p.suffix in (".xlsx", ".json")}
    _lock(monkeypatch, lambda file: str(file) == str(opened))
    capsys.readouterr()
    assert main(["merge", "--dir", str(workdir), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert opened.name in err and "正在被 Excel 或 WPS 打开" in err and "上一轮的结果未改动" in err, err
    assert all(p.read_bytes() == data for p, data in before.items())


def test_an_output_that_cannot_be_replaced_says_nothing_was_written(workdir, cfg, capsys, monkeypatch):
    """outbox/廉政风险目录.xlsx cannot be opened for writing (open in a program, read-only): merge stops before writing
    anything and says that the previous round's outputs are as they were (it said "partly written, no report.json"
    while report.json was untouched); --compare with a file that is no workbook names no library error."""
    import builtins

    from formkit.generate import generate_campaign
    from tests.helpers import fill

    form = next(p for p in generate_campaign(cfg) if "附件3" in p.name and "李娜" in p.name)
    fill(form, workdir / "inbox/李娜.xlsx", rows=[{"风险类别": "岗位职责", "风险点": "审批把关不严", "风险等级": "二级"}])
    assert main(["merge", "--dir", str(workdir), "--quiet"]) == 0
    report = (workdir / "outbox/report.json").read_bytes()
    real_open = _lock(monkeypatch, lambda file: str(file).endswith("廉政风险目录.xlsx"))
    capsys.readouterr()
    assert main(["merge", "--dir", str(workdir), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "上一轮的结果未改动" in err and "没有 report.json" not in err, err
    assert (workdir / "outbox/report.json").read_bytes() == report
    monkeypatch.setattr(builtins, "open", real_open)
    (workdir / "x.xlsx").write_bytes(b"no workbook")
    assert main(["merge", "--dir", str(workdir), "--compare", str(workdir / "x.xlsx")]) == 2
    assert "Error" not in capsys.readouterr().err


def test_init_with_an_empty_folder_name_makes_nothing(tmp_path):
    """formkit init "$UNSET": an empty name is said (it made the campaign in the current folder, unsaid)."""
    p = run("init", "", cwd=tmp_path)
    assert p.returncode == 2 and "目录名称是空的" in p.stderr
    assert not (tmp_path / "formkit.toml").exists()


def test_the_summary_says_why_files_were_skipped(tmp_path):
    """The one-screen summary names the reasons files were skipped (it named temporary files and shortcuts whatever
    they were)."""
    root = tmp_path / "活动"
    assert run("init", str(root)).returncode == 0
    (root / "inbox/~$附件3.xlsx").write_bytes(b"x")
    (root / "inbox/Thumbs.db").write_bytes(b"x")
    p = run("merge", "--dir", str(root))
    line = next(x for x in p.stdout.splitlines() if "跳过" in x)
    assert "跳过 2 个文件" in line and "临时/系统文件" not in line



def test_merge_says_when_as_of_is_left_behind_by_the_inputs(workdir):
    """as_of = 2023-03-25 kept from the example while a form came on 04-10: every date of the outputs went by 03-25
    (a reply dated before the mail it answers, asking for a correction by a day gone), unsaid."""
    import os
    from datetime import datetime

    from formkit.config import CONFIG_NAME, load_config
    from formkit.generate import generate_campaign
    from tests.helpers import fill

    toml = workdir / CONFIG_NAME
    toml.write_text(toml.read_text(encoding="utf-8").replace("year = 2023", "year = 2023\nas_of = 2023-03-25"),
                    encoding="utf-8")
    cfg = load_config(workdir)
    form = next(p for p in generate_campaign(cfg, "risks") if "附件3" in p.name and "张伟" in p.name)
    path = fill(form, workdir / "inbox/张伟.xlsx", header={"填表日期": "2023-04-10"},
                rows=[{"风险类别": "岗位职责", "风险点": "考务泄密", "风险等级": "二级"}])
    os.utime(path, (datetime(2023, 4, 10, 10).timestamp(),) * 2)
    result = run("merge", "--dir", str(workdir))
    assert "as_of = 2023-03-25（数据截至），但有 1 份文件在此之后提交（最晚 2023-04-10）" in result.stderr, result.stderr
    assert "as_of" not in run("merge", "--dir", str(workdir), "--quiet").stderr


def test_the_summary_says_how_many_errors_a_returned_file_has(workdir):
    """A returned file with three errors: its summary line shows the first and says there are three (one problem or
    twenty: the screen did not say)."""
    from formkit.config import load_config
    from formkit.generate import generate_campaign
    from tests.helpers import fill

    cfg = load_config(workdir)
    form = next(p for p in generate_campaign(cfg, "risks") if "附件3" in p.name and "张伟" in p.name)
    fill(form, workdir / "inbox/张伟.xlsx", header={"填表日期": "2023-03-12"},
         rows=[{"风险类别": "岗位职责", "风险点": "考务泄密", "风险等级": "四级"},
               {"风险类别": "乱填", "风险点": "报销不严", "风险等级": "五级"}])
    out = run("merge", "--dir", str(workdir)).stdout
    line = next(x for x in out.splitlines() if "张伟.xlsx" in x)
    assert "（共 3 处错误）" in line, line


def test_a_new_round_generated_in_last_rounds_folder_leaves_none_of_its_forms_to_send(workdir):
    """A year on, formkit.toml given the new year and name in the same folder: generate clears last round's 附件5/6
    from outbox/templates/ (pre-filled with last year's risks: sent with the new forms by mistake), 提交情况 shows this
    round's measure forms 未下发, and merge says which files in inbox/ are last round's, to move out."""
    from formkit.config import load_config
    from formkit.merge import merge
    from formkit.submissions import grid
    from formkit.workspace import write_config
    from tests.helpers import fill

    assert main(["generate", "--dir", str(workdir), "--quiet"]) == 0
    assert main(["generate", "--dir", str(workdir), "--stage", "measures", "--quiet"]) == 0
    old = next((workdir / "outbox/templates").rglob("附件3_*张伟*.xlsx"))
    fill(old, workdir / "inbox/张伟去年.xlsx", header={"填表日期": "2023-03-10"},
         rows=[{"风险类别": "岗位职责", "风险点": "成绩修改审批把关不严", "风险等级": "二级"}])
    assert list((workdir / "outbox/templates").rglob("附件6_*.xlsx"))
    write_config(workdir, institution="测试职业学院", main_leader="周校长", campaign="2024年度廉政风险防控", year=2024)
    result = run("generate", "--dir", str(workdir))
    assert result.returncode == 0, result.stderr
    assert not list((workdir / "outbox/templates").rglob("附件5_*.xlsx"))
    assert not list((workdir / "outbox/templates").rglob("附件6_*.xlsx"))
    assert "上一轮活动的表单" in result.stdout
    cfg = load_config(workdir)
    analysis = merge(cfg).analysis
    assert {d.forms["附件6"].state for d in grid(analysis)} == {"未下发"}
    said = run("merge", "--dir", str(workdir))
    assert "2023年度廉政风险防控" in said.stdout and "移出" in said.stdout, said.stdout


def test_a_campaign_renamed_within_its_year_keeps_its_measure_forms(workdir):
    """The campaign's name reworded in formkit.toml within the same year (…防控 → …防控工作), then generate again (a
    roster change): this round's 附件5/6 are kept and still issued (they were deleted as another round's, 未下发)."""
    from formkit.config import load_config, read_issued
    from formkit.workspace import write_config

    assert main(["generate", "--dir", str(workdir), "--quiet"]) == 0
    assert main(["generate", "--dir", str(workdir), "--stage", "measures", "--quiet"]) == 0
    measures = sorted((workdir / "outbox/templates").rglob("附件[56]_*.xlsx"))
    assert measures
    write_config(workdir, institution="测试职业学院", main_leader="周校长", campaign="2023年度廉政风险防控工作", year=2023)
    assert main(["generate", "--dir", str(workdir), "--quiet"]) == 0
    assert sorted((workdir / "outbox/templates").rglob("附件[56]_*.xlsx")) == measures
    assert read_issued(load_config(workdir))[0]


@pytest.mark.parametrize("new_name", ["廉政风险防控工作", "2024年度廉政风险防控工作"])
def test_a_new_year_under_a_name_without_a_year_is_a_new_round(workdir, new_name):
    """Last year's campaign named 廉政风险防控工作 (no year); this year's formkit.toml has year 2024 and the same name or
    one with the year: generate clears last year's 附件5/6 and they are not issued this round (the name alone could not
    tell the rounds apart: they stayed, counted as issued)."""
    from formkit.config import load_config, read_issued
    from formkit.workspace import write_config

    write_config(workdir, institution="测试职业学院", main_leader="周校长", campaign="廉政风险防控工作", year=2023)
    assert main(["generate", "--dir", str(workdir), "--quiet"]) == 0
    assert main(["generate", "--dir", str(workdir), "--stage", "measures", "--quiet"]) == 0
    assert list((workdir / "outbox/templates").rglob("附件6_*.xlsx"))
    write_config(workdir, institution="测试职业学院", main_leader="周校长", campaign=new_name, year=2024)
    assert main(["generate", "--dir", str(workdir), "--quiet"]) == 0
    assert not list((workdir / "outbox/templates").rglob("附件[56]_*.xlsx"))
    assert not read_issued(load_config(workdir))[0]
