"""The merge cache (formkit.cache): same outputs with and without it, keyed by the bytes, reset by outbox/."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest

from formkit import cache
from formkit.config import load_config
from formkit.merge import merge
from formkit.pipeline import analyse
from formkit.workspace import write_roster
from tests.conftest import DEPARTMENTS, STAFF
from tests.helpers import fill


def _risk_forms(cfg, inbox: Path) -> list[Path]:
    from formkit.generate import generate_campaign

    paths = generate_campaign(cfg)
    pick = lambda *parts: next(p for p in paths if all(x in str(p) for x in parts))  # noqa: E731
    return [
        fill(pick("附件3", "张伟"), inbox / "张伟.xlsx", header={"填表日期": "2023-03-12"}, rows=[
            {"风险类别": "岗位职责", "风险点": "成绩修改审批把关不严", "主要表现形式": "违规同意修改成绩", "风险等级": "二级"}]),
        fill(pick("附件3", "李娜"), inbox / "李娜.xlsx", rows=[
            {"风险类别": "外部环境", "风险点": "考试期间受人情干扰", "风险等级": "四级"}]),
        fill(pick("附件4", "教务处"), inbox / "教务处风险点.xlsx", rows=[
            {"岗位(环节)": "教材选用", "关联权力事项": "教材选用", "风险类别": "岗位职责", "风险点": "教材选用中收受回扣",
             "主要表现形式": "指定教材供应商", "风险等级": "一级", "涉及“三重一大”": "是", "责任人": "王芳"}]),
    ]


def _outputs(root: Path) -> dict[str, bytes]:
    out = root / "outbox"
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not p.name.startswith(".formkit-cache") and p.suffix != ".eml"}


def test_second_merge_comes_from_the_cache_with_the_same_outputs(workdir, cfg):
    _risk_forms(cfg, workdir / "inbox")
    timings: dict = {}
    first = merge(cfg, timings=timings)
    assert timings["cache_hits"] == 0 and timings["cache_misses"] == 3
    assert (workdir / "outbox" / cache.FILE_NAME).is_file()
    before = _outputs(workdir)
    again: dict = {}
    second = merge(load_config(workdir), timings=again)
    assert again["cache_hits"] == 3 and again["cache_misses"] == 0
    assert _outputs(workdir) == before
    assert second.report == first.report
    # the cached submission is there when asked for, findings and all
    res = next(r for r in second.analysis.inputs if r.path.endswith("李娜.xlsx"))
    assert res.status == "returned" and res.checked.sub.sheet == "附件3"
    assert res.checked.findings is res.findings


def test_a_new_form_is_the_only_one_read(workdir, cfg):
    forms = _risk_forms(cfg, workdir / "inbox")
    late = forms.pop()
    shutil.move(late, workdir / "late.xlsx")
    merge(cfg)
    shutil.move(workdir / "late.xlsx", late)
    timings: dict = {}
    result = merge(load_config(workdir), timings=timings)
    assert (timings["cache_hits"], timings["cache_misses"]) == (2, 1)
    assert len(result.analysis.catalogue) == 2


def test_changed_bytes_are_read_again_even_with_the_same_time(workdir, cfg):
    forms = _risk_forms(cfg, workdir / "inbox")
    merge(cfg)
    target = forms[1]
    st = target.stat()
    fill(target, rows=[{"风险类别": "外部环境", "风险点": "考试期间受人情干扰", "风险等级": "二级"}])
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))        # same time, other bytes
    timings: dict = {}
    result = merge(load_config(workdir), timings=timings)
    assert timings["cache_misses"] == 1
    assert next(r for r in result.analysis.inputs if r.path.endswith("李娜.xlsx")).status == "accepted"


def test_a_changed_roster_or_outbox_reset_empties_the_cache(workdir, cfg):
    _risk_forms(cfg, workdir / "inbox")
    merge(cfg)
    write_roster(workdir / "名册.xlsx", DEPARTMENTS, [*STAFF, ("0301", "赵六", "JDX", "专任教师", "专任教师")])
    timings: dict = {}
    merge(load_config(workdir), timings=timings)
    assert timings["cache_hits"] == 0
    shutil.rmtree(workdir / "outbox")
    timings = {}
    merge(load_config(workdir), timings=timings)
    assert timings["cache_hits"] == 0 and timings["cache_misses"] == 3


def test_analyse_without_a_store_still_loads_checked_submissions(workdir, cfg):
    _risk_forms(cfg, workdir / "inbox")
    a = analyse(cfg)
    assert {r.checked.spec.id for r in a.inputs} == {"附件3", "附件4"}
    assert all(r.checked.spec is a.forms[r.form] for r in a.inputs)        # named, not copied
    assert not (workdir / "outbox" / cache.FILE_NAME).exists()


def test_the_cache_loads_only_formkit_data():
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo owned",))

    blob = pickle.dumps(Evil())
    with pytest.raises(pickle.UnpicklingError):
        cache.loads(blob)
    assert cache.loads(cache.dumps({"a": [1, 2.5, "三"]})) == {"a": [1, 2.5, "三"]}


def test_a_damaged_cache_file_is_replaced(workdir, cfg):
    _risk_forms(cfg, workdir / "inbox")
    (workdir / "outbox").mkdir(exist_ok=True)
    (workdir / "outbox" / cache.FILE_NAME).write_bytes(b"not a database" * 100)
    timings: dict = {}
    merge(cfg, timings=timings)
    assert timings["cache_misses"] == 3
    store = cache.open_store(workdir / "outbox", cfg)
    assert store.get_brief("0" * 64) is None


def _damage(workdir: Path, sql: str) -> None:
    import sqlite3

    db = sqlite3.connect(workdir / "outbox" / cache.FILE_NAME)
    db.execute(sql)
    db.commit()
    db.close()


@pytest.mark.parametrize("damage, said", [
    # a row whose outcome cannot be decoded: read again, nothing to say
    ("UPDATE outcome SET brief = zeroblob(40)", None),
    # a checked submission that cannot be decoded, found halfway through: the merge starts again with a fresh cache
    ("UPDATE outcome SET checked = x'00ff00ff'", "已损坏"),
    # a table changed (by hand, by a tool): reset, said (it stopped the merge with exit 2)
    ("ALTER TABLE outcome RENAME COLUMN brief TO result", "表结构不对"),
])
def test_a_damaged_cache_gives_the_clean_result_and_says_so(workdir, cfg, capsys, damage, said):
    """Damage inside the cache never stops a merge (a traceback, or exit 2: "it is only a cache") and never changes its
    outputs; where it cost the numbers' history, the coordinator is told."""
    from formkit.cli import main

    _risk_forms(cfg, workdir / "inbox")
    first = merge(cfg)
    before = _outputs(workdir)
    _damage(workdir, damage)
    capsys.readouterr()
    assert main(["merge", "--dir", str(workdir)]) == first.exit_code
    err = capsys.readouterr().err
    assert "Traceback" not in err and _outputs(workdir) == before
    assert (said is None and "缓存" not in err) or (said is not None and said in err and "提醒" in err)
    again: dict = {}
    merge(load_config(workdir), timings=again)          # the cache is whole again
    assert again["cache_hits"] == 3


