"""Figures of a checked claim: what the check measured against what the claim says, drawn with matplotlib.

`figure_data` turns a claim, its result and (for claims with a worst-case program) the worst-case results into
panels of plain numbers, stored in report.json; `draw` renders the panels to a vector PDF. The raw measurements
come from the check's own run (call inside `boundlab.verify.measure.reuse_measurements()`), so the figure shows the very
instances the verdict was decided on. Panels by statistic:
Each statistic builds its panel (`Statistic.figure`) with a builder here:
- mean, var, prob: measured with its interval (the check's, at its Bonferroni-corrected level) against claimed;
- as: per grid point, the distribution over instances of the claimed-smaller side over the larger (how much of
  the bound is used), or of the relative error for an identity;
- dist: P-P plot of every grid point, with the Kolmogorov-Smirnov acceptance band;
- rate, trend, bound: the mean curve along the swept variable with intervals; for a rate the fitted and the
  claimed slope (log-log), for a bound the bound with its fitted constants;
- worst case: per grid point, the ratio over random directions against the SDP's worst case.
One style for all: black and greys with distinct markers, readable in grayscale; labels in LaTeX math.
"""
from __future__ import annotations

import math

import numpy as np
import scipy.stats

from boundlab.numerics.evaluate import scipy_distribution
from boundlab.theory.claim import Claim

from . import stats
from .measure import budget, formula_values, measure_stages, params_of, validate_grid
from .verdict import CERTIFIED, ERROR

PP_POINTS = 101  # points of each P-P curve stored in report.json


# ---- data ------------------------------------------------------------------------------------------------
def figure_data(claim: Claim, result, seed: int, quick: bool, worstcases=()) -> dict | None:
    """The panels of the claim's figure as JSON-ready numbers, or None when there is nothing to draw (an analytic
    claim, or an empirical one whose check failed before it measured anything)."""
    panels = []
    if claim.kind == "empirical" and result.verdict != ERROR and result.evidence.get("points"):
        panel = claim.stat.figure(claim, result, seed, quick)
        if panel is not None:
            panels.append(panel)
    certified = [w for w in worstcases if w.verdict == CERTIFIED and "direction_ratios" in w.evidence]
    if certified:
        panels.append(_worst_panel(claim, certified))
    return {"panels": panels} if panels else None


def _varying(points: list[dict]) -> list[str]:
    """The keys whose value (or presence) differs between grid points, in first-seen order."""
    keys = list(dict.fromkeys(k for p in points for k in p))
    return [k for k in keys if any(p.get(k, None) != points[0].get(k, None) or k not in p for p in points)]


def _point_text(point: dict, keys: list[str]) -> str:
    return ", ".join(f"{k}={_short(point[k])}" for k in keys if k in point)


def _axis(claim: Claim, points: list[dict]) -> dict:
    """How to lay grid points along x: by their one varying number when there is one, else as labelled slots."""
    keys = _varying(points)
    if len(keys) == 1 and all(isinstance(p.get(keys[0]), (int, float)) for p in points) and len(points) > 1:
        x = [float(p[keys[0]]) for p in points]
        return {"x": x, "labels": None, "xlabel": _param_tex(claim, keys[0]),
                "log_x": min(x) > 0 and max(x) / min(x) >= 20}
    labels = [_point_text(p, keys) or str(i + 1) for i, p in enumerate(points)]
    if max(len(s) for s in labels) > 16:
        labels = [str(i + 1) for i in range(len(points))]
    return {"x": list(range(1, len(points) + 1)), "labels": labels, "xlabel": "grid point", "log_x": False}


