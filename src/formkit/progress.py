"""A progress bar with counts and time left on a terminal; silent otherwise or with --quiet.

Callers report (stage, done, total); each stage gets its own line (读取, 校验, 写出汇总工作簿, 写出公示与反馈 …
for merge; 生成 for generate). Nothing is shown for work shorter than `min_seconds`.
"""

from __future__ import annotations

import sys
import time


def _left(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:3.0f} 秒"
    minutes, secs = divmod(int(seconds + 0.5), 60)
    return f"{minutes} 分 {secs:02d} 秒"


class Progress:
    def __init__(self, enabled: bool | None = None, stream=None, min_seconds: float = 1.0):
        self.stream = stream or sys.stderr
        if enabled is None:
            try:
                enabled = self.stream.isatty()
            except (AttributeError, ValueError):
                enabled = False
        self.enabled = enabled
        self.min_seconds = min_seconds
        self.start = time.monotonic()
        self.stage_start = self.start
        self.stage = ""
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
            self.stage, self.stage_start, self.last = stage, now, 0.0
        done = min(done, total)
        if now - self.start < self.min_seconds and done < total:
            return
        if now - self.last < 0.1 and done < total:
            return
        self.last = now
        elapsed = now - self.stage_start
        bar_width = 30
        filled = int(bar_width * done / total)
        bar = "█" * filled + "░" * (bar_width - filled)
        text = f"{stage} {bar} {done}/{total}"
        if done < total:
            text += f"  剩余约 {_left(elapsed / done * (total - done))}" if done else "  …"
        else:
            text += f"  用时 {_left(elapsed).strip()}"
        self.stream.write("\r" + text + " " * max(0, self.width - len(text)))
        self.width = len(text)
        self.stream.flush()
        self.shown = self.open = True
        if done >= total:
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
