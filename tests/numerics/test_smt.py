"""numerics/smt.py: the domain ends handed to z3 are rounded outward, so that a proof covers the whole domain; z3
runs within CPU seconds, not wall-clock ones."""
import os
import subprocess
import sys
import time
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from boundlab.numerics.smt import _bound, prove_polynomial
from boundlab.theory.symbols import Domain


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_domain_ends_are_rounded_outward(v):
    # the nearest short fraction (limit_denominator) of a lower end may lie above it: the proof then misses the end
    assert Fraction(_bound(v, down=True)) <= Fraction(v) <= Fraction(_bound(v, down=False))


def test_a_short_end_is_exact():
    assert _bound(0.5, down=True) == _bound(0.5, down=False) == "1/2"


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"),
                    reason="sharing one core with a busy process needs sched_setaffinity (Linux); other systems "
                           "cannot pin the two processes together")
def test_z3_stops_after_its_cpu_seconds_also_on_a_busy_core():
    # z3's own timeout is wall-clock time: on a core shared with another process it did half the work of a quiet
    # run, so a proof could hold on one machine and not on another. Both processes on one core: CPU time counts.
    x, y, z, w = sp.symbols("x y z w")
    hard = x**4 * y**2 + y**4 * z**2 + z**4 * x**2 - 3 * x**2 * y**2 * z**2 + w**2 * (x - y)**2 - w**3 * z * x \
        + w**4 / 4 + 1  # z3 answers "unknown" after minutes
    core, before = min(os.sched_getaffinity(0)), os.sched_getaffinity(0)
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"],
                            preexec_fn=lambda: os.sched_setaffinity(0, {core}))
    try:
        os.sched_setaffinity(0, {core})
        time.sleep(0.2)
        wall, cpu = time.perf_counter(), time.process_time()
        assert prove_polynomial(hard, False, {s: Domain() for s in (x, y, z, w)}, [], seconds=1.0) is None
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        os.sched_setaffinity(0, before)
        busy.kill()
        busy.wait()
    assert 0.9 < cpu < 1.6, cpu
    assert wall > 1.5, f"the other process did not share the core ({wall:.2f} s): the test proves nothing"
