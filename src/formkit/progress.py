"""A progress bar with counts and time left on a terminal; silent otherwise or with --quiet.

Callers report (stage, done, total); each stage gets its own line (读取, 校验, 写出汇总工作簿, 写出公示与反馈 …
for merge; 生成 for generate), drawn once the stage has run `min_seconds` (nothing for a stage done sooner), fitted
to the terminal's width (a bar wider than the window wraps, and every redraw left a row of it on the screen).
"""

from __future__ import annotations

import os
import shutil
import sys
import time
import unicodedata


def _left(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:3.0f} 秒"
    minutes, secs = divmod(int(seconds + 0.5), 60)
    return f"{minutes} 分 {secs:02d} 秒"


def _width(text: str) -> int:
    """Columns `text` takes on a terminal: Chinese characters two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def _cut(text: str, columns: int) -> str:
    out, used = [], 0
    for ch in text:
        used += _width(ch)
        if used > columns:
            break
        out.append(ch)
    return "".join(out)


class Progress:
    def __init__(self, enabled: bool | None = None, stream=None, min_seconds: float = 1.0):
        self.stream = stream or sys.stderr
        if enabled is None:
            try:
                enabled = self.stream.isatty() and os.environ.get("TERM") != "dumb"
            except (AttributeError, ValueError):
                enabled = False
        self.enabled = enabled
        self.min_seconds = min_seconds
        self.stage_start = time.monotonic()
        self.stage = ""
        self.finished = False      # the current stage's line is done (a second report of done == total: not redrawn)
        self.shown = False
        self.open = False          # a bar is on the current line, not yet ended
        self.last = 0.0
        self.width = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        now = time.monotonic()
        if stage != self.stage:
            self._end_line()
            self.stage, self.stage_start, self.last, self.finished = stage, now, 0.0, False
        done = min(done, total)
        if self.finished and done >= total:
            return
        self.finished = False
        if not self.open and now - self.stage_start < self.min_seconds:
            return                  # (a stage done within the second shows nothing: nine bars of "用时 0 秒" for a demo)
        if now - self.last < 0.1 and done < total:
            return
        self.last = now
        elapsed = now - self.stage_start
        if done < total:
            tail = f"  剩余约 {_left(elapsed / done * (total - done)).strip()}" if done else "  …"
        else:
            tail = f"  用时 {_left(elapsed).strip()}"
        columns = max(20, shutil.get_terminal_size((80, 24)).columns) - 1
        head, count = f"{stage} ", f" {done}/{total}"
        room = columns - _width(head + count + tail) - 2
        if room < 5:
            tail, room = "", columns - _width(head + count) - 2
        bar_width = min(30, room)
        if bar_width >= 5:
            filled = int(bar_width * done / total)
            text = f"{head}[{'#' * filled}{'-' * (bar_width - filled)}]{count}{tail}"
        else:
            text = _cut(f"{head.strip()}{count}", columns)
        shown = _width(text)
        self.stream.write("\r" + text + " " * max(0, self.width - shown))
        self.width = shown
        self.stream.flush()
        self.shown = self.open = True
        if done >= total:
            self.finished = True
            self._end_line()

    def _end_line(self) -> None:
        if self.open:
            self.stream.write("\n")
            self.stream.flush()
            self.open = False
            self.width = 0

    def close(self) -> None:
        self._end_line()
        if self.shown:
            self.stream.flush()
