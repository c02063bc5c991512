"""`formkit merge`: analyse the inbox and write every output."""

from __future__ import annotations

import hashlib
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from formkit import __version__, normalize
from formkit.config import Config
from formkit.inputs import DUPLICATE, REJECTED, RETURNED
from formkit.pipeline import Analysis, analyse
from formkit.spec import declarations_digest

WORKBOOK_NAME = "廉政风险目录.xlsx"


@dataclass
class MergeResult:
    analysis: Analysis
    outputs: dict[str, str]
    report: dict
    notes: list[str] = field(default_factory=list)      # what the coordinator is told besides (the cache damaged)

    @property
    def exit_code(self) -> int:
        # 1: some input returned or rejected (interfaces.md); a superseded or duplicate one is no one's problem
        return 1 if any(r.status in (RETURNED, REJECTED) for r in self.analysis.inputs) else 0


def inputs_digest(analysis: Analysis) -> str:
    """What makes one round the same as another: the inputs' bytes and what was made of them (status, which
    one superseded which, the submission time). Not the file times themselves: a folder copied or a file
    touched is the same round (its outputs are the same), not a new one to archive and compare with."""
    h = hashlib.sha256(f"{__version__}\0{declarations_digest()}\0{analysis.cfg.fingerprint()}".encode())
    for res in analysis.inputs:
        h.update(f"\0{res.path}\0{res.sha256}\0{res.status}\0{res.superseded_by}\0{res.submitted_at}".encode())
    return h.hexdigest()


def merge(cfg: Config, *, compare_with: Path | None = None,
          progress: Callable[[str, int, int], None] | None = None, timings: dict | None = None,
          cache: bool = True) -> MergeResult:
    """Analyse the inbox and write every output (see _merge), one merge at a time on a working folder."""
    from formkit.cache import DAMAGED_NOTE, MemoryStore, memory_store, open_store, remove
    from formkit.cache import FILE_NAME as CACHE_NAME
    from formkit.lock import working_folder_lock

    with working_folder_lock(cfg.outbox):
        store = open_store(cfg.outbox, cfg) if cache else MemoryStore()
        try:
            result = _merge(cfg, compare_with=compare_with, progress=progress, timings=timings, store=store)
        except Exception as exc:
            if not store.persistent or not _cache_failed(exc):
                raise
            # the cache failed halfway (a damaged row, a table changed under it): once more with a fresh one, said
            try:
                store.close()
            except Exception:  # noqa: BLE001 - it is being thrown away
                pass
            path = cfg.outbox / CACHE_NAME
            if remove(path):
                store = open_store(cfg.outbox, cfg)
                store.notes.append(DAMAGED_NOTE)
            else:
                store = memory_store(path, str(exc))
            result = _merge(cfg, compare_with=compare_with, progress=progress, timings=timings, store=store)
        result.notes = list(dict.fromkeys(store.notes))
        return result


def _cache_failed(exc: BaseException) -> bool:
    from formkit.cache import CacheDamaged

    sqlite3 = sys.modules.get("sqlite3")
    return isinstance(exc, CacheDamaged) or (sqlite3 is not None and isinstance(exc, sqlite3.Error))


