"""Run a function on many untrusted items in long-lived, memory-capped worker processes.

A parser running on a hostile file can abort the whole process (python-calamine aborts when an
allocation fails), segfault, exhaust memory or spin forever. ``WorkerPool`` confines that damage to
the one item that caused it: each item runs in one of N long-lived worker processes; a worker that
dies, raises ``MemoryError`` under its address-space cap, or runs past the per-item time limit costs
only that item, which comes back as ``Outcome(ok=False, reason=...)``. A dead or killed worker is
replaced and the map goes on. Results come back in input order.

Design (the hot path spawns no process):

* N workers are started once (``fork`` on Linux: fast, and inherits the function and the imports;
  ``spawn`` where fork is unavailable, the function and initializer are then pickled once per worker).
  Each worker has its own duplex ``Pipe``; it caps its address space with ``RLIMIT_AS``, ignores
  SIGINT (the parent handles Ctrl-C) and then loops: receive items, run ``fn``, reply once per item.
* The parent pickles each item itself, sends it to an idle worker and keeps the pipe busy: once a worker
  is running an item, one more small message (<= 64 KiB) is queued behind it, so the worker never waits
  for a round trip. Because a worker replies to item k before it reads item k+1, the oldest unanswered
  item of a worker that dies is the one that killed it; the items queued behind it never started and
  are sent to another worker. The same holds with ``chunksize > 1`` (several items per message, still
  one reply per item), so a crash is always charged to exactly one item.
* The parent waits on every pipe and every process sentinel with ``multiprocessing.connection.wait``,
  whose timeout is the nearest per-item deadline. A worker past its deadline is killed (SIGKILL) and
  joined; a dead worker is joined; either is replaced at once.
* ``close()`` (also ``with``-exit, garbage collection and interpreter exit) sends a stop message to idle
  workers, kills busy ones, joins everything with a short timeout and kills stragglers: no zombies. If
  ``map`` is left by an exception (KeyboardInterrupt, an error in the progress callback) the busy workers
  are killed before the exception propagates and the pool stays usable. Workers notice a vanished parent
  (end of file on their pipe) and exit; a worker stuck inside ``fn`` of a parent killed with SIGKILL is
  ended by an ``alarm()`` backstop at ``2 * timeout + 5`` seconds.

Limits and caveats:

* ``mem_limit`` is headroom: the worker's address space (``RLIMIT_AS``) is capped at its size at start,
  a copy of the parent's with fork, plus ``mem_limit``. However large the parent has grown, every
  item gets the same room; an allocation beyond it fails (MemoryError, or an abort in native code).
* ``workers=0`` runs ``fn`` in the calling process, without isolation, memory cap or timeout: for
  debugging only. Exceptions (including ``MemoryError``) still become outcomes; a crash is a crash.
* Workers disable ``faulthandler`` if inherited and send their stderr to the null device: a crash is reported
  as an ``Outcome``, not as a Python stack dump per hostile file, nor as what native code prints before dying
  (Rust prints "memory allocation of N bytes failed", plus a backtrace if RUST_BACKTRACE is set) on the
  screen of someone who cannot act on it. ``quiet_stderr=False`` keeps the inherited stderr (debugging).
* ``fn`` (and ``initializer``) must be top-level functions when the start method is ``spawn``. Workers
  are daemonic processes, so ``fn`` cannot use ``multiprocessing`` itself (``subprocess`` is fine), and the
  per-item ``alarm()`` backstop means ``fn`` must not rely on SIGALRM.
* Items and results cross the process boundary pickled; keep them small (a path or the file's bytes in,
  parsed rows out) and keep big data in globals inherited at fork, not in items.
* Forking a parent that runs other threads has the usual fork hazards (a lock held by another thread
  stays held in the child); Python 3.12+ warns about it. Pass ``start_method="forkserver"`` or
  ``"spawn"`` in such a program.
"""

from __future__ import annotations

import faulthandler
import gc
import math
import multiprocessing
import os
import pickle
import signal
import sys
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import wait as _wait
from multiprocessing.reduction import ForkingPickler
from typing import Any

try:
    import resource
except ImportError:  # pragma: no cover - not on Windows
    resource = None  # type: ignore[assignment]

