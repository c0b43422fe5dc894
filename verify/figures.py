"""Figures of a checked claim: what the check measured against what the claim says, drawn with matplotlib.

`figure_data` turns a claim, its result and (for claims with a worst-case program) the worst-case results into
panels of plain numbers, stored in report.json; `draw` renders the panels to a vector PDF and `caption` writes their
LaTeX caption (what each panel shows, what varies and what is fixed, in the claim's notation, and the verdict).
The raw measurements come from the check's own run (call inside `boundlab.verify.measure.reuse_measurements()`),
so the figure shows the very instances the verdict was decided on. Each statistic builds its panel
(`Statistic.figure`) with a builder here:
- mean, var, prob: measured with its interval (the check's, at its Bonferroni-corrected level) against claimed;
- as, some: per grid point, the distribution over instances of the claimed-smaller side over the larger (how much
  of the bound is used); of both sides when that ratio is undefined or identically 0; of the relative error for an
  identity;
- dist: P-P plot of every grid point, with the Kolmogorov-Smirnov acceptance band;
- rate, trend, bound: the mean curve along the swept variable with intervals; for a rate the fitted and the
  claimed slope (log-log), for a bound the bound with its fitted constants;
- worst case: per grid point, the ratio over random directions against the SDP's worst case.
Grid points are laid along x by their one varying number (an infinite value at a slot past a break of the axis),
else as slots labelled with what varies. A VIOLATED claim's figure marks what refuted it.
One style for all: black and greys with distinct markers, readable in grayscale; Computer Modern like the paper.
"""
from __future__ import annotations

import math
import re

import numpy as np
import scipy.stats
import sympy as sp

from boundlab.numerics.evaluate import scipy_distribution
from boundlab.theory.claim import Claim
from boundlab.theory.latex import escape_text, formula_latex, level_tex, number_text, tex_names

from . import stats
from .measure import budget, formula_values, measure_stages, params_of, validate_grid
from .verdict import CERTIFIED, ERROR, VIOLATED

PP_POINTS = 101  # points of each P-P curve stored in report.json
MAX_LINES = 4  # curves drawn per panel (grid points of a curve claim, P-P curves)
MAX_TICKS = 7  # labelled values on a swept axis
LABEL_CHARS = 30  # a side longer than this (in shown characters) is named in words on an axis
REL_MATH = {"=": "=", "<=": r"\leq", ">=": r"\geq", "<": "<", ">": ">", "~": r"\sim"}


# ---- notation --------------------------------------------------------------------------------------------
def name_tex(claim: Claim, key: str) -> str:
    """The LaTeX name (no dollars) of a grid key or quantity: the claim's own Param or Quantity of that name; else
    a one-letter or Greek name as a symbol (italic, `L_S` as $L_{S}$); else the key upright, underscores as spaces."""
    for p in (*claim.params, *claim.constants):
        if p.name == key:
            return p.latex
    for q in claim.quantities:
        if q.name == key:
            return q.tex
    from sympy.printing.latex import greek_letters_set

    base = key.split("_")[0]
    if len(base) == 1 or base.lower() in greek_letters_set:
        return sp.latex(sp.Symbol(key))
    return upright(key)


def upright(text) -> str:
    """Text as upright math, underscores and spaces as spaces: \\mathrm{source\\ noise}."""
    return r"\mathrm{" + escape_text(str(text).replace(" ", "_")).replace(r"\_", r"\ ") + "}"


def _number(v) -> float | None:
    """A grid value as a number (the string "inf" too), or None when it is not one."""
    if isinstance(v, bool):
        return None
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return None if x != x else x


def value_tex(v) -> str:
    """A grid value in LaTeX math (no dollars): a number by `number_text`, anything else upright."""
    x = _number(v)
    if x is None:
        return upright(v)
    return number_text(int(x) if x.is_integer() and abs(x) < 1e15 else x)


def _assign(claim, key, value) -> str:
    return f"{name_tex(claim, key)} = {value_tex(value)}"


def _mt(tex: str) -> str:
    """LaTeX math as matplotlib's mathtext reads it (no \\ensuremath, no \\le)."""
    tex = re.sub(r"\\ensuremath\{((?:[^{}]|\{[^{}]*\})*)\}", r"\1", tex)
    return re.sub(r"\\(le|ge)(?![a-z])", r"\\\1q", tex)


def _mathtext(tex: str, plain: str) -> str:
    """`tex` when matplotlib's mathtext can typeset it, else `plain`."""
    from matplotlib.mathtext import MathTextParser

    try:
        MathTextParser("path").parse(_mt(tex))
        return _mt(tex)
    except (ValueError, RuntimeError):
        return plain


def _math(tex: str, fallback: str) -> str:
    """`$tex$` for a figure, or `$fallback$` (plain LaTeX) when mathtext cannot typeset it."""
    return _mathtext(f"${tex}$", _mt(f"${fallback}$"))


def _key_mt(claim, key) -> str:
    return _math(name_tex(claim, key), upright(key))


def _assign_mt(claim, key, value) -> str:
    return _math(_assign(claim, key, value), f"{upright(key)} = {value_tex(value)}")


def quantity_tex(claim: Claim, side, operand: bool = False) -> str:
    """One side of the claim for an axis label, in its LaTeX when matplotlib's mathtext can typeset it; as an
    `operand` of a ratio, a sum in parentheses; "the left side" or "the right side" when too long for an axis
    (the caption and the statement above the figure give it)."""
    tex = formula_latex(side.display, tex_names(claim))
    if len(_plain(tex)) > LABEL_CHARS:
        return "the left side" if side is claim.left else "the right side"
    if operand and isinstance(side.display, sp.Add):
        tex = rf"\left({tex}\right)"
    return _math(tex, upright(re.sub(r"[_^{}\\$]", " ", side.source)))