def test_a_cache_that_cannot_be_written_is_done_without_keeping_its_numbers(workdir, cfg, monkeypatch):
    """outbox/.formkit-cache.sqlite read-only (or locked by another program): the merge runs without it, the same
    outputs, the numbers given before still kept (they are read from it), and says so (it stopped with exit 2)."""
    import sqlite3

    _risk_forms(cfg, workdir / "inbox")
    merge(cfg)
    before = _outputs(workdir)

    class ReadOnly(cache.DiskStore):
        def _prepare(self, db, sqlite3_):
            raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(cache, "DiskStore", ReadOnly)
    result = merge(cfg)
    assert _outputs(workdir) == before
    assert len(result.notes) == 1 and "无法使用" in result.notes[0] and "仍按其中记下的历史" in result.notes[0]


def _feedback_files(root: Path) -> dict[str, tuple[int, bytes]]:
    folder = root / "outbox" / "反馈"
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(folder.rglob("*_反馈.xlsx"))}


def test_unchanged_feedback_workbooks_are_left_in_place(workdir, cfg):
    """A feedback workbook that would come out the same is not written again (a province's re-merge would
    otherwise rewrite thousands); a changed finding, a changed input or a hand-edited copy rewrites it."""
    _risk_forms(cfg, workdir / "inbox")
    merge(cfg)
    first = _feedback_files(workdir)
    assert "教务处/李娜_反馈.xlsx" in first
    merge(load_config(workdir))
    assert _feedback_files(workdir) == first                      # same mtime: left alone
    # the same flawed file under another name: another feedback workbook, the old one removed
    (workdir / "inbox/李娜.xlsx").rename(workdir / "inbox/李娜-风险点.xlsx")
    merge(load_config(workdir))
    names = _feedback_files(workdir)
    assert "教务处/李娜-风险点_反馈.xlsx" in names and "教务处/李娜_反馈.xlsx" not in names
    assert names["教务处/教务处风险点_反馈.xlsx"] == first["教务处/教务处风险点_反馈.xlsx"]      # untouched
    kept = _feedback_files(workdir)
    # someone opened the feedback workbook in outbox/ and saved it: it is made again, as it should be
    import openpyxl

    target = workdir / "outbox/反馈/教务处/李娜-风险点_反馈.xlsx"
    wb = openpyxl.load_workbook(target)
    wb.active["A1"] = "看过"
    wb.save(target)
    os.utime(target, ns=(1, 1))
    merge(load_config(workdir))
    again = _feedback_files(workdir)
    assert again["教务处/李娜-风险点_反馈.xlsx"][0] != 1 and again["教务处/李娜-风险点_反馈.xlsx"][1] == kept[
        "教务处/李娜-风险点_反馈.xlsx"][1]
    # a different flaw in the input: a different workbook
    from formkit.generate import generate_campaign

    pick = next(p for p in generate_campaign(load_config(workdir)) if "附件3" in str(p) and "李娜" in str(p))
    fill(pick, workdir / "inbox/李娜-风险点.xlsx", rows=[
        {"风险类别": "外部环境", "风险点": "考试期间受人情干扰", "风险等级": "五级"}])
    merge(load_config(workdir))
    changed = _feedback_files(workdir)["教务处/李娜-风险点_反馈.xlsx"]
    assert changed[1] != kept["教务处/李娜-风险点_反馈.xlsx"][1]
    import openpyxl

    wb = openpyxl.load_workbook(workdir / "outbox/反馈/教务处/李娜-风险点_反馈.xlsx")
    assert any("五级" in str(c.value) for row in wb["问题说明"].iter_rows() for c in row)
    wb.close()