def _merge(cfg: Config, *, store, compare_with: Path | None = None,
           progress: Callable[[str, int, int], None] | None = None, timings: dict | None = None) -> MergeResult:
    """Analyse the inbox and write every output.

    store: what reading each input gave, kept under outbox/ (formkit.cache) and taken from there for inputs whose
    bytes were read before (or kept in memory for this run). timings: when given, seconds spent per stage are added to it
    (the CLI prints them to stderr when FORMKIT_TIMINGS=1).

    Both cores write: while this process writes the consolidated workbook, a forked one writes the
    publication and starts on the feedback (a workbook and a mail per flawed input); then both take
    feedback jobs, one from each end of the list (fork only; elsewhere, one after the other). Feedback
    workbooks that would come out the same as the ones in place are left alone (write.feedback.plan_feedback).
    """
    from formkit.isolate import frozen_heap
    from formkit.pipeline import timed

    def import_writers() -> None:      # while the workers read: this process is mostly waiting then
        import formkit.changes
        import formkit.write.feedback
        import formkit.write.publication
        import formkit.write.report
        import formkit.write.workbook  # noqa: F401

    out = cfg.outbox
    analysis = analyse(cfg, progress=progress, store=store, timings=timings, while_reading=import_writers,
                       compare_with=compare_with)
    from formkit.changes import (
        CAMPAIGN_PROPERTY,
        DIGEST_PROPERTY,
        YEAR_PROPERTY,
        archive_previous,
        catalogue_problem,
        compare,
        compare_lists,
        compared_rows,
        find_baseline,
        pending_of,
        workbook_company,
        workbook_digest,
    )
    from formkit.numbering import same_campaign
    from formkit.write.common import sweep_temporary
    from formkit.write.feedback import (
        CHASE_DIR,
        FEEDBACK_DIR,
        clear_previous,
        plan_feedback,
        record_feedback,
        write_chase,
    )
    from formkit.write.publication import FILE_STEM, SUBDIR
    from formkit.write.report import report_data, write_report
    from formkit.write.workbook import write_workbook

    with timed(timings, "compare"):
        out.mkdir(parents=True, exist_ok=True)
        sweep_temporary(out)          # what an interrupted merge left
        # (and last round's feedback and chase drafts, which this round replaces or removes: one open stopped merge
        # halfway, the new 廉政风险目录.xlsx written and report.json gone)
        _check_replaceable(out / WORKBOOK_NAME, out / SUBDIR / f"{FILE_STEM}.xlsx", out / SUBDIR / f"{FILE_STEM}.html",
                           out / "report.json", *_drafts(out / FEEDBACK_DIR), *_drafts(out / CHASE_DIR))
        digest = inputs_digest(analysis)
        target = out / WORKBOOK_NAME
        copy, edited = archive_previous(target, digest)
        if edited and copy is not None:
            store.notes.append(f"{WORKBOOK_NAME} 在上次汇总之后用其他程序保存过；汇总工作簿每次都按收到的表重新生成，在其中直接改的"
                               f"内容（等级、措施、加的列等）不会带入本次结果，要改风险点请让部门改正表单后重报。保存过的那份已存为 "
                               f"{_shown_path(copy, cfg.root)}。")
        baseline = compare_with if compare_with is not None else find_baseline(out, digest)
        if compare_with is not None and (theirs := workbook_company(compare_with)) \
                and normalize.fold(theirs) != normalize.fold(cfg.institution):
            # another college's catalogue (or the demo's) named by mistake: every risk of it "删除", unsaid
            store.notes.append(f"--compare 指定的 {_shown_path(compare_with, cfg.root)} 是“{theirs}”的风险目录，本活动的单位是"
                               f"“{cfg.institution}”；“变化”是与它比较的，请确认选对了文件。")
        before = workbook_digest(baseline) if baseline is not None else None
        known = store.get_catalogue(before) if before else None
        if baseline is not None and known is None and (why := catalogue_problem(baseline)):
            # (its 风险目录 deleted or renamed beyond finding, the file no workbook: the merge stopped here, every time)
            store.notes.append(f"上一轮的汇总工作簿 {_shown_path(baseline, cfg.root)} 中读不到风险目录（{why}），"
                               "本次“变化”没有与它比较。")
            baseline = None
        changes = compare(analysis.catalogue, baseline, cfg.root, known=known, pending=analysis.ctx.pending,
                          measures_pending=analysis.ctx.measures_pending,
                          waiting=store.get_pending(before) if before else None,
                          # (last year's workbook, named with --compare or left in outbox/历史/ of this folder)
                          other_campaign=(year_on := baseline is not None and not same_campaign(baseline, cfg)),
                          departments={d.name for d in cfg.roster.departments.values()},
                          reported=_reported(analysis) if year_on else None)
        compare_lists(changes, baseline, analysis.powers, analysis.leaders, _department_of(cfg),
                      unreported=_unreported_lists(analysis) if year_on else None)
        store.put_catalogue(digest, compared_rows(analysis.catalogue), pending_of(changes))
        store.put_numbering(analysis.numbering)       # a number once given stays with its risk (next merges)

    def rel(p: Path) -> str:
        return p.relative_to(cfg.root).as_posix()

    store.flush()
    # the previous round's report.json goes before this round's outputs come: a merge interrupted (Ctrl-C) or stopped
    # halfway (a feedback workbook open in Excel) left it beside the new consolidated workbook, the two disagreeing
    (out / "report.json").unlink(missing_ok=True)
    # the publication and the feedback jobs are shared by two processes: the other one starts with the
    # publication while this one writes the consolidated workbook, then both take feedback jobs
    tasks: list = [PUBLICATION, *plan_feedback(analysis)]
    share = _Share(len(tasks))
    with frozen_heap():
        other = _in_child(lambda report: _share_work(analysis, tasks, share, share.take_front, report))
    try:
        with timed(timings, "write_workbook"):
            write_workbook(analysis, target, changes=changes, progress=progress, properties={
                DIGEST_PROPERTY: digest, CAMPAIGN_PROPERTY: cfg.campaign_id, YEAR_PROPERTY: str(cfg.year)})
        outputs = {"workbook": rel(target)}
        with timed(timings, "write_publication_feedback"):      # what is left of them once the workbook is written
            report = (lambda d, t: progress("写出公示与反馈", d, t)) if progress else None
            done = _share_work(analysis, tasks, share, share.take_back, report)
            if other is not None:
                done += other.wait(progress)
            done.sort(key=lambda item: item[0])
            for p in done[0][1]:                     # task 0: the publication
                outputs["publication_" + p.suffix.lstrip(".")] = rel(p)
            feedback = [p for _, paths in done[1:] for p in paths] + write_chase(analysis)
            record_feedback(analysis, tasks[1:])
            clear_previous(out, keep=set(feedback))
    finally:
        if other is not None:
            other.stop()
    outputs["feedback"] = [rel(p) for p in feedback if p.suffix == ".xlsx"]
    outputs["mail_drafts"] = [rel(p) for p in feedback if p.suffix == ".eml"]
    outputs["report"] = rel(out / "report.json")
    with timed(timings, "write_report"):
        data = report_data(analysis, outputs, changes.to_json())
        write_report(out / "report.json", data)
        if progress:
            progress("写出报告", 1, 1)
    if store.persistent:
        with timed(timings, "cache"):
            store.put_seen({r.sha256: r.path for r in analysis.inputs if r.sha256 and r.status != DUPLICATE})
            store.keep_only({r.sha256 for r in analysis.inputs if r.sha256})
    if timings is not None:
        timings["cache_hits"], timings["cache_misses"] = store.hits, store.misses
    return MergeResult(analysis, outputs, data)


