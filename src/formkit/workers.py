"""The read stage: every input read in isolated, long-lived workers (isolate.WorkerPool), each returning a compact
outcome (safety checks, parse, the file rules) that the parent keeps in the store; containers found on the way
(a zip or a mail under a workbook's name) are unpacked here and their members read in turn."""

from __future__ import annotations

import hashlib
import os
import zipfile
import zlib
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from time import thread_time

from formkit import findings as F
from formkit import read as read_mod
from formkit.cache import HOLD_MAX, Reader, Refs, Store, dumps, kept_outcome, loads
from formkit.config import Config
from formkit.inputs import Brief, InputResult
from formkit.intake import (
    Skipped,
    classify,
    close_zip_on_disk,
    expand_file,
    open_zip_on_disk,
    read_disk_file,
    read_zip_member,
)
from formkit.read import FormSheetGone, NotAForm, OwnOutput, TooManyRows, read_workbook
from formkit.safety import UnsafeInput, open_zip, read_member
from formkit.spec import load_forms
from formkit.validate import Checked, Context, check_file

_JOB: dict = {}


def _init_worker(cfg: Config | None, reader: tuple | None, timed: bool = False) -> None:
    """Each worker: the configuration (for the file rules), the declarations, the cache to look in;
    timed: report the CPU time of each part of reading with every result (FORMKIT_TIMINGS)."""
    forms = load_forms()
    _JOB.clear()
    _JOB.update(forms=forms, ctx=Context(cfg) if cfg is not None else None,
                refs=Refs(forms, cfg.roster if cfg is not None else None), reader=Reader(reader),
                cpu=_Laps() if timed else None)
    read_mod.PARSE_CPU = [0.0] if timed else None


READ_PARTS = ("io", "safety", "parse", "labels", "rules", "encode")
"""The parts of reading one input whose CPU time a timed merge reports (timings "cpu_<part>"): reading the
file, hashing and sniffing it; the safety checks; python-calamine; finding the form by its labels
(read.read_workbook less calamine); the file rules; encoding the result for the parent."""


class _Laps:
    """CPU time of this worker's thread, lap by lap, by part (READ_PARTS)."""

    def __init__(self) -> None:
        self.at = thread_time()
        self.parts = dict.fromkeys(READ_PARTS, 0.0)

    def lap(self, part: str) -> None:
        now = thread_time()
        self.parts[part] += now - self.at
        self.at = now

    def take(self) -> tuple[float, ...]:
        parse = read_mod.PARSE_CPU
        if parse is not None:                    # calamine's share of the label reading
            self.parts["labels"] -= parse[0]
            self.parts["parse"] += parse[0]
            parse[0] = 0.0
        out = tuple(self.parts[p] for p in READ_PARTS)
        self.parts = dict.fromkeys(READ_PARTS, 0.0)
        return out


def _check(data: bytes, kind: str, has_macros: bool,
           opened: zipfile.ZipFile | None = None, sha: str = "", sheet: str | None = None) -> tuple[tuple, Checked | None]:
    """Safety checks, parse, file rules: (outcome, checked). Every failure is an outcome, never an exception."""
    from python_calamine import CalamineError, PasswordError

    from formkit.safety import inspect_workbook

    laps = _JOB.get("cpu")
    if laps:
        laps.lap("io")
    problem, kept = inspect_workbook(data, kind, opened)
    if laps:
        laps.lap("safety")
    if problem:
        return ("intake", problem), None
    forms = _JOB["forms"]
    try:
        sub = read_workbook(data, kind, forms, kept, sheet)
        if laps:
            laps.lap("labels")
    except OwnOutput as exc:
        return ("read", F.make(F.FILE_IS_OUTPUT, detail=str(exc))), None
    except FormSheetGone as exc:
        return ("read", F.make(F.FORM_SHEET_GONE, value=str(exc))), None
    except NotAForm:
        return ("read", F.make(F.FILE_NOT_A_FORM)), None
    except TooManyRows as exc:
        return ("read", F.make(F.FILE_TOO_LARGE, detail=str(exc))), None
    except PasswordError:
        return ("read", F.make(F.FILE_ENCRYPTED)), None
    except (CalamineError, zipfile.BadZipFile, zlib.error, KeyError, ValueError, EOFError) as exc:
        return ("read", F.make(F.FILE_CORRUPT, detail=_short(exc))), None
    ctx = _JOB["ctx"]
    if ctx is None:             # read only (no configuration): the submission itself
        return ("sub", sub), None
    c = check_file(sub, forms[sub.form], ctx)
    if laps:
        laps.lap("rules")
    if has_macros:
        c.findings.insert(0, F.make(F.FILE_MACROS))
    filled = c.header.get("date")
    if any(f.code in (F.DATE_IMPLAUSIBLE, F.DATE_BEFORE_CAMPAIGN) and f.key == "date" for f in c.findings):
        filled = None           # a year typed wrong is not the time it was sent
    ident = c.sub.identity
    brief = Brief(
        form=c.spec.id, key=c.key(sha or hashlib.sha256(data).hexdigest()), department=c.department.code if c.department else None,
        person=(c.person or None) if c.spec.scope == "person" else None,
        filled=filled if isinstance(filled, date) else None, corrects=(ident.corrects if ident else "") or "",
        kind=kind, has_macros=has_macros, findings=list(c.findings), sheets=c.sub.apart,
        sheet=c.sub.sheet if c.sub.apart else "")
    return ("ok", brief), c


