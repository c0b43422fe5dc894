"""Report figures as an author reads them, on a user's own claims and a cheap scenario: an infinite grid or sweep
value is drawn (at a slot labelled $\\infty$), log axes carry labels, a bound whose right side is 0 on some
instances is drawn as its two sides, a refutation is marked, legends and captions use the claim's notation and
say what is fixed and the verdict, and the PDF's text is Computer Modern."""
import json
import math
import re

import matplotlib
import pymupdf
import pytest
import torch

from boundlab.theory import POSITIVE, Claim, Domain, Param, Provenance, Quantity
from boundlab.verify.evidence import strict_json
from boundlab.verify.figures import STYLE, caption, draw, render
from boundlab.verify.report import run
from boundlab.verify.scenarios import Scenario, register_scenario
from boundlab.verify.scenarios.inputs import Input


class Laws(Scenario):
    """x ~ N(mu, sd^2); h = max(x, 0) (0 on some instances); u ~ U(0, 1); q = m^-r times a mean-one lognormal
    factor (0 at m = inf). `m` and `r` are scenario inputs, not parameters of the claims."""

    name = "test_figures_laws"
    quantities = {"x": "normal", "h": "positive part", "u": "uniform", "q": "noisy power law"}
    inputs = {"mu": 1.0, "sd": 1.0, "m": Input(100.0, float, low=1, allow_inf=True), "r": 0.5}

    def measure(self, o, batch, gen, wanted):
        z = torch.randn(2, batch, generator=gen, dtype=torch.float64)
        x = o["mu"] + o["sd"] * z[0]
        return {"x": x, "h": x.clamp(min=0), "u": torch.rand(batch, generator=gen, dtype=torch.float64),
                "q": float(o["m"]) ** -o["r"] * torch.exp(0.3 * z[1] - 0.045)}


register_scenario(Laws())
INF = math.inf
REAL = Domain(-INF, INF)
PROV = Provenance("derived", "figs", "a test")
mu, sd = Param("mu", REAL, r"\mu"), Param("sd", POSITIVE, r"\sigma")
QUANTITIES = (Quantity("x", "x", nonnegative=False), *(Quantity(s, s) for s in ("h", "u", "q")))


def claim(name, lhs, rel, rhs, statistic, grid, **kw):
    return Claim(id=f"figs.{name}", title="t", lhs=lhs, rel=rel, rhs=rhs, statistic=statistic, params=(mu, sd),
                 quantities=QUANTITIES, scenario="test_figures_laws", provenance=PROV, grid=grid,
                 **{"samples": 200, **kw})


CLAIMS = {
    "mean_inf": claim("mean_inf", "x", "=", "mu", "mean", tuple({"mu": 1.0, "sd": 1.0, "m": m} for m in (10, 100, INF)),
                     resolution=0.5),
    "zero_rhs": claim("zero_rhs", "h*u", "<=", "h", "as", ({"mu": 0.0, "sd": 1.0}, {"mu": 0.5, "sd": 1.0})),
    "identity": claim("identity", "h", "=", "Max(x, 0)", "as", ({"mu": 1.0, "sd": 1.0},), tol=1e-6),
    "mean_wrong": claim("mean_wrong", "x", "=", "1.5*mu", "mean", ({"mu": 1.0, "sd": 0.5}, {"mu": 2.0, "sd": 0.5}),
                        expect="VIOLATED"),
    "as_wrong": claim("as_wrong", "x", "<=", "mu + sd", "as", ({"mu": 1.0, "sd": 1.0},), expect="VIOLATED"),
    "trend_inf": claim("trend_inf", "q", "<=", "0", "trend", ({"r": 0.5, "mu": 1.0, "sd": 1.0},),
                       over=("m", (10, 100, 1000, INF)), samples=64, resolution=0.2),
    "trend_wrong": claim("trend_wrong", "q", ">=", "0", "trend", ({"r": 0.5, "mu": 1.0, "sd": 1.0},),
                         over=("m", (10, 100, 1000)), samples=64, resolution=0.2, expect="VIOLATED"),
}


@pytest.fixture(scope="module")
def report():
    """Each claim through the report's own run (quick budget): claim, result JSON, figure data as report.json
    stores it."""
    entries, _ = run(list(CLAIMS.values()), quick=True)
    return {e.claim.id.split(".")[1]: (e.claim, e.result.to_json(), json.loads(json.dumps(strict_json(e.figure))))
            for e in entries}


def figure(data):
    """The drawn matplotlib Figure and its axes."""
    with matplotlib.rc_context(STYLE):
        fig = render(data)
        fig.canvas.draw()
    return fig, fig.axes


def tick_texts(axis):
    return [t.get_text() for t in axis.get_ticklabels() if t.get_visible()]


def legend_texts(fig):
    return [t.get_text() for lg in fig.legends for t in lg.get_texts()]


def outside_math(text: str) -> str:
    """The caption's text outside $...$ and \\ensuremath{...} (one level of inner braces), without its \\textsc{...}
    verdict."""
    text = re.sub(r"\\ensuremath\{(?:[^{}]|\{[^{}]*\})*\}", "", text)
    return re.sub(r"\\textsc\{[a-z]+\}", "", "".join(text.split("$")[::2]))


