"""The analysis shared by merge, check and generate --stage measures.

inbox → intake (walk, unpack, sniff) → read (isolated workers: safety checks, parse, file rules) →
statuses (duplicate, superseded) → risk numbering → campaign rules (measures against risks) →
final statuses → catalogue, 权力清单 and 领导小组 rows.

Scale: a merge of 100,000 returned forms must fit in well under a GiB. So the parent process never
holds every file's bytes (a lazy walk hands the workers paths; they read, sniff, check, parse and
run the file rules, and send back a compact result), nor every parsed submission: each input keeps a
`Brief` (form, whose it is, 填表日期, findings), and its `Checked` submission lives in a store (the
cache, formkit.cache) from which it is loaded when the campaign rules, the catalogue or the feedback
need its rows, and dropped again. The catalogue rows themselves are compact (`CatalogueRow`).
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import re
import sys
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from functools import cmp_to_key, partial
from operator import itemgetter
from pathlib import Path
from time import thread_time

from formkit import findings as F
from formkit import normalize
from formkit import read as read_mod
from formkit.cache import HOLD_MAX, MemoryStore, Reader, Refs, Store, dumps, loads
from formkit.config import Config, Person
from formkit.intake import (
    RawInput,
    Skipped,
    classify,
    close_zip_on_disk,
    expand_file,
    open_zip_on_disk,
    read_disk_file,
    read_zip_member,
    walk_inbox,
)
from formkit.levels import supervision
from formkit.read import NotAForm, TooManyRows, read_workbook
from formkit.safety import UnsafeInput, open_zip, read_member
from formkit.spec import FormSpec, load_forms
from formkit.validate import Checked, Context, campaign_window, check_campaign, check_file, former_token

CHINA = timezone(timedelta(hours=8))   # submission times are shown in 北京时间
ACCEPTED, RETURNED, SUPERSEDED, DUPLICATE, REJECTED = "accepted", "returned", "superseded", "duplicate", "rejected"
STATUS_ZH = {ACCEPTED: "已接收", RETURNED: "退回修改", SUPERSEDED: "已被替代", DUPLICATE: "重复", REJECTED: "无法读取"}


@dataclass(slots=True)
class Brief:
    """What the analysis needs of a readable input without loading its rows."""
    form: str
    key: tuple
    department: str | None          # roster code
    person: str | None              # 姓名, personal forms only
    filled: date | None             # 填表日期
    corrects: str                   # identity.corrects: the submission a feedback-made file corrects
    kind: str
    has_macros: bool
    findings: list[F.Finding]       # the file's own findings (file rules)


class InputResult:
    """One input of the analysis: its status, findings and, when readable, its checked submission.

    `checked` is loaded from the analysis's store when asked for (and a few are kept decoded); its
    `findings` is this input's `findings` list, so what campaign rules add shows in both.
    """

    __slots__ = ("raw", "sha256", "status", "findings", "superseded_by", "duplicate_of", "submitted_at",
                 "order_basis", "time_basis", "brief", "same_as", "_outcome", "_store", "_refs")

    def __init__(self, raw: RawInput, sha256: str = "", status: str = REJECTED) -> None:
        self.raw = raw
        self.sha256 = sha256
        self.status = status
        self.findings: list[F.Finding] = []
        self.superseded_by: str | None = None
        self.duplicate_of: str | None = None
        self.submitted_at: str | None = None     # ISO time of submission, from the inputs only
        self.order_basis = ""                    # which clue decided "later": 邮件日期 / 填表日期 / 文件修改时间 / 文件名顺序
        self.time_basis = ""                     # where submitted_at comes from: 邮件日期 / 填表日期 / 文件修改时间
        self.brief: Brief | None = None          # set when the input was read as a form (not a duplicate)
        self.same_as: InputResult | None = None  # a duplicate: the input whose bytes it repeats
        self._outcome: tuple | None = None       # what reading it gave: ("ok", Brief) / ("intake"|"read", Finding) …
        self._store: Store | None = None
        self._refs: Refs | None = None

    @property
    def checked(self) -> Checked | None:
        if self.brief is None or self._store is None or self._refs is None:
            return None
        c = self._store.load_checked(self.sha256, self._refs)
        if c is not None:
            c.findings = self.findings
        return c

    @property
    def path(self) -> str:
        return self.raw.path

    @property
    def _said(self) -> Brief | None:
        """What reading said of this input (of the input it repeats, for a duplicate: report.json names the
        form, department and person of every input it can)."""
        return self.brief or (self.same_as.brief if self.same_as is not None else None)

    @property
    def form(self) -> str | None:
        return self._said.form if self._said else None

    @property
    def department(self) -> str | None:
        return self._said.department if self._said else None

    @property
    def person(self) -> str | None:
        return self._said.person if self._said else None

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def __repr__(self) -> str:
        return f"InputResult({self.path!r}, {self.status}, form={self.form!r}, findings={len(self.findings)})"


# -- reading one input (runs inside an isolated worker) ---------------------------------------------

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
           opened: zipfile.ZipFile | None = None, sha: str = "") -> tuple[tuple, Checked | None]:
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
        sub = read_workbook(data, kind, forms, kept)
        if laps:
            laps.lap("labels")
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
    if any(f.code == F.DATE_IMPLAUSIBLE and f.key == "date" for f in c.findings):
        filled = None           # a year typed wrong is not the time it was sent
    ident = c.sub.identity
    brief = Brief(
        form=c.spec.id, key=c.key(sha or hashlib.sha256(data).hexdigest()), department=c.department.code if c.department else None,
        person=(c.person or None) if c.spec.scope == "person" else None,
        filled=filled if isinstance(filled, date) else None, corrects=(ident.corrects if ident else "") or "",
        kind=kind, has_macros=has_macros, findings=list(c.findings))
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
    else:
        _, sha, data, kind, has_macros = item
    outcome, checked = _check(data, kind, has_macros, opened, sha)
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


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Fork inside this: the objects the parent holds are kept out of the children's garbage collections
    (gc.freeze), which would otherwise write to every one of them and so copy the parent's whole heap
    into each child (copy-on-write)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextmanager
def _timed(timings: dict | None, name: str) -> Iterator[None]:
    t0 = time.perf_counter()
    try:
        yield
    finally:
        if timings is not None:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - t0


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
    if cached is None:
        return False
    res.sha256, res._outcome = sha, loads(cached)
    store.hits += 1
    return True


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
    from formkit.isolate import WorkerPool

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
            todo: list[tuple[list[InputResult], tuple]] = []
            by_sha: dict[str, list[InputResult]] = {}
            for res in batch:
                raw = res.raw
                if raw.rejection is not None:
                    data = None if raw.sha256 else raw.data
                    res.sha256 = raw.sha256 or (hashlib.sha256(data).hexdigest() if data is not None else "")
                    res._outcome = ("intake", raw.rejection)
                    tick()
                elif raw.pending or (raw._data is None and raw.member is not None):
                    if prehash and _cached_here(res, store):
                        tick()
                    elif raw.pending:
                        todo.append(([res], ("file", raw.source, Path(raw.source).name)))
                    else:                                               # named in a zip on disk
                        todo.append(([res], ("member", raw.origin, raw.member, raw.kind, raw.has_macros)))
                else:
                    data = raw.data
                    assert data is not None and raw.kind is not None
                    res.sha256 = sha = hashlib.sha256(data).hexdigest()
                    if sha in by_sha:           # the same bytes twice: read once
                        by_sha[sha].append(res)
                        continue
                    cached = store.get_brief(sha)
                    if cached is not None:
                        res._outcome = loads(cached)
                        store.hits += 1
                        tick()
                        continue
                    by_sha[sha] = [res]
                    todo.append((by_sha[sha], ("data", sha, data, raw.kind, raw.has_macros)))
            if not todo and not any(r._outcome and r._outcome[0] == "container" for r in batch):
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
            # files that are containers after all: unpack them here, read their members next round
            batch = []
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


# -- the analysis ----------------------------------------------------------------------------------------


class CatalogueRow(Mapping):
    """One row of 风险目录: its column labels (and _dept, _person, _staff_no) to values.

    A mapping like the dict it replaces (r["风险点"], r.get(...), dict(r), == a dict), stored as one list:
    300,000 rows as dicts would repeat the 28 keys 300,000 times.
    """

    __slots__ = ("_v",)
    KEYS = ("风险编号", "层级", "部门", "岗位", "姓名", "风险类别", "风险点", "主要表现形式", "风险等级", "涉及三重一大",
            "关联权力事项", "责任人", "关键环节", "防控措施", "工作程序", "完成时限", "直接管理", "监督负责", "来源文件",
            "来源SHA256", "来源位置", "提交时间", "措施来源文件", "措施来源位置", "_dept", "_person", "_staff_no",
            "_level_col", "_procedure_col")
    # _level_col, _procedure_col: the column letters of the 风险等级 and 工作程序 cells in the rows 来源位置 and 措施来源位置
    # name (变化 points at the cell of the item that changed; one or two letters: shared strings, no memory per row)
    _INDEX = {k: i for i, k in enumerate(KEYS)}

    def __init__(self, values: list) -> None:
        self._v = values

    def __getitem__(self, key: str) -> object:
        i = self._INDEX.get(key)
        if i is None:
            raise KeyError(key)
        return self._v[i]

    def __setitem__(self, key: str, value: object) -> None:
        self._v[self._INDEX[key]] = value

    def get(self, key: str, default: object = None) -> object:
        i = self._INDEX.get(key)
        return default if i is None else self._v[i]

    def __contains__(self, key: object) -> bool:
        return key in self._INDEX

    def __iter__(self) -> Iterator[str]:
        return iter(self.KEYS)

    def __len__(self) -> int:
        return len(self.KEYS)

    def __repr__(self) -> str:
        return f"CatalogueRow({dict(self)!r})"

    @classmethod
    def picker(cls, keys: Sequence[str]) -> Callable[[CatalogueRow], tuple] | None:
        """A function giving a row's values of `keys`, in that order (for writing rows out); None when one of
        the keys is not a column or there are fewer than two."""
        if len(keys) < 2 or any(k not in cls._INDEX for k in keys):
            return None
        get = itemgetter(*(cls._INDEX[k] for k in keys))
        return lambda row: get(row._v)


@dataclass
class Analysis:
    cfg: Config
    forms: dict[str, FormSpec]
    inputs: list[InputResult]
    skipped: list[Skipped]
    ctx: Context
    catalogue: list[CatalogueRow] = field(default_factory=list)
    powers: list[dict] = field(default_factory=list)
    leaders: list[dict] = field(default_factory=list)
    store: Store | None = None
    _by_scope: dict | None = field(default=None, repr=False)
    as_of: date | None = field(default=None, repr=False)     # submissions.as_of, once computed
    statuses: list | None = field(default=None, repr=False)  # submissions.grid, once computed
    first_sent: dict[tuple, str] = field(default_factory=dict, repr=False)
    """A submitter's form (supersession key) → when its first version was sent (ISO): lateness is judged by it. The
    first in sending order, not the earliest date: a corrected feedback workbook carries the 填表日期 of the
    version it corrects, which may be earlier than the mail that brought that version after the deadline."""

    numbering: dict[str, tuple[str, str | None]] = field(default_factory=dict, repr=False)
    """The risk numbers this analysis gave, by submitter (cache.Store.put_numbering; merge keeps them)."""

    def accepted(self, form: str | None = None) -> list[InputResult]:
        return [i for i in self.inputs if i.status == ACCEPTED and (form is None or i.form == form)]

    def findings(self) -> list[tuple[InputResult, F.Finding]]:
        return [(i, f) for i in self.inputs for f in i.findings]

    def _scoped(self) -> dict:
        if self._by_scope is None:
            index: dict = {}
            for r in self.catalogue:
                index.setdefault((r["_dept"], r["层级"]), []).append(r)
                if r["层级"] == "个人":
                    index.setdefault(_risk_scope(r), []).append(r)
            self._by_scope = index
        return self._by_scope

    # used by generate --stage measures
    def measure_rows(self, spec: FormSpec, dept: str, person: Person | None) -> list[dict]:
        """The accepted risks a measure form of `dept` (and of `person`, for 附件5) answers."""
        level = "个人" if spec.scope == "person" else "部门"
        who = normalize.person_key(person.staff_no, person.name) if person else None
        key = (dept, level) if who is None else _person_scope(dept, who)
        # with the measures already accepted for them: a form generated again (a risk added since) asks only for
        # what is missing, and sending it back does not drop what was accepted
        return [{**risk_prefill(r), "measure": r["防控措施"], "procedure": r["工作程序"], "key_link": r["关键环节"],
                 "deadline": r["完成时限"]} for r in self._scoped().get(key, [])]

    def people_with_risks(self, dept: str) -> list[Person]:
        seen: dict[str, Person] = {}
        for r in self._scoped().get((dept, "个人"), []):
            if r["_person"] not in seen:
                seen[r["_person"]] = Person(r.get("_staff_no", ""), r["姓名"], dept, r["岗位"], "")
        return list(seen.values())


def risk_prefill(r: Mapping) -> dict:
    """The columns a measure form is pre-filled with from a catalogue row (generate, and feedback's put-back rows)."""
    return {"risk_id": r["风险编号"], "post": r["岗位"], "risk": r["风险点"], "level": r["风险等级"],
            "direct": r["直接管理"], "supervisor": r["监督负责"]}


def _clues(result: InputResult) -> dict[str, float]:
    """What tells when an input was sent, best clue first (README "哪份提交更新"): the mail's Date (a file in
    a .eml), the 填表日期 (the start of that day in China), the file's time."""
    out: dict[str, float] = {}
    mail_date = (result.raw.mail or {}).get("date")
    if mail_date:
        try:
            ts = datetime.fromisoformat(mail_date)
            out["邮件日期"] = (ts if ts.tzinfo else ts.replace(tzinfo=UTC)).timestamp()
        except (ValueError, OverflowError):
            pass
    if (filled := _filled_ts(result)) is not None and not (result.brief and result.brief.corrects):
        out["填表日期"] = filled      # (a corrected feedback workbook carries the 填表日期 of what it corrects)
    if result.raw.mtime:
        out["文件修改时间"] = result.raw.mtime
    return out


def _when(result: InputResult, window: tuple[date, date] | None = None) -> tuple[float, str]:
    """When an input was submitted, and by which clue: its best clue within the campaign's dates (`window`,
    validate.campaign_window). A file copied years later, or made by a script, carries today's file time:
    that is no submission time (it would move 数据截至 and make every department late)."""
    for basis, ts in _clues(result).items():
        if window is None or window[0] <= datetime.fromtimestamp(ts, tz=CHINA).date() <= window[1]:
            return ts, basis
    return 0.0, ""           # no clue: nothing to say (between two such inputs, _compare goes by the path)


_REVISED = re.compile(r"修改(?!前|意见)|修订|改正|更正|改后|终稿|定稿|最终|最新|新版")
_EARLIER = re.compile(r"修改前|原稿|初稿|草稿|旧版|原版")
_VERSION = re.compile(r"(?i)v\s*(\d{1,3})|版本\s*(\d{1,3})|第\s*(\d{1,3})\s*[版稿]")


def _revisions(a: str, b: str) -> tuple[int, int]:
    """How revised two files' own names say they are, from what tells the names apart (附件4_第2党支部 and
    附件4_第2党支部(修改): "" and "(修改)"): -1 for 修改前/原稿/初稿…, 1 for 修改/更正/终稿…, or the version they number
    (v2, 第3版); 0 when nothing says. Parts (第1部分, (1)) are no versions: they are left to the split check."""
    x, y = (p.rsplit("!", 1)[-1].rsplit("/", 1)[-1].rsplit(".", 1)[0] for p in (a, b))
    n = 0
    while n < min(len(x), len(y)) and x[n] == y[n]:
        n += 1
    m = 0
    while m < min(len(x), len(y)) - n and x[-1 - m] == y[-1 - m]:
        m += 1
    # a difference in digits only (v1/v2, 第1版/第2版) is read with what stands around it
    if x[n:len(x) - m].isdigit() and y[n:len(y) - m].isdigit():
        n, m = max(0, n - 3), max(0, m - 2)
    return _revision(x[n:len(x) - m]), _revision(y[n:len(y) - m])


def _revision(text: str) -> int:
    if _EARLIER.search(text):
        return -1
    numbers = [int(next(g for g in m if g)) for m in _VERSION.findall(text)]
    return max([*numbers, 1 if _REVISED.search(text) else 0])


def _filled_ts(result: InputResult) -> float | None:
    """The input's 填表日期 (the start of that day in China), as a timestamp; None when it has none."""
    filled = result.brief.filled if result.brief else None
    return datetime(filled.year, filled.month, filled.day, tzinfo=CHINA).timestamp() if isinstance(filled, date) else None


def _day(ts: float) -> int:
    return datetime.fromtimestamp(ts, tz=CHINA).date().toordinal()


def _compare(a: InputResult, b: InputResult) -> tuple[int, str]:
    """Whether `a` was sent after `b` (1), before (-1), and the clue that says so. Like is compared with like:
    the first clue both inputs have that differs decides (a mail's Date against the other mail's Date, a
    填表日期 against the other 填表日期), never one input's mail Date against the other's 填表日期 (a corrected
    file keeps its 填表日期 but is saved after the mail that brought the first one). Mail dates and 填表日期
    count by the day (a mail at 09:30 is not later than a file filled in that day); file times exactly. The
    path decides what is still equal."""
    ca, cb = _clues(a), _clues(b)
    for basis in ("邮件日期", "填表日期", "邮件时间", "文件修改时间"):
        key = "邮件日期" if basis == "邮件时间" else basis      # two mails of one day: their times, by that name
        if key in ca and key in cb:
            x, y = ca[key], cb[key]
            if basis in ("邮件日期", "填表日期"):
                x, y = _day(x), _day(y)
            if x != y:
                return (1 if x > y else -1), basis
    ra, rb = _revisions(a.path, b.path)
    if ra != rb:                       # 附件4（修改）.xlsx after 附件4.xlsx, v2 after v1
        return (1 if ra > rb else -1), "文件名（修改稿）"
    return (a.path > b.path) - (a.path < b.path), "文件名顺序"


def _same_name_told(members: list[InputResult]) -> None:
    """Versions of one person's form (same department, same name, no staff-list entry) that carry different 工号:
    perhaps two people of one name. Taken as one person (someone may send it with and without his 工号), and
    said on each earlier version, so that the coordinator can list them in the roster's staff list."""
    typed = {}
    for res in members:
        c = res.checked
        if c is None or c.staff is not None:
            return
        if number := c.typed_staff_no:
            typed[res.path] = number
    if len(set(typed.values())) < 2:
        return
    shown = "、".join(sorted(set(typed.values())))
    name = members[-1].person or ""
    for older in members[:-1]:
        older.findings.append(F.make(F.SAME_NAME_STAFF_NO, value=name, detail=shown))


def _mailed_earlier(a: InputResult, b: InputResult) -> bool:
    """Whether `a` came in a mail dated a day before `b`'s mail (both in mails)."""
    x, y = _clues(a).get("邮件日期"), _clues(b).get("邮件日期")
    return x is not None and y is not None and _day(x) < _day(y)


def _corrections_last(members: list[InputResult]) -> None:
    """A file made from formkit's feedback on another submission comes after it, whatever its dates."""
    for _ in range(len(members)):
        moved = False
        for i, res in enumerate(members):
            target = res.brief.corrects if res.brief else ""
            j = next((k for k, other in enumerate(members) if target and other.sha256.startswith(target)), None)
            if j is not None and j > i:
                members.insert(j, members.pop(i))
                if res.order_basis:
                    res.order_basis += "（更正反馈）"
                moved = True
                break
        if not moved:
            return


def _rows_typed(c: Checked) -> list[dict]:
    """A form's rows as typed (before any reading of levels or choices), without the 序号 (the feedback workbook
    numbers them), and only rows where something was typed besides what formkit pre-filled (a pre-filled measure
    form's risks, a row the feedback workbook put back)."""
    typed = [col.key for col in c.spec.columns if col.type != "seq" and not col.prefill]
    return [{k: normalize.to_text(v) for k, v in r.values.items() if k != "seq"} for r in c.sub.rows
            if any(normalize.to_text(r.values.get(k, "")) for k in typed)]


def _header_typed(c: Checked) -> dict[str, str]:
    return {k: normalize.to_text(v) for k, v in c.sub.header.items()}


def _unchanged_feedback(members: list[InputResult]) -> list[InputResult]:
    """Feedback workbooks sent back (forwarded, attached again) without a change: the same header and rows as the
    version they correct. Nobody corrected anything: no new submission (one replaced the accepted correction sent
    before it); taken out of `members` and returned, to be set aside as superseded by the current version (not
    "duplicate": that is a byte-identical input, interfaces.md)."""
    unchanged = []
    for res in list(members):
        target = res.brief.corrects if res.brief else ""
        flawed = next((m for m in members if target and m is not res and m.sha256.startswith(target)), None)
        if flawed is None:
            continue
        a, b = res.checked, flawed.checked
        if a is None or b is None or _header_typed(a) != _header_typed(b) or _rows_typed(a) != _rows_typed(b):
            continue
        members.remove(res)
        res.findings = [F.make(F.FEEDBACK_UNCHANGED, value=flawed.path)]
        unchanged.append(res)
    return unchanged


def _sent_by_another(res: InputResult, cfg: Config) -> str | None:
    """The name of another department that sent this department's form: the mail came from that department's 联系邮箱
    and its file (or folder) name names that department (财务处 filling 教务处's 附件2 and sending it as 附件2_财务处.xlsx);
    an office relaying others' forms under their own names is no such case."""
    from formkit.submissions import named_department, names_of

    mail = res.raw.mail or {}
    sender = (mail.get("forwarded_by") or mail.get("address") or "").strip().lower()
    if not sender or not res.department or res.department not in cfg.roster.departments:
        return None
    spec = load_forms().get(res.form or "")
    if spec is None or spec.scope != "department":      # (a person's form sent by a secretary is no such case)
        return None
    by_mail = names_of(cfg.roster).addresses.get(sender, ())
    if len(by_mail) != 1 or by_mail[0] == res.department:
        return None
    # the attachment's own name (附件2_财务处.xlsx), not the mail's or the coordinator's folders (an office relaying
    # others' forms: 党政办公室转报教务处附件2.eml, inbox/党政办公室/); a name that also names the form's own
    # department (附件4_教务处_党政办公室修改.xlsx: a correction made for it) is no such case either
    name = res.path.rsplit("!", 1)[-1].rsplit("/", 1)[-1]
    if named_department([name], cfg.roster) != by_mail[0]:
        return None
    own = cfg.roster.departments[res.department]
    if any(n in name for n in (own.name, *own.aliases) if len(n) >= 2):
        return None
    return cfg.roster.departments[by_mail[0]].name


def _split(a: InputResult, b: InputResult) -> bool:
    """Two versions of one form that nothing orders (sent together: one mail, one archive) and that share no row:
    one table sent as two files (附件4_1, 附件4_2), not an old version and its correction."""
    if "!" not in a.path or a.path.rsplit("!", 1)[0] != b.path.rsplit("!", 1)[0]:
        return False                # (two mails of the same moment: a re-sent form, however different)
    ca, cb = a.checked, b.checked
    if ca is None or cb is None or not ca.rows or not cb.rows:
        return False

    # rows told apart by what names them (the 风险点, the power item, the member's name), not by what a correction
    # fills in beside it (主要表现形式, 责任人)
    keys = [k for k in ("risk_id", "risk", "power_item", "name") if ca.spec.column(k) is not None][:2]

    def rows(c: Checked) -> set[tuple]:
        return {tuple(normalize.fold(_text(r.values.get(k, ""))) for k in keys) for r in c.rows}

    return bool(keys) and rows(ca).isdisjoint(rows(cb))


def _blank_after_filled(members: list[InputResult], forms: dict) -> list[InputResult]:
    """Versions with no table row at all (the blank form attached again by mistake, only its header filled) sent
    after one with rows: taken out of `members` and returned. They do not replace it; they are set aside with a
    note, instead of asking for a correction of a form nobody meant to send."""
    def blank(res: InputResult) -> bool:
        if any(f.code == F.NO_ROWS for f in res.findings):
            return True
        spec = forms.get(res.form)        # a pre-filled measure form with no measure typed in it
        return bool(spec and spec.is_measure_form and (c := res.checked) is not None and not _rows_typed(c))

    if len(members) < 2 or not blank(members[-1]):
        return []
    last_filled = max((i for i, m in enumerate(members) if not blank(m)), default=None)
    if last_filled is None:
        return []
    kept = members[last_filled]
    spec = forms.get(kept.form)
    aside = members[last_filled + 1:]
    del members[last_filled + 1:]
    for res in aside:               # nothing to correct in a form nobody meant to send
        res.findings = [f for f in res.findings if f.severity == F.INFO]
        res.findings.append(F.make(F.BLANK_RESENT, value=kept.path, detail=spec.row_noun if spec else "内容"))
    return aside


def _iso(ts: float) -> str | None:
    """An ISO time in 北京时间; None when nothing says when (report.json: null, as for a rejected input)."""
    return datetime.fromtimestamp(ts, tz=CHINA).isoformat(timespec="seconds") if ts else None


def _person_code(checked: Checked) -> str:
    if checked.staff and checked.staff.staff_no:
        return normalize.fold(checked.staff.staff_no).upper()
    digest = hashlib.sha256(normalize.name_key(checked.person).encode()).hexdigest()[:5].upper()
    return f"P{digest}"


def _row_numbers(versions: list[InputResult], former: dict[int, set[str]] | None = None,
                 seed: dict[int, tuple[str, str]] | None = None,
                 history: dict[int, tuple[str, str]] | None = None) -> dict[int, int]:
    """The numbers of the rows of the latest of one submitter's versions of a risk form (oldest first): row
    index → n of its 风险编号. The first version numbers its rows in order (as risk_id does for a form sent
    once); each later row keeps the number of the risk it repeats: the same 岗位 and 风险点, else the same
    风险点, else the most similar 风险点 (0.8 or more); a new row takes its own place's number if no risk ever
    had it, else the next number nobody had. So a form re-sent with rows reordered, inserted or deleted keeps
    the numbers its accepted measures (附件5/6) carry, also where two posts name the same 风险点. former: filled
    with number → every folded 风险点 the risk had (a measure form pre-filled with an earlier wording is right).
    seed: the numbers given in an earlier merge (number → (folded 岗位, folded 风险点)), which every version is
    matched against first: an older version found late, or a superseded file taken out of the inbox, renumbers
    nothing. history: filled with every number the submitter's risks ever had (for the next merge's seed)."""
    from formkit.validate import _similar

    known: dict[int, tuple[str, str]] = dict(seed or {})   # number → (folded 岗位, folded 风险点) as last sent
    numbers: dict[int, int] = {}
    for res in versions:
        c = res.checked
        if c is None:
            continue
        keys = _row_keys(c)
        if not known:
            numbers = {row.index: i + 1 for i, row in enumerate(c.rows)}
        else:
            numbers, used = {}, set()
            for same in (lambda k, o: k == o, lambda k, o: k[1] == o[1]):     # 岗位 and 风险点, then 风险点
                for row, key in zip(c.rows, keys, strict=True):
                    if row.index in numbers or not key[1]:
                        continue
                    found = [n for n, old in known.items() if n not in used and same(key, old)]
                    if found:      # several (one 风险点, several posts): the one whose 岗位 is most alike
                        n = max(found, key=lambda m: (_similar(key[0], known[m][0]), -m))
                        numbers[row.index] = n
                        used.add(n)
            for row, key in zip(c.rows, keys, strict=True):
                if row.index in numbers or not key[1]:
                    continue
                scored = [(_similar(key[1], old[1]), n) for n, old in known.items() if n not in used]
                best = max(scored, key=lambda sn: (sn[0], -sn[1]), default=None)
                if best is not None and best[0] >= 0.8:
                    numbers[row.index] = best[1]
                    used.add(best[1])
            taken = used | set(known)
            top = max(taken, default=0)
            for row in c.rows:
                if row.index in numbers:
                    continue
                n = row.index + 1              # a new row: its own place, when no risk ever had that number …
                if n in taken:
                    top += 1                   # … else the next number nobody had
                    n = top
                numbers[row.index] = n
                taken.add(n)
                top = max(top, n)
        known.update({numbers[row.index]: key for row, key in zip(c.rows, keys, strict=True) if key[1]})
        if former is not None:
            for row, key in zip(c.rows, keys, strict=True):
                if key[1]:
                    level = normalize.level(row.values.get("level"))[0] or ""
                    former.setdefault(numbers[row.index], set()).update(
                        (key[1], former_token("post", key[0]), former_token("level", level)))
    if history is not None:
        history.update(known)
    return numbers


def _number_rows(res: InputResult, c: Checked, versions: list[InputResult], dept: str | None,
                 registry: Mapping[str, tuple[str, str | None]], numbering: dict[str, tuple[str, str | None]],
                 numbered: dict[str, dict[int, int]], worded: dict[str, dict[int, set[str]]]) -> None:
    """The numbers of a risk form's rows (numbered[res.path], where they are not simply its rows in order), from its
    versions and what an earlier merge gave (registry); what this merge gives goes into `numbering`."""
    prefix = id_order(risk_id(c, 0, dept))[0]
    prev = registry.get(prefix)
    seed = None
    if prev is not None and (len(versions) > 1 or prev[1] is not None or prev[0] != res.sha256):
        seed = _seed(prev, versions)          # (else: this file alone, numbered as its rows are in order)
    if len(versions) < 2 and seed is None:
        numbering[prefix] = (res.sha256, None)
        return
    history: dict[int, tuple[str, str]] = {}
    numbers = _row_numbers(versions, worded.setdefault(res.path, {}), seed, history)
    if len(versions) < 2 and numbers == {row.index: i + 1 for i, row in enumerate(c.rows)} \
            and set(history) == set(numbers.values()):
        numbering[prefix] = (res.sha256, None)      # its rows in order after all
        return
    numbered[res.path] = numbers
    numbering[prefix] = (res.sha256, json.dumps({str(n): list(k) for n, k in sorted(history.items())},
                                                ensure_ascii=False, separators=(",", ":")))


def _row_keys(c: Checked) -> list[tuple[str, str]]:
    """(folded 岗位, folded 风险点) of each row: what tells a submitter's risks apart for numbering."""
    return [(normalize.fold(_text(row.values.get("post"))), normalize.fold(_text(row.values.get("risk"))))
            for row in c.rows]


def _seed(prev: tuple[str, str | None], versions: list[InputResult]) -> dict[int, tuple[str, str]] | None:
    """The numbers an earlier merge gave a submitter (a registry entry, cache.Store.get_numbering): its own, or
    the rows in order of the version it numbered (still in the inbox); None when neither is known."""
    sha, numbers = prev
    if numbers:
        try:
            return {int(n): (post, risk) for n, (post, risk) in json.loads(numbers).items()}
        except (ValueError, TypeError):
            return None
    numbered_then = next((v for v in versions if v.sha256 == sha), None)
    c = numbered_then.checked if numbered_then is not None else None
    if c is None:
        return None
    return {i + 1: key for i, key in enumerate(_row_keys(c)) if key[1]}



def risk_id(checked: Checked, n: int, dept: str | None = None) -> str:
    """Deterministic and stable: the department code (`dept`: the one the submitter's first version was sent
    from, for someone who moved since), the submitter, the row's place in its own file."""
    dept = dept or (checked.department.code if checked.department else "X")
    if checked.spec.scope == "person":
        return f"{dept}-{_person_code(checked)}-{n:02d}"
    return f"{dept}-B{n:02d}"


_ID_NUMBER = re.compile(r"(\d+)$")


def id_order(rid: str) -> tuple[str, int]:
    """A risk number's place in order: its row number compared as a number (JWC-B99 before JWC-B100, which text
    order puts after JWC-B10)."""
    m = _ID_NUMBER.search(rid)
    return (rid[: m.start()], int(m[1])) if m else (rid, -1)


def _person_scope(dept: str | None, who: str) -> tuple:
    """The scope of a person's risks: (department, "个人", normalize.person_key); a person known by 工号 in any
    department (someone moved in the roster answers for the risks they sent before)."""
    return (None if who.startswith("#") else dept, "个人", who)


def _scope_key(checked: Checked) -> tuple:
    """Which accepted risks a measure form answers (validate.scope_risks): its person's, or its
    department's own; the same key as _risk_scope of those risks."""
    code = checked.department.code if checked.department else None
    return _person_scope(code, checked.person_key) if checked.spec.scope == "person" else (code, "部门", "")


def _risk_scope(r: CatalogueRow) -> tuple:
    """A catalogue row's scope: (department, 层级, "") for a department's risk, _person_scope for a person's."""
    return _person_scope(r["_dept"], r["_person"]) if r["层级"] == "个人" else (r["_dept"], r["层级"], "")


@contextmanager
def _risks_of(ctx: Context, checked: Checked, by_scope: dict[tuple, dict]) -> Iterator[None]:
    """The campaign rules of a measure form look at the accepted risks of its own scope only
    (validate.scope_risks); hand them those risks, in the same order, instead of scanning every risk of
    the campaign (or of the department) for each form: quadratic at 100,000 forms."""
    everything = ctx.risks
    ctx.risks = by_scope.get(_scope_key(checked), {}) if checked.department else {}
    try:
        yield
    finally:
        ctx.risks = everything


def analyse(cfg: Config, progress: Callable[[str, int, int], None] | None = None,
            raws: list[RawInput] | None = None, skipped: list[Skipped] | None = None,
            campaign_rules: bool = True, *, store: Store | None = None, timings: dict | None = None,
            while_reading: Callable[[], None] | None = None, base: Context | None = None) -> Analysis:
    """The whole analysis of an inbox (or of the given inputs); campaign_rules=False checks files alone.

    base: the campaign so far (the context of an analysis of the inbox: its accepted 附件2 items and risks);
    the campaign rules of these inputs look at it too (`formkit check` in a working folder).

    store: where read outcomes are kept and looked up (formkit.cache; default: in memory, for this run).
    timings: when given, seconds spent per stage are added to it ("intake", "read", "analyse"), and the CPU
    seconds the workers spent on each part of reading ("cpu_io", "cpu_safety", … see READ_PARTS).
    while_reading: called once while the workers read (this process mostly waits then), e.g. to import
    what writing the outputs needs.
    """
    forms = load_forms()
    store = store if store is not None else MemoryStore()
    with _timed(timings, "intake"):
        if raws is None:
            raws, skipped = walk_inbox(cfg.root, cfg.inbox, lazy=True)
        results = [InputResult(r) for r in raws]
    with _timed(timings, "read"):
        results, late_skipped = read_all(results, cfg, store,
                                         (lambda d, t: progress("读取", d, t)) if progress else None, cfg.root,
                                         while_reading=while_reading, cpu=timings)
    skipped = sorted([*(skipped or []), *late_skipped], key=lambda s: s.path) if late_skipped else (skipped or [])
    with _timed(timings, "analyse"):
        analysis = _analyse(cfg, forms, results, skipped, store, campaign_rules, progress, base)
    return analysis


def _analyse(cfg: Config, forms: dict[str, FormSpec], results: list[InputResult], skipped: list[Skipped],
             store: Store, campaign_rules: bool, progress: Callable[[str, int, int], None] | None,
             base: Context | None = None) -> Analysis:
    ctx = Context(cfg)
    if base is not None:
        ctx.power_items.update(base.power_items)
        ctx.risks.update(base.risks)
        ctx.former.update(base.former)
    _SHARED.clear()

    # rejections found by intake; byte-identical duplicates; what reading gave. Of several copies of the same
    # bytes the one in the earliest mail is the submission (an old form attached again to the mail that brings
    # its correction keeps its first date, so the correction stays the later one); else the first by path
    first_of: dict[str, InputResult] = {}
    for res in results:
        if res._outcome is None or res._outcome[0] != "intake":
            kept = first_of.get(res.sha256)
            if kept is None or _mailed_earlier(res, kept):
                first_of[res.sha256] = res
    for res in results:
        stage, value = res._outcome or ("read", F.make(F.FILE_READ_FAILED, detail="读取失败"))
        if stage == "intake":
            res.status, res.findings = REJECTED, [value]
            continue
        if first_of[res.sha256] is not res:
            res.same_as = first_of[res.sha256]
            res.status, res.duplicate_of = DUPLICATE, res.same_as.path
            res.findings = [F.make(F.DUPLICATE_FILE, value=res.duplicate_of)]
            continue
        if stage != "ok":
            res.status, res.findings = REJECTED, [value]
            continue
        res.brief = value
        res.findings = list(value.findings)
        res.raw.kind, res.raw.has_macros = value.kind, value.has_macros

    # supersede: the latest submission of each (form, department, person) is the current one
    groups: dict[tuple, list[InputResult]] = {}
    window = campaign_window(cfg)
    for res in results:
        if res.brief:
            ts, basis = _when(res, window)
            res.submitted_at, res.order_basis = _iso(ts), basis
            res.time_basis = basis
            groups.setdefault(res.brief.key, []).append(res)
    current: list[InputResult] = []
    first_sent: dict[tuple, str] = {}
    numbered: dict[str, dict[int, int]] = {}      # a re-sent risk form's path → its rows' numbers (_row_numbers)
    worded: dict[str, dict[int, set[str]]] = {}   # … → number → the wordings its risk had
    versions_of: dict[str, list[InputResult]] = {}   # a risk form's current version's path → its versions
    registry = store.get_numbering() if campaign_rules else {}     # the numbers earlier merges gave
    numbering: dict[str, tuple[str, str | None]] = {}             # … and those this one gives (merge keeps them)
    first_dept: dict[str, str] = {}               # … → the department its first version came from, where another
    # another department's template filled by a department and sent as its own (its address, its name on the file):
    # the content is the sender's, so it is no version of the template's department (credited to it, it showed as
    # that department's 权力清单, replaced what it sent, stopped its chase): returned to the sender instead
    sent_by = {res.path: other for members in groups.values() for res in members
               if campaign_rules and (other := _sent_by_another(res, cfg)) is not None}
    for members in groups.values():
        unchanged = _unchanged_feedback(members)
        for res in [m for m in members if m.path in sent_by]:
            members.remove(res)
            res.status = RETURNED
            res.findings.append(F.make(F.DEPARTMENT_SENDER_ASIDE, value=sent_by[res.path],
                                       detail=cfg.roster.departments[res.department].name))
        if not members:
            continue
        members.sort(key=cmp_to_key(lambda a, b: _compare(a, b)[0]))
        if len(members) > 1:
            members[-1].order_basis = _compare(members[-1], members[-2])[1]
            if members[-1].order_basis == "文件名顺序" and _split(members[-1], members[-2]):
                members[-1].findings.append(F.make(F.SPLIT_VERSIONS, value=members[-2].path))
        _corrections_last(members)
        aside = _blank_after_filled(members, forms)
        # lateness by the first sending that had rows (a blank form sent before the deadline is no submission)
        if sent := next((m.submitted_at for m in members if m.submitted_at
                         and not any(f.code == F.NO_ROWS for f in m.findings)), None):
            first_sent[members[0].brief.key] = sent
        latest = members[-1]
        current.append(latest)
        if latest.form in forms and forms[latest.form].is_risk_form:
            versions_of[latest.path] = members                      # numbered below (_number_rows)
            if len(members) > 1 and members[0].department and members[0].department != latest.department:
                first_dept[latest.path] = members[0].department     # moved: the numbers keep their prefix
        for i, older in enumerate(members[:-1]):
            older.status, older.superseded_by = SUPERSEDED, latest.path
            older.findings.append(F.make(F.SUPERSEDED, value=latest.path))
            if i + 2 < len(members):    # what put the next version after it (the last one's own: set above)
                older.order_basis = _compare(members[i + 1], older)[1]
            else:
                older.order_basis = latest.order_basis
        for res in (*aside, *unchanged):     # (blank-resent, feedback-unchanged say why)
            res.status, res.superseded_by = SUPERSEDED, latest.path
        if len(members) > 1 and latest.form in forms and forms[latest.form].scope == "person":
            _same_name_told(members)

    by_form: dict[str, list[InputResult]] = {}
    for res in sorted(current, key=lambda r: r.path):
        by_form.setdefault(res.form or "", []).append(res)
    n_current, n_done = len(current), 0

    def step() -> None:
        nonlocal n_done
        n_done += 1
        if progress and (n_done % 64 == 0 or n_done == n_current):
            progress("校验", n_done, n_current)

    # 附件2 first: the power items each department declared (latest readable one counts)
    for res in by_form.get("附件2", []):
        if res.department:
            c = res.checked
            ctx.power_items[res.department] = {normalize.fold(r.values.get("power_item", "")) for r in c.rows}

    def settle(res: InputResult) -> None:
        res.status = RETURNED if any(f.severity == F.ERROR for f in res.findings) else ACCEPTED

    for form_id in ("附件1", "附件2", "附件3", "附件4"):
        for res in by_form.get(form_id, []):
            c = res.checked
            if res.path in versions_of and c is not None:
                _number_rows(res, c, versions_of[res.path], first_dept.get(res.path), registry, numbering, numbered,
                             worded)
            if campaign_rules:
                check_campaign(c, ctx)
            settle(res)
            if res.status == ACCEPTED and c.spec.is_risk_form:
                numbers, wordings = numbered.get(res.path, {}), worded.get(res.path, {})
                for row in c.rows:
                    n = numbers.get(row.index, row.index + 1)
                    rid = risk_id(c, n, first_dept.get(res.path))
                    if n in wordings:
                        ctx.former[rid] = wordings[n]
                    ctx.risks[rid] = _risk_row(cfg, res, c, row, rid)
            elif res.status == RETURNED and c.spec.is_risk_form and res.path in numbered:
                # a re-sent risk form returned: its risks wait for the correction (not withdrawn, not deleted)
                for row in c.rows:
                    n = numbered[res.path].get(row.index, row.index + 1)
                    ctx.pending.add(risk_id(c, n, first_dept.get(res.path)))
            step()
    # measures: the campaign rules match each row to an accepted risk; accepted measures fill the catalogue
    by_scope: dict[tuple, dict] = {}
    for rid, r in ctx.risks.items():
        by_scope.setdefault(_risk_scope(r), {})[rid] = r
    for form_id in ("附件5", "附件6"):
        for res in by_form.get(form_id, []):
            c = res.checked
            if campaign_rules:
                with _risks_of(ctx, c, by_scope):
                    check_campaign(c, ctx)
            settle(res)
            if res.status == ACCEPTED:
                _apply_measures(ctx, res, c)
            step()
    for res in results:
        if res.brief and res.status in (RETURNED, SUPERSEDED) and not any(
                f.code in (F.BLANK_RESENT, F.FEEDBACK_UNCHANGED) for f in res.findings):
            c = res.checked
            reason = {RETURNED: "所在文件有错误，已退回修改", SUPERSEDED: "同一表单有更新的提交"}[res.status]
            for row in c.rows:
                anchor = next(iter(row.refs.values()), None)
                res.findings.append(F.make(F.ROW_NOT_MERGED, sheet=c.sub.sheet, cell=anchor,
                                           detail=f"第 {row.excel_row} 行，{reason}", row=row.index))
    analysis = Analysis(cfg, forms, results, skipped, ctx, store=store, first_sent=first_sent, numbering=numbering)
    _consolidate(analysis)
    return analysis


def _text(v: object) -> str:
    return v.isoformat() if isinstance(v, date) else normalize.to_text(v)


_SHARED: dict[str, str] = {}


def _shared(text: str) -> str:
    """One object for the many equal short values of the catalogue (levels, categories, posts, names):
    300,000 rows would otherwise hold 300,000 copies of 二级."""
    return _SHARED.setdefault(text, text) if len(text) <= 24 else text


def _risk_row(cfg: Config, res: InputResult, c: Checked, row, rid: str) -> CatalogueRow:
    v = row.values
    level = _shared(_text(v.get("level")))
    personal = c.spec.scope == "person"
    rank = (c.staff.rank if c.staff else normalize.to_text(c.header.get("rank"))) if personal else ""
    direct, supervisor = supervision(level, c.department, cfg.main_leader, c.person if personal else "", rank)
    anchor = row.refs.get("risk") or next(iter(row.refs.values()), "")
    person = _shared(c.person)
    return CatalogueRow([
        rid,                                                            # 风险编号
        c.spec.level,                                                   # 层级
        c.department.name if c.department else "",                      # 部门
        _shared(_text(c.header.get("post")) if personal else _text(v.get("post"))),  # 岗位
        person if personal else "",                                     # 姓名
        _shared(_text(v.get("category"))),                              # 风险类别
        _text(v.get("risk")),                                           # 风险点
        _text(v.get("manifest")),                                       # 主要表现形式
        level,                                                          # 风险等级
        _shared(_text(v.get("major"))),                                 # 涉及三重一大
        _shared(_text(v.get("power_item"))),                            # 关联权力事项
        _shared(normalize.person_name(v.get("owner"))) if not personal else person,     # 责任人
        "", "", "", "",                                                 # 关键环节 防控措施 工作程序 完成时限
        direct,                                                         # 直接管理
        supervisor,                                                     # 监督负责
        res.path,                                                       # 来源文件
        res.sha256,                                                     # 来源SHA256
        f"{c.sub.sheet}!{anchor}",                                      # 来源位置
        res.submitted_at or "",                                         # 提交时间
        "", "",                                                         # 措施来源文件 措施来源位置
        c.department.code if c.department else "",                      # _dept
        _shared(c.person_key) if personal else "",                      # _person (normalize.person_key)
        c.staff.staff_no if c.staff else "",                            # _staff_no
        _column_of(row.refs.get("level")),                              # _level_col
        "",                                                             # _procedure_col
    ])


def _column_of(ref: str | None) -> str:
    return sys.intern(ref.rstrip("0123456789")) if ref else ""


def _apply_measures(ctx: Context, res: InputResult, c: Checked) -> None:
    """An accepted measure form's rows into the risks they answer (matched by the campaign rules)."""
    for row in c.rows:
        rid = row.values.get("_risk_id")
        target = ctx.risks.get(rid) if rid else None
        if target is None:
            continue
        anchor = row.refs.get("measure") or next(iter(row.refs.values()), "")
        for key, col in (("防控措施", "measure"), ("工作程序", "procedure"), ("关键环节", "key_link"),
                         ("完成时限", "deadline")):
            value = _text(row.values.get(col, ""))
            if value:
                if key in ("关键环节", "完成时限"):
                    value = _shared(value)
                target[key] = f"{target[key]}；{value}" if target[key] and value not in target[key] else value
        where = f"{c.sub.sheet}!{anchor}"
        if target["措施来源文件"] == res.path and target["措施来源位置"]:   # a risk answered by several rows
            if where not in target["措施来源位置"].split("；"):
                target["措施来源位置"] += "；" + where
        else:
            target["措施来源文件"], target["措施来源位置"] = res.path, where
            target["_procedure_col"] = _column_of(row.refs.get("procedure"))


def _consolidate(a: Analysis) -> None:
    ctx, cfg = a.ctx, a.cfg
    dept_order = {code: i for i, code in enumerate(cfg.roster.departments)}
    staff_order = {(p.department, normalize.person_key(p.staff_no, p.name)): i for i, p in enumerate(cfg.roster.staff)}

    def order(r: CatalogueRow) -> tuple:
        personal = r["层级"] == "个人"
        return (dept_order.get(r["_dept"], 10**6), personal,
                staff_order.get((r["_dept"], r["_person"]), 10**6), r["_person"], id_order(r["风险编号"]))

    a.catalogue = sorted(ctx.risks.values(), key=order)
    for res in sorted(a.accepted("附件2"), key=lambda r: dept_order.get(r.department or "", 10**6)):
        c = res.checked
        for row in c.rows:
            v = row.values
            a.powers.append({
                "部门": c.department.name if c.department else "", "序号": row.index + 1,
                "权力事项": _text(v.get("power_item")), "权力类别": _text(v.get("power_type")),
                "职权依据": _text(v.get("basis")), "行使岗位": _text(v.get("post")), "责任人": normalize.person_name(v.get("owner")),
                "运行流程": _text(v.get("process")), "涉及三重一大": _text(v.get("major")), "备注": _text(v.get("note")),
                "来源文件": res.path, "来源位置": f"{c.sub.sheet}!{row.refs.get('power_item', '')}",
            })
    for res in a.accepted("附件1"):
        c = res.checked
        for row in c.rows:
            v = row.values
            a.leaders.append({
                "序号": row.index + 1, "机构": _text(v.get("body")), "职务": _text(v.get("role")),
                "姓名": normalize.person_name(v.get("name")), "本职": _text(v.get("post")), "联系电话": _text(v.get("phone")),
                "备注": _text(v.get("note")), "来源文件": res.path,
                "来源位置": f"{c.sub.sheet}!{row.refs.get('name', '')}",
            })