def _plain(tex: str) -> str:
    """About the characters `tex` shows (commands and markup dropped), to estimate its width."""
    return re.sub(r"\\[A-Za-z]+|[${}^_\\]", "", tex)


def _strip_sup(tex: str) -> str | None:
    r"""The argument of `\sup_{...} X` (X), or None when `tex` is not a supremum."""
    m = re.match(r"\s*\\sup_", tex)
    if not m:
        return None
    i, depth = m.end(), 0
    if tex[i:i + 1] != "{":
        return tex[i + 1:].strip() or None
    for j in range(i, len(tex)):
        depth += {"{": 1, "}": -1}.get(tex[j], 0)
        if depth == 0:
            return tex[j + 1:].strip() or None
    return None


def target_tex(claim: Claim) -> str:
    """The worst-case target (`claim.worstcase`, "Q" or "Q/R") in the claim's notation: a declared quantity's own
    LaTeX; else the argument of the supremum the claim's left side is written as; else the names as symbols."""
    names = [s.strip() for s in claim.worstcase.split("/")]
    declared = {q.name for q in claim.quantities}
    if not set(names) <= declared:
        lhs = [q for q in claim.quantities if q.symbol == claim.left.expr]
        inner = _strip_sup(lhs[0].tex) if lhs else None
        if inner:
            return inner
    return " / ".join(name_tex(claim, n) for n in names)


# ---- axes of grid points and swept values ----------------------------------------------------------------
def _varying(points: list[dict]) -> list[str]:
    """The keys whose value (or presence) differs between grid points, in first-seen order."""
    keys = list(dict.fromkeys(k for p in points for k in p))
    return [k for k in keys if any(p.get(k, None) != points[0].get(k, None) or k not in p for p in points)]


def _fixed(points: list[dict]) -> list[str]:
    """The keys every grid point sets to the same value."""
    return [k for k in points[0] if k not in _varying(points)] if points else []


def numeric_axis(values, xlabel: str) -> dict:
    """Numbers laid along x: finite ones where they are (log scale over a range of 20 or more), an infinite one at
    a slot one step past the finite range with tick label $\\infty$ and a break mark; ticks at the values."""
    xs = [_number(v) for v in values]
    fin = sorted({x for x in xs if math.isfinite(x)})
    log = len(fin) > 1 and fin[0] > 0 and fin[-1] / fin[0] >= 20
    if log:
        step = (fin[-1] / fin[0]) ** (1 / (len(fin) - 1)) if len(fin) > 1 else 10.0
        hi, lo = fin[-1] * step, fin[0] / step
    else:
        step = (fin[-1] - fin[0]) / (len(fin) - 1) if len(fin) > 1 else max(abs(fin[0]), 1.0) if fin else 1.0
        hi, lo = (fin[-1] + step, fin[0] - step) if fin else (1.0, -1.0)
    pos = [hi if x == math.inf else lo if x == -math.inf else x for x in xs]
    keep = fin[::max(1, math.ceil(len(fin) / MAX_TICKS))]
    if fin and keep[-1] != fin[-1]:
        keep = keep[:-1] + [fin[-1]] if len(keep) >= MAX_TICKS else keep + [fin[-1]]
    ticks = [(x, f"${_mt(value_tex(x))}$") for x in keep]
    mid = (lambda a, b: math.sqrt(a * b)) if log else (lambda a, b: (a + b) / 2)
    breaks = []
    if fin and math.inf in xs:
        ticks.append((hi, r"$\infty$"))
        breaks.append(mid(fin[-1], hi))
    if fin and -math.inf in xs:
        ticks.insert(0, (lo, r"$-\infty$"))
        breaks.append(mid(lo, fin[0]))
    return {"x": pos, "xticks": [t for t, _ in ticks], "xticklabels": [s for _, s in ticks], "xbreaks": breaks,
            "log_x": log, "xlabel": xlabel, "slots": False}


def grid_axis(claim: Claim, points: list[dict]) -> dict:
    """How to lay grid points along x: by their one varying number (∞ included) when there is one, else as slots
    labelled with the varying keys' values, a column per point under a header of the keys' names (a table under
    the axis; no labels for a single point)."""
    keys = _varying(points)
    if len(keys) == 1 and all(_number(p.get(keys[0])) is not None for p in points) and \
            any(math.isfinite(_number(p[keys[0]])) for p in points):
        return numeric_axis([p[keys[0]] for p in points], _key_mt(claim, keys[0]))
    x = list(range(1, len(points) + 1))
    if not keys:
        return {"x": x, "xticks": [], "xticklabels": [], "xbreaks": [], "log_x": False, "xlabel": "", "slots": True}
    if len(keys) == 1:
        labels = [f"${_mt(value_tex(p[keys[0]]))}$" if keys[0] in p else "" for p in points]
        return {"x": x, "xticks": x, "xticklabels": labels, "xbreaks": [], "log_x": False,
                "xlabel": _key_mt(claim, keys[0]), "slots": True}
    labels = ["\n".join(f"${_mt(value_tex(p[k]))}$" if k in p else "$-$" for k in keys) for p in points]
    return {"x": x, "xticks": x, "xticklabels": labels, "xbreaks": [], "log_x": False, "xlabel": "", "slots": True,
            "xheader": "\n".join(_key_mt(claim, k) for k in keys)}


def _series_label(claim, point: dict, keys) -> str | None:
    return ", ".join(_assign_mt(claim, k, point[k]) for k in keys if k in point) or None