def _sent(analysis) -> list:
    """This round's forms accepted, now or in an earlier version (superseded): not those only returned, whose rows are
    in no catalogue (their risks are not 删除 either)."""
    return [r for r in analysis.inputs if r.form and (r.status == "accepted" or (
        r.status == "superseded" and not any(f.severity == "error" for f in r.findings)))
        and not any(f.code == "identity-campaign" for f in r.findings)]


def _reported(analysis) -> set[tuple[str, str, str]]:
    """(部门, 层级, 姓名) of the risk forms that came this round: a year on, last year's risks of the others are 本轮未报."""
    names = {d.code: d.name for d in analysis.cfg.roster.departments.values()}
    out = set()
    for r in _sent(analysis):
        if r.form == "附件4":
            out.add((names.get(r.department or "", ""), "部门", ""))
        elif r.form == "附件3":
            out.add((names.get(r.department or "", ""), "个人", r.person or ""))
    return out


def _unreported_lists(analysis) -> tuple[set[str], bool]:
    """The departments whose 附件2 has not come this round (by name), and whether 附件1 has not."""
    came = {r.department for r in _sent(analysis) if r.form == "附件2"}
    return ({d.name for d in analysis.cfg.roster.departments.values() if d.code not in came},
            not any(r.form == "附件1" for r in _sent(analysis)))


def _department_of(cfg: Config) -> Callable[[str], str | None]:
    """A department's name as a workbook shows it → its code (the roster's names and 简称, the names its forms were issued
    under), else None: a department renamed or merged is known by its code."""
    from formkit.config import read_issued

    issued = {normalize.fold(name): code for code, names in read_issued(cfg)[1].items() for name in names}

    def code_of(name: str) -> str | None:
        found = cfg.roster.find_department(name)
        return found.code if found else issued.get(normalize.fold(name))
    return code_of


def _drafts(folder: Path) -> list[Path]:
    """The files last round wrote in outbox/反馈/ or outbox/催报/ (each department's folder)."""
    if not folder.is_dir() or folder.is_symlink():
        return []
    found = []
    for place in (folder, *(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink())):
        found += [p for p in place.iterdir() if p.suffix in (".xlsx", ".eml") and not p.is_symlink()]
    return sorted(found)


def _check_replaceable(*paths: Path) -> None:
    """Before anything is written: an output open in Excel or WPS on Windows cannot be replaced, and finding that
    out halfway would leave outbox/ with outputs of two rounds. (Elsewhere an open file can be replaced.)"""
    from formkit.errors import FormkitError
    from formkit.write.common import open_in_office

    for path in paths:
        if path.is_dir() and not path.is_symlink():
            raise FormkitError(f"“{path}”是一个文件夹，占用了 formkit 要写出的文件的位置；请把它移走或改名，然后重新运行 merge。"
                               "（本次没有写出任何结果。）", exit_code=2)
        if not path.is_file():
            continue
        try:
            with open(path, "r+b"):
                pass
        except PermissionError:
            if open_in_office(path) or sys.platform == "win32":
                raise FormkitError(f"“{path}”正在被 Excel 或 WPS 打开，无法更新；请先关闭它，然后重新运行 merge。"
                                   "（本次没有写出任何结果，上一轮的结果未改动。）", exit_code=2) from None
            # found before anything is written: the previous round's outputs are as they were (the message said
            # "partly written, no report.json")
            raise FormkitError(f"无法改写“{path}”（没有写入权限：可能是只读文件、属于别的用户，或正被其他程序打开）；请检查后"
                               "重新运行 merge。（本次没有写出任何结果，上一轮的结果未改动。）", exit_code=2) from None


