"""The merge's reading path at scale: a lazy walk (paths and zip member places, no bytes held), results streamed
from the workers, and the same analysis as reading everything up front."""

from __future__ import annotations

import zipfile
from pathlib import Path

from formkit import intake
from formkit.isolate import WorkerPool
from formkit.merge import merge
from formkit.pipeline import analyse
from tests.test_cache import _risk_forms


def _square(x: int) -> int:
    return x * x


def test_map_streams_results_to_on_result():
    got: dict[int, int] = {}
    with WorkerPool(_square, workers=2, chunksize=3) as pool:
        assert pool.map(range(50), on_result=lambda i, o: got.setdefault(i, o.value)) == []
    assert got == {i: i * i for i in range(50)}


def _zip_inbox(workdir: Path, forms: list[Path]) -> Path:
    archive = workdir / "inbox" / "材料.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in forms[1:]:
            zf.write(p, f"材料/{p.name}")
            p.unlink()
    # a "workbook" that is really a zip of forms: found out by a worker, unpacked afterwards
    (workdir / "inbox" / "伪装.xlsx").write_bytes(archive.read_bytes())
    return archive


def test_lazy_walk_holds_no_bytes(workdir, cfg):
    forms = _risk_forms(cfg, workdir / "inbox")
    _zip_inbox(workdir, forms)
    lazy, _ = intake.walk_inbox(workdir, workdir / "inbox", lazy=True)
    eager, _ = intake.walk_inbox(workdir, workdir / "inbox")
    assert all(r._data is None for r in lazy)
    plain = [r for r in lazy if r.pending]
    members = [r for r in lazy if r.member is not None]
    assert {Path(r.path).name for r in plain} == {"张伟.xlsx", "伪装.xlsx"}
    assert len(members) == 2 and all(r.kind == "xlsx" for r in members)
    by_path = {r.path: r for r in eager}
    for r in members:                       # the place in the zip gives the same bytes
        assert r.data == by_path[r.path].data


def test_lazy_and_eager_reading_agree(workdir, cfg):
    forms = _risk_forms(cfg, workdir / "inbox")
    _zip_inbox(workdir, forms)
    lazy = analyse(cfg)
    raws, skipped = intake.walk_inbox(workdir, workdir / "inbox")
    eager = analyse(cfg, raws=raws, skipped=skipped)

    def view(a):
        return [(r.path, r.sha256, r.status, r.form, [f.to_json() for f in r.findings]) for r in a.inputs]

    assert view(lazy) == view(eager)
    assert [dict(r) for r in lazy.catalogue] == [dict(r) for r in eager.catalogue]
    assert {r.path for r in lazy.inputs} >= {"inbox/伪装.xlsx!材料/李娜.xlsx", "inbox/材料.zip!材料/李娜.xlsx"}


def test_merge_output_order_does_not_depend_on_the_workers(workdir, cfg):
    forms = _risk_forms(cfg, workdir / "inbox")
    _zip_inbox(workdir, forms)
    first = merge(cfg, cache=False)
    report = (workdir / "outbox" / "report.json").read_bytes()
    book = (workdir / "outbox" / "廉政风险目录.xlsx").read_bytes()
    again = merge(cfg, cache=False)
    assert (workdir / "outbox" / "report.json").read_bytes() == report
    assert (workdir / "outbox" / "廉政风险目录.xlsx").read_bytes() == book
    assert [r.path for r in first.analysis.inputs] == sorted(r.path for r in again.analysis.inputs)
