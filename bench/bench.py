"""formkit's speed and memory, measured against a naive baseline in the same run.

    python bench/bench.py                      # the 1,060-form campaign, 3 rounds, medians
    python bench/bench.py --scale 100000       # 100,000 forms (1 round; the baseline is skipped)
    python bench/bench.py --writer-rows 1000000   # only the catalogue writer: a 1,000,000-row sheet

What it does, with public tools only (the standard library and formkit's own dependencies):

1. builds a campaign under bench/out/ (cached: reused while formkit's version and the generator's stay
   the same) with real forms written by formkit.generate.write_form (bench/campaign.py);
2. in each round, alternately: the baseline (pandas.read_excel with openpyxl on every .xlsx on disk,
   concat, to_excel: it validates nothing and skips zips and mails, so it does less), `formkit merge`
   on an empty outbox (every output written), then one new form dropped into the inbox and
   `formkit merge` again (the cache under outbox/ serves every other input). Each command runs as a
   subprocess, the real command; its peak RSS comes from getrusage of the finished children and the
   whole process tree is sampled from /proc while it runs;
3. the floor of the read stage: opening every workbook's zip and inflating the members a reader needs
   (the sheet XML and sharedStrings), in one process and in as many processes as there are cores;
4. prints medians, ratios and where a merge spends its time (FORMKIT_TIMINGS=1 makes merge print its
   stage times to stderr), and the machine.

Every command runs as an installed tool runs: formkit's modules are byte-compiled first (compileall, as
pip does on install) and PYTHONDONTWRITEBYTECODE is dropped from the commands' environment, so neither
formkit nor the baseline compiles its source on every start.
"""

from __future__ import annotations

import argparse
import email
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
import zipfile
from email import policy
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import campaign  # noqa: E402  (bench/campaign.py, next to this file)

PY = sys.executable


# -- running a command and measuring it ------------------------------------------------------------------