def read_input(item: tuple) -> tuple:
    """Read one input in a worker: ("file", path, name) for a file on disk not yet opened, ("member", zip,
    place, kind, has_macros) for a workbook in a zip on disk, ("data", sha, bytes, kind, has_macros) for
    bytes in hand (a member of a mail or of a nested zip). Returns (sha256, brief blob, checked
    blob or None, "new" | "hit"); the brief holds the outcome (see `Brief`, `_outcome`).

    A file already in the cache (same bytes) is not parsed again: its brief comes from the cache, its
    checked submission stays there. The result crossing back to the parent is a few KB at most.
    """
    if not _JOB:
        _init_worker(None, None)
    refs = _JOB["refs"]
    opened = None
    apart: list[str] = []       # ("data", …, sheet): a form in another sheet of a workbook read before
    if _JOB.get("cpu"):
        _JOB["cpu"].at = thread_time()
    if item[0] == "file":
        _, source, name = item
        data, problem = read_disk_file(Path(source))
        if problem is not None:
            return ("", dumps(("intake", problem)), None, "uncached")
        assert data is not None
        sha = hashlib.sha256(data).hexdigest()
        cached = _JOB["reader"].get_brief(sha)
        if cached is not None:
            return (sha, cached, None, "hit")
        if data[:4] == b"PK\x03\x04":         # the zip is opened once, for sniffing and the safety checks
            opened, _ = open_zip(data)
        what, kind, rejection, has_macros = classify(data, name, opened)
        if what != "workbook" and opened is not None:
            opened.close()
        if what == "container":
            return (sha, dumps(("container", None)), None, "new")
        if what == "reject":
            return (sha, dumps(("intake", rejection)), None, "new")
        assert kind is not None
    elif item[0] == "member":
        _, origin, member, kind, has_macros = item
        try:
            data = read_zip_member(origin, member)
        except UnsafeInput as exc:
            return ("", dumps(("intake", exc.finding)), None, "uncached")
        except (OSError, zipfile.BadZipFile, IndexError) as exc:
            return ("", dumps(("intake", F.make(F.FILE_READ_FAILED, detail=_short(exc)))), None, "uncached")
        sha = hashlib.sha256(data).hexdigest()
        cached = _JOB["reader"].get_brief(sha)
        if cached is not None:
            return (sha, cached, None, "hit")
    else:                       # ("data", sha, bytes, kind, has_macros[, sheet]): sha is the key of a sheet read apart
        _, sha, data, kind, has_macros, *apart = item
    outcome, checked = _check(data, kind, has_macros, opened, sha, *apart)
    # not compressed: zlib costs more than pickling on blobs of a few KB (0.07 ms a form, for half the size)
    result = (sha, dumps(outcome), dumps(checked, refs) if checked is not None else None, "new")
    laps = _JOB.get("cpu")
    if laps:
        laps.lap("encode")
        return (*result, laps.take())
    return result


_PARSER_ZH = (        # what the parsers say of a damaged file, in words a coordinator can pass on
    ("Cannot detect file format", "无法识别文件格式，文件可能已损坏或不完整"),
    ("WorksheetNotFound", "工作簿中列出的工作表找不到"),
    ("shared strings", "文字表（共享字符串）缺失或损坏"),
    ("Xml", "工作表内容不完整或格式错误"),
    ("BadZipFile", "压缩结构损坏"),
    ("zlib", "压缩数据损坏"),
    ("EOFError", "文件不完整（可能下载或复制时被截断）"),
    ("KeyError", "缺少必要的组成部分"),
    ("Cfb", "旧版 Excel 文件结构损坏"),
    ("Vba", "宏内容损坏"),
    ("PermissionError", "没有读取这个文件的权限"),
    ("OSError", "无法从磁盘读取"),
)


