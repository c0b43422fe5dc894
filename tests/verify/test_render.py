"""verify/render.py and stats.worst_point: the worst grid point of a bound is the one nearest to refuting it, the
same in the table, the report's macros and the figure; the one-line brief, written by the result's statistic, states
the power of a CONSISTENT and the direction of a trend."""
import dataclasses
import json

import pytest

from boundlab.verify.report import _SUMMARY_MACROS, macros
from boundlab.verify.render import brief
from boundlab.verify.statistics.trend import TrendWitness
from boundlab.verify.stats import worst_point
from boundlab.verify.verdict import CONSISTENT, INCONCLUSIVE, VIOLATED, Result


def point(estimate, half_width, claimed, relation=None, **extra):
    p = {"interval": {"estimate": estimate, "lo": estimate - half_width, "hi": estimate + half_width, "n": 100,
                      "level": 0.99}, "claimed": claimed, **extra}
    return p if relation is None else {**p, "relation": relation}


@pytest.mark.parametrize("relation", ["<=", "<"])
def test_an_upper_bound_reports_its_tightest_point_not_its_loosest(relation):
    loose, tight = point(0.2, 0.01, 1.0, relation), point(0.97, 0.01, 1.0, relation)
    assert worst_point([loose, tight]) == 1 and worst_point([tight, loose]) == 0


@pytest.mark.parametrize("relation", [">=", ">"])
def test_a_lower_bound_reports_its_tightest_point_not_its_loosest(relation):
    loose, tight = point(5.0, 0.01, 1.0, relation), point(1.02, 0.01, 1.0, relation)
    assert worst_point([loose, tight]) == 1


def test_a_violating_point_comes_first_and_slack_is_measured_in_interval_widths():
    near = point(0.97, 0.01, 1.0, "<=")  # 1.5 widths below the bound
    over = point(1.01, 0.5, 1.0, "<=")  # above the bound, in a wide interval
    assert worst_point([near, over]) == 1
    wide = point(0.9, 0.5, 1.0, "<=")  # 0.1 widths below
    assert worst_point([near, wide]) == 1


def test_an_identity_or_an_older_record_reports_the_farthest_point_either_way():
    below, above = point(0.5, 0.01, 1.0, "="), point(1.2, 0.01, 1.0, "=")
    assert worst_point([above, below]) == 1
    assert worst_point([{k: v for k, v in p.items() if k != "relation"} for p in (above, below)]) == 1


def test_a_tolerance_is_slack():
    a = point(1.02, 0.01, 1.0, "<=", tolerance=0.05)
    b = point(1.0, 0.01, 1.0, "<=")
    assert worst_point([a, b]) == 1


def test_a_rate_reports_the_slope_nearest_to_leaving_its_band():
    slopes = [{"slope": {"estimate": s, "lo": s - 0.01, "hi": s + 0.01}, "claimed_slope": -0.5, "relation": "<=",
               "tolerance": 0.05} for s in (-0.9, -0.47)]
    assert worst_point(slopes, "slope", "claimed_slope") == 1


def test_the_table_and_the_macros_quote_the_same_point():
    pts = [point(0.2, 0.01, 1.0, "<="), point(0.97, 0.01, 1.0, "<=")]
    res = Result("t.b", CONSISTENT, "simulation", {"points": pts, "detectable": 0.02, "detectable_relative": 0.02},
                 statistic="mean")
    assert "measured 0.97 in" in brief(res)
    doc = {"summary": dict.fromkeys(_SUMMARY_MACROS, 0),
           "claims": [{"id": "t.b", "statistic": "mean", "result": res.to_json(), "worstcase": []}]}
    m = macros(doc)
    assert m["blTBMeasured"]["value"] == 0.97 and m["blTBMeasured"]["source"].endswith("/points/1/interval/estimate")
    assert m["blTBDetectableRelative"]["value"] == 0.02


def _brief(verdict, points, statistic="mean", **evidence):
    return brief(Result("t.x", verdict, "m", {"points": points, **evidence}, statistic=statistic))