def _short(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _param_tex(claim: Claim, name: str) -> str:
    for p in claim.params:
        if p.name == name:
            return _mathtext(f"${p.latex}$", name)
    return name


def _mathtext(tex: str, plain: str) -> str:
    """`tex` when matplotlib's mathtext can typeset it, else `plain`."""
    from matplotlib.mathtext import MathTextParser

    try:
        MathTextParser("path").parse(tex)
        return tex
    except (ValueError, RuntimeError):
        return plain


def quantity_tex(claim: Claim, side) -> str:
    """One side of the claim for an axis label: its LaTeX when matplotlib's mathtext can typeset it, else the
    formula as written."""
    from boundlab.theory.latex import formula_latex, tex_names

    return _mathtext(f"${formula_latex(side.display, tex_names(claim))}$", side.source)


def interval_panel(claim, result, legend: list[str], ylabel: str | None = None) -> dict:
    """Per grid point, the measured value's interval against the claimed value (mean, var, prob), the `legend`
    naming both. With a `ylabel`, both are drawn as they are (a probability); without, as measured / claimed around
    1 (or measured - claimed around 0 when a claimed value is not positive), with the claim's relative tolerance."""
    pts = result.evidence["points"]
    est = [p["interval"]["estimate"] for p in pts]
    lo, hi = [p["interval"]["lo"] for p in pts], [p["interval"]["hi"] for p in pts]
    claimed = [p["claimed"] for p in pts]
    level = 1 - (1 - pts[0]["interval"]["level"]) * len(pts)  # simultaneous over the grid points (Bonferroni)
    worst = stats.worst_point(pts)
    if ylabel:
        return {"kind": "intervals", **_axis(claim, [p["point"] for p in pts]), "estimate": est, "lo": lo, "hi": hi,
                "claimed": claimed, "reference": None, "ylabel": ylabel, "legend": legend, "level": level,
                "worst": worst}
    ratio = all(c > 0 for c in claimed)
    scale = [c if ratio else 1.0 for c in claimed]
    shift = [0.0 if ratio else c for c in claimed]
    tol = claim.tol if claim.tol > 1e-6 and ratio else 0.0  # a relative tolerance: drawn around the ratio 1
    return {"kind": "intervals", **_axis(claim, [p["point"] for p in pts]),
            "estimate": [(e - s) / c for e, s, c in zip(est, shift, scale)],
            "lo": [(e - s) / c for e, s, c in zip(lo, shift, scale)],
            "hi": [(e - s) / c for e, s, c in zip(hi, shift, scale)],
            "claimed": None, "reference": 1.0 if ratio else 0.0, "tolerance": tol,
            "ylabel": "measured / claimed" if ratio else "measured $-$ claimed",
            "legend": legend,
            "level": level, "worst": worst}


def _measured(claim, seed, quick):
    """(batch, grid, measure): `measure(i, stages)` gives the check's own measurements at grid point i, all the
    stages it drew, and their number of instances (from the reuse cache when called inside
    `reuse_measurements()`)."""
    grid = validate_grid(claim)
    batch = budget(claim, quick)
    return batch, grid, (lambda i, stages=1: (measure_stages(claim, seed, i, batch, stages, grid),
                                              batch << (stages - 1)))


def _box(values: np.ndarray) -> dict:
    q = np.quantile(values, [0.0, 0.25, 0.5, 0.75, 1.0])
    return {"min": float(q[0]), "q1": float(q[1]), "median": float(q[2]), "q3": float(q[3]), "max": float(q[4])}


def event_panel(claim, result, seed, quick) -> dict:
    """Per grid point, over the instances: the claimed-smaller side over the larger (how much of the bound is used),
    or for an identity the relative error (as, some)."""
    _, _, measure = _measured(claim, seed, quick)
    pts = result.evidence["points"]
    sides = []
    for i in range(len(pts)):
        env, n = measure(i)
        sides.append((formula_values(claim.left.expr, env, n), formula_values(claim.right.expr, env, n)))
    axis = _axis(claim, [p["point"] for p in pts])
    ratios = [stats.tightness(claim.rel, lhs, rhs) for lhs, rhs in sides]
    if all(r is not None for r in ratios):
        small, big = (claim.left, claim.right) if claim.rel in ("<=", "<") else (claim.right, claim.left)
        ylabel = quantity_tex(claim, small) + ("" if big.expr == 1 else f" / {quantity_tex(claim, big)}")
        return {"kind": "boxes", **axis, "boxes": [_box(r) for r in ratios], "reference": 1.0,
                "reference_label": "the bound", "log_y": False, "ylabel": ylabel}
    floor = 1e-17  # an exact identity has error 0: drawn at the floor of the log scale
    return {"kind": "boxes", **axis,
            "boxes": [_box(np.maximum(np.abs(lhs - rhs) / (1.0 + np.abs(rhs)), floor)) for lhs, rhs in sides],
            "reference": max(claim.tol, floor), "reference_label": "tolerance", "log_y": True,
            "ylabel": r"$|\mathrm{lhs} - \mathrm{rhs}| / (1 + |\mathrm{rhs}|)$"}


def pp_panel(claim, result, seed, quick) -> dict:
    """A P-P plot of every grid point against the claimed law, with the Kolmogorov-Smirnov acceptance band."""
    _, _, measure = _measured(claim, seed, quick)
    pts, curves, band = result.evidence["points"], [], 0.0
    grid_q = np.linspace(0, 1, PP_POINTS)
    for i, p in enumerate(pts):
        env, n = measure(i, p.get("stages", 1))
        x = np.sort(formula_values(claim.left.expr, env, n))
        dist = scipy_distribution(claim.right.expr, params_of(env))
        u = dist.cdf(x)
        ecdf = np.searchsorted(u, grid_q, side="right") / u.size  # empirical CDF at claimed probabilities
        curves.append({"claimed": grid_q.tolist(), "empirical": ecdf.tolist()})
        band = max(band, float(scipy.stats.kstwo.ppf(1 - p["threshold"], u.size)))
    axis = _axis(claim, [p["point"] for p in pts])
    return {"kind": "pp", "curves": curves, "labels": axis["labels"] or [_short(v) for v in axis["x"]],
            "label_name": None if axis["labels"] else axis["xlabel"], "band": band,
            "xlabel": "claimed CDF", "ylabel": "empirical CDF"}


def curve_panel(claim, result, seed, quick, series, log: bool) -> dict:
    """The mean curve along the swept variable at each grid point (the first four), with intervals; `series(claim,
    result, g, envs, batch, means)` adds a statistic's own lines (a fitted slope, a fitted bound); `log` draws
    log-log axes (when the means are positive)."""
    batch, grid, measure = _measured(claim, seed, quick)
    name, values = claim.over
    K, G = len(values), len(claim.grid)
    alpha = stats.bonferroni(result.evidence["alpha"], K * G)
    lines = []
    for g in range(G):
        envs = [measure(g * K + k)[0] for k in range(K)]
        ivs = [stats.mean_interval(formula_values(claim.left.expr, env, batch), alpha) for env in envs]
        means = [iv.estimate for iv in ivs]
        lines.append({"label": _point_text(claim.grid[g], [k for k in _varying(list(claim.grid)) if k != name])
                      or None, "mean": means, "lo": [iv.lo for iv in ivs], "hi": [iv.hi for iv in ivs],
                      **series(claim, result, g, envs, batch, means)})
    x = [float(v) for v in values]
    lines = lines[:4]  # keep the plot readable: the first four grid points
    return {"kind": "curve", "statistic": claim.statistic, "x": x, "series": lines,
            "log_x": log or (min(x) > 0 and max(x) / min(x) >= 20),
            "log_y": log and all(m > 0 for s in lines for m in s["mean"]),
            "xlabel": _param_tex(claim, name), "ylabel": f"mean of {quantity_tex(claim, claim.left)}",
            "level": 1 - alpha * K * G}


def _worst_panel(claim, worstcases) -> dict:
    pts = [w.evidence["point"] for w in worstcases]
    bound = claim.right.expr
    return {"kind": "worst", **_axis(claim, pts), "boxes": [w.evidence["direction_ratios"] for w in worstcases],
            "worst": [w.evidence["constant"] for w in worstcases],
            "bound": float(bound) if not bound.free_symbols else None,
            "ylabel": f"ratio {claim.worstcase}",
            "directions": worstcases[0].evidence["direction_ratios"]["count"]}


# ---- drawing ---------------------------------------------------------------------------------------------
STYLE = {"font.size": 8, "axes.titlesize": 8, "axes.labelsize": 8, "legend.fontsize": 7, "xtick.labelsize": 7,
         "ytick.labelsize": 7, "lines.linewidth": 1.0, "lines.markersize": 4, "axes.linewidth": 0.6,
         "pdf.fonttype": 42, "mathtext.fontset": "cm", "font.family": "serif", "legend.frameon": False,
         "savefig.bbox": "tight", "savefig.pad_inches": 0.02}
INK, GREY, LIGHT = "black", "0.45", "0.82"
MARKERS = ["o", "s", "^", "D"]
DASHES = ["-", "--", ":", "-."]
PANEL_SIZE = (3.1, 2.2)  # inches per panel: two panels fill a 6.5in text block


def draw(data: dict, path) -> None:
    """Render the panels of `figure_data` side by side to `path` (PDF, vector; or PNG by the suffix)."""
    import logging

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    logging.getLogger("fontTools").setLevel(logging.ERROR)  # font subsetting chatter about font timestamps

    panels = data["panels"]
    with matplotlib.rc_context(STYLE):
        fig, axes = plt.subplots(1, len(panels), figsize=(PANEL_SIZE[0] * len(panels), PANEL_SIZE[1]),
                                 squeeze=False)
        for ax, panel in zip(axes[0], panels):
            {"intervals": _draw_intervals, "boxes": _draw_boxes, "pp": _draw_pp, "curve": _draw_curve,
             "worst": _draw_worst}[panel["kind"]](ax, panel)
            ax.set_xlabel(panel["xlabel"])
            ax.set_ylabel(panel["ylabel"])
        fig.tight_layout(w_pad=2.0)
        if str(path).endswith(".pdf"):
            fig.savefig(path, format="pdf", metadata={"CreationDate": None, "Creator": "boundlab"})
        else:  # e.g. a PNG to show in a notebook
            fig.savefig(path, dpi=150)
        plt.close(fig)


def _x_axis(ax, panel, x):
    _log_axes(ax, {"log_x": panel.get("log_x")})
    if panel.get("labels"):
        ax.set_xticks(x, panel["labels"], rotation=20 if max(len(s) for s in panel["labels"]) > 3 else 0,
                      ha="right" if max(len(s) for s in panel["labels"]) > 3 else "center")
        ax.set_xlim(min(x) - 0.6, max(x) + 0.6)


def _draw_intervals(ax, p):
    x = np.array(p["x"], dtype=float)
    est, lo, hi = (np.array(p[k], dtype=float) for k in ("estimate", "lo", "hi"))
    order = np.argsort(x)
    if p["labels"] is None and len(x) > 1:
        ax.fill_between(x[order], lo[order], hi[order], color=LIGHT, lw=0)
        ax.plot(x[order], est[order], color=INK, marker="o", label=p["legend"][0])
    else:
        ax.errorbar(x, est, yerr=[est - lo, hi - est], fmt="o", color=INK, capsize=2, label=p["legend"][0])
    if p["claimed"] is not None:
        ax.plot(x, p["claimed"], ls="none", marker="s", mfc="white", color=GREY, label=p["legend"][1])
    if p["reference"] is not None:
        ax.axhline(p["reference"], color=GREY, ls="--", label=p["legend"][1])
        if p.get("tolerance"):
            ax.axhspan(1 - p["tolerance"], 1 + p["tolerance"], color=LIGHT, alpha=0.5, lw=0,
                       label="claimed tolerance")
    if len(x) > 1 and p.get("worst") is not None:
        k = p["worst"]
        ax.plot(x[k], est[k], ls="none", marker="o", ms=9, mfc="none", color=INK, label="worst point")
    _x_axis(ax, p, x)
    ax.legend(loc="best")


def _bxp(ax, boxes, x, width):
    ax.bxp([{"whislo": b["min"], "q1": b["q1"], "med": b["median"], "q3": b["q3"], "whishi": b["max"],
             "fliers": []} for b in boxes], positions=x, widths=width, showfliers=False,
           medianprops={"color": INK}, boxprops={"color": INK}, whiskerprops={"color": INK},
           capprops={"color": INK}, manage_ticks=False)


def _widths(x, log):
    if len(x) < 2:
        return 0.5
    if log:
        return [0.25 * v for v in x]
    return 0.5 * float(np.min(np.diff(np.sort(x))))


def _draw_boxes(ax, p):
    x = [float(v) for v in p["x"]]
    _bxp(ax, p["boxes"], x, _widths(x, p.get("log_x")))
    ax.axhline(p["reference"], color=GREY, ls="--", label=p["reference_label"])
    _log_axes(ax, {"log_y": p["log_y"]})
    _x_axis(ax, p, x)
    ax.legend(loc="best")


def _draw_pp(ax, p):
    t = np.linspace(0, 1, 2)
    ax.fill_between(t, t - p["band"], t + p["band"], color=LIGHT, lw=0, label="KS acceptance band")
    ax.plot(t, t, color=GREY, lw=0.6)
    for i, c in enumerate(p["curves"][:4]):
        label = (f"grid point {p['labels'][i]}" if p["labels"][i].isdigit() else p["labels"][i]) \
            if p["label_name"] is None else f"{p['label_name']} = {p['labels'][i]}"
        ax.plot(c["claimed"], c["empirical"], color=INK, ls=DASHES[i % 4], label=label)
    ax.set_xlim(0, 1), ax.set_ylim(0, 1)
    ax.legend(loc="upper left")


def _draw_curve(ax, p):
    x = np.array(p["x"])
    for i, s in enumerate(p["series"]):
        mean, lo, hi = (np.array(s[k]) for k in ("mean", "lo", "hi"))
        if p["log_y"]:
            lo = np.maximum(lo, mean * 1e-3)
        ax.fill_between(x, lo, hi, color=LIGHT, lw=0, alpha=0.8)
        label = s["label"] or "mean"
        if "fitted_slope" in s:
            label = (f"{s['label']}: " if s["label"] else "") + \
                f"slope {s['fitted_slope']:.2f} (claimed {s['claimed_slope']:.2f})"
        ax.plot(x, mean, color=INK, marker=MARKERS[i % 4], ls="-", label=label)
        if "fitted_bound" in s:
            ax.plot(x, s["fitted_bound"], color=GREY, ls=DASHES[(i + 1) % 4],
                    label="bound, fitted constants" if i == 0 else None)
        if "fitted_slope" in s:
            cx, cy = s["center"]
            for slope, ls, what in ((s["fitted_slope"], "--", "fitted slope"), (s["claimed_slope"], ":",
                                                                                 "claimed slope")):
                ax.plot(x, cy * (x / cx) ** slope, color=GREY, ls=ls, label=what if i == 0 else None)
    _log_axes(ax, p)
    ax.legend(loc="best", fontsize=6)


def _log_axes(ax, p):
    """Log scales with labelled ticks at 1, 2 and 5 times powers of ten when the range is short."""
    from matplotlib.ticker import LogLocator, NullFormatter

    for on, axis, scale in ((p.get("log_x"), ax.xaxis, ax.set_xscale), (p.get("log_y"), ax.yaxis, ax.set_yscale)):
        if on:
            scale("log")
            axis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
            axis.set_minor_formatter(NullFormatter())


def _draw_worst(ax, p):
    x = [float(v) for v in p["x"]]
    _bxp(ax, p["boxes"], x, _widths(x, p.get("log_x")))
    ax.plot(x, p["worst"], ls="none", marker="*", markersize=8, color=INK, label="worst case (SDP)")
    if p["bound"] is not None:
        ax.axhline(p["bound"], color=GREY, ls="--", label="claimed bound")
    _x_axis(ax, p, x)
    ax.legend(loc="best")


def caption(claim: Claim, data: dict) -> str:
    """A LaTeX caption saying what each panel shows."""
    from boundlab.theory.latex import tt

    parts = []
    for p in data["panels"]:
        kind = p["kind"]
        if kind == "intervals":
            parts.append("Measured against claimed at each grid point; bars are the check's confidence intervals "
                         f"(simultaneous level {_level(p['level'])})"
                         + (", with the claimed tolerance shaded" if p.get("tolerance") else "")
                         + ("; circled, the worst point (nearest to refuting the claim)"
                            if len(p["x"]) > 1 and p.get("worst") is not None else "") + ".")
        elif kind == "boxes":
            parts.append("Per grid point, the distribution over instances (box: quartiles; whiskers: range) of "
                         + ("the claimed-smaller side over the larger, against the bound (1)."
                            if p["reference_label"] == "the bound" else "the relative error of the identity."))
        elif kind == "pp":
            parts.append("P-P plot: empirical against claimed CDF at each grid point, with the Kolmogorov-Smirnov "
                         "acceptance band at the check's level.")
        elif kind == "curve":
            what = {"rate": "with the fitted and the claimed log-log slope",
                    "trend": "which the claim says is monotone",
                    "bound": "with the bound at its smallest fitted constants"}[p["statistic"]]
            parts.append(f"The mean along the swept variable, {what}; bands are confidence intervals (simultaneous "
                         f"level {_level(p['level'])} over all plotted means)"
                         + ("; the first 4 of the grid points" if len(claim.grid) > 4 else "") + ".")
        else:
            parts.append(f"Worst case: per grid point, the ratio over {p['directions']} random directions on the "
                         "instance the SDP solved (box: quartiles; whiskers: range), with the SDP's worst case "
                         "(star)" + (" and the claimed bound." if p["bound"] is not None else "."))
    if len(claim.grid) > 1 and any(p.get("labels") and p["labels"][0] == "1" for p in data["panels"]):
        keys = _varying(list(claim.grid))
        parts.append("Grid points: " + "; ".join(f"({i + 1}) {_point_text(pt, keys)}"
                                                 for i, pt in enumerate(claim.grid)) + ".")
    from boundlab.theory.latex import text_latex

    return " ".join(text_latex(s) for s in parts) + f" Claim {tt(claim.id)}."


def _level(level: float) -> str:
    miss = 1 - level
    if miss <= 0:
        return "1"
    exp = math.floor(math.log10(miss))
    mant = miss / 10 ** exp
    return f"$1 - {mant:.3g}" + (rf"\cdot 10^{{{exp}}}$" if exp else "$")