# ---- data ------------------------------------------------------------------------------------------------
def figure_data(claim: Claim, result, seed: int, quick: bool, worstcases=()) -> dict | None:
    """The panels of the claim's figure as JSON-ready numbers, or None when there is nothing to draw (an analytic
    claim, or an empirical one whose check failed before it measured anything)."""
    panels = []
    if claim.kind == "empirical" and result.verdict != ERROR and result.evidence.get("points"):
        panel = claim.stat.figure(claim, result, seed, quick)
        if panel is not None:
            panels.append(panel)
    solved = [w for w in worstcases if "direction_ratios" in w.evidence and "constant" in w.evidence]
    if solved:
        panels.append(_worst_panel(claim, solved))
    return {"panels": panels} if panels else None


def _witness(result):
    w = getattr(result, "witness", None) if not isinstance(result, dict) else result.get("witness")
    return w.to_json() if hasattr(w, "to_json") else (w or {})


def _refuting_index(result) -> int | None:
    """The grid point the refutation was found at (None unless VIOLATED with a located witness)."""
    verdict = result.get("verdict") if isinstance(result, dict) else result.verdict
    w = _witness(result)
    return w.get("point_index") if verdict == VIOLATED and w.get("kind") != "worst case" else None


def interval_panel(claim, result, legend: list[str], ylabel: str | None = None) -> dict:
    """Per grid point, the measured value's interval against the claimed value (mean, var, prob), the `legend`
    naming both. With a `ylabel`, both are drawn as they are (a probability); without, as measured / claimed around
    1 (or measured - claimed around 0 when a claimed value is not positive), with the claim's relative tolerance.
    The point nearest to refuting the claim is circled (the refuting one for a VIOLATED claim)."""
    pts = result.evidence["points"]
    est = np.array([p["interval"]["estimate"] for p in pts], dtype=float)
    lo = np.array([p["interval"]["lo"] for p in pts], dtype=float)
    hi = np.array([p["interval"]["hi"] for p in pts], dtype=float)
    claimed = np.array([p["claimed"] for p in pts], dtype=float)
    level = 1 - (1 - pts[0]["interval"]["level"]) * len(pts)  # simultaneous over the grid points (Bonferroni)
    refuting = _refuting_index(result)
    base = {"kind": "intervals", **grid_axis(claim, [p["point"] for p in pts]), "shown": list(range(len(pts))),
            "legend": legend, "level": level, "worst": stats.worst_point(pts) if refuting is None else refuting,
            "refuting": refuting is not None}
    if ylabel:
        return {**base, "estimate": est.tolist(), "lo": lo.tolist(), "hi": hi.tolist(), "claimed": claimed.tolist(),
                "reference": None, "ylabel": ylabel}
    ratio = bool((claimed > 0).all())
    scale, shift = (claimed, 0.0) if ratio else (1.0, claimed)
    tol = claim.tol if claim.tol > 1e-6 and ratio else 0.0  # a relative tolerance: drawn around the ratio 1
    return {**base, **{k: ((v - shift) / scale).tolist() for k, v in (("estimate", est), ("lo", lo), ("hi", hi))},
            "claimed": None, "reference": 1.0 if ratio else 0.0, "tolerance": tol,
            "ylabel": "measured / claimed" if ratio else r"measured $-$ claimed"}


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
    """Per grid point, over the instances (as, some): the claimed-smaller side over the larger (how much of the
    bound is used); both sides themselves when that ratio is undefined (the larger side not positive) or 0 on every
    instance (a side identically 0); for an identity the relative error. A refuting instance is marked."""
    _, _, measure = _measured(claim, seed, quick)
    pts = result.evidence["points"]
    sides = []
    for i, p in enumerate(pts):
        env, n = measure(i, p.get("stages", 1))
        sides.append((formula_values(claim.left.expr, env, n), formula_values(claim.right.expr, env, n)))
    axis = {**grid_axis(claim, [p["point"] for p in pts]), "shown": list(range(len(pts)))}
    w, k = _witness(result), _refuting_index(result)
    if claim.rel == "=":
        floor = 1e-17  # an exact identity has error 0: drawn at the floor of the log scale
        err = [np.maximum(np.abs(lhs - rhs) / (1.0 + np.abs(rhs)), floor) for lhs, rhs in sides]
        mark = None if k is None else [[abs(w["lhs"] - w["rhs"]) / (1.0 + abs(w["rhs"]))]]
        return {"kind": "boxes", **axis, "mode": "error", "series": [{"label": None, "boxes": [_box(e) for e in err]}],
                "reference": max(claim.tol, floor), "reference_label": "tolerance", "log_y": True, "mark": mark,
                "mark_at": k, "ylabel": r"$|\mathrm{lhs} - \mathrm{rhs}|\, /\, (1 + |\mathrm{rhs}|)$"}
    ratios = [stats.tightness(claim.rel, lhs, rhs) for lhs, rhs in sides]
    small, big = (claim.left, claim.right) if claim.rel in ("<=", "<") else (claim.right, claim.left)
    if all(r is not None and r.any() for r in ratios):
        ylabel = quantity_tex(claim, small, True) + ("" if big.expr == 1 else f" / {quantity_tex(claim, big, True)}")
        at_k = None if k is None else (w["lhs"], w["rhs"]) if claim.rel in ("<=", "<") else (w["rhs"], w["lhs"])
        return {"kind": "boxes", **axis, "mode": "ratio",
                "series": [{"label": None, "boxes": [_box(r) for r in ratios]}], "reference": 1.0, "reference_label": "claimed bound", "log_y": False, "ylabel": ylabel,
                "mark": None if at_k is None or at_k[1] == 0 else [[at_k[0] / at_k[1]]], "mark_at": k}
    lhs_tex, rhs_tex = quantity_tex(claim, claim.left), quantity_tex(claim, claim.right)
    return {"kind": "boxes", **axis, "mode": "sides", "reference": None, "log_y": False, "ylabel": "value",
            "series": [{"label": f"{side} {tex}" if tex.startswith("$") else tex,
                        "boxes": [_box(v[j]) for v in sides]}
                       for j, (side, tex) in enumerate((("left side", lhs_tex), ("right side", rhs_tex)))],
            "mark": None if k is None else [[w["lhs"]], [w["rhs"]]], "mark_at": k}


