"""Shared pieces of the benchmark runner: result rows, interleaved timing, statistics.

The machines these run on are shared and noisy, so absolute times drift from
run to run. Every workload therefore runs next to its baseline in the same
process run, repetitions of the two are interleaved (A B A B ...), and the
figure that matters is the ratio of the medians.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src"
FIXTURE_STORY = REPO / "tests" / "fixtures" / "mini"
SHIPPED_STORY = REPO / "scenes"


@dataclass
class Row:
    """One line of the table: our figure, the baseline's, and whether the target holds.

    ``ratio`` is our cost over the baseline's (for rates, baseline / ours), so
    above 1 always means worse than the baseline. ``met`` is None when
    the row has no target or could not run; ``status`` says which ("ok", "skipped: ...").
    """

    workload: str
    metric: str
    ours: float | None
    baseline: float | None
    unit: str
    baseline_name: str = ""
    target: str = ""
    met: bool | None = None
    status: str = "ok"
    higher_is_better: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """Our cost over the baseline's: above 1 means slower (or bigger) than the baseline."""
        if self.ours is None or not self.baseline:
            return None
        return self.baseline / self.ours if self.higher_is_better else self.ours / self.baseline

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ratio"] = self.ratio
        return data


def skipped(workload: str, metric: str, reason: str, target: str = "") -> Row:
    """A row for a workload that cannot run here (its part is not built yet)."""
    return Row(workload, metric, None, None, "", target=target, status=f"skipped: {reason}")


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: with few samples p99 is the maximum, never an interpolation."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def interleave(runs: dict[str, Callable[[], float]], repetitions: int) -> dict[str, list[float]]:
    """Call each measurement in turn, ``repetitions`` rounds, rotating who goes first.

    Each callable returns one sample (seconds, or any figure). Rotating the order
    keeps a slow moment on the machine from always hitting the same contender.
    """
    names = list(runs)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for rep in range(repetitions):
        shift = rep % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(runs[name]())
    return samples


def time_call(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def cpu_call(fn: Callable[[], Any]) -> float:
    """The CPU seconds of this process while ``fn`` runs: for one-threaded work on a shared
    machine, the part that is ours (wall time there grows with everyone else's load)."""
    start = time.process_time()
    fn()
    return time.process_time() - start


@dataclass
class Finished:
    """A child process that ran to its end: wall seconds, CPU seconds (user + sys), what it printed."""

    wall: float
    cpu: float
    output: bytes  # stdout, then stderr
    returncode: int


def one_core() -> int:
    """The processor children are pinned to when a figure is "on one core"."""
    return min(os.sched_getaffinity(0))


def run_child(
    argv: list[str],
    env: dict[str, str] | None = None,
    timeout: float = 600.0,
    pin: int | None = None,
    cwd: str | Path | None = None,
) -> Finished:
    """Run ``argv`` to its end; the CPU time is the kernel's account of the child (``wait4``).

    CPU time is what a quiet machine's wall time would be for a one-threaded
    command; on this shared machine the wall time also holds the time other
    people's work had the processor. ``pin`` keeps the child on one processor.
    """

    def setup() -> None:
        if pin is not None:
            os.sched_setaffinity(0, {pin})

    start = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env or child_env(),
        cwd=cwd,
        preexec_fn=setup if pin is not None else None,
    )
    assert proc.stdout is not None and proc.stderr is not None
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        out_chunks: list[bytes] = []
        reader = threading.Thread(target=lambda: out_chunks.append(proc.stdout.read()), daemon=True)  # type: ignore[union-attr]
        reader.start()
        err = proc.stderr.read()
        reader.join()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        timer.cancel()
        proc.stdout.close()
        proc.stderr.close()
    wall = time.perf_counter() - start
    if proc.returncode < 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} was killed (signal {-proc.returncode}): {err[-300:]!r}")
    return Finished(wall, usage.ru_utime + usage.ru_stime, b"".join(out_chunks) + err, proc.returncode)


def rss_bytes(pid: int | str = "self", peak: bool = False) -> int:
    """Resident memory of a process from /proc (Linux); 0 when unavailable."""
    key = "VmHWM:" if peak else "VmRSS:"
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
    except OSError:
        return 0
    return 0


def child_env(**extra: str) -> dict[str, str]:
    """The environment for child processes: the checkout's code first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH", "")) if p)
    env.update(extra)
    return env


def machine_info() -> dict[str, Any]:
    """What the table ran on, so figures from different machines are not compared blindly."""
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        cpu = platform.processor()
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu or platform.machine(),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "commit": commit,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