def test_a_timed_merge_reports_the_parts_of_reading(workdir, cfg):
    """FORMKIT_TIMINGS: the workers' CPU time per part of reading (bench/bench.py prints it against the floor)."""
    from formkit.workers import READ_PARTS

    _risk_forms(cfg, workdir / "inbox")
    timings: dict = {}
    merge(cfg, timings=timings)
    parts = {k: v for k, v in timings.items() if k.startswith("cpu_")}
    assert set(parts) == {f"cpu_{p}" for p in READ_PARTS}
    assert all(v >= 0 for v in parts.values()) and parts["cpu_parse"] > 0 and parts["cpu_safety"] > 0
    assert sum(parts.values()) < timings["read"] * 2 + 1       # CPU of at most two workers in that time


def test_a_second_merge_takes_zipped_forms_from_the_cache_too(workdir, cfg):
    """A second merge serves the members of a zip on disk from the cache too (looked up by their bytes in
    the merging process since the first merge filled the cache), and reads nothing again."""
    import zipfile

    inbox = workdir / "inbox"
    forms = _risk_forms(cfg, inbox)
    with zipfile.ZipFile(inbox / "教务处.zip", "w") as zf:
        for path in forms[:2]:
            zf.write(path, path.name)
            path.unlink()
    first: dict = {}
    merge(cfg, timings=first)
    assert (first["cache_hits"], first["cache_misses"]) == (0, 3)
    again: dict = {}
    result = merge(load_config(workdir), timings=again)
    assert (again["cache_hits"], again["cache_misses"]) == (3, 0)
    assert sorted(r.path.split("/")[-1] for r in result.analysis.inputs) == [
        "教务处.zip!张伟.xlsx", "教务处.zip!李娜.xlsx", "教务处风险点.xlsx"]