__all__ = ["CRASHED", "EXCEPTION", "MEMORY", "TIMEOUT", "Outcome", "WorkerPool", "run_isolated"]

CRASHED = "crashed"
MEMORY = "memory"
TIMEOUT = "timeout"
EXCEPTION = "exception"

_DETAIL_MAX = 200
_PROTOCOL = pickle.HIGHEST_PROTOCOL
_PIPELINE_BYTES = 64 * 1024  # a message queued behind a running item must fit in the socket buffer
_STOP_JOIN = 1.0  # seconds close() waits for workers to exit by themselves
_START_TIMEOUT = 60.0  # seconds a worker may take to start (imports, initializer)
_MAX_START_FAILURES = 3  # consecutive unexplained start failures before map() gives up

# message tags, worker -> parent
_READY = 0
_START_ERROR = 1
_OK = 2
_EXC = 3
_MEM = 4
_LOST = 5  # a whole message of items could not be received (MemoryError while unpickling it)


@dataclass(frozen=True)
class Outcome:
    """What happened to one item.

    ``reason`` is ``None`` when ``ok``, else one of ``"crashed"`` (the worker died: abort, segfault,
    ``os._exit``, killed by the kernel), ``"memory"`` (``MemoryError`` under the cap), ``"timeout"``
    (killed after the per-item time limit) or ``"exception"`` (``fn`` raised; the worker lives on).
    ``detail`` is one short line, e.g. ``"killed by SIGABRT (exit code -6)"``, ``"MemoryError"`` or
    ``"ValueError: bad header"``; never a traceback.
    """

    ok: bool
    value: Any = None
    reason: str | None = None
    detail: str = ""


# ---------------------------------------------------------------- helpers shared by both sides


def _truncate(text: str, limit: int = _DETAIL_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe(exc: BaseException) -> str:
    try:
        msg = str(exc)
    except Exception:  # a broken __str__ must not take the worker down
        msg = ""
    name = type(exc).__name__
    return _truncate(f"{name}: {msg}" if msg else name)


def _memory_error_in(exc: BaseException) -> bool:
    """True if ``exc`` is a MemoryError or was raised while handling / because of one.

    Libraries sometimes turn a MemoryError into something else (pandas makes it an IndexError).
    """
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen and len(seen) < 20:
        if isinstance(cur, MemoryError):
            return True
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
    return False


def _classify(exc: BaseException) -> tuple[str, str]:
    detail = _describe(exc)
    if _memory_error_in(exc):
        if not isinstance(exc, MemoryError):
            detail = _truncate(detail, _DETAIL_MAX - 24) + " (caused by MemoryError)"
        return MEMORY, detail
    return EXCEPTION, detail


def _exit_detail(code: int | None) -> str:
    if code is None:
        return "worker vanished"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        text = f"killed by {name} (exit code {code})"
        if -code == signal.SIGKILL:
            text += ", possibly by the kernel's out-of-memory killer"
        return text
    return f"exit code {code}"


def _address_space() -> int | None:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _apply_mem_limit(limit: int | None) -> None:
    """Cap the worker's address space at what it has at start plus ``limit`` bytes of headroom.

    A forked worker starts as a copy of its parent, whose size depends on what the parent holds (a big
    merge, a long test session); counting the cap from there keeps the headroom for one item constant.
    """
    if not limit or resource is None or not hasattr(resource, "RLIMIT_AS"):
        return
    total = (_address_space() or 0) + limit
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        total = min(total, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (total, total))
    except (ValueError, OSError):  # not supported here (e.g. some macOS versions): run uncapped
        return


def _sigmask(how: int) -> set | None:
    """Block or unblock SIGINT in this thread; the previous mask, or None where unsupported."""
    if not hasattr(signal, "pthread_sigmask"):
        return None
    try:
        return signal.pthread_sigmask(how, {signal.SIGINT})
    except (ValueError, OSError):
        return None


# ---------------------------------------------------------------- the worker process


def _worker_main(conn, fn, initializer, mem_limit, alarm_seconds, inherited, quiet_stderr=True) -> None:
    """Body of a worker process. Replies exactly once per item, in order."""
    for other in inherited:  # the parent's ends of every pipe, copied by fork: keep EOF detection working
        try:
            other.close()
        except OSError:
            pass
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        # the parent may have Python handlers for these; a worker wants the default (terminate)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if alarm_seconds:
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
    except (ValueError, OSError):
        alarm_seconds = 0
    _sigmask(signal.SIG_UNBLOCK)
    if faulthandler.is_enabled():  # inherited from the parent; a crash is reported as an Outcome instead
        faulthandler.disable()
    if quiet_stderr:
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 2)
            os.close(null)
        except OSError:
            pass
    try:
        _apply_mem_limit(mem_limit)
        if initializer is not None:
            initializer()
    except Exception as exc:
        try:
            conn.send((_START_ERROR, _describe(exc)))
        except Exception:
            pass
        return
    conn.send((_READY, None))

    while True:
        try:
            blobs = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        except Exception as exc:  # MemoryError while receiving a message
            reason, detail = _classify(exc)
            if not _reply(conn, (_LOST, (reason, detail))):
                return
            continue
        if blobs is None:  # stop
            return
        for blob in blobs:
            if alarm_seconds:
                signal.alarm(alarm_seconds)
            try:
                reply = (_OK, fn(pickle.loads(blob)))
            except Exception as exc:
                reason, detail = _classify(exc)
                reply = (_MEM if reason == MEMORY else _EXC, detail)
            finally:
                if alarm_seconds:
                    signal.alarm(0)
            del blob
            if not _reply(conn, reply):
                return
            del reply