def pp_panel(claim, result, seed, quick) -> dict:
    """A P-P plot of the first grid points against the claimed law, with the Kolmogorov-Smirnov acceptance band;
    a refuting point's curve is drawn heavier."""
    _, _, measure = _measured(claim, seed, quick)
    pts, curves, band = result.evidence["points"], [], 0.0
    grid_q = np.linspace(0, 1, PP_POINTS)
    k = _refuting_index(result)
    shown = list(range(min(len(pts), MAX_LINES)))
    if k is not None and k not in shown:
        shown[-1] = k
    for i in shown:
        p = pts[i]
        env, n = measure(i, p.get("stages", 1))
        x = np.sort(formula_values(claim.left.expr, env, n))
        u = scipy_distribution(claim.right.expr, params_of(env)).cdf(x)
        ecdf = np.searchsorted(u, grid_q, side="right") / u.size  # empirical CDF at claimed probabilities
        curves.append({"claimed": grid_q.tolist(), "empirical": ecdf.tolist()})
        band = max(band, float(scipy.stats.kstwo.ppf(1 - p["threshold"], u.size)))
    keys = _varying([p["point"] for p in pts])
    labels = [_series_label(claim, pts[i]["point"], keys) or "empirical" for i in shown]
    return {"kind": "pp", "curves": curves, "labels": labels, "band": band, "shown": shown, "points": len(pts),
            "refuting": None if k is None else shown.index(k), "xlabel": "claimed CDF", "ylabel": "empirical CDF"}


def curve_panel(claim, result, seed, quick, series, log: bool) -> dict:
    """The mean curve along the swept variable at the first grid points (the refuting one among them), with
    intervals; `series(claim, result, g, envs, batch, means)` adds a statistic's own lines (a fitted slope, a
    fitted bound, a mark); `log` draws log-log axes (when the means are positive)."""
    batch, grid, measure = _measured(claim, seed, quick)
    name, values = claim.over
    K, G = len(values), len(claim.grid)
    alpha = stats.bonferroni(result.evidence["alpha"], K * G)
    k = _refuting_index(result)
    shown = list(range(min(G, MAX_LINES)))
    if k is not None and k not in shown:
        shown[-1] = k
    keys = [key for key in _varying(list(claim.grid)) if key != name]
    lines = []
    for g in shown:
        envs = [measure(g * K + j)[0] for j in range(K)]
        samples = np.array([formula_values(claim.left.expr, env, batch) for env in envs])
        ivs = [stats.mean_interval(s, alpha) for s in samples]
        means = [iv.estimate for iv in ivs]
        lines.append({"label": _series_label(claim, claim.grid[g], keys), "mean": means, "lo": [iv.lo for iv in ivs],
                      "hi": [iv.hi for iv in ivs], "refuting": g == k,
                      **series(claim, result, g, envs, batch, means)})
    axis = numeric_axis(values, _key_mt(claim, name))
    positive = all(m > 0 for s in lines for m in s["mean"])
    return {"kind": "curve", "statistic": claim.statistic, **axis, "series": lines, "shown": shown,
            "log_x": axis["log_x"] or (log and min(axis["x"]) > 0),
            "log_y": log and positive, "ylabel": f"mean of {quantity_tex(claim, claim.left)}",
            "level": 1 - alpha * K * G}


def _worst_panel(claim, worstcases) -> dict:
    """Per grid point solved, the ratio over random directions on the SDP's instance against its worst case (a
    star; a breach of the claimed bound marked)."""
    pts = [w.evidence["point"] for w in worstcases]
    shown = [claim.grid.index(p) if p in claim.grid else i for i, p in enumerate(pts)]
    bound = claim.right.expr
    target = target_tex(claim)
    return {"kind": "worst", **grid_axis(claim, pts), "shown": shown,
            "boxes": [w.evidence["direction_ratios"] for w in worstcases],
            "worst": [w.evidence["constant"] for w in worstcases],
            "breach": [w.verdict == VIOLATED for w in worstcases],
            "bound": float(bound) if not bound.free_symbols else None,
            "bounds": [w.evidence.get("bound") for w in worstcases],
            "ylabel": _math(target, upright(claim.worstcase)),
            "directions": worstcases[0].evidence["direction_ratios"]["count"]}


# ---- drawing ---------------------------------------------------------------------------------------------
STYLE = {"font.size": 8, "axes.titlesize": 8, "axes.labelsize": 8, "legend.fontsize": 7, "xtick.labelsize": 7,
         "ytick.labelsize": 7, "lines.linewidth": 1.0, "lines.markersize": 4, "axes.linewidth": 0.6,
         "pdf.fonttype": 42, "mathtext.fontset": "cm", "font.family": "serif", "font.serif": ["cmr10"],
         "axes.formatter.use_mathtext": True, "axes.unicode_minus": True, "legend.frameon": False,
         "savefig.bbox": "tight", "savefig.pad_inches": 0.02}
INK, GREY, LIGHT = "black", "0.45", "0.82"
MARKERS = ["o", "s", "^", "D"]
DASHES = ["-", "--", ":", "-."]
PANEL_SIZE = (3.1, 2.2)  # inches per panel: two panels fill a 6.5in text block
LEGEND_ROW = 0.16  # inches per row of the legend below the panels
TEXT_WIDTH = 6.5  # inches: a figure is never wider (its tables' text shrinks to fit)
CHAR_WIDTH = 0.05  # inches per character of 7pt text, about
TABLE_ROW = 0.12  # inches per row of a table of grid values under the x axis, past the first