class _Share:
    """Jobs 0..n-1 shared by two processes (fork): one takes them from the start, the other from the end,
    until they meet; whichever finishes its other work first does more of them."""

    def __init__(self, n: int) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() \
            else multiprocessing.get_context()
        self.n = n
        self._lock = ctx.Lock()
        self._front = ctx.RawValue("q", 0)
        self._back = ctx.RawValue("q", n)

    def take_front(self) -> int | None:
        with self._lock:
            i = self._front.value
            if i >= self._back.value:
                return None
            self._front.value = i + 1
            return i

    def take_back(self) -> int | None:
        with self._lock:
            i = self._back.value - 1
            if i < self._front.value:
                return None
            self._back.value = i
            return i

    def taken(self) -> int:
        return self._front.value + self.n - self._back.value


PUBLICATION = "publication"
"""The task of writing 公示 (xlsx and html) among the feedback jobs of a merge."""


def _share_work(analysis: Analysis, tasks: list, share: _Share, take: Callable[[], int | None],
                report: Callable[[int, int], None] | None) -> list[tuple[int, list[Path]]]:
    """Do tasks (the publication, feedback jobs) while `take` hands out one: [(task number, files written)]."""
    from formkit.write.feedback import write_feedback_job
    from formkit.write.publication import write_publication

    done = []
    while (i := take()) is not None:
        task = tasks[i]
        if task == PUBLICATION:
            done.append((i, write_publication(analysis, analysis.cfg.outbox / "公示")))
        else:
            done.append((i, write_feedback_job(analysis, task)))
        if report:
            report(share.taken(), share.n)
    return done


_STOP_SIGNALS = {getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)}


def _mask(how: int) -> None:
    """Block or unblock the signals that interrupt a command (where the system has signal masks)."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(how, _STOP_SIGNALS)


class _Child:
    """fn(report) running in a forked process; report(done, total) is seen here through shared memory."""

    def __init__(self, fn: Callable) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        self._done = ctx.RawValue("q", 0)
        self._total = ctx.RawValue("q", 0)
        self._recv, send = ctx.Pipe(duplex=False)

        def report(done: int, total: int) -> None:
            self._total.value, self._done.value = total, done

        def body() -> None:
            try:
                _mask(signal.SIG_UNBLOCK)
                result = ("ok", fn(report))
            except OSError as exc:  # a folder not writable, a full disk: the parent says so in Chinese
                result = ("oserror", (exc.errno, exc.strerror, exc.filename))
            except BaseException:  # noqa: BLE001 - handed to the parent, which raises it
                import traceback

                result = ("error", traceback.format_exc())
            send.send(result)
            send.close()

        self._proc = ctx.Process(target=body, name="formkit-feedback", daemon=True)
        _mask(signal.SIG_BLOCK)       # Ctrl-C in the middle of fork would interrupt the child's start-up
        try:
            self._proc.start()
        finally:
            _mask(signal.SIG_UNBLOCK)
        send.close()

    def wait(self, progress: Callable[[str, int, int], None] | None = None):
        while not self._recv.poll(0.1):
            if progress and self._total.value:
                progress("写出公示与反馈", self._done.value, self._total.value)
            if not self._proc.is_alive() and not self._recv.poll(0.05):
                code = self._proc.exitcode
                raise RuntimeError(f"the process writing the publication and feedback ended without a result (exit code {code})")
        status, value = self._recv.recv()
        self._proc.join()
        if status == "oserror":
            raise OSError(*value)
        if status != "ok":
            raise RuntimeError(f"writing the publication and feedback failed:\n{value}")
        if progress and self._total.value:
            progress("写出公示与反馈", self._total.value, self._total.value)
        return value

    def stop(self) -> None:
        """Ended early (Ctrl-C, an error here): asked to stop first, so that it removes its temporary files (the
        CLI makes SIGTERM an interruption), then killed."""
        self._proc.join(0.5)          # Ctrl-C reached it too: it is cleaning up already
        if self._proc.is_alive():
            self._proc.terminate()
            self._proc.join(2)
        if self._proc.is_alive():
            self._proc.kill()
        self._proc.join(5)
        self._recv.close()


def _in_child(fn: Callable) -> _Child | None:
    import multiprocessing
    import sys

    if "fork" not in multiprocessing.get_all_start_methods() or sys.platform == "darwin":
        return None
    return _Child(fn)


def _shown_path(path: Path, root: Path) -> str:
    """A path as the coordinator's screen names it: under the working folder relative to it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