def test_a_consistent_brief_states_its_power_and_an_inconclusive_one_its_reason():
    mean = [point(1.0, 0.01, 1.0, "=")]
    assert _brief(CONSISTENT, mean, detectable=0.012, detectable_relative=0.012).endswith(
        "detects a deviation of 1.2% or more")
    assert _brief(CONSISTENT, [point(0.0, 0.01, 0.0, "=")], detectable=0.02,
                  detectable_relative=float("inf")).endswith("detects a deviation of 0.02 or more")
    prob = [point(0.95, 0.02, 0.9, ">=", events=95)]
    assert "detects a probability 0.06 or more below the claimed" in _brief(CONSISTENT, prob, "prob", detectable=0.06,
                                                                            detectable_relative=0.067)
    undecided = [point(1.0, 0.01, 1.0, "="), point(1.0, 0.5, 1.0, "=", note="too few samples to confirm")]
    text = _brief(INCONCLUSIVE, undecided, detectable=1.0, detectable_relative=1.0)
    assert text.endswith("too few samples to confirm") and "detects" not in text


def test_a_trend_witness_says_which_way_the_mean_went_and_reads_back_from_json_as_its_kind():
    w = TrendWitness(seed=0, point={}, test="first to last", start=100, to="inf", mean_from=5838.0, mean_to=3628.0,
                     interval=[-2900.0, -1500.0])
    down = Result("t.t", VIOLATED, "m", {}, w, statistic="trend")
    assert "mean 5838 at 100 falls to 3628 at inf (first-to-last difference in" in brief(down)
    stored = down.to_json()
    assert stored["witness"]["kind"] == "trend" and stored["witness"]["from"] == 100
    again = Result.from_json(stored)
    assert isinstance(again.witness, TrendWitness) and brief(again) == brief(down)
    up = dataclasses.replace(w, mean_from=3628.0, mean_to=5838.0, test="fitted slope")
    assert "rises to 5838 at inf (fitted slope of the mean per step in" in brief(Result("t.t", VIOLATED, "m", {}, up,
                                                                                         statistic="trend"))


def test_a_stored_witness_of_every_kind_reads_back_as_itself():
    from boundlab.verify.evidence import WITNESSES, witness_from_json
    import boundlab.verify.statistics.almost_surely, boundlab.verify.statistics.bound  # noqa: E401,F401
    import boundlab.verify.statistics.dist, boundlab.verify.statistics.rate  # noqa: E401,F401
    import boundlab.verify.statistics.some, boundlab.verify.statistics.value  # noqa: E401,F401

    assert len(WITNESSES) >= 12
    assert witness_from_json({"seed": 1, "measured": 2.0}) == {"seed": 1, "measured": 2.0}  # an old record stays
    for kind, cls in WITNESSES.items():
        fields = {f.name: (f.metadata.get("flatten") and {"v": [1.0]}) or 1 for f in dataclasses.fields(cls)}
        w = cls(**fields)
        back = witness_from_json(json.loads(json.dumps(w.to_json())))
        assert type(back) is cls and back == w and back.to_json()["kind"] == kind


# ---- the report's text: finished LaTeX, no raw ASCII maths on the page -------------------------------------------
def test_brief_latex_writes_maths_and_short_records_and_keeps_the_command_line_brief():
    from boundlab.verify.render import brief_latex

    w = TrendWitness(seed=3, point={"n": 3.0000000000000004, "eps": 0.1}, test="first to last", start=100, to="inf",
                     mean_from=5838.0, mean_to=3628.0, interval=[-2900.0, -1500.0])
    r = Result("t.t", VIOLATED, "m", {}, w, statistic="trend")
    assert brief(r).startswith('seed 3, point {"n": 3.0000000000000004, "eps": 0.1}: mean 5838')  # unchanged
    tex = brief_latex(r)
    assert tex.startswith(r"seed 3, point $n = 3$, $\varepsilon = 0.1$: mean 5838 at 100 falls to 3628 at $\infty$")
    assert "[$-2900$, $-1500$]" in tex
    res = Result("t.b", CONSISTENT, "m", {"points": [point(0.97, 0.01, 1.0, "<=")], "detectable": 0.02,
                                          "detectable_relative": 0.02}, statistic="mean")
    assert "worst of 1 point:" in brief_latex(res) and "point(s)" in brief(res)


