"""One formkit command at a time on a working folder: two merges started at once would write the same outputs
and the same cache together."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from formkit.errors import FormkitError

LOCK_NAME = ".formkit.lock"


@contextmanager
def working_folder_lock(outbox: Path) -> Iterator[None]:
    """Hold outbox/.formkit.lock (a POSIX record lock: held by this process only, not by the processes it forks,
    released when it ends, however it ends); a second command on the same folder stops at once with a Chinese
    message. Where the system has no fcntl (Windows), nothing is locked."""
    try:
        import fcntl
    except ImportError:          # pragma: no cover - not on Linux or macOS
        yield
        return
    outbox.mkdir(parents=True, exist_ok=True)
    fd = os.open(outbox / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EAGAIN):
                raise
            raise FormkitError(f"另一个 formkit 命令正在处理这个工作目录（{outbox.parent}），"
                               "请等它结束后再运行（同时运行两次会互相覆盖输出）。") from None
        yield
    finally:
        os.close(fd)
