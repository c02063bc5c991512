"""`formkit merge`: analyse the inbox and write every output."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from formkit import __version__
from formkit.changes import DIGEST_PROPERTY, archive_previous, compare, find_baseline
from formkit.config import Config
from formkit.pipeline import ACCEPTED, Analysis, analyse
from formkit.spec import declarations_digest

WORKBOOK_NAME = "廉政风险目录.xlsx"


@dataclass
class MergeResult:
    analysis: Analysis
    outputs: dict[str, str]
    report: dict

    @property
    def exit_code(self) -> int:
        return 0 if all(r.status == ACCEPTED for r in self.analysis.inputs) else 1


def inputs_digest(analysis: Analysis) -> str:
    h = hashlib.sha256(f"{__version__}\0{declarations_digest()}\0{analysis.cfg.fingerprint()}".encode())
    for res in analysis.inputs:
        h.update(f"\0{res.path}\0{res.sha256}\0{res.raw.mtime}".encode())
    return h.hexdigest()


def merge(cfg: Config, *, compare_with: Path | None = None,
          progress: Callable[[str, int, int], None] | None = None) -> MergeResult:
    from formkit.write.feedback import write_feedback
    from formkit.write.publication import write_publication
    from formkit.write.report import report_data, write_report
    from formkit.write.workbook import write_workbook

    analysis = analyse(cfg, progress=progress)
    out = cfg.outbox
    out.mkdir(parents=True, exist_ok=True)
    digest = inputs_digest(analysis)
    target = out / WORKBOOK_NAME
    archive_previous(target, digest)
    baseline = compare_with if compare_with is not None else find_baseline(out, digest)
    changes = compare(analysis.catalogue, baseline, cfg.root)

    def rel(p: Path) -> str:
        return p.relative_to(cfg.root).as_posix()

    write_workbook(analysis, target, changes=changes, properties={DIGEST_PROPERTY: digest})
    outputs = {"workbook": rel(target)}
    for p in write_publication(analysis, out / "公示"):
        outputs["publication_" + p.suffix.lstrip(".")] = rel(p)
    feedback = write_feedback(analysis)
    outputs["feedback"] = [rel(p) for p in feedback if p.suffix == ".xlsx"]
    outputs["mail_drafts"] = [rel(p) for p in feedback if p.suffix == ".eml"]
    outputs["report"] = rel(out / "report.json")
    data = report_data(analysis, outputs, changes.to_json())
    write_report(out / "report.json", data)
    return MergeResult(analysis, outputs, data)
