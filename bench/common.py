"""Timing helpers shared by the benchmark suites."""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

VENV_BIN = Path(sys.executable).parent


def tool_path(name: str) -> str | None:
    """A console script from this Python's environment first, then PATH."""
    candidate = VENV_BIN / name
    return str(candidate) if candidate.exists() else shutil.which(name)


def time_command(cmd: list[str], repeat: int = 5, setup=None, cwd=None, env=None, ok=(0, 1)) -> float:
    """Median wall time of a command over `repeat` runs; `setup()` runs untimed before each."""
    times = []
    for _ in range(repeat):
        if setup:
            setup()
        t = time.perf_counter()
        p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - t)
        if p.returncode not in ok:
            raise RuntimeError(f"{cmd[0]} exited {p.returncode}: {p.stderr.decode(errors='replace')[-300:]}")
    return statistics.median(times)


def git_env(home: str) -> dict:
    """An environment for git runs that ignores the machine's user config."""
    env = dict(os.environ)
    env.update(HOME=home, GIT_CONFIG_NOSYSTEM="1", GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="bench@example.com",
               GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="bench@example.com")
    return env


def without_rfc3987(tmp: Path, env: dict | None = None) -> dict:
    """An environment where jsonschema's optional rfc3987_syntax cannot be imported.

    nbformat (imported by nbdime and nbstripout) pulls it in when installed, and it compiles a
    grammar for ~3 s at import; anchors are measured as installed and without it, the fairer figure.
    """
    stub = tmp / "stub-rfc3987"
    stub.mkdir(parents=True, exist_ok=True)
    (stub / "rfc3987_syntax.py").write_text("raise ImportError('hidden by the benchmark')\n")
    return {**(env or os.environ), "PYTHONPATH": str(stub)}


# Run by a small Python of its own: a child forked from the benchmark (which holds big notebooks)
# starts with the benchmark's resident memory as its peak, on Linux even across exec.
_MEASURE = """
import json, os, subprocess, sys, time
t = time.perf_counter()
p = subprocess.Popen(json.loads(sys.argv[1]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(p.pid, 0)  # this child's own resource usage, not all children's
print(json.dumps([time.perf_counter() - t, os.waitstatus_to_exitcode(status), usage.ru_maxrss,
                  usage.ru_utime + usage.ru_stime]))
"""


def measure_command(cmd: list[str], repeat: int = 3, setup=None, ok=(0, 1)) -> tuple[float, int, float]:
    """Median wall time, largest peak memory (bytes, the child's own ru_maxrss) and median CPU time
    (user and system: steadier than wall time on a busy machine) over `repeat` runs."""
    import json

    times, peaks, cpus = [], [], []
    for _ in range(repeat):
        if setup:
            setup()
        p = subprocess.run([sys.executable, "-c", _MEASURE, json.dumps(cmd)], capture_output=True, text=True,
                           check=True)
        seconds, code, peak, cpu = json.loads(p.stdout)
        if code not in ok:
            raise RuntimeError(f"{cmd[0]} exited {code}")
        times.append(seconds)
        peaks.append(peak * (1 if sys.platform == "darwin" else 1024))
        cpus.append(cpu)
    return statistics.median(times), max(peaks), statistics.median(cpus)