def _reply(conn, reply) -> bool:
    """Send one reply; a result that cannot be pickled becomes an error reply. False: parent gone."""
    try:
        conn.send(reply)  # pickles fully before writing anything, so a failure leaves the stream intact
        return True
    except OSError:
        return False
    except Exception as exc:
        reason, detail = _classify(exc)
        fallback = (
            (_MEM, detail) if reason == MEMORY else (_EXC, _truncate(f"result not picklable: {detail}"))
        )
    try:
        conn.send(fallback)
        return True
    except Exception:
        return False


# ---------------------------------------------------------------- the parent side


class _Worker:
    __slots__ = ("proc", "conn", "pending", "chunks", "deadline", "ready", "broken", "started", "start_error")

    def __init__(self, proc, conn) -> None:
        self.proc = proc
        self.conn = conn
        self.pending: deque[int] = deque()  # item indices sent and not yet answered, oldest first
        self.chunks: deque[int] = deque()  # number of items in each message not yet fully answered
        self.deadline: float | None = None  # when the item at pending[0] must be answered
        self.ready = False  # the worker reported that its start (limit, initializer) succeeded
        self.broken = False  # a send to it failed: it is dead or dying
        self.started = time.monotonic()
        self.start_error: str | None = None


def _kill_and_reap(w: _Worker) -> None:
    try:
        if w.proc.is_alive():
            w.proc.kill()
        w.proc.join(5)
    except Exception:
        pass
    try:
        w.conn.close()
    except OSError:
        pass


def _shutdown(workers: list[_Worker]) -> None:
    """Stop every worker: idle ones are asked to stop, busy ones killed; nobody is left unjoined."""
    stop = ForkingPickler.dumps(None)
    for w in workers:
        if w.pending or w.broken:
            try:
                w.proc.kill()
            except Exception:
                pass
        else:
            try:
                w.conn.send_bytes(stop)
            except OSError:
                pass
    limit = time.monotonic() + _STOP_JOIN
    for w in workers:
        try:
            w.proc.join(max(0.0, limit - time.monotonic()))
        except Exception:
            pass
    for w in workers:
        _kill_and_reap(w)
    workers.clear()


def _default_workers() -> int:
    return max(2, min(4, os.cpu_count() or 2))


def _default_start_method() -> str:
    methods = multiprocessing.get_all_start_methods()
    return "fork" if "fork" in methods and sys.platform != "darwin" else "spawn"


