"""What reading and checking each input produced, kept by the SHA-256 of the input's bytes.

A merge reads every input in a worker process (see formkit.pipeline): sniff, safety checks, parse,
file-level validation. The outcome of one input depends only on its bytes and on what formkit does
with them: the formkit version and code, the form declarations and the campaign's configuration and
roster. So it is kept, and a later merge that meets the same bytes again takes the outcome from here
instead of reading the file: merging after one new form arrived reads one form.

The store has two parts per input:

* a *brief*, small: the outcome ("ok", "container", or a rejection with its stage and finding) and,
  for a readable form, what the analysis needs of every input (form, whose it is, 填表日期, findings);
* the *checked* submission itself (formkit.validate.Checked), pickled (not compressed: on a few KB zlib
  costs more than the pickling), loaded only when the
  analysis needs the rows (campaign rules, the catalogue, feedback) and dropped again. At 100,000
  inputs the parent process holds briefs, not 100,000 submissions: this store is also the spill.

`DiskStore` is an SQLite file under outbox/ (deleting outbox/ resets it); `MemoryStore` keeps the
same blobs in a dict (formkit check, tests, a merge told not to cache). Keys are the SHA-256 of the
input's bytes inside a *scope*: a digest of formkit's version and source, the declarations, the
configuration and the roster. Opening a DiskStore of another scope empties it, so an outcome is
only ever served for the same bytes read by the same code under the same configuration.

Blobs are pickles. Unpickling only rebuilds formkit's own classes, dates and built-in containers
(`_Unpickler.find_class`); the form declarations, departments and people are not stored but named
(`Refs`) and taken from the current configuration when loaded.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

FILE_NAME = ".formkit-cache.sqlite"
SCHEMA = "4"
_PROTOCOL = 5
_ZLIB_LEVEL = 1
DECODED_KEPT = 64
"""Decoded checked submissions a store keeps besides the held ones (about 20-50 KB each): above HOLD_MAX
inputs each is unpickled about twice; none is held longer than it is needed."""
HOLD_MAX = 4096
"""Up to this many inputs, a merge decodes each checked submission as it arrives and keeps it (about
30 MB for a thousand forms); above, they are loaded from the store when needed and dropped again."""
CATALOGUES_KEPT = 2          # this round and the one before: what find_baseline compares with
_CATALOGUE_WIDTH = 20        # len(formkit.changes.KEPT) (tests/test_changes.py)


def code_digest() -> str:
    """A digest of formkit's own source files: a changed reader or rule invalidates the cache even when
    the version number did not change (as during development)."""
    h = hashlib.sha256()
    base = Path(__file__).resolve().parent
    for path in sorted(base.rglob("*.py")):
        h.update(path.relative_to(base).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def scope_of(cfg) -> str:
    """The digest outcomes are kept under: formkit version and code, declarations, configuration."""
    from formkit import __version__
    from formkit.spec import declarations_digest

    parts = [SCHEMA, __version__, code_digest(), declarations_digest(), cfg.fingerprint() if cfg.roster_file else ""]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


# -- pickling with named references ---------------------------------------------------------------------


_NAMED: set[type] = set()      # FormSpec, Department, Person, filled in by the first Refs


def _named_types() -> None:
    if not _NAMED:
        from formkit.config import Department, Person
        from formkit.spec import FormSpec

        _NAMED.update((FormSpec, Department, Person))


class Refs:
    """The shared objects a checked submission points at, named instead of stored: form declarations by
    id, departments by code, people by their place in the roster."""

    def __init__(self, forms: dict, roster) -> None:
        _named_types()
        self.forms = forms
        self.departments = roster.departments if roster is not None else {}
        self.staff = list(roster.staff) if roster is not None else []
        self._staff_index: dict[int, int] | None = None

    def name(self, obj: Any) -> tuple | None:
        t = type(obj)
        if t not in _NAMED:
            return None
        from formkit.config import Department, Person
        from formkit.spec import FormSpec

        if t is FormSpec:
            return ("S", obj.id) if self.forms.get(obj.id) is obj else None
        if t is Department:
            return ("D", obj.code) if self.departments.get(obj.code) is obj else None
        if t is Person:
            if self._staff_index is None:
                self._staff_index = {id(p): i for i, p in enumerate(self.staff)}
            i = self._staff_index.get(id(obj))
            return ("P", i) if i is not None else None
        return None

    def resolve(self, pid: tuple) -> Any:
        kind, key = pid
        if kind == "S":
            return self.forms[key]
        if kind == "D":
            return self.departments[key]
        if kind == "P":
            return self.staff[key]
        raise pickle.UnpicklingError(f"unknown reference {pid!r}")


class _Pickler(pickle.Pickler):
    def __init__(self, file, refs: Refs | None) -> None:
        super().__init__(file, _PROTOCOL)
        self.refs = refs

    # reducer_override, unlike persistent_id, is not called for str, int, float, list, dict…: the few
    # objects it sees are the dataclasses of a submission (persistent_id cost 1.3 µs on each of ~750
    # objects per form)
    def reducer_override(self, obj: Any) -> Any:  # noqa: D401 - pickle's hook
        if self.refs is not None:
            name = self.refs.name(obj)
            if name is not None:
                return _ref, name
        return NotImplemented


_LOADING: list[Refs] = []


def _ref(kind: str, key: Any) -> Any:
    """A named shared object, resolved against the configuration of the load in progress."""
    if not _LOADING:
        raise pickle.UnpicklingError("no references to resolve")
    return _LOADING[-1].resolve((kind, key))


_SAFE_BUILTINS = {"set", "frozenset", "tuple", "list", "dict", "bytearray", "complex", "slice", "range"}
_SAFE_MODULES = {"datetime": {"date", "datetime", "time", "timedelta", "timezone"}}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module == "formkit" or module.startswith("formkit."):
            return super().find_class(module, name)
        if module == "builtins" and name in _SAFE_BUILTINS:
            return super().find_class(module, name)
        if name in _SAFE_MODULES.get(module, ()):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"the cache may not load {module}.{name}")


def dumps(obj: Any, refs: Refs | None = None, compress: bool = False) -> bytes:
    buf = io.BytesIO()
    _Pickler(buf, refs).dump(obj)
    data = buf.getvalue()
    return zlib.compress(data, _ZLIB_LEVEL) if compress else data


def loads(blob: bytes, refs: Refs | None = None, compressed: bool = False) -> Any:
    """compressed: the blob may be zlib-compressed (told apart by its first byte: a pickle starts 0x80)."""
    if compressed and blob[:1] != b"\x80":
        blob = zlib.decompress(blob)
    if refs is not None:
        _LOADING.append(refs)
    try:
        return _Unpickler(io.BytesIO(blob)).load()
    finally:
        if refs is not None:
            _LOADING.pop()


def kept_outcome(blob: bytes) -> Any:
    """A kept outcome (brief) decoded; None when it cannot be (a damaged cache row: a cache miss, read again)."""
    try:
        return loads(blob)
    except Exception:  # noqa: BLE001 - whatever damaged bytes raise (UnpicklingError, EOFError, ValueError …)
        return None


class CacheDamaged(Exception):
    """A kept checked submission that cannot be decoded: merge starts again with a fresh cache (merge.merge)."""


# -- stores -------------------------------------------------------------------------------------------------


class Store:
    """Outcomes by SHA-256: brief (bytes) and checked (bytes or None)."""

    persistent = False

    def __init__(self) -> None:
        self._decoded: OrderedDict[str, Any] = OrderedDict()
        self._held: dict[str, Any] = {}
        self.hits = 0
        self.misses = 0
        self.notes: list[str] = []      # what the coordinator is told about the cache (damaged, not writable)

    # raw blobs
    def get_brief(self, sha: str) -> bytes | None:
        raise NotImplementedError

    def get_checked(self, sha: str) -> bytes | None:
        raise NotImplementedError

    def put(self, sha: str, brief: bytes, checked: bytes | None) -> None:
        raise NotImplementedError

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.flush()

    def has_outcomes(self) -> bool:
        """Whether anything is kept (a first merge finds nothing)."""
        return False

    # what a later 变化 comparison needs of a written catalogue, by the workbook's digest (formkit.changes)
    def put_catalogue(self, digest: str, rows: Iterable[tuple], pending: Mapping | None = None) -> None:
        pass

    def get_catalogue(self, digest: str) -> Iterator[tuple] | None:
        return None

    def get_pending(self, digest: str) -> dict | None:
        return None

    # where each input's bytes were first read (of copies of the same bytes, that one stays the original): kept whatever
    # formkit version, declarations or configuration, like the numbers
    def get_seen(self) -> dict[str, str]:
        """SHA-256 → the path of the input those bytes were first read as (the original of later copies)."""
        return {}

    def put_seen(self, entries: Mapping[str, str]) -> None:
        pass

    # the risk numbers given so far, by submitter (numbering._row_numbers): kept whatever formkit version, declarations
    # or configuration (a number once given stays with its risk); only deleting outbox/ forgets them
    def get_numbering(self) -> dict[str, tuple[str, str | None]]:
        """prefix of a submitter's 风险编号 → (SHA-256 of the version numbered last, the numbers as JSON, or None
        where they were its rows in order)."""
        return {}

    def put_numbering(self, entries: Mapping[str, tuple[str, str | None]]) -> None:
        pass

    def reader(self) -> tuple | None:
        """What a worker process needs to look outcomes up itself (None: it cannot)."""
        return None

    # decoded checked submissions, the latest DECODED_KEPT kept: the analysis asks for each one a few times
    # (campaign rules, catalogue rows, rows not merged) and the feedback, forked after it, once more
    def hold(self, sha: str, blob: bytes, refs: Refs) -> None:
        """Decode a checked submission now and keep it for this run (a campaign small enough, decoded
        while the workers are still reading, when this process has time to spare)."""
        self._held[sha] = loads(blob, refs, compressed=True)

    def load_checked(self, sha: str, refs: Refs) -> Any:
        held = self._held.get(sha)
        if held is not None:
            return held
        hit = self._decoded.get(sha)
        if hit is not None:
            self._decoded.move_to_end(sha)
            return hit
        blob = self.get_checked(sha)
        if blob is None:
            return None
        try:
            obj = loads(blob, refs, compressed=True)
        except Exception as exc:  # noqa: BLE001 - damaged bytes
            raise CacheDamaged(str(exc)) from exc
        self._decoded[sha] = obj
        if len(self._decoded) > DECODED_KEPT:
            self._decoded.popitem(last=False)
        return obj


class MemoryStore(Store):
    def __init__(self) -> None:
        super().__init__()
        self._data: dict[str, tuple[bytes, bytes | None]] = {}
        self._numbering: dict[str, tuple[str, str | None]] = {}
        self._seen: dict[str, str] = {}

    def get_numbering(self) -> dict[str, tuple[str, str | None]]:
        return dict(self._numbering)

    def get_seen(self) -> dict[str, str]:
        return dict(self._seen)

    def put_seen(self, entries: Mapping[str, str]) -> None:
        for sha, path in entries.items():
            self._seen.setdefault(sha, path)

    def put_numbering(self, entries: Mapping[str, tuple[str, str | None]]) -> None:
        self._numbering.update(entries)

    def get_brief(self, sha: str) -> bytes | None:
        hit = self._data.get(sha)
        return hit[0] if hit else None

    def get_checked(self, sha: str) -> bytes | None:
        hit = self._data.get(sha)
        return hit[1] if hit else None

    def put(self, sha: str, brief: bytes, checked: bytes | None) -> None:
        self._data[sha] = (brief, checked)

    def has_outcomes(self) -> bool:
        return bool(self._data)


class DiskStore(Store):
    """outbox/.formkit-cache.sqlite. Safe to delete; a store of another scope is emptied on opening."""

    persistent = True

    def __init__(self, path: Path, scope: str) -> None:
        super().__init__()
        self.path = Path(path)
        self.scope = scope
        self._pid = os.getpid()
        self._pending = 0
        self._db = self._connect()

    def _connect(self):
        import sqlite3

        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = self._open(sqlite3)
        except sqlite3.OperationalError:    # locked, busy, read-only: not damage (never delete what another uses)
            raise
        except sqlite3.DatabaseError:       # not a database (damaged, or something else under that name)
            remove(self.path)
            db = self._open(sqlite3)
            self.notes.append(DAMAGED_NOTE)
        return db

    def _open(self, sqlite3):
        db = sqlite3.connect(str(self.path), timeout=30, isolation_level=None, check_same_thread=False)
        try:
            return self._prepare(db, sqlite3)
        except sqlite3.Error:
            db.close()          # (a read-only file: the -wal and -shm it made go with it)
            raise

    def _prepare(self, db, sqlite3):
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT)")
        db.execute("CREATE TABLE IF NOT EXISTS numbering (prefix TEXT PRIMARY KEY, sha TEXT, numbers TEXT)")
        db.execute("CREATE TABLE IF NOT EXISTS seen (sha TEXT PRIMARY KEY, path TEXT)")
        row = db.execute("SELECT v FROM meta WHERE k = 'scope'").fetchone()
        altered = row is not None and row[0] == self.scope and not self._shaped(db, sqlite3)
        if altered:                               # the tables altered (by hand, by a tool): start afresh too
            row = None
        if row is None or row[0] != self.scope:   # another formkit, declarations or configuration: start afresh
            db.execute("BEGIN IMMEDIATE")
            for table in ("outcome", "catalogue", "catalogue_row"):
                db.execute(f"DROP TABLE IF EXISTS {table}")
            try:
                db.execute("SELECT sha, path FROM seen LIMIT 0")
            except sqlite3.OperationalError:
                db.execute("DROP TABLE seen")
                db.execute("CREATE TABLE seen (sha TEXT PRIMARY KEY, path TEXT)")
            try:
                db.execute("SELECT prefix, sha, numbers FROM numbering LIMIT 0")
                if altered:
                    self.notes.append(RESHAPED_NOTE)
            except sqlite3.OperationalError:        # (kept across versions: reshaped only when damaged)
                db.execute("DROP TABLE numbering")
                db.execute("CREATE TABLE numbering (prefix TEXT PRIMARY KEY, sha TEXT, numbers TEXT)")
                self.notes.append(DAMAGED_NOTE)
            self._create(db)
            db.execute("INSERT OR REPLACE INTO meta (k, v) VALUES ('scope', ?)", (self.scope,))
            db.execute("COMMIT")
        else:       # written to now, not halfway through the merge: a file that cannot be is found out here
            db.execute("INSERT OR REPLACE INTO meta (k, v) VALUES ('scope', ?)", (self.scope,))
        return db

    @staticmethod
    def _shaped(db, sqlite3) -> bool:
        """Whether the tables have the columns this formkit reads and writes."""
        try:
            db.execute("SELECT sha, brief, checked FROM outcome LIMIT 0")
            db.execute("SELECT digest, at, pending FROM catalogue LIMIT 0")
            db.execute(f"SELECT digest, n, c{_CATALOGUE_WIDTH - 1} FROM catalogue_row LIMIT 0")
            db.execute("SELECT prefix, sha, numbers FROM numbering LIMIT 0")
            db.execute("SELECT sha, path FROM seen LIMIT 0")
        except sqlite3.OperationalError:
            return False
        return True

    @staticmethod
    def _create(db) -> None:
        db.execute("CREATE TABLE outcome (sha TEXT PRIMARY KEY, brief BLOB NOT NULL, checked BLOB)")
        db.execute("CREATE TABLE catalogue (digest TEXT PRIMARY KEY, at INTEGER, pending TEXT)")
        db.execute("CREATE TABLE catalogue_row (digest TEXT, n INTEGER, "
                   f"{', '.join(f'c{i} TEXT' for i in range(_CATALOGUE_WIDTH))}, PRIMARY KEY (digest, n))")

    @property
    def db(self):
        if os.getpid() != self._pid:        # a forked child: never use the parent's connection
            self._pid = os.getpid()
            self._pending = 0
            self._db = self._connect()
        return self._db

    def has_outcomes(self) -> bool:
        return self.db.execute("SELECT 1 FROM outcome LIMIT 1").fetchone() is not None

    def get_brief(self, sha: str) -> bytes | None:
        row = self.db.execute("SELECT brief FROM outcome WHERE sha = ?", (sha,)).fetchone()
        return row[0] if row else None

    def get_checked(self, sha: str) -> bytes | None:
        row = self.db.execute("SELECT checked FROM outcome WHERE sha = ?", (sha,)).fetchone()
        return row[0] if row else None

    def put(self, sha: str, brief: bytes, checked: bytes | None) -> None:
        db = self.db
        if not self._pending:
            db.execute("BEGIN")
        db.execute("INSERT OR REPLACE INTO outcome (sha, brief, checked) VALUES (?, ?, ?)", (sha, brief, checked))
        self._pending += 1
        if self._pending >= 2000:
            self.flush()

    def flush(self) -> None:
        if self._pending and os.getpid() == self._pid:
            self._db.execute("COMMIT")
            self._pending = 0

    def put_catalogue(self, digest: str, rows: Iterable[tuple], pending: Mapping | None = None) -> None:
        """Keep the rows of the catalogue written under `digest`, one table row each, and what its 变化 lists as
        退回待改 (changes.pending_of) (the latest CATALOGUES_KEPT catalogues are kept)."""
        self.flush()
        db = self.db
        if db.execute("SELECT 1 FROM catalogue WHERE digest = ?", (digest,)).fetchone() is not None:
            return                          # the same inputs make the same catalogue: kept already
        db.execute("BEGIN")
        at = (db.execute("SELECT MAX(at) FROM catalogue").fetchone()[0] or 0) + 1
        db.execute("INSERT INTO catalogue (digest, at, pending) VALUES (?, ?, ?)",
                   (digest, at, json.dumps(pending or {}, ensure_ascii=False)))
        db.executemany(f"INSERT INTO catalogue_row VALUES (?, ?{', ?' * _CATALOGUE_WIDTH})",
                       ((digest, n, *row) for n, row in enumerate(rows)))
        for (old,) in db.execute("SELECT digest FROM catalogue WHERE at <= ?", (at - CATALOGUES_KEPT,)).fetchall():
            db.execute("DELETE FROM catalogue_row WHERE digest = ?", (old,))
            db.execute("DELETE FROM catalogue WHERE digest = ?", (old,))
        db.execute("COMMIT")

    def get_pending(self, digest: str) -> dict | None:
        """What the 变化 of the catalogue written under `digest` listed as 退回待改; None when it is not kept."""
        row = self.db.execute("SELECT pending FROM catalogue WHERE digest = ?", (digest,)).fetchone()
        try:
            return json.loads(row[0]) if row is not None and row[0] is not None else None
        except ValueError:
            return None

    def get_catalogue(self, digest: str) -> Iterator[tuple] | None:
        """The rows kept for `digest`, streamed in their order; None when they are not kept."""
        if self.db.execute("SELECT 1 FROM catalogue WHERE digest = ?", (digest,)).fetchone() is None:
            return None
        cursor = self.db.execute(f"SELECT {', '.join(f'c{i}' for i in range(_CATALOGUE_WIDTH))} FROM catalogue_row "
                                 "WHERE digest = ? ORDER BY n", (digest,))
        return iter(cursor)

    def get_numbering(self) -> dict[str, tuple[str, str | None]]:
        self.flush()
        return {prefix: (sha, numbers) for prefix, sha, numbers in self.db.execute("SELECT * FROM numbering")}

    def put_numbering(self, entries: Mapping[str, tuple[str, str | None]]) -> None:
        self.flush()
        db = self.db
        db.execute("BEGIN")
        db.executemany("INSERT OR REPLACE INTO numbering VALUES (?, ?, ?)",
                       ((prefix, sha, numbers) for prefix, (sha, numbers) in entries.items()))
        db.execute("COMMIT")

    def get_seen(self) -> dict[str, str]:
        self.flush()
        return dict(self.db.execute("SELECT sha, path FROM seen"))

    def put_seen(self, entries: Mapping[str, str]) -> None:
        self.flush()
        db = self.db
        db.execute("BEGIN")
        db.executemany("INSERT OR IGNORE INTO seen VALUES (?, ?)", entries.items())
        db.execute("COMMIT")

    def keep_only(self, shas: set[str]) -> None:
        """Drop outcomes of inputs that are gone (the store does not grow round after round)."""
        self.flush()
        db = self.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (sha TEXT PRIMARY KEY)")
        db.execute("BEGIN")
        db.execute("DELETE FROM keep")
        db.executemany("INSERT OR IGNORE INTO keep (sha) VALUES (?)", ((s,) for s in shas))
        db.execute("DELETE FROM outcome WHERE sha NOT IN (SELECT sha FROM keep)")
        db.execute("DELETE FROM seen WHERE sha NOT IN (SELECT sha FROM keep)")
        db.execute("DELETE FROM keep")
        db.execute("COMMIT")

    def close(self) -> None:
        self.flush()
        if os.getpid() == self._pid:
            self._db.close()

    def reader(self) -> tuple | None:
        return (str(self.path), self.scope)


class Reader:
    """A worker's read-only view of a DiskStore (opened after fork, in the worker)."""

    def __init__(self, spec: tuple | None) -> None:
        self.spec = spec
        self._db = None
        self._pid = None

    def get_brief(self, sha: str) -> bytes | None:
        if self.spec is None:
            return None
        if self._db is None or self._pid != os.getpid():
            import sqlite3

            path, scope = self.spec
            try:
                db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30, check_same_thread=False)
                row = db.execute("SELECT v FROM meta WHERE k = 'scope'").fetchone()
            except sqlite3.Error:
                self.spec = None
                return None
            if row is None or row[0] != scope:
                self.spec = None
                return None
            self._db, self._pid = db, os.getpid()
        try:
            row = self._db.execute("SELECT brief FROM outcome WHERE sha = ?", (sha,)).fetchone()
        except Exception:  # noqa: BLE001 - a cache that cannot be read is a cache miss
            return None
        return row[0] if row and kept_outcome(row[0]) is not None else None