def _short(exc: BaseException) -> str:
    """Why a parser failed, in Chinese (the parsers' own English words would go into findings and replies)."""
    said = f"{type(exc).__name__}: {exc}"
    for marker, text in _PARSER_ZH:
        if marker.lower() in said.lower():
            return text
    return "文件内容无法解析"


_OUTCOME_ZH = {"crashed": "读取程序异常退出", "memory": "超出内存上限", "timeout": "读取超时", "exception": "读取出错"}


def _failed(o) -> F.Finding:
    detail = _OUTCOME_ZH.get(o.reason or "", "读取失败")      # (the exception's own English text stays out of
    return F.make(F.FILE_READ_FAILED, detail=detail)              # findings and replies)


PREHASH_MAX = 8 << 20
"""Largest input this process reads to look it up in the cache; a larger one (an odd file, a hostile one)
goes to a worker, so that this process never holds it."""


def _cached_here(res: InputResult, store: Store) -> bool:
    """Read and hash an input on disk in this process; when the store knows its bytes, take the outcome
    from there (True). Otherwise (or when it cannot be read here) it goes to a worker (False)."""
    raw = res.raw
    try:
        if raw.pending:
            if os.stat(raw.source).st_size > PREHASH_MAX:
                return False
            data, problem = read_disk_file(Path(raw.source))
            if problem is not None or data is None:
                return False
        else:
            archive = open_zip_on_disk(raw.origin)
            info = archive.infolist()[raw.member]
            if info.file_size > PREHASH_MAX:
                return False
            data = read_member(archive, info)
    except (UnsafeInput, OSError, zipfile.BadZipFile, IndexError):
        return False
    sha = hashlib.sha256(data).hexdigest()
    cached = store.get_brief(sha)
    found = kept_outcome(cached) if cached is not None else None
    if found is None:
        return False
    res.sha256, res._outcome = sha, found
    store.hits += 1
    return True


def apart_key(file_sha: str, sheet: str) -> str:
    """What a form read from another sheet of a workbook is kept and compared under (its `sha256`): the file's
    SHA-256 and the sheet's name, hashed (the same sheet of the same bytes is the same input)."""
    return hashlib.sha256(f"{file_sha}!{sheet}".encode()).hexdigest()


def _apart(res: InputResult) -> bool:
    """A workbook read as one form whose other sheets hold filled forms (not yet made inputs of their own)."""
    o = res._outcome
    return bool(o and o[0] == "ok" and o[1].sheets and res.raw.sheet is None)