class WorkerPool:
    """A pool of long-lived worker processes that isolates each item's failure.

    ``workers``: number of processes (default ``os.cpu_count()`` clamped to 2..4; ``0`` runs in-process
    without any isolation, for debugging). ``mem_limit``: bytes of address space a worker may
    add to what it has at start (``RLIMIT_AS``; ``None`` or 0 for none). ``timeout``: seconds per item (``None`` for none).
    ``initializer``: called once in each worker after the cap is set. ``chunksize``: items per message
    (each still answered and charged on its own). ``start_method``: ``fork`` on Linux by default.
    """

    def __init__(
        self,
        fn: Callable[[Any], Any],
        *,
        workers: int | None = None,
        mem_limit: int | None = 1 << 30,
        timeout: float | None = 60.0,
        initializer: Callable[[], Any] | None = None,
        chunksize: int = 1,
        start_method: str | None = None,
        quiet_stderr: bool = True,
    ) -> None:
        if workers is None:
            workers = _default_workers()
        if workers < 0:
            raise ValueError("workers must be >= 0")
        if chunksize < 1:
            raise ValueError("chunksize must be >= 1")
        if timeout is not None and not timeout > 0:
            raise ValueError("timeout must be > 0 or None")
        self.fn = fn
        self.size = workers
        self.mem_limit = mem_limit or None
        self.timeout = None if timeout is None or math.isinf(timeout) else float(timeout)
        self.initializer = initializer
        self.chunksize = chunksize
        self.quiet_stderr = quiet_stderr
        self.replaced = 0  # workers replaced after dying or timing out (over the pool's life)
        self._start_method = start_method or _default_start_method()
        self._ctx = multiprocessing.get_context(self._start_method)
        self._alarm = 0 if self.timeout is None else math.ceil(2 * self.timeout + 5)
        self._workers: list[_Worker] = []  # mutated in place only: the finalizer holds this list
        self._closed = False
        self._mapping = False
        self._start_failures = 0
        self._finalizer = weakref.finalize(self, _shutdown, self._workers)
        self._ensure_workers()

    # -- public API

    def map(self, items: Iterable[Any], progress: Callable[[int, int], None] | None = None,
            on_result: Callable[[int, Outcome], None] | None = None) -> list[Outcome]:
        """Run ``fn`` on every item; one ``Outcome`` per item, in input order.

        ``on_result(index, outcome)``, if given, receives each outcome as soon as its item completes (in
        completion order) and the outcomes are not kept: ``map`` then returns an empty list, and a caller
        with many large results never holds them all at once.
        ``progress(done, total)`` is called after each item completes (in completion order). An exception
        from it, or KeyboardInterrupt, kills the busy workers and propagates; the pool stays usable.
        """
        if self._closed:
            raise RuntimeError("WorkerPool is closed")
        if self._mapping:
            raise RuntimeError("WorkerPool.map is not re-entrant")
        items = list(items)
        self._mapping = True
        try:
            if self.size == 0:
                return self._map_in_process(items, progress, on_result)
            return self._map(items, progress, on_result)
        except BaseException:
            for w in list(self._workers):
                if w.pending or w.broken:
                    self._discard(w)
            raise
        finally:
            self._mapping = False

    def close(self) -> None:
        """Stop all workers (idempotent)."""
        self._closed = True
        self._finalizer()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def pids(self) -> list[int]:
        """Process ids of the current workers."""
        return [w.proc.pid for w in self._workers]

    def __repr__(self) -> str:
        state = "closed" if self._closed else f"{len(self._workers)} workers"
        return f"<WorkerPool {state}, {self._start_method}, replaced={self.replaced}>"

    # -- workers

    def _ensure_workers(self) -> None:
        for w in list(self._workers):
            if not w.proc.is_alive():  # died while idle, between maps (e.g. killed from outside)
                self._discard(w)
                self.replaced += 1
        while len(self._workers) < self.size:
            self._spawn()

    def _spawn(self) -> _Worker:
        parent_conn, child_conn = self._ctx.Pipe(duplex=True)
        if self._start_method == "fork":
            inherited = [w.conn for w in self._workers] + [parent_conn]
        else:
            inherited = []
        proc = self._ctx.Process(
            target=_worker_main,
            args=(child_conn, self.fn, self.initializer, self.mem_limit, self._alarm, inherited, self.quiet_stderr),
            name="formkit-isolate",
            daemon=True,
        )
        # SIGINT stays blocked from before the fork until the worker has set it to be ignored: a Ctrl-C
        # in that window would otherwise kill the new worker with the parent's KeyboardInterrupt handler
        masked = _sigmask(signal.SIG_BLOCK)
        try:
            proc.start()
        except BaseException:
            parent_conn.close()
            raise
        finally:
            child_conn.close()
            if masked is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, masked)
        w = _Worker(proc, parent_conn)
        self._workers.append(w)
        return w

    def _discard(self, w: _Worker) -> None:
        _kill_and_reap(w)
        if w in self._workers:
            self._workers.remove(w)

    # -- in-process (debugging)

    def _map_in_process(self, items: list[Any], progress, on_result=None) -> list[Outcome]:
        results = []
        for item in items:
            try:
                out = Outcome(True, self.fn(item))
            except Exception as exc:
                reason, detail = _classify(exc)
                out = Outcome(False, reason=reason, detail=detail)
            results.append(out)
            if on_result is not None:
                on_result(len(results) - 1, out)
                results[-1] = None  # type: ignore[call-overload]
            if progress is not None:
                progress(len(results), len(items))
        return [] if on_result is not None else results

    # -- the dispatch loop

    def _map(self, items: list[Any], progress, on_result=None) -> list[Outcome]:
        self._ensure_workers()
        total = len(items)
        results: list[Outcome | None] = [None] * total
        todo: deque[int] = deque(range(total))
        blobs: dict[int, bytes] = {}  # pickled but not yet sent (put back when too big to queue)
        finished: list[int] = []  # completed since the last progress call
        done = 0

        def finish(i: int, outcome: Outcome) -> None:
            results[i] = outcome
            finished.append(i)

        def fill(w: _Worker, pipeline: bool) -> None:
            if w.broken or len(w.chunks) >= (2 if pipeline else 1) or (w.chunks and not w.ready):
                return
            idx: list[int] = []
            out: list[bytes] = []
            while todo and len(idx) < self.chunksize:
                i = todo.popleft()
                blob = blobs.pop(i, None)
                if blob is None:
                    try:
                        blob = pickle.dumps(items[i], _PROTOCOL)
                    except Exception as exc:
                        finish(
                            i,
                            Outcome(
                                False,
                                reason=EXCEPTION,
                                detail=_truncate(f"item not picklable: {_describe(exc)}"),
                            ),
                        )
                        continue
                idx.append(i)
                out.append(blob)
            if not idx:
                return
            if w.chunks and sum(map(len, out)) > _PIPELINE_BYTES:  # would block behind a running item
                blobs.update(zip(idx, out, strict=True))
                todo.extendleft(reversed(idx))
                return
            try:
                w.conn.send_bytes(ForkingPickler.dumps(out))
            except OSError:  # died while idle or mid-read; the items did not start: run them elsewhere
                w.broken = True
                blobs.update(zip(idx, out, strict=True))
                todo.extendleft(reversed(idx))
                return
            if not w.pending and w.ready:
                w.deadline = None if self.timeout is None else time.monotonic() + self.timeout
            w.pending.extend(idx)
            w.chunks.append(len(idx))

        def answer(w: _Worker, outcome: Outcome) -> None:
            finish(w.pending.popleft(), outcome)
            w.chunks[0] -= 1
            if not w.chunks[0]:
                w.chunks.popleft()
            self._start_failures = 0
            w.deadline = None if not w.pending or self.timeout is None else time.monotonic() + self.timeout

        def receive(w: _Worker) -> bool:
            """Read every message waiting from ``w``. False if the worker is gone."""
            try:
                while w.conn.poll():
                    try:
                        tag, payload = w.conn.recv()
                    except (EOFError, OSError):
                        return False
                    except Exception as exc:  # a result the parent cannot unpickle
                        answer(
                            w,
                            Outcome(
                                False,
                                reason=EXCEPTION,
                                detail=_truncate(f"result not unpicklable: {_describe(exc)}"),
                            ),
                        )
                        continue
                    if tag == _OK:
                        answer(w, Outcome(True, payload))
                    elif tag == _EXC:
                        answer(w, Outcome(False, reason=EXCEPTION, detail=payload))
                    elif tag == _MEM:
                        answer(w, Outcome(False, reason=MEMORY, detail=payload))
                    elif tag == _READY:
                        w.ready = True
                        if w.pending and self.timeout is not None:
                            w.deadline = time.monotonic() + self.timeout
                    elif tag == _START_ERROR:
                        w.start_error = payload
                    elif tag == _LOST:
                        reason, detail = payload
                        for _ in range(w.chunks[0]):
                            answer(w, Outcome(False, reason=reason, detail=detail))
            except (EOFError, OSError):
                return False
            return True

        def replace(w: _Worker, head: Outcome) -> None:
            """Reap ``w``, charge its oldest item with ``head``, requeue the rest, start a new worker.

            A worker that never reported ready never started an item: nothing is charged, and a start
            that keeps failing raises RuntimeError (misconfiguration, not a hostile item).
            """
            _kill_and_reap(w)
            self._workers.remove(w)
            rest = list(w.pending)
            if w.ready and rest:
                finish(rest.pop(0), head)
            todo.extendleft(reversed(rest))
            if not w.ready:
                if w.start_error is not None:
                    raise RuntimeError(f"worker failed to start: {w.start_error}")
                self._start_failures += 1
                if self._start_failures >= _MAX_START_FAILURES:
                    raise RuntimeError(f"worker failed to start {self._start_failures} times: {head.detail}")
            self.replaced += 1
            self._spawn()

        def died(w: _Worker) -> None:
            w.proc.join(1)  # the pipe reports EOF a moment before the process can be reaped
            code = w.proc.exitcode
            if code is not None and -code == signal.SIGALRM and self.timeout is not None:
                # the worker's own timeout backstop fired (the parent was too slow to notice)
                outcome = Outcome(False, reason=TIMEOUT, detail=f"exceeded {self.timeout:g} s")
            else:
                outcome = Outcome(False, reason=CRASHED, detail=_exit_detail(code))
            replace(w, outcome)

        while done < total:
            for w in list(self._workers):
                fill(w, pipeline=False)  # every idle worker gets work first
            for w in list(self._workers):
                fill(w, pipeline=True)
            if not finished:
                by_obj: dict[Any, _Worker] = {}
                for w in self._workers:
                    by_obj[w.conn] = w
                    by_obj[w.proc.sentinel] = w
                deadlines = [self._deadline(w) for w in self._workers]
                deadlines = [d for d in deadlines if d is not None]
                wait_for = None if not deadlines else max(0.0, min(deadlines) - time.monotonic())
                ready = _wait(list(by_obj), wait_for)
                touched: list[_Worker] = []
                for obj in ready:
                    w = by_obj[obj]
                    if w not in touched:
                        touched.append(w)
                for w in touched:
                    alive = receive(w)
                    if not alive or w.broken or w.proc.sentinel in ready or w.start_error is not None:
                        died(w)
                now = time.monotonic()
                for w in list(self._workers):
                    d = self._deadline(w)
                    if d is not None and now >= d:
                        if w.ready:
                            replace(w, Outcome(False, reason=TIMEOUT, detail=f"exceeded {self.timeout:g} s"))
                        else:
                            replace(
                                w,
                                Outcome(
                                    False,
                                    reason=CRASHED,
                                    detail=f"worker did not start within {_START_TIMEOUT:g} s",
                                ),
                            )
            if finished:
                batch, finished[:] = finished[:], []
                for _i in batch:
                    done += 1
                    if on_result is not None:
                        outcome, results[_i] = results[_i], None
                        items[_i] = None  # the item is done with too
                        on_result(_i, outcome)  # type: ignore[arg-type]
                    if progress is not None:
                        progress(done, total)
                        if self._closed:
                            raise RuntimeError("WorkerPool was closed during map")
        return [] if on_result is not None else results  # type: ignore[return-value]

    def _deadline(self, w: _Worker) -> float | None:
        if not w.ready:
            return w.started + _START_TIMEOUT
        return w.deadline if w.pending else None


def run_isolated(
    fn: Callable[[Any], Any],
    items: Iterable[Any],
    *,
    progress: Callable[[int, int], None] | None = None,
    **pool_kw: Any,
) -> list[Outcome]:
    """Convenience: ``WorkerPool(fn, **pool_kw).map(items, progress)`` and close the pool."""
    with WorkerPool(fn, **pool_kw) as pool:
        return pool.map(items, progress)


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
