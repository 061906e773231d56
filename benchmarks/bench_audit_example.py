"""``tthc audit`` on the embedded example, as a whole process, and where its time goes.

Runs ``python -m tthc audit`` (the example's 16 listings on 31/12/2019, text report) as a fresh
process *runs* times and reports the median wall time (target, issue 13: at most 1.0 s on the
2-core machine). Then, again in fresh processes, times each phase of the same work: importing
tthc's command line, loading the catalogue, reading the XLSX listings (openpyxl imported on
the way), reading the other listings (CSV, DOCX, Markdown, text), the audit itself, and the
text report; the share of XLSX reading is what a faster XLSX reader could save at most.

Run from the repository root::

    python benchmarks/bench_audit_example.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PHASES = r"""
import json, time
t = [time.perf_counter()]
import tthc.cli  # noqa: F401
from tthc.audit import audit, read_manifest
from tthc.catalog import load_catalog
t.append(time.perf_counter())
catalog = load_catalog()
t.append(time.perf_counter())
manifest = read_manifest()
files = dict(manifest.files)
xlsx = {d for d, f in manifest.files if f.endswith(".xlsx")}
listings = {}
for desk in xlsx:
    listings.update(manifest.read(desk))
t.append(time.perf_counter())
for desk in files:
    if desk not in xlsx:
        listings.update(manifest.read(desk))
t.append(time.perf_counter())
report = audit(catalog, listings, manifest.as_of, expect_total=manifest.expect_total)
t.append(time.perf_counter())
report.to_text()
t.append(time.perf_counter())
names = ["import", "catalogue", "read xlsx", "read other", "audit", "report"]
print(json.dumps({n: t[i + 1] - t[i] for i, n in enumerate(names)}))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    walls: list[float] = []
    for _ in range(args.runs):
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "tthc", "audit"], env=env, cwd=ROOT,
                              capture_output=True, check=False)
        walls.append(time.perf_counter() - started)
        if done.returncode not in (0, 1):
            print(done.stderr.decode(), file=sys.stderr)
            return 2
    phases: dict[str, list[float]] = {}
    for _ in range(args.runs):
        out = subprocess.run([sys.executable, "-c", PHASES], env=env, cwd=ROOT,
                             capture_output=True, check=True, text=True)
        for name, value in json.loads(out.stdout).items():
            phases.setdefault(name, []).append(value)
    median = statistics.median(walls)
    print(f"tthc audit (example, whole process): median {median:.2f} s over {args.runs} runs "
          f"(min {min(walls):.2f}, max {max(walls):.2f}); target <= 1.0 s: "
          f"{'PASS' if median <= 1.0 else 'FAIL'}")
    total = sum(statistics.median(v) for v in phases.values())
    for name, values in phases.items():
        value = statistics.median(values)
        print(f"  {name:<11} {value * 1000:7.0f} ms  {100 * value / total:5.1f} %")
    print(f"  {'(sum)':<11} {total * 1000:7.0f} ms in-process, plus interpreter start-up")
    return 0 if median <= 1.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