def _tree_memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes of a process and all its descendants, from /proc (0 where /proc is not there).
    PSS shares each page among the processes mapping it: forked workers are not counted twice."""
    rss = pss = 0
    todo, seen = [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1]) * 1024
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(x) for x in fh.read().split()]
        except (OSError, ValueError):
            continue
    return rss, pss


_WRAPPER = ("import json, resource, subprocess, sys\n"
            "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
            "sys.stderr.buffer.write(p.stderr)\n"
            "print('PEAK ' + json.dumps([p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]),"
            " file=sys.stderr)\n")


def measure(cmd: list[str], *, cwd: Path | None = None, env: dict | None = None) -> dict:
    """Run cmd (through a small wrapper that reports its descendants' peak RSS); wall time, peak RSS of the
    largest single process, peak RSS and PSS of the whole tree (sampled), and the FORMKIT_TIMINGS line."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([PY, "-c", _WRAPPER, *cmd], cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    peak_tree = [0, 0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            rss, pss = _tree_memory(proc.pid)
            peak_tree[0], peak_tree[1] = max(peak_tree[0], rss), max(peak_tree[1], pss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - t0
    done.set()
    sampler.join()
    text = err.decode("utf-8", "replace")
    out = {"wall": wall, "tree_rss": peak_tree[0], "tree_pss": peak_tree[1], "timings": None, "rc": None,
           "max_rss": None, "stderr": ""}
    rest = []
    for line in text.splitlines():
        if line.startswith("PEAK "):
            out["rc"], kib = json.loads(line[5:])
            out["max_rss"] = kib * 1024
        elif line.startswith("FORMKIT_TIMINGS "):
            out["timings"] = json.loads(line[len("FORMKIT_TIMINGS "):])
        else:
            rest.append(line)
    out["stderr"] = "\n".join(rest[-20:])
    return out


def _env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, **extra}


def compile_formkit() -> None:
    """Byte-compile formkit's modules, as `pip install` does (an editable install compiles on first import,
    unless PYTHONDONTWRITEBYTECODE is set, as it is on some machines)."""
    import compileall

    import formkit

    compileall.compile_dir(str(Path(formkit.__file__).parent), quiet=1)


def formkit_merge(root: Path) -> dict:
    env = _env(FORMKIT_TIMINGS="1")
    result = measure([PY, "-m", "formkit", "merge", "--quiet", "--dir", str(root)], env=env)
    if result["rc"] not in (0, 1):
        raise SystemExit(f"formkit merge failed ({result['rc']}):\n{result['stderr']}")
    return result


BASELINE = """
import glob, sys, warnings
import pandas as pd
warnings.simplefilter("ignore")
inbox, out = sys.argv[1], sys.argv[2]
frames = []
for path in sorted(glob.glob(inbox + "/**/*.xlsx", recursive=True)):
    try:
        frames.append(pd.read_excel(path, engine="openpyxl", header=None, dtype=object))
    except Exception:
        pass
pd.concat(frames, ignore_index=True).to_excel(out, index=False, header=False)
"""


def baseline(root: Path, out: Path) -> dict:
    result = measure([PY, "-c", BASELINE, str(root / "inbox"), str(out)], env=_env())
    if result["rc"] != 0:
        raise SystemExit(f"baseline failed:\n{result['stderr']}")
    return result


# -- the floor of the read stage ---------------------------------------------------------------------------

def _workbooks(root: Path) -> list[tuple[str, bytes | None]]:
    """Every workbook input: (path on disk, None) for plain files, (label, bytes) for members of zips/mails."""
    out: list[tuple[str, bytes | None]] = []
    for path in sorted((root / "inbox").rglob("*")):
        if not path.is_file():
            continue
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as zf:
                out += [(f"{path}!{n}", zf.read(n)) for n in zf.namelist() if n.endswith(".xlsx")]
        elif path.suffix == ".eml":
            msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            out += [(f"{path}!{p.get_filename()}", p.get_payload(decode=True)) for p in msg.iter_attachments()]
        else:
            out.append((str(path), None))
    return out


def _inflate(item: tuple[str, bytes | None]) -> int:
    """Open the workbook's zip and inflate the sheet XML and sharedStrings: what any reader must do."""
    name, data = item
    n = 0
    try:
        src = io.BytesIO(data) if data is not None else open(name, "rb")  # noqa: SIM115
        with src, zipfile.ZipFile(src) as zf:
            for member in zf.namelist():
                if member.startswith("xl/worksheets/sheet") or member == "xl/sharedStrings.xml":
                    n += len(zf.read(member))
    except (zipfile.BadZipFile, OSError, EOFError):
        pass
    return n


def inflate_floor(root: Path, processes: int) -> float:
    items = _workbooks(root)
    t0 = time.perf_counter()
    if processes <= 1:
        for item in items:
            _inflate(item)
    else:
        import multiprocessing

        plain = [i for i in items if i[1] is None]
        members = [i for i in items if i[1] is not None]
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            pool.map(_inflate, plain, chunksize=64)
            for item in members:          # already in memory: inflated here, as the merge would send them
                _inflate(item)
    return time.perf_counter() - t0


# -- the catalogue writer alone ------------------------------------------------------------------------------

WRITER = """
import resource, sys, time
from pathlib import Path
from formkit.write.workbook import write_catalogue_workbook
n, out = int(sys.argv[1]), Path(sys.argv[2])
levels = ("一级", "二级", "三级")
def rows():
    for i in range(n):
        yield {"风险编号": f"D{i // 2000:04d}-{100000 + i // 6:06d}-{i % 6 + 1:02d}", "层级": "个人",
               "部门": "教务处", "岗位": "考务管理", "姓名": "张三", "风险类别": "岗位职责",
               "风险点": f"试卷保密管理不严{i}", "主要表现形式": "试卷印制、保管、运送环节泄题，考前向考生透露试题",
               "风险等级": levels[i % 3], "涉及三重一大": "否", "关联权力事项": "考试组织与管理", "责任人": "张三",
               "关键环节": "执行", "防控措施": "试卷专人保管、双人交接；命题、阅卷实行回避制度", "工作程序": "命题→审题→印制→保管",
               "完成时限": "长期坚持", "直接管理": "王处长", "监督负责": "李院长",
               "来源文件": f"inbox/教务处/个人自查表/附件3_{i // 6}.xlsx", "来源SHA256": f"{i:064x}",
               "来源位置": f"附件3!C{9 + i % 6}", "提交时间": "2023-03-15T09:30:00+08:00",
               "措施来源文件": f"inbox/教务处/防控措施/附件5_{i // 6}.xlsx", "措施来源位置": f"附件5!E{9 + i % 6}"}
t0 = time.perf_counter()
write_catalogue_workbook(out, rows())
print(f"WRITER {time.perf_counter() - t0:.3f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
"""


def writer_bench(rows: int, out: Path) -> dict:
    """Stream rows to the catalogue writer in a fresh process: time and peak RSS (flat memory?)."""
    result = {}
    for n in sorted({min(rows, 10_000), rows}):
        proc = subprocess.run([PY, "-c", WRITER, str(n), str(out)], capture_output=True, text=True)
        line = next((x for x in proc.stderr.splitlines() if x.startswith("WRITER ")), None)
        if line is None:
            raise SystemExit(f"writer bench failed:\n{proc.stderr}")
        secs, kib = line.split()[1:]
        result[n] = {"seconds": float(secs), "max_rss": int(kib) * 1024, "bytes": out.stat().st_size}
    return result


# -- reporting -----------------------------------------------------------------------------------------------

def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as fh:
            kb = int(next(line.split()[1] for line in fh if line.startswith("MemTotal")))
            mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration):
        pass
    import xlsxwriter

    import formkit
    return (f"{cpu}, {os.cpu_count()} cores{mem}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}; formkit {formkit.__version__}, xlsxwriter {xlsxwriter.__version__}")