def render(data: dict):
    """The matplotlib Figure of `figure_data`'s panels side by side, one legend below them (call inside
    `matplotlib.rc_context(STYLE)` to keep the style)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = data["panels"]
    table = max(label.count("\n") for p in panels for label in p.get("xticklabels") or [""])  # rows under x
    height = PANEL_SIZE[1] + TABLE_ROW * table
    widths = [_panel_width(p) for p in panels]
    shrink = min(1.0, TEXT_WIDTH / sum(widths))
    fig, axes = plt.subplots(1, len(panels), figsize=(sum(widths) * shrink, height), squeeze=False,
                             layout="constrained", width_ratios=widths)
    for ax, panel in zip(axes[0], panels):
        {"intervals": _draw_intervals, "boxes": _draw_boxes, "pp": _draw_pp, "curve": _draw_curve,
         "worst": _draw_worst}[panel["kind"]](ax, panel)
        ax.set_xlabel(panel.get("xlabel") or "")
        ax.set_ylabel(panel["ylabel"])
        _log_ticks(ax, panel)
        if panel.get("xheader"):
            ax.tick_params(axis="x", labelsize=max(5.0, STYLE["xtick.labelsize"] * shrink))
        for at in panel.get("xbreaks") or []:
            _break_mark(ax, at)
    handles = {}
    for ax in axes[0]:
        for h, label in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(label, h)
    if handles:
        width = max(len(re.sub(r"\\[A-Za-z]+|[${}^_]", "", label)) for label in handles) + 6  # characters
        ncol = max(1, min(len(handles), 64 * len(panels) // width))
        rows = math.ceil(len(handles) / ncol)
        fig.set_size_inches(fig.get_size_inches()[0], height + LEGEND_ROW * rows)
        fig.legend(handles.values(), handles.keys(), loc="outside lower center", ncol=ncol, handlelength=1.8,
                   columnspacing=1.2)
    return fig


def _panel_width(p) -> float:
    """Inches a panel needs: PANEL_SIZE's, or more for a table of grid values under its x axis."""
    if not p.get("xheader"):
        return PANEL_SIZE[0]
    cell = max(len(_plain(line)) for label in p["xticklabels"] for line in label.split("\n")) + 2
    head = max(len(_plain(line)) for line in p["xheader"].split("\n"))
    return max(PANEL_SIZE[0], 0.6 + CHAR_WIDTH * (head + cell * len(p["xticklabels"])))


def draw(data: dict, path) -> None:
    """Render the panels of `figure_data` side by side to `path` (PDF, vector; or PNG by the suffix)."""
    import logging

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    logging.getLogger("fontTools").setLevel(logging.ERROR)  # font subsetting chatter about font timestamps
    with matplotlib.rc_context(STYLE):
        fig = render(data)
        if str(path).endswith(".pdf"):
            fig.savefig(path, format="pdf", metadata={"CreationDate": None, "Creator": "boundlab"})
        else:  # e.g. a PNG to show in a notebook
            fig.savefig(path, dpi=150)
        plt.close(fig)


def _x_axis(ax, p):
    """The panel's x scale and ticks: the values (∞ included) or the slots' labels it stores; several varying keys
    as a table under the axis, their names at its left."""
    from matplotlib.ticker import NullLocator

    if p.get("log_x"):
        ax.set_xscale("log")
    ticks, labels = list(p.get("xticks") or []), list(p.get("xticklabels") or [])
    if p.get("slots"):
        lo, hi = min(p["x"]) - 0.6, max(p["x"]) + 0.6
        ax.set_xlim(lo, hi)
        if p.get("xheader"):
            ticks, labels = [lo] + ticks, [p["xheader"]] + labels
    long = max((len(s) for s in labels if "\n" not in s), default=0) > 14
    ax.set_xticks(ticks, labels, rotation=25 if long else 0, ha="right" if long else "center")
    ax.xaxis.set_minor_locator(NullLocator())
    if p.get("slots") and p.get("xheader"):
        first = ax.xaxis.get_major_ticks()[0]
        first.tick1line.set_visible(False)
        first.label1.set_horizontalalignment("right")


def _break_mark(ax, at: float):
    """Two slanted strokes across the x axis at `at`: the axis jumps from the finite values to ∞."""
    from matplotlib.transforms import offset_copy

    fig = ax.figure
    base = ax.get_xaxis_transform()
    ax.plot([at], [0], marker="s", ms=5, mec="none", mfc="white", transform=base, clip_on=False, zorder=5)
    for dx in (-1.4, 1.4):
        ax.plot([at], [0], marker=[(-1, -2), (1, 2)], ms=6, mew=0.7, color=INK, clip_on=False, zorder=6,
                transform=offset_copy(base, fig, x=dx, units="points"))


def _split(x, xbreaks):
    """Indices of the points left of the first break (finite values) and the rest (past the break)."""
    x = np.asarray(x, dtype=float)
    cut = max(xbreaks) if xbreaks else np.inf
    order = np.argsort(x)
    return order[x[order] < cut], order[x[order] >= cut]