def test_a_zip_replaced_with_the_same_size_and_time_is_read_again(workdir, cfg):
    """File times are coarse: an archive replaced at once (or with its time put back) keeps its size and
    time. Nothing kept from one merge, not even the open archive, may serve the next one the old bytes."""
    import hashlib
    import io
    import zipfile

    inbox = workdir / "inbox"
    zhang = _risk_forms(cfg, inbox)[0]

    def workbook(comment: bytes) -> bytes:          # the same form, a different (same-length) zip comment
        buf = io.BytesIO(zhang.read_bytes())
        with zipfile.ZipFile(buf, "a") as zf:
            zf.comment = comment
        return buf.getvalue()

    archive = inbox / "教务处.zip"

    def put(member: bytes, ns: int) -> None:
        tmp = inbox.parent / "新.zip"
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as zf:
            zf.writestr("张伟.xlsx", member)
        os.utime(tmp, ns=(ns, ns))
        os.replace(tmp, archive)                    # a new file under the old name

    first, second = workbook(b"aaaa"), workbook(b"bbbb")
    assert len(first) == len(second) and first != second
    zhang.unlink()
    put(first, 1_700_000_000_000_000_000)
    merge(cfg)
    merge(load_config(workdir))                     # from the cache: this process opened the archive itself
    put(second, 1_700_000_000_000_000_000)
    result = merge(load_config(workdir))
    member = next(r for r in result.analysis.inputs if r.path.endswith("教务处.zip!张伟.xlsx"))
    assert member.sha256 == hashlib.sha256(second).hexdigest()


def test_a_file_that_kills_its_reader_is_not_read_again(workdir, cfg, monkeypatch):
    """A file whose parse kills the reader process (a 2.5 KB .xls asking for 2 GB did, on every merge and every
    check): its failure is kept by its bytes' digest, so the next merge says the same without reading it again."""
    import hashlib

    from formkit import workers
    from tests import hostile

    bad = hostile.tiny_xlsx({"A1": "部门"})
    (workdir / "inbox/坏的.xlsx").write_bytes(bad)
    digest = hashlib.sha256(bad).hexdigest()
    real = workers.read_workbook

    def dies(data, *args, **kw):            # (the workers are forked: they run this)
        if hashlib.sha256(data).hexdigest() == digest:
            os.abort()
        return real(data, *args, **kw)

    monkeypatch.setattr(workers, "read_workbook", dies)
    first = {r.path: r for r in merge(cfg).analysis.inputs}["inbox/坏的.xlsx"]
    assert [f.code for f in first.findings] == ["file-read-failed"] and "异常退出" in first.findings[0].message

    def not_a_form(data, *args, **kw):
        raise workers.NotAForm()

    monkeypatch.setattr(workers, "read_workbook", not_a_form)     # read again, it would be file-not-a-form
    again = {r.path: r for r in merge(cfg).analysis.inputs}["inbox/坏的.xlsx"]
    assert [f.message for f in again.findings] == [f.message for f in first.findings]


