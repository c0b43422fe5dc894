"""Where the time of `boundlab report` goes, and what drawing figures from the check's own measurements saves.

What: for the empirical claims of one paper (default shachaf2021, quick budget, seed 0), the stages of a report:
  check            every claim checked (boundlab.verify.check.check), inside reuse_measurements(); a claim with a
                   worst-case program is judged by it, so its SDPs (every grid point, 2000 random directions) run here;
  figure numbers   figure_data, reading the check's measurements from the cache;
  re-measured      figure_data again without the cache: the baseline, which simulates every instance a second time;
  worst cases      the report reading those SDP results back (solved once, by the check);
  drawing, writing matplotlib, one vector PDF per claim; then the LaTeX files and report.json;
  pdflatex         the whole report (report.tex, twice), when pdflatex is installed.
Both ways of getting figure numbers must give the same numbers (the same instances are drawn from the same
seeds). Printed: seconds per stage and the share of the total.

    .venv/bin/python benchmarks/report.py                    # shachaf2021
    .venv/bin/python benchmarks/report.py --paper wu2022
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from boundlab.theory import Registry
from boundlab.verify import check as checking
from boundlab.verify import report
from boundlab.verify.figures import figure_data
from boundlab.verify.worstcase import DIRECTIONS, run_worst_cases


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--paper", default="shachaf2021")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    claims = [c for c in Registry.catalogue() if c.id.split(".")[0] == a.paper and c.kind == "empirical"]
    if not claims:
        raise SystemExit(f"no empirical claims under {a.paper!r}")
    times = dict.fromkeys(["check", "figure numbers", "re-measured (baseline)", "worst cases",
                           "drawing and writing", "pdflatex"], 0.0)
    entries = []
    for c in claims:
        with checking.reuse_measurements():
            t = time.perf_counter()
            result = checking.check(c, seed=a.seed, quick=True)
            times["check"] += time.perf_counter() - t
            t = time.perf_counter()
            worst = run_worst_cases(c, seed=a.seed, directions=DIRECTIONS) if c.worstcase else []  # check's own
            times["worst cases"] += time.perf_counter() - t
            t = time.perf_counter()
            cached = figure_data(c, result, a.seed, True, worst)
            times["figure numbers"] += time.perf_counter() - t
        t = time.perf_counter()
        fresh = figure_data(c, result, a.seed, True, worst)  # outside the block: every instance simulated again
        times["re-measured (baseline)"] += time.perf_counter() - t
        if json.dumps(cached, default=str) != json.dumps(fresh, default=str):
            raise SystemExit(f"{c.id}: figure numbers differ between the cache and a fresh simulation")
        entries.append(report.Entry(c, result, worst, cached))
    with tempfile.TemporaryDirectory() as tmp:
        folder = report.prepare_folder(Path(tmp) / "r")
        doc = report.document(entries, [], a.seed, True, "benchmarks/report.py")
        t = time.perf_counter()
        report.write(folder, doc, entries, [])  # every figure drawn, then the LaTeX files and report.json
        times["drawing and writing"] += time.perf_counter() - t
        t = time.perf_counter()
        latex = report.compile_pdf(folder)
        times["pdflatex"] = time.perf_counter() - t if latex["engine"] else float("nan")
    total = sum(v for k, v in times.items() if "baseline" not in k and v == v)
    print(f"report of {len(claims)} empirical claims of {a.paper} (quick budget, seed {a.seed}); "
          f"{latex.get('pages') or '-'} pages")
    print(f"{'stage':<24} {'seconds':>8} {'share':>7}")
    for k, v in times.items():
        share = "" if "baseline" in k or v != v else f"{v / total:6.1%}"
        print(f"{k:<24} {v:8.2f} {share:>7}")
    print(f"figure numbers from the cache: {times['figure numbers']:.2f}s, re-measured: "
          f"{times['re-measured (baseline)']:.2f}s ({times['re-measured (baseline)'] / max(times['figure numbers'], 1e-9):.0f}x)")


if __name__ == "__main__":
    main()
