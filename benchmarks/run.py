"""Run every benchmark next to its baseline and print one table (and JSON).

    python benchmarks/run.py            # the full run, for docs/performance.md
    python benchmarks/run.py --quick    # fewer repetitions and sizes; CI's smoke run
    python benchmarks/run.py --json out.json --only story_load engine_step

The code under test is this checkout's ``src/`` (put first on the path here
and in every child process), not whatever ``voskhod`` is installed. Its
bytecode is compiled first, as ``pip install`` does for every package: the
baselines' libraries (Textual, PyYAML) start from their ``.pyc`` files, and a
machine with ``PYTHONDONTWRITEBYTECODE`` set would otherwise make only our
side compile its sources on every start.
"""

from __future__ import annotations

import argparse
import compileall
import importlib
import json
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "src")]

from harness import Row, machine_info  # noqa: E402

# workload name -> module; the order is the table's order.
WORKLOADS = {
    "start": "bench_start",
    "tui": "bench_tui",
    "story_load": "bench_story_load",
    "engine_step": "bench_engine",
    "simulation": "bench_simulation",
    "commands": "bench_commands",
    "watch": "bench_watch",
    "classroom": "bench_classroom",
    "saves": "bench_saves",
}


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        if value >= 1:
            return f"{value:.2f} s"
        if value >= 1e-3:
            return f"{value * 1e3:.1f} ms"
        return f"{value * 1e6:.1f} µs"
    if unit == "B":
        if value >= 1 << 20:
            return f"{value / (1 << 20):.1f} MB"
        if value >= 1 << 10:
            return f"{value / (1 << 10):.1f} KB"
        return f"{value:.0f} B"
    if value >= 100:
        return f"{value:,.0f} {unit}"
    return f"{value:.2f} {unit}"


def table(rows: list[Row], markdown: bool = False) -> str:
    head = ["workload", "metric", "ours", "baseline", "ratio", "target", "met?"]
    body = []
    for r in rows:
        met = "—" if r.met is None else ("yes" if r.met else "NO")
        ratio = "—" if r.ratio is None else f"{r.ratio:.2f}×"
        baseline = format_value(r.baseline, r.unit)
        if r.baseline_name and r.baseline is not None:
            baseline += f" ({r.baseline_name})"
        ours = format_value(r.ours, r.unit) if r.status == "ok" else r.status
        body.append([r.workload, r.metric, ours, baseline, ratio, r.target or "—", met])
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(cells) + " |" for cells in body]
        return "\n".join(lines)
    widths = [max(len(h), *(len(b[i]) for b in body)) if body else len(h) for i, h in enumerate(head)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*head), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*cells) for cells in body]
    return "\n".join(lines)


def run_workload(name: str, quick: bool) -> list[Row]:
    """One workload's rows; a crash becomes a failed row, so one broken part never hides the rest."""
    try:
        module = importlib.import_module(WORKLOADS[name])
        return module.run(quick)
    except Exception as exc:  # report and carry on: the table must still show every workload
        traceback.print_exc(file=sys.stderr)
        return [Row(name, "(crashed)", None, None, "", met=False, status=f"error: {type(exc).__name__}: {exc}")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and smaller sizes (CI smoke run)")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown (for docs)")
    parser.add_argument("--only", nargs="+", choices=list(WORKLOADS), metavar="WORKLOAD", help="run only these")
    args = parser.parse_args(argv)

    names = args.only or list(WORKLOADS)
    started = time.perf_counter()
    compileall.compile_dir(HERE.parent / "src", quiet=1)  # as an installed copy has it (see above)
    rows: list[Row] = []
    for name in names:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        new = run_workload(name, args.quick)
        print(f"  {name}: {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
        rows += new
    elapsed = time.perf_counter() - started

    info = machine_info()
    print(table(rows, markdown=args.markdown))
    print(
        f"\n{info['cpu']}, {info['nproc']} CPUs, Python {info['python']}; "
        f"{'quick' if args.quick else 'full'} run in {elapsed:.1f} s at {info['commit']}"
    )
    if args.json:
        document = {
            "machine": info,
            "quick": args.quick,
            "seconds": elapsed,
            "workloads": names,
            "rows": [r.to_json() for r in rows],
        }
        Path(args.json).write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    errors = [r for r in rows if r.status.startswith("error")]
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