def test_the_numbers_survive_the_cache_being_deleted(workdir, cfg):
    """教务处's 附件4 v1 (甲乙丙) then v2 (甲丙丁): B01, B03, B04; v1 taken out of inbox/, then the cache deleted: the numbers
    are read back from the last consolidated workbook (丙 became B02 and 丁 B03, their accepted measures on each
    other's risks)."""
    from formkit.generate import generate_campaign

    form = next(p for p in generate_campaign(cfg) if "附件4" in p.name and "教务处" in p.name)

    def rows(*names):
        return [{"岗位(环节)": "教务", "风险类别": "业务流程", "风险点": f"{n}风险", "主要表现形式": f"{n}表现",
                 "风险等级": "三级", "涉及“三重一大”": "否", "责任人": "王芳"} for n in names]

    fill(form, workdir / "inbox/v1.xlsx", header={"填表日期": "2023-03-10"}, rows=rows("甲", "乙", "丙"))
    fill(form, workdir / "inbox/v2.xlsx", header={"填表日期": "2023-03-15"}, rows=rows("甲", "丙", "丁"))
    expected = [("JWC-B01", "甲风险"), ("JWC-B03", "丙风险"), ("JWC-B04", "丁风险")]
    assert [(r["风险编号"], r["风险点"]) for r in merge(cfg).analysis.catalogue] == expected
    (workdir / "inbox/v1.xlsx").unlink()
    assert [(r["风险编号"], r["风险点"]) for r in merge(load_config(workdir)).analysis.catalogue] == expected
    cache.remove(workdir / "outbox" / cache.FILE_NAME)
    assert [(r["风险编号"], r["风险点"]) for r in merge(load_config(workdir)).analysis.catalogue] == expected


def test_the_same_bytes_sent_twice_count_from_their_first_sending_whichever_was_read_first(workdir, cfg):
    """Round 1: the secretary's zip (mailed 20 March) holds 张伟's first version. Round 2: his own mails come in, of 10
    March (the same bytes) and 15 March (his correction). The correction is current, as a merge from an empty outbox
    says too (the zip's copy, read first, kept its 20 March and superseded the correction: two risks instead of three)."""
    from tests import hostile
    from tests.test_rules import RISK3, RISK3B, blank

    a3 = blank(cfg, "附件3", "JWC", "张伟")
    first = fill(a3, workdir / "v1.xlsx", header={"填表日期": "2023-03-09"}, rows=[RISK3])
    second = fill(a3, workdir / "v2.xlsx", header={"填表日期": "2023-03-14"}, rows=[RISK3, RISK3B])
    v1 = first.read_bytes()
    zipped = hostile.make_zip({"附件3_张伟.xlsx": v1, "说明.txt": "汇总".encode()})
    (workdir / "inbox/汇总.eml").write_bytes(hostile.make_eml(
        [("教务处附件3.zip", zipped)], subject="教务处汇总", date="Mon, 20 Mar 2023 10:00:00 +0800"))
    assert [r.status for r in merge(cfg).analysis.inputs if r.form == "附件3"] == ["accepted"]
    (workdir / "inbox/张伟1.eml").write_bytes(hostile.make_eml(
        [("附件3_张伟.xlsx", v1)], subject="张伟附件3", date="Fri, 10 Mar 2023 10:00:00 +0800"))
    (workdir / "inbox/张伟2.eml").write_bytes(hostile.make_eml(
        [("附件3_张伟.xlsx", second.read_bytes())], subject="张伟附件3 改", date="Wed, 15 Mar 2023 10:00:00 +0800"))

    def outcome() -> tuple:
        a = merge(cfg).analysis
        return ({r.path: r.status for r in a.inputs if r.status != "duplicate"},
                sorted(r["风险点"] for r in a.catalogue if r["姓名"] == "张伟"))

    incremental = outcome()
    assert incremental[1] == sorted([RISK3["风险点"], RISK3B["风险点"]])
    assert incremental[0]["inbox/张伟2.eml!附件3_张伟.xlsx"] == "accepted"
    shutil.rmtree(workdir / "outbox")
    assert outcome()[1] == incremental[1]