def mib(n: float | None) -> str:
    return "-" if n is None else f"{n / 2**20:,.0f} MiB"


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=int, default=1060, help="forms in the campaign (default 1060)")
    ap.add_argument("--rounds", type=int, default=None, help="rounds (default 3; 1 above 20,000 forms)")
    ap.add_argument("--no-baseline", action="store_true", help="skip the pandas baseline")
    ap.add_argument("--writer-rows", type=int, default=0, metavar="N",
                    help="only benchmark the catalogue writer with N streamed rows (e.g. 1000000)")
    ap.add_argument("--out", type=Path, default=HERE / "out", help="where campaigns and outputs go (bench/out)")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}")

    if args.writer_rows:
        res = writer_bench(args.writer_rows, args.out / "writer.xlsx")
        print("\ncatalogue writer (rows streamed to formkit.write.workbook.write_catalogue_workbook)")
        print("| rows | seconds | peak RSS | file |")
        print("|---:|---:|---:|---:|")
        for n, r in res.items():
            print(f"| {n:,} | {r['seconds']:.1f} | {mib(r['max_rss'])} | {r['bytes'] / 2**20:.0f} MiB |")
        return 0

    root = args.out / f"campaign-{args.scale}"
    t0 = time.perf_counter()
    info = campaign.build(root, args.scale, progress=lambda d, t: print(f"\rbuilding campaign: {d}/{t}", end=""))
    print(f"\ncampaign: {info['returned_forms']} forms in {info['inputs']} inputs ({info['inbox_files']} inbox files), "
          f"{info['departments']} departments, {info['people']} people; ready in {time.perf_counter() - t0:.1f} s")
    late = sorted((root / "late").rglob("*.xlsx"))
    compile_formkit()
    rounds = args.rounds or (3 if args.scale <= 20_000 else 1)
    do_baseline = not args.no_baseline and args.scale <= 20_000
    runs: dict[str, list[dict]] = {"baseline": [], "full": [], "remerge": []}
    for r in range(rounds):
        if do_baseline:
            runs["baseline"].append(baseline(root, args.out / "baseline.xlsx"))
        shutil.rmtree(root / "outbox", ignore_errors=True)
        runs["full"].append(formkit_merge(root))
        placed = []
        for src in late:                 # one new form arrives
            dst = root / "inbox" / src.relative_to(root / "late")
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
            placed.append(dst)
        runs["remerge"].append(formkit_merge(root))
        for dst in placed:
            dst.unlink()
        line = f"round {r + 1}/{rounds}: merge {runs['full'][-1]['wall']:.2f} s, re-merge {runs['remerge'][-1]['wall']:.2f} s"
        if do_baseline:
            line += f", baseline {runs['baseline'][-1]['wall']:.2f} s"
        print(line, flush=True)

    floor1 = med([inflate_floor(root, 1) for _ in range(3 if args.scale <= 20_000 else 1)])
    floor_n = med([inflate_floor(root, os.cpu_count() or 1) for _ in range(3 if args.scale <= 20_000 else 1)])

    full, remerge = runs["full"], runs["remerge"]
    failed = [(what, x) for what in ("full", "remerge") for x in runs[what] if x["timings"] is None]
    for what, x in failed:      # a merge that stopped (killed, out of memory, a traceback): said, not a KeyError here
        print(f"\n`formkit merge` ({'re-merge' if what == 'remerge' else 'full merge'}) gave no timings: exit {x['rc']}, "
              f"{x['wall']:.1f} s, peak RSS {mib(x['max_rss'] or 0)}; the end of its stderr:\n{x['stderr']}")
    if failed:
        return 1
    full_s = med([x["wall"] for x in full])
    rem_s = med([x["wall"] for x in remerge])
    read_s = med([x["timings"]["read"] for x in full])
    n_inputs = info["inputs"]
    print(f"\n## {info['returned_forms']:,} forms ({n_inputs:,} inputs), medians of {rounds} round(s)\n")
    print("| what | median | ratio |")
    print("|---|---:|---:|")
    if do_baseline:
        base_s = med([x["wall"] for x in runs["baseline"]])
        print(f"| baseline: pandas.read_excel(openpyxl) every .xlsx + concat + to_excel | {base_s:.2f} s | |")
        print(f"| `formkit merge`, empty outbox, every output written | {full_s:.2f} s | "
              f"**{base_s / full_s:.1f}× faster** than the baseline |")
    else:
        print(f"| `formkit merge`, empty outbox, every output written | {full_s:.2f} s | |")
    print(f"| `formkit merge` again after one new form arrived (cache) | {rem_s:.2f} s | "
          f"**{100 * rem_s / full_s:.0f}%** of a full merge |")
    print(f"| read stage of the merge (workers: sniff, safety checks, parse, file rules) | {read_s:.2f} s | "
          f"{1000 * read_s / n_inputs:.2f} ms per input |")
    print(f"| floor: open each zip, inflate sheet XML + sharedStrings, {os.cpu_count()} processes | {floor_n:.2f} s | "
          f"read stage = **{read_s / floor_n:.1f}×** the floor |")
    print(f"| floor, one process | {floor1:.2f} s | read stage = {read_s / floor1:.1f}× |")
    print(f"| peak RSS of the largest process (merge) | {mib(max(x['max_rss'] for x in full))} | |")
    print(f"| peak memory of the merge's process tree, PSS (parent + workers, sampled) | "
          f"{mib(max(x['tree_pss'] for x in full))} | RSS summed: {mib(max(x['tree_rss'] for x in full))} |")
    if do_baseline:
        print(f"| peak RSS, baseline | {mib(max(x['max_rss'] for x in runs['baseline']))} | |")

    stages = [k for k in full[0]["timings"]
              if k not in ("total", "cache_hits", "cache_misses") and not k.startswith(("rss_", "cpu_"))]
    print("\nwhere a merge spends its time (FORMKIT_TIMINGS=1; median seconds)\n")
    print("| stage | full merge | re-merge |")
    print("|---|---:|---:|")
    for k in stages:
        print(f"| {k} | {med([x['timings'].get(k, 0) for x in full]):.2f} | "
              f"{med([x['timings'].get(k, 0) for x in remerge]):.2f} |")
    print(f"| total inside formkit | {med([x['timings']['total'] for x in full]):.2f} | "
          f"{med([x['timings']['total'] for x in remerge]):.2f} |")
    print(f"| process start and imports (wall − total) | "
          f"{med([x['wall'] - x['timings']['total'] for x in full]):.2f} | "
          f"{med([x['wall'] - x['timings']['total'] for x in remerge]):.2f} |")
    parts = [k for k in full[0]["timings"] if k.startswith("cpu_")]
    if parts:
        per = {k: med([x["timings"].get(k, 0) for x in full]) * 1000 / n_inputs for k in parts}
        floor_per = 1000 * floor1 / n_inputs
        print("\nwhat reading one input costs in the workers (CPU ms per input, full merge; floor: inflating the "
              "needed members, one process)\n")
        print("| part of the read stage | CPU per input | × the floor |")
        print("|---|---:|---:|")
        names = {"cpu_io": "read the file, SHA-256, sniff", "cpu_safety": "safety checks (zip table, XML prolog, "
                 "cell references: inflates the sheets)", "cpu_parse": "parse: python-calamine (open, the form "
                 "sheet and _meta)", "cpu_labels": "find the form by its labels, identity, formulas",
                 "cpu_rules": "file rules", "cpu_encode": "encode the result for the parent"}
        for k in parts:
            print(f"| {names.get(k, k)} | {per[k]:.3f} ms | {per[k] / floor_per:.1f}× |")
        total = sum(per.values())
        print(f"| all of it | {total:.3f} ms | {total / floor_per:.1f}× |")
        print(f"| floor: open the zip, inflate the sheet XML and sharedStrings | {floor_per:.3f} ms | 1.0× |")
    hits = remerge[-1]["timings"].get("cache_hits"), remerge[-1]["timings"].get("cache_misses")
    print(f"\nre-merge cache: {hits[0]} inputs from the cache, {hits[1]} read")
    print(f"peak RSS, merge parent alone: {mib(max(x['timings'].get('rss_self', 0) for x in full))}; "
          f"largest worker: {mib(max(x['timings'].get('rss_workers', 0) for x in full))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
