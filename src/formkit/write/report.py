"""outbox/report.json: the machine-readable result of a merge (contract in interfaces.md)."""

from __future__ import annotations

import json
from pathlib import Path

from formkit import __version__, versions


def report_data(analysis, outputs: dict[str, str], changes: dict | None = None) -> dict:
    from formkit.submissions import department_of

    roster = analysis.cfg.roster
    inputs = []
    for res in analysis.inputs:
        entry = {
            "path": res.path,
            "sha256": res.file_sha256,
            "form": res.form,
            "department": department_of(res, roster),
            "person": res.person,
            "status": res.status,
            "findings": [f.to_json() for f in res.findings],
            "container": res.raw.container,
            # a workbook holding several forms: the sheet each was read from (null for a file of one form)
            "sheet": res.raw.sheet or (res.brief.sheet if res.brief and res.brief.sheet else None),
            "submitted_at": res.submitted_at,
            "order_basis": versions.shown_basis(res, res.order_basis) or None,
            "superseded_by": res.superseded_by,
            "duplicate_of": res.duplicate_of,
        }
        if res.raw.mail:
            entry["mail"] = res.raw.mail
        inputs.append(entry)
    counts: dict[str, int] = {}
    for res in analysis.inputs:
        counts[res.status] = counts.get(res.status, 0) + 1
    data = {
        "formkit": __version__,
        "campaign": analysis.cfg.campaign,
        "institution": analysis.cfg.institution,
        "inputs": inputs,
        "skipped": [{"path": s.path, "reason": s.reason} for s in analysis.skipped],
        "summary": {"inputs": len(analysis.inputs), **{k: counts[k] for k in sorted(counts)}},
        "catalogue": {
            "rows": len(analysis.catalogue),
            "personal": sum(1 for r in analysis.catalogue if r["层级"] == "个人"),
            "department": sum(1 for r in analysis.catalogue if r["层级"] == "部门"),
            "with_measure": sum(1 for r in analysis.catalogue if r["防控措施"]),
            "powers": len(analysis.powers),
            "leaders": len(analysis.leaders),
        },
        "outputs": outputs,
    }
    if changes is not None:
        data["changes"] = changes
    return data


def write_report(path: Path, data: dict) -> None:
    """Written as it is encoded (json.dump), never as one string: at 100,000 inputs report.json is ~75 MB,
    and the string plus its pieces would double the merge's peak memory."""
    from formkit.write.common import atomic_file

    with atomic_file(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2, sort_keys=False)
        fh.write("\n")