def _line(ax, x, y, xbreaks, **kw):
    """A line through the points, dotted across a break of the axis (to ∞)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    left, right = _split(x, xbreaks)
    ax.plot(x[left], y[left], **kw)
    if right.size:
        join = np.concatenate([left[-1:], right])
        ax.plot(x[join], y[join], **{**kw, "ls": ":", "label": None, "marker": None})
        ax.plot(x[right], y[right], **{**kw, "ls": "none", "label": None})


def _band(ax, x, lo, hi, xbreaks, **kw):
    x, lo, hi = (np.asarray(v, float) for v in (x, lo, hi))
    left, right = _split(x, xbreaks)
    ax.fill_between(x[left], lo[left], hi[left], **kw)
    for i in right:
        ax.errorbar([x[i]], [(lo[i] + hi[i]) / 2], yerr=[[(hi[i] - lo[i]) / 2]], fmt="none", ecolor=LIGHT, lw=3)


def _draw_intervals(ax, p):
    x = np.array(p["x"], dtype=float)
    est, lo, hi = (np.array(p[k], dtype=float) for k in ("estimate", "lo", "hi"))
    if not p.get("slots") and len(x) > 1:
        _band(ax, x, lo, hi, p.get("xbreaks"), color=LIGHT, lw=0)
        _line(ax, x, est, p.get("xbreaks"), color=INK, marker="o", label=p["legend"][0])
    else:
        ax.errorbar(x, est, yerr=[est - lo, hi - est], fmt="o", color=INK, capsize=2, label=p["legend"][0])
    if p["claimed"] is not None:
        ax.plot(x, p["claimed"], ls="none", marker="s", mfc="white", color=GREY, label=p["legend"][1])
    if p["reference"] is not None:
        ax.axhline(p["reference"], color=GREY, ls="--", label=p["legend"][1])
        if p.get("tolerance"):
            ax.axhspan(1 - p["tolerance"], 1 + p["tolerance"], color=LIGHT, alpha=0.5, lw=0,
                       label="claimed tolerance")
    if p.get("worst") is not None and (len(x) > 1 or p.get("refuting")):
        k = p["worst"]
        ax.plot(x[k], est[k], ls="none", marker="o", ms=9, mfc="none", color=INK,
                label="refutes the claim" if p.get("refuting") else "worst point")
    _x_axis(ax, p)


def _bxp(ax, boxes, x, width, **style):
    color = style.get("color", INK)
    ax.bxp([{"whislo": b["min"], "q1": b["q1"], "med": b["median"], "q3": b["q3"], "whishi": b["max"],
             "fliers": []} for b in boxes], positions=x, widths=width, showfliers=False, patch_artist=True,
           medianprops={"color": color}, boxprops={"edgecolor": color, "facecolor": style.get("face", "white")},
           whiskerprops={"color": color}, capprops={"color": color}, manage_ticks=False)


def _slots(x, log, count=1):
    """Positions and widths of `count` boxes side by side at each x (slot, linear or log axis)."""
    x = np.asarray(x, float)
    if log:
        step = np.exp(np.min(np.diff(np.sort(np.log(x))))) if len(x) > 1 else 10.0
        f = step ** (0.6 / count)
        offsets = [f ** (j - (count - 1) / 2) for j in range(count)]
        return [(x * o).tolist() for o in offsets], [(x * o * (f ** 0.4 - f ** -0.4)).tolist() for o in offsets]
    step = float(np.min(np.diff(np.sort(x)))) if len(x) > 1 else 1.0
    w = 0.6 * step / count
    return [(x + w * (j - (count - 1) / 2)).tolist() for j in range(count)], [w * 0.85] * count


def _draw_boxes(ax, p):
    series = p["series"]
    positions, widths = _slots(p["x"], p.get("log_x"), len(series))
    faces = ["white", LIGHT]
    for s, pos, w, face in zip(series, positions, widths, faces):
        _bxp(ax, s["boxes"], pos, w, face=face)
        if s["label"]:
            ax.fill_between([], [], [], facecolor=face, edgecolor=INK, lw=0.6, label=s["label"])
    if p["reference"] is not None:
        ax.axhline(p["reference"], color=GREY, ls="--", label=p["reference_label"])
    if p.get("mark"):
        k = p["mark_at"]
        ax.plot([pos[k] for pos in positions][:len(p["mark"])], [m[0] for m in p["mark"]], ls="none", marker="X",
                ms=7, mfc="white", mec=INK, mew=0.8, zorder=5, label="refuting instance")
    if p.get("log_y"):
        ax.set_yscale("log")
        values = [v for s in series for b in s["boxes"] for v in (b["min"], b["max"])] + [p["reference"]]
        ax.set_ylim(min(values) / 3, max(values) * 3)
    _x_axis(ax, p)


def _draw_pp(ax, p):
    t = np.linspace(0, 1, 2)
    ax.fill_between(t, t - p["band"], t + p["band"], color=LIGHT, lw=0, label="KS acceptance band")
    ax.plot(t, t, color=GREY, lw=0.6)
    for i, (c, label) in enumerate(zip(p["curves"], p["labels"])):
        bold = i == p.get("refuting")
        ax.plot(c["claimed"], c["empirical"], color=INK, ls=DASHES[i % 4], lw=1.8 if bold else 1.0,
                label=label + (" (refutes the claim)" if bold else ""))
    ax.set_xlim(0, 1), ax.set_ylim(0, 1)


def _draw_curve(ax, p):
    x = np.array(p["x"], float)
    breaks = p.get("xbreaks") or []
    finite = x < max(breaks) if breaks else np.ones(x.size, bool)
    for i, s in enumerate(p["series"]):
        mean, lo, hi = (np.array(s[k], float) for k in ("mean", "lo", "hi"))
        if p["log_y"]:
            lo = np.maximum(lo, mean * 1e-3)
        _band(ax, x, lo, hi, breaks, color=LIGHT, lw=0, alpha=0.8)
        label = s["label"] or "mean"
        if "fitted_slope" in s:
            label = (f"{s['label']}: " if s["label"] else "") + \
                f"slope ${s['fitted_slope']:.2f}$ (claimed ${s['claimed_slope']:.2f}$)"
        if s.get("refuting"):
            label += " (refutes the claim)"
        _line(ax, x, mean, breaks, color=INK, marker=MARKERS[i % 4], ls="-", lw=1.6 if s.get("refuting") else 1.0,
              label=label)
    for i, s in enumerate(p["series"]):  # the statistic's own lines, after every mean (and its legend entry)
        mean = np.array(s["mean"], float)
        if "fitted_bound" in s:
            _line(ax, x, s["fitted_bound"], breaks, color=GREY, ls=DASHES[(i + 1) % 4],
                  label="bound (fitted constants)" if i == 0 else None)
        if "half_bound" in s:
            _line(ax, x, s["half_bound"], breaks, color=INK, ls=":", lw=1.2,
                  label="bound (constants of the lower half)")
        if "fitted_slope" in s:
            cx, cy = s["center"]
            for slope, ls, what in ((s["fitted_slope"], "--", "fitted slope"), (s["claimed_slope"], ":",
                                                                                 "claimed slope")):
                ax.plot(x[finite], cy * (x[finite] / cx) ** slope, color=GREY, ls=ls, label=what if i == 0 else None)
        if s.get("mark"):
            j = s["mark"]
            ax.plot(x[j], mean[j], ls="none", marker="o", ms=9, mfc="none", mec=INK, mew=0.9, label=s["mark_label"])
    if p["log_y"]:
        ax.set_yscale("log")
    _x_axis(ax, p)


def _log_ticks(ax, p):
    """Labelled ticks on a log y axis: 1, 2 and 5 times powers of ten, or plain ticks when fewer than two of those
    fall in the range (under a decade); labels as plain numbers or powers of ten, never empty."""
    if not p.get("log_y"):
        return
    from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, MaxNLocator, NullFormatter

    lo, hi = ax.get_ylim()
    ticks = [t for t in LogLocator(subs=(1.0, 2.0, 5.0), numticks=99).tick_values(lo, hi) if lo <= t <= hi]
    if len(ticks) > 6:
        ticks = [t for t in ticks if abs(math.log10(t) - round(math.log10(t))) < 1e-9] or ticks
        ticks = ticks[::math.ceil(len(ticks) / 5)]
    if len(ticks) < 2:
        ticks = [t for t in MaxNLocator(4).tick_values(lo, hi) if lo <= t <= hi and t > 0]
    ax.yaxis.set_major_locator(FixedLocator(ticks))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"${_mt(_tick_tex(v))}$"))
    ax.yaxis.set_minor_formatter(NullFormatter())


def _tick_tex(v: float) -> str:
    e = math.log10(v) if v > 0 else 0.0
    if v > 0 and abs(e - round(e)) < 1e-9 and not -3 <= e <= 4:
        return f"10^{{{int(round(e))}}}"
    return number_text(float(f"{v:.3g}"), 3)


def _draw_worst(ax, p):
    x = [float(v) for v in p["x"]]
    (pos,), (w,) = _slots(x, p.get("log_x"))
    _bxp(ax, p["boxes"], pos, w)
    ax.plot(x, p["worst"], ls="none", marker="*", markersize=8, color=INK, label="worst case (SDP)")
    breach = [k for k, b in enumerate(p.get("breach") or []) if b]
    if breach:
        ax.plot([x[k] for k in breach], [p["worst"][k] for k in breach], ls="none", marker="o", ms=11, mfc="none",
                mec=INK, mew=0.9, label="breaks the claimed bound")
    if p["bound"] is not None:
        ax.axhline(p["bound"], color=GREY, ls="--", label="claimed bound")
    elif any(b is not None for b in p.get("bounds") or []):
        ax.plot(x, [b if b is not None else np.nan for b in p["bounds"]], ls="none", marker="_", ms=12, mew=1.2,
                color=GREY, label="claimed bound")
    _x_axis(ax, p)


# ---- caption ---------------------------------------------------------------------------------------------
def caption(claim: Claim, data: dict, result: dict | None = None) -> str:
    """The LaTeX caption of the claim's figure: what each panel shows, what varies along it and what is fixed (in
    the claim's notation), and, given the claim's `result` (its JSON, as in report.json), the verdict and, for a
    VIOLATED claim, what refuted it."""
    parts = []
    for p in data["panels"]:
        parts += [_what(claim, p), _where(claim, p)]
    if result is not None:
        parts.append(_verdict(claim, result if isinstance(result, dict) else result.to_json()))
    return " ".join(dict.fromkeys(s for s in parts if s))  # two panels over the same points say it once


def _what(claim, p) -> str:
    """What a panel shows, one sentence."""
    kind = p["kind"]
    if kind == "intervals":
        return ("Measured against claimed; bars are the check's confidence intervals (simultaneous level "
                f"{level_tex(p['level'])})" + (", with the claimed tolerance shaded" if p.get("tolerance") else "")
                + ("; circled, the point that refutes the claim" if p.get("refuting") else
                   "; circled, the worst point (nearest to refuting the claim)" if len(p["x"]) > 1 else "") + ".")
    if kind == "boxes":
        what = {"ratio": "of the claimed-smaller side over the larger, against the bound 1",
                "error": "of the relative error of the identity, against the tolerance (log scale)",
                "sides": "of both sides of the relation (their ratio is undefined or 0 on some instance)"}[p["mode"]]
        return f"The distribution over instances (box: quartiles; whiskers: range) {what}" + \
            ("; the cross marks the refuting instance." if p.get("mark") else ".")
    if kind == "pp":
        return ("P-P plot: empirical against claimed CDF, with the Kolmogorov-Smirnov acceptance band at the "
                "check's level" + ("; the heavy curve refutes the claim." if p.get("refuting") is not None else "."))
    if kind == "curve":
        what = {"rate": " with the fitted and the claimed log-log slope",
                "trend": ", which the claim says is " + ("non-increasing" if claim.rel == "<=" else "non-decreasing"),
                "bound": " with the bound at its smallest constants fitted on the whole range"
                         + (" and on its lower half" if any("half_bound" in s for s in p["series"]) else "")}
        return (f"The mean of ${_latex_side(claim)}${what.get(p['statistic'], '')}; bands are confidence intervals "
                f"(simultaneous level {level_tex(p['level'])} over all plotted means)"
                + "".join(f"; circled, the {s['mark_label']}" for s in p["series"] if s.get("mark")) + ".")
    return (f"Worst case: the ratio over {p['directions']} random directions on the instance the SDP solved (box: "
            "quartiles; whiskers: range), with the SDP's worst case (star)"
            + (" and the claimed bound" if p["bound"] is not None or any(b is not None for b in p.get("bounds", []))
               else "") + ("; circled, a breach of the bound." if any(p.get("breach") or []) else "."))


def _latex_side(claim) -> str:
    return formula_latex(claim.left.display, tex_names(claim))


def _where(claim, p) -> str:
    """What varies along the panel and what is fixed, in the claim's notation; how many grid points it shows."""
    def names(keys):
        return ", ".join(f"${name_tex(claim, k)}$" for k in keys)

    points = [claim.grid[i] for i in p.get("shown", range(len(claim.grid))) if i < len(claim.grid)]
    parts = []
    if p["kind"] == "curve":
        name, values = claim.over
        parts.append(f"Along ${name_tex(claim, name)}$" + (" ($\\infty$ past the break of the axis)"
                                                            if any(_number(v) == math.inf for v in values) else ""))
        keys = _varying(points)
        if keys:
            parts.append(f"one curve per value of {names(keys)}")
    elif len(points) > 1:
        keys = _varying(points)
        inf = any(p.get("xbreaks") or [])
        parts.append(f"Grid points differ in {names(keys)}" + (" ($\\infty$ past the break of the axis)"
                                                                if inf else ""))
    total = len(claim.grid)
    if len(points) < total:
        parts.append(f"{len(points)} of the {total} grid points shown"
                     + (" (the check stopped once it had decided)" if p["kind"] in ("intervals", "boxes") else ""))
    fixed = _fixed(points)
    text = "; ".join(parts)
    if fixed:
        text += ("; fixed: " if text else "Fixed: ") + ", ".join(f"${_assign(claim, k, points[0][k])}$"
                                                                   for k in fixed)
    return text + "." if text else ""