DAMAGED_NOTE = ("结果缓存（outbox/.formkit-cache.sqlite）已损坏，已重新建立，所有文件都重新读取；其中记下的风险编号历史按上一轮的"
                "汇总工作簿恢复（没有汇总工作簿时按 inbox/ 中现有的各版本重新推算），请在“变化”中核对风险编号是否有变动。")


RESHAPED_NOTE = "结果缓存（outbox/.formkit-cache.sqlite）的表结构不对（被改动过），已重新建立，所有文件都重新读取。"


def remove(path: Path) -> bool:
    """Delete the cache file and what SQLite keeps beside it; whether it is gone."""
    for suffix in ("-wal", "-shm", "-journal", ""):
        try:
            os.unlink(str(path) + suffix)
        except FileNotFoundError:
            pass
        except OSError:
            return False
    return True


def open_store(outbox: Path, cfg) -> Store:
    """The cache under outbox/; one in memory (this run only) when the file cannot be used (read-only, locked, on a
    disk that refuses it), with the numbers it kept where they can still be read, and a note saying so."""
    import sqlite3

    path = Path(outbox) / FILE_NAME
    beside = [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm")]
    there = {p for p in beside if p.exists()}
    try:
        return DiskStore(path, scope_of(cfg))
    except sqlite3.Error as exc:
        store = memory_store(path, f"{exc}")
        for p in beside:        # what opening a file that cannot be written left beside it
            if p not in there:
                p.unlink(missing_ok=True)
        return store


def memory_store(path: Path, reason: str) -> MemoryStore:
    """A store for this run only, instead of the file at `path` that cannot be used, said in its notes."""
    import sqlite3

    store = MemoryStore()
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            store.put_numbering({p: (sha, numbers) for p, sha, numbers in db.execute("SELECT prefix, sha, numbers FROM numbering")})
        finally:
            db.close()
        kept = "风险编号仍按其中记下的历史给出"
    except sqlite3.Error:
        kept = "其中记下的风险编号历史也无法读取，编号按 inbox/ 中现有的各版本重新推算，请在“变化”中核对风险编号是否有变动"
    store.notes.append(f"结果缓存（outbox/.formkit-cache.sqlite）无法使用（{reason}），本次不用缓存，所有文件都重新读取；{kept}。"
                       "请检查 outbox/ 的权限，或删除该文件（它只是缓存）。")
    return store