def test_an_infinite_grid_value_is_drawn_at_a_slot_labelled_infinity(report):
    claim, result, data = report["mean_inf"]
    assert result["verdict"] == "CONSISTENT"
    panel = data["panels"][0]
    assert len(panel["x"]) == 3 and all(math.isfinite(v) for v in panel["x"]) and panel["x"][2] > panel["x"][1]
    assert panel["xbreaks"] and panel["x"][1] < panel["xbreaks"][0] < panel["x"][2]
    fig, (ax,) = figure(data)
    assert tick_texts(ax.xaxis)[-1] == r"$\infty$" and ax.get_xlabel() == "$m$"
    assert ax.get_xlim()[1] > panel["x"][2]  # the slot is inside the axes
    text = caption(claim, data, result)
    assert r"$\mu = 1$" in text and r"$\sigma = 1$" in text  # the fixed parameters, in the claim's notation
    assert "$m$" in text and r"\infty" in text
    assert r"Verdict: \textsc{consistent}." in text


def test_an_infinite_swept_value_is_on_the_curve(report):
    claim, result, data = report["trend_inf"]
    panel = data["panels"][0]
    assert len(panel["series"][0]["mean"]) == 4 and panel["series"][0]["mean"][3] == 0.0
    fig, (ax,) = figure(data)
    assert tick_texts(ax.xaxis)[-1] == r"$\infty$"
    assert ax.get_xscale() == "log" and all(tick_texts(ax.xaxis))


def test_log_axes_have_labelled_ticks(report):
    _, _, data = report["identity"]
    panel = data["panels"][0]
    assert panel["log_y"]
    fig, (ax,) = figure(data)
    assert ax.get_yscale() == "log"
    labels = tick_texts(ax.yaxis)
    assert len(labels) >= 2 and all(labels)


def test_a_bound_with_a_zero_right_side_is_drawn_as_its_two_sides(report):
    claim, result, data = report["zero_rhs"]
    assert result["verdict"] == "CONSISTENT"
    panel = data["panels"][0]
    assert panel["mode"] == "sides" and len(panel["series"]) == 2
    assert panel["series"][1]["boxes"][0]["min"] == 0.0  # the right side h is 0 on some instances
    fig, _ = figure(data)
    assert any(t.startswith("left side") for t in legend_texts(fig))
    assert "both sides" in caption(claim, data, result)


def test_a_refuted_mean_marks_the_refuting_point_and_says_why(report):
    claim, result, data = report["mean_wrong"]
    assert result["verdict"] == "VIOLATED"
    panel = data["panels"][0]
    assert panel["refuting"] and panel["worst"] == result["witness"]["point_index"]
    fig, _ = figure(data)
    assert "refutes the claim" in legend_texts(fig)
    text = caption(claim, data, result)
    assert r"\textsc{violated} (registered as false)" in text and "excludes the claimed" in text
    assert "1 of the 2 grid points shown" in text  # the check stopped at the refutation: no other point was drawn


def test_a_refuted_almost_sure_bound_marks_the_instance(report):
    claim, result, data = report["as_wrong"]
    assert result["verdict"] == "VIOLATED"
    panel = data["panels"][0]
    w = result["witness"]
    assert panel["mark"] == [[w["lhs"] / w["rhs"]]]
    fig, _ = figure(data)
    assert "refuting instance" in legend_texts(fig)
    assert "an instance" in caption(claim, data, result)


def test_a_refuted_trend_marks_the_wrong_way_change(report):
    claim, result, data = report["trend_wrong"]
    assert result["verdict"] == "VIOLATED"
    series = data["panels"][0]["series"][0]
    assert series["refuting"] and series["mark"]
    fig, _ = figure(data)
    assert "wrong-way change" in legend_texts(fig)
    assert "the mean falls" in caption(claim, data, result)


def test_captions_are_latex_without_raw_characters(report):
    for name, (claim, result, data) in report.items():
        text = caption(claim, data, result)
        assert text.count("$") % 2 == 0, name
        assert not re.search(r"[_^{}]|\+-|->", outside_math(text)), (name, text)
        assert "Verdict: " in text, name
        assert "grid point 1" not in text


def test_the_legend_is_below_the_axes(report):
    _, _, data = report["mean_inf"]
    fig, (ax,) = figure(data)
    (legend,) = fig.legends
    assert legend.get_window_extent().y1 <= ax.get_window_extent().y0


def test_the_pdf_has_computer_modern_text_only(report, tmp_path):
    for name in ("mean_inf", "as_wrong", "trend_inf"):
        path = tmp_path / f"{name}.pdf"
        draw(report[name][2], path)
        fonts = [f[3] for f in pymupdf.open(path)[0].get_fonts()]
        assert fonts and not [f for f in fonts if "DejaVu" in f], fonts
        assert all(re.search(r"Cm(r|mi|sy|ex)10", f, re.I) for f in fonts), fonts


def test_the_panels_fit_the_text_width(report, tmp_path):
    for name, (_, _, data) in report.items():
        fig, _ = figure(data)
        width = fig.get_tightbbox().width  # inches
        assert width <= 6.5, (name, width)


def test_a_worst_case_breach_is_circled_and_labelled_in_the_claims_notation(tmp_path):
    """A user's worst-case program (tests/data/user_worstcase.py): sup Q <= lam/8 is broken at both grid points."""
    from pathlib import Path

    from boundlab.theory.registry import load_file

    module = load_file(Path(__file__).parents[1] / "data" / "user_worstcase.py")
    (entry,), _ = run([module.halved], quick=True)
    assert entry.result.verdict == "VIOLATED"
    data = json.loads(json.dumps(strict_json(entry.figure)))
    worst = data["panels"][-1]
    assert worst["kind"] == "worst" and all(worst["breach"]) and worst["ylabel"] == "$Q(v)$"
    fig, axes = figure(data)
    assert "breaks the claimed bound" in legend_texts(fig)
    assert tick_texts(axes[-1].xaxis) == ["$0.5$", "$2$"] and axes[-1].get_xlabel() == r"$\lambda$"
    text = caption(module.halved, data, entry.result.to_json())
    assert "breaks the claimed bound" in text and r"$\lambda = 0.5$" in text
