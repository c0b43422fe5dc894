"""Property-based tests of the whole pipeline (Hypothesis): generated claims go through `boundlab.verify.check.check` and
must keep the invariants of `invariants.py` (no internal error, no false proof, replayable witnesses, snapshots,
simulated means and their shifted twins). `python3 dev.py fuzz N` runs the same generators on many more claims."""
import collections
import random

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import boundlab.numerics.prover
from claims import ANALYTIC, simulated
from invariants import judge

FUZZ_PROVER_SECONDS = 0.5  # the budget bounds the run's time, not what a proof must satisfy


def fuzz_settings(examples: int):
    """Deterministic, and without shrinking: a failure prints its claim file, and shrinking slow checks would take
    minutes."""
    return settings(max_examples=examples, derandomize=True, deadline=None, database=None,
                    phases=(Phase.explicit, Phase.generate), suppress_health_check=list(HealthCheck))


@pytest.fixture(autouse=True)
def fuzz_budget(monkeypatch):
    monkeypatch.setattr(boundlab.numerics.prover, "SECONDS", FUZZ_PROVER_SECONDS)


def judged(gen, rnd) -> list:
    """The outcomes of one generated claim; its checks draw from their own seeded stream (not Hypothesis's)."""
    outcomes = judge(gen, seed=0, rnd=random.Random(rnd.getrandbits(32)))
    for o in outcomes:
        assert not o.failures, "\n".join(o.failures) + f"\n--- claim file ({o.kind}) ---\n{o.source}"
    return outcomes


@pytest.mark.slow  # 110 generated claims through the prover (~80 s); `dev.py fuzz` runs a thousand
def test_generated_analytic_claims_keep_the_invariants():
    verdicts = collections.Counter()

    @fuzz_settings(110)
    @given(kind=st.sampled_from(sorted(ANALYTIC)), rnd=st.randoms(use_true_random=False))
    def run(kind, rnd):
        gen = ANALYTIC[kind](rnd, "fuzz.generated")
        verdicts.update(o.verdict for o in judged(gen, rnd))

    run()
    assert verdicts["PROVED"] >= 15 and verdicts["VIOLATED"] >= 15, verdicts  # both paths were exercised


def test_generated_simulated_claims_keep_the_invariants():
    verdicts = collections.Counter()

    @fuzz_settings(90)
    @given(rnd=st.randoms(use_true_random=False))
    def run(rnd):
        verdicts.update((o.kind, o.verdict) for o in judged(simulated(rnd, "fuzz.simulated"), rnd))

    run()
    shifted = sum(n for (kind, _), n in verdicts.items() if kind.endswith("shifted"))
    assert shifted >= 60, verdicts  # most exact claims were measured, so their shifted twins were checked