def _verdict(claim, result: dict) -> str:
    r"""`Verdict: \textsc{...}.`, for a VIOLATED claim with what refuted it."""
    verdict = result["verdict"]
    line = f"Verdict: \\textsc{{{verdict.lower()}}}" + (" (registered as false)" if result.get("expect") == VIOLATED
                                                         else "")
    if verdict == VIOLATED:
        why = _refutation(claim, _witness(result))
        line += f": {why}" if why else ""
    return line + "."


def _refutation(claim, w: dict) -> str:
    """What refuted the claim, from its witness, in the claim's notation (numbers by `number_text`)."""
    def n(x):
        x = _number(x)
        return number_text(x) if x is not None else "?"

    varying = _varying(list(claim.grid)) if claim.grid else []
    where = {k: v for k, v in w["point"].items() if k in varying} if isinstance(w.get("point"), dict) else {}
    at = (" at " + ", ".join(f"${_assign(claim, k, v)}$" for k, v in where.items())) if where else ""
    kind = w.get("kind")
    if kind == "interval":
        return (f"the measured value ${n(w['measured'])}$, in $[{n(w['interval'][0])}, {n(w['interval'][1])}]$, "
                f"excludes the claimed ${n(w['claimed'])}${at}")
    if kind == "instance":
        return (f"an instance{at} has left side ${n(w['lhs'])}$ against right side ${n(w['rhs'])}$ "
                f"({w['violations']} of {w.get('batch', '?')} instances violate the relation)")
    if kind == "no instance":
        return (f"no instance among {w['instances']} satisfies the relation; an event of probability "
                f"${n(w['detectable_rate'])}$ or more would have shown")
    if kind == "distribution":
        return (f"the Kolmogorov-Smirnov test rejects the claimed law{at} (distance ${n(w['ks_statistic'])}$, "
                f"$p = {n(w['p_value'])}$)")
    if kind == "slope":
        return (f"the fitted log-log slope ${n(w['measured_slope'])}$, in $[{n(w['interval'][0])}, "
                f"{n(w['interval'][1])}]$, lies outside the claimed ${n(w['claimed'])} \\pm {n(w['tolerance'])}$"
                f"{at}")
    if kind == "trend":
        x = name_tex(claim, claim.over[0]) if claim.over else "x"
        moves = "rises" if w["mean_to"] > w["mean_from"] else "falls"
        return (f"the mean {moves} from ${n(w['mean_from'])}$ at ${x} = {value_tex(w['from'])}$ to "
                f"${n(w['mean_to'])}$ at ${x} = {value_tex(w['to'])}${at}")
    if kind == "drift":
        c = next((name_tex(claim, p.name) for p in claim.constants if p.name == w["constant"]), w["constant"])
        return (f"the constant ${c}$ grows like ${name_tex(claim, w['over'])}^{{{n(w['drift_exponent'])}}}$ "
                f"(exponent in $[{n(w['interval'][0])}, {n(w['interval'][1])}]$, tolerance "
                f"${n(w['tolerance'])}$) as the range grows: the bound fitted on the lower half falls below the means")
    if kind == "above bound":
        return f"the mean ${n(w['measured'])}$ lies above the bound ${n(w['bound'])}${at}, where no constant enters it"
    if kind == "worst case":
        return (f"the worst-case constant ${n(w['constant'])}$ breaks the claimed bound "
                f"${REL_MATH.get(w['relation'], '')} {n(w['bound'])}${at}")
    return ""