def read_all(results: list[InputResult], cfg: Config | None, store: Store,
             progress: Callable[[int, int], None] | None = None,
             root: Path | None = None, while_reading: Callable[[], None] | None = None,
             cpu: dict | None = None) -> tuple[list[InputResult], list[Skipped]]:
    """Read every input in isolated, long-lived workers; set each one's sha256 and outcome.

    Inputs with bytes in hand are looked up in the store first; pending files are looked up by the
    worker once it has hashed them. A pending file that turns out to be a zip or a mail is unpacked here
    and its members read in turn. Returns the inputs (containers replaced by their members, sorted by
    path) and what unpacking them skipped. The outcome of each input does not depend on the order in
    which the workers finish.
    """
    from formkit.isolate import WorkerPool, frozen_heap

    forms = load_forms()
    refs = Refs(forms, cfg.roster if cfg is not None else None)
    for res in results:
        res._store, res._refs = store, refs
    total = len(results)
    done = [0]

    def tick(n: int = 1) -> None:
        done[0] += n
        if progress:
            progress(done[0], total)

    late_skipped: list[Skipped] = []
    pool: WorkerPool | None = None
    hold = total <= HOLD_MAX
    # a store that holds outcomes (a merge after an earlier one): hash the files here and send only the
    # ones it does not know to the workers; an empty one (a first merge): every file goes to the workers,
    # which then do not look in it either
    prehash = store.has_outcomes()
    close_zip_on_disk()                # an archive kept from an earlier read may have been rewritten since

    def first_result() -> None:        # the workers are busy: time for while_reading (once)
        nonlocal while_reading
        if while_reading is not None:
            fn, while_reading = while_reading, None
            fn()
    try:
        batch = results
        while batch:
            batch_now = batch
            todo: list[tuple[list[InputResult], tuple]] = []
            by_sha: dict[str, list[InputResult]] = {}
            for res in batch:
                raw = res.raw
                if raw.rejection is not None:
                    data = None if raw.sha256 else raw.data
                    res.sha256 = raw.sha256 or (hashlib.sha256(data).hexdigest() if data is not None else "")
                    res._outcome = ("intake", raw.rejection)
                    tick()
                elif raw.sheet is None and (raw.pending or (raw._data is None and raw.member is not None)):
                    if prehash and _cached_here(res, store):
                        tick()
                    elif raw.pending:
                        todo.append(([res], ("file", raw.source, Path(raw.source).name)))
                    else:                                               # named in a zip on disk
                        todo.append(([res], ("member", raw.origin, raw.member, raw.kind, raw.has_macros)))
                else:       # bytes in hand (a member of a mail, of a nested zip), or a form in another sheet of a
                    data = raw.data         # workbook read before (its bytes read again, kept under file and sheet)
                    if data is None:
                        res.sha256, res._outcome = "", ("read", F.make(F.FILE_READ_FAILED, detail="文件已不在原处"))
                        tick()
                        continue
                    assert raw.kind is not None
                    sha = hashlib.sha256(data).hexdigest()
                    item: tuple = ("data", sha, data, raw.kind, raw.has_macros)
                    if raw.sheet is not None:
                        raw.file_sha, sha = sha, apart_key(sha, raw.sheet)
                        item = ("data", sha, data, raw.kind, raw.has_macros, raw.sheet)
                    res.sha256 = sha
                    if sha in by_sha:           # the same bytes twice: read once
                        by_sha[sha].append(res)
                        continue
                    cached = store.get_brief(sha)
                    found = kept_outcome(cached) if cached is not None else None
                    if found is not None:
                        res._outcome = found
                        store.hits += 1
                        tick()
                        continue
                    by_sha[sha] = [res]
                    todo.append((by_sha[sha], item))
            if not todo and not any(r._outcome and r._outcome[0] == "container" or _apart(r) for r in batch):
                break
            if todo and pool is None:
                workers = 1 if len(todo) < 8 else None
                with frozen_heap():
                    pool = WorkerPool(read_input, workers=workers, mem_limit=2 << 30, timeout=60.0,
                                      initializer=partial(_init_worker, cfg, store.reader() if prehash else None,
                                                          cpu is not None),
                                      chunksize=4 if len(todo) >= 64 else 1)

            def receive(j: int, o, todo=todo) -> None:
                first_result()
                owners, item = todo[j]
                if o.ok:
                    sha, brief, checked, how = o.value[:4]
                    if cpu is not None and len(o.value) > 4:
                        for part, seconds in zip(READ_PARTS, o.value[4], strict=True):
                            cpu[f"cpu_{part}"] = cpu.get(f"cpu_{part}", 0.0) + seconds
                    if how == "new" and sha:
                        store.put(sha, brief, checked)
                        if checked is not None and hold:
                            store.hold(sha, checked, refs)
                    if how == "hit":
                        store.hits += 1
                    elif sha:
                        store.misses += 1
                    outcome = loads(brief)
                else:
                    sha = owners[0].sha256
                    if not sha and item[0] in ("file", "member"):     # the worker died before it said; hash here
                        data = owners[0].raw.data
                        sha = hashlib.sha256(data).hexdigest() if data is not None else ""
                    outcome = ("read", _failed(o))
                    if sha and o.reason in ("crashed", "memory"):
                        # the same bytes kill a reader the same way: said from the cache next time, not read again
                        # (a 2.5 KB .xls asking for 2 GB did it on every merge and every check)
                        store.put(sha, dumps(outcome), None)
                for res in owners:
                    res.sha256, res._outcome = sha, outcome
                    res.raw.release()
                tick(len(owners))

            if todo:
                assert pool is not None
                pool.map([item for _, item in todo], on_result=receive)
            store.flush()
            # members of the same bytes as one read: the same outcome
            for owners in by_sha.values():
                for res in owners[1:]:
                    res._outcome = owners[0]._outcome
            # files that are containers after all: unpack them here, read their members next round; workbooks with
            # more filled forms than the one read: each other sheet an input of its own, read next round
            batch = []
            for res in [r for r in batch_now if _apart(r)]:
                brief = res._outcome[1]
                new = [InputResult(res.raw.apart(sheet, brief.kind, brief.has_macros)) for sheet in brief.sheets]
                for m in new:
                    m._store, m._refs = store, refs
                i = results.index(res)
                results[i + 1:i + 1] = new
                total += len(new)
                batch += new
            for res in [r for r in results if r._outcome and r._outcome[0] == "container"]:
                raw = res.raw
                members, skipped = expand_file(Path(raw.source), root if root is not None else cfg.root, lazy=True)
                late_skipped += skipped
                new = [InputResult(m) for m in members]
                for m in new:
                    m._store, m._refs = store, refs
                i = results.index(res)
                results[i:i + 1] = new
                total += len(new) - 1
                done[0] -= 1
                batch += new
    finally:
        if pool is not None:
            pool.close()
        close_zip_on_disk()
    first_result()
    results.sort(key=lambda r: r.path)
    return results, late_skipped
