"""A progress bar with counts and time left on a terminal; silent otherwise or with --quiet."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, enabled: bool | None = None, stream=None, min_seconds: float = 1.0):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.min_seconds = min_seconds
        self.start = time.monotonic()
        self.stage_start = self.start
        self.stage = ""
        self.shown = False
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        now = time.monotonic()
        if stage != self.stage:
            self.stage, self.stage_start = stage, now
        if now - self.start < self.min_seconds and done < total:
            return
        if now - self.last < 0.1 and done < total:
            return
        self.last = now
        elapsed = now - self.stage_start
        left = elapsed / done * (total - done) if done else 0
        width = 30
        filled = int(width * done / total)
        bar = "█" * filled + "░" * (width - filled)
        self.stream.write(f"\r{stage} {bar} {done}/{total}  剩余约 {left:4.0f} 秒 ")
        self.stream.flush()
        self.shown = True
        if done >= total:
            self.stream.write("\n")
            self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self.stream.flush()