def _witnesses():
    """One result refuted by a witness of every kind, its fields filled with awkward values (a 17-digit float, a
    negative interval, a code name, a relation)."""
    from boundlab.verify.evidence import WITNESSES
    import boundlab.verify.statistics.almost_surely, boundlab.verify.statistics.bound  # noqa: E401,F401
    import boundlab.verify.statistics.dist, boundlab.verify.statistics.rate  # noqa: E401,F401
    import boundlab.verify.statistics.some, boundlab.verify.statistics.value  # noqa: E401,F401

    awkward = {"point": {"n": 3.0000000000000004, "eps": 0.1, "point_index": 2}, "relation": "<=",
               "interval": [-2900.0, -1500.0], "refutation": "training diverges at lr -> 2/lambda_max",
               "witness": None, "instance": {"A": [[1.0, 2.0], [3.0, 4.0]]}}
    for cls in WITNESSES.values():
        fields = {f.name: awkward.get(f.name, -0.30000000000000004) for f in dataclasses.fields(cls)}
        try:
            r = Result("t.w", VIOLATED, "m", {}, cls(**fields))
            brief(r)
        except Exception:  # a kind whose fields want other types is covered by the quick check below
            continue
        yield r


def _report_text(tmp_path):
    """Every catalogue title, hint, note and description through `text_latex`, and the `brief_latex` of a quick
    check of a few claims (each kind of statistic, refuted ones among them) and derivations and of a witness of
    every kind, compiled to one PDF: its text outside typewriter type, and the LaTeX."""
    import subprocess

    import pymupdf

    from boundlab.theory.latex import preamble, text_latex
    from boundlab.theory.registry import Registry
    from boundlab.verify.check import check
    from boundlab.verify.derive import check_derivation
    from boundlab.verify.render import brief_latex

    reg = Registry.catalogue()
    texts = []
    for c in reg:
        texts += [c.title, c.provenance.note] + [p.description for p in c.params] \
            + [q.description for q in getattr(c, "quantities", None) or []]
    for d in reg.derivations():
        texts += [d.title, d.provenance.note] + [s.hint for s in d.steps] + [p.description for p in d.params]
    paragraphs = [text_latex(t) for t in dict.fromkeys(t for t in texts if t)]
    ids = ["caulking2026.bound_without_floor", "classical.projection_mean_anisotropic", "shachaf2021.never_hurts",
           "shachaf2021.deep_freeze_last_bound", "shachaf2021.ntk_bound_shape_small_delta",
           "shachaf2021.ntk_residual_constant_two", "shachaf2021.label_noise_mean", "classical.gaussian_fourth_moment",
           "caulking2026.rate_exponent_positive"]
    results = [check(reg.get(i), seed=0, quick=True) for i in ids]
    for i in ("caulking2026.bias_variance_balance", "classical.gaussian_fourth_by_parts", "hernandez2021.logit_chain"):
        res = check_derivation(reg.derivation(i), reg)
        results += [res] + [Result(f"{d.id} step {s['step']}", s["verdict"], s["method"], s["evidence"], s["witness"],
                                   statistic="value") for s in res.evidence.get("steps", [])]
    results += list(_witnesses())
    paragraphs += [brief_latex(Result.from_json(r.to_json())) for r in results]
    source = ("\\documentclass{article}\n" + preamble() + "\n\\begin{document}\n"
              + "\n\n".join(paragraphs) + "\n\\end{document}\n")
    (tmp_path / "doc.tex").write_text(source)
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], cwd=tmp_path,
                         capture_output=True, text=True, errors="replace", timeout=300)
    assert run.returncode == 0, run.stdout[-3000:]
    spans = [s for page in pymupdf.open(tmp_path / "doc.pdf") for block in page.get_text("dict")["blocks"]
             for line in block.get("lines", []) for s in line["spans"]]
    return " ".join(s["text"] for s in spans if "mono" not in s["font"].lower() and "tt" not in s["font"][:6].lower())


@pytest.mark.skipif(__import__("shutil").which("pdflatex") is None, reason="pdflatex is not installed")
def test_no_ascii_maths_reaches_the_page(tmp_path):
    text = _report_text(tmp_path)
    assert len(text) > 10000
    for raw in ("^", "_", "+-", "->", "<=", ">=", "!=", '{"', "**", "e-0", "0000000"):
        at = text.find(raw)
        assert at < 0, f"{raw!r} on the page: ...{text[max(at - 80, 0):at + 80]}..."
