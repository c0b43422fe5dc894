"""`boundlab report`: a paper-ready appendix of checked claims, with figures and number macros kept in sync.

A report is built in three steps. `run` checks every claim (and solves its worst-case program at every grid point,
and checks the derivations), collecting each figure's numbers from the very measurements the verdict was decided
on. `document` turns the results into report.json, and `macros` reads the numbers quoted in the text out of that
document, each with the JSON pointer it came from. `write` then writes into the output folder:

    report.json    everything, machine-readable
    macros.tex     one \\newcommand per quoted number (worst cases, tightness, slopes, fitted constants, counts)
    preamble.tex   packages, claim environments and the macros, for a paper's preamble
    appendix.tex   the body: summary, verification tables, claim blocks with verdicts and figures (floats)
    references.bib one entry per cited source
    report.tex     a standalone document around appendix.tex
    figures/*.pdf  one vector figure per empirical claim or worst-case program

and `compile_pdf` runs pdflatex and bibtex as an author would and reads the log for errors, overfull boxes and
undefined references.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from boundlab.theory.latex import (LINE_CHARS, MARK_LEGEND, NARROW_CHARS, claim_latex, derivation_latex, document_setup, environments,
                                   escape_text, macro_name, number_text, text_latex, tt)
from boundlab.theory.statistic import get_statistic

from . import installed_version
from .render import brief
from .stats import DEFAULT_ALPHA
from .verdict import CERTIFIED, ERROR, PROVED, VIOLATED, Result, strict_json

FORMAT = 1
PROVENANCE_SHORT = {"stated": "stated", "reconstructed": "recon.", "derived": "derived", "classical": "classical"}


class ReportError(Exception):
    """The output folder cannot be used; nothing has been run yet."""


@dataclass
class Entry:
    """One claim of the report: its result, its worst cases (one per grid point) and its figure's numbers."""
    claim: object
    result: Result
    worstcases: list = field(default_factory=list)
    figure: dict | None = None


# ---- running ---------------------------------------------------------------------------------------------
def prepare_folder(folder) -> Path:
    """Create the output folder (and figures/) and prove it writable by writing a file, before anything runs."""
    path = Path(folder)
    if path.exists() and not path.is_dir():
        raise ReportError(f"{folder}: cannot write the report: a file of that name is in the way")
    try:
        (path / "figures").mkdir(parents=True, exist_ok=True)
        probe = path / ".boundlab-write-test"
        probe.write_text("")
        probe.unlink()
    except (FileExistsError, NotADirectoryError):
        raise ReportError(f"{folder}: cannot write the report: a part of the path is a file, not a folder") from None
    except OSError as exc:
        raise ReportError(f"{folder}: cannot write the report: {exc.strerror}") from None
    return path


def run(claims, derivations=(), registry=None, seed: int = 0, quick: bool = False, progress=None,
        seconds: float | None = None):
    """Check every claim, with its worst cases and figure numbers; then the derivations. `progress(line)` is
    called with one line per finished item."""
    from .check import check
    from .measure import reuse_measurements
    from .derive import check_derivation
    from .figures import figure_data
    from .worstcase import DIRECTIONS, run_worst_cases

    entries = []
    for i, claim in enumerate(claims):
        start = time.perf_counter()
        with reuse_measurements():  # the figure reads the check's own measurements, not new ones
            result = check(claim, seed=seed, quick=quick, seconds=seconds)
            worst = run_worst_cases(claim, seed, directions=DIRECTIONS) if claim.worstcase else []  # check's own
            try:
                data = figure_data(claim, result, seed, quick, worst)
            except Exception as exc:  # a figure that cannot be drawn must not cost the report
                data = {"error": f"{type(exc).__name__}: {exc}"}
        entries.append(Entry(claim, result, worst, data))
        if progress:
            extra = f", worst case at {len(worst)} point(s)" if worst else ""
            progress(f"[{i + 1}/{len(claims)}] {claim.id}: {result.verdict}{extra} "
                     f"({time.perf_counter() - start:.1f}s)")
    derived = []
    for d in derivations:
        res = check_derivation(d, registry, seed=seed, seconds=seconds)
        derived.append((d, res))
        if progress:
            progress(f"[derivation] {d.id}: {res.verdict} ({res.seconds:.1f}s)")
    return entries, derived


# ---- the JSON document and its macros --------------------------------------------------------------------
def section_key(item_id: str) -> str:
    return item_id.split(".")[0]


def figure_file(claim_id: str) -> str:
    """The figure's file name: letters, digits and dashes only (graphicx misreads extra dots)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", claim_id) + ".pdf"


def document(entries, derived, seed: int, quick: bool, command: str = "") -> dict:
    """Everything in the report, as JSON: results, worst cases, figure numbers, summary, macros."""
    ver = installed_version()
    claims = []
    for e in entries:
        c = e.claim
        has_figure = bool(e.figure and "panels" in e.figure)
        claims.append({"id": c.id, "title": c.title, "section": section_key(c.id), "kind": c.kind,
                       "statistic": c.statistic, "statement": c.statement_text(),
                       "provenance": c.provenance.to_json(), "provenance_label": c.provenance.label(),
                       "result": e.result.to_json(), "worstcase": [w.to_json() for w in e.worstcases],
                       "figure": f"figures/{figure_file(c.id)}" if has_figure else None,
                       "figure_data": strict_json(e.figure)})
    derivations = [{"id": d.id, "title": d.title, "section": section_key(d.id),
                    "provenance": d.provenance.to_json(), "provenance_label": d.provenance.label(),
                    "result": r.to_json()} for d, r in derived]
    results = [e.result for e in entries]
    summary = {"claims": len(results), "as_expected": sum(r.as_expected for r in results),
               **{v.lower(): sum(r.verdict == v for r in results)
                  for v in ("PROVED", "CONSISTENT", "INCONCLUSIVE", "VIOLATED", "ERROR")},
               "known_false": sum(r.expect == VIOLATED for r in results),
               "worstcase_programs": sum(len(e.worstcases) for e in entries),
               "worstcase_certified": sum(w.verdict == CERTIFIED for e in entries for w in e.worstcases),
               "derivations": len(derived), "derivations_proved": sum(r.verdict == PROVED for _, r in derived)}
    doc = {"format": FORMAT, "boundlab": ver, "seed": seed, "budget": "quick" if quick else "full",
           "command": command, "summary": summary, "claims": claims, "derivations": derivations}
    doc["macros"] = macros(doc)
    return doc


def pointer(doc, path: str):
    """The value at JSON pointer `path` (RFC 6901) in `doc`."""
    node = doc
    for part in path.lstrip("/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _letters(i: int) -> str:
    """A, B, ..., Z, AA, AB, ...: grid point `i` in a macro name (which may not hold digits)."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


_SUMMARY_MACROS = {"claims": "Claims", "as_expected": "ClaimsAsExpected", "proved": "ClaimsProved",
                   "consistent": "ClaimsConsistent", "inconclusive": "ClaimsInconclusive",
                   "violated": "ClaimsViolated", "error": "ClaimsError", "known_false": "ClaimsKnownFalse",
                   "worstcase_programs": "WorstCasePrograms", "worstcase_certified": "WorstCaseCertified",
                   "derivations": "Derivations", "derivations_proved": "DerivationsProved"}


def macros(doc: dict) -> dict:
    """Every number quoted in the report's text, by macro name: value, text, the JSON pointer into `doc` it
    comes from, the claim and what it is."""
    out = {}

    def add(claim_id, what, path, description):
        value = pointer(doc, path)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            return
        name = macro_name(claim_id, what) if claim_id else "bl" + what
        if name in out and out[name]["source"] != path:
            raise ValueError(f"two numbers would get the macro \\{name}: {out[name]['source']} and {path}; rename "
                             f"one of the claims {out[name]['claim']} and {claim_id}")
        out[name] = {"value": value, "text": number_text(value), "source": path, "claim": claim_id,
                     "key": what, "what": description}

    for key, what in _SUMMARY_MACROS.items():
        add(None, what, f"/summary/{key}", f"number of {key.replace('_', ' ')}")
    for i, c in enumerate(doc["claims"]):
        cid, base, ev = c["id"], f"/claims/{i}", c["result"]["evidence"]
        if isinstance(ev.get("tightness"), dict):
            add(cid, "TightnessMin", f"{base}/result/evidence/tightness/min", "smallest ratio of the claimed-smaller "
                "side over the larger, over all instances")
            add(cid, "TightnessMax", f"{base}/result/evidence/tightness/max", "largest such ratio")
        certified = [(j, w) for j, w in enumerate(c["worstcase"]) if w["verdict"] == CERTIFIED]
        if certified:
            j, _ = max(certified, key=lambda t: t[1]["evidence"]["constant"])
            add(cid, "WorstCase", f"{base}/worstcase/{j}/evidence/constant", "largest worst-case constant (SDP) "
                "over the grid points")
            if len(c["worstcase"]) > 1:
                for j, _ in certified:
                    add(cid, f"WorstCasePoint{_letters(j)}", f"{base}/worstcase/{j}/evidence/constant",
                        f"worst-case constant (SDP) at grid point {j + 1}")
        if "detectable_relative" in ev:
            add(cid, "DetectableRelative", f"{base}/result/evidence/detectable_relative",
                "the smallest error the check detects, relative (power; the largest over the grid points)")
        if c["result"]["verdict"] != ERROR:
            for what, path, description in get_statistic(c["statistic"]).numbers(ev):
                add(cid, what, f"{base}/result/evidence{path}", description)
    return out


def macros_tex(doc: dict) -> str:
    lines = [f"% Numbers from boundlab report ({doc['command'] or 'boundlab report'}); seed {doc['seed']}, "
             f"{doc['budget']} budget. Generated: edit the claims, not this file.",
             "% Each macro: its value in report.json at the JSON pointer in the comment."]
    for name, m in doc["macros"].items():
        lines.append(f"\\newcommand{{\\{name}}}{{{m['text']}}}  % {m['source']}: {m['what']}")
    return "\n".join(lines) + "\n"


# ---- LaTeX -----------------------------------------------------------------------------------------------
def _verdict_tex(result: dict) -> str:
    mark = r"$^\ast$" if result["expect"] == VIOLATED else ""
    warn = "" if result["as_expected"] else r" \textbf{(not as expected)}"
    return rf"\textsc{{{result['verdict'].lower()}}}{mark}{warn}"


def _method_short(entry: dict) -> str:
    result = entry["result"]
    if result["verdict"] == ERROR:
        return "malformed input" if result["method"] == "input check" else "internal error"
    return get_statistic(entry["statistic"]).method_cell(result)


def _numbers_cell(i: int, entry: dict, names: dict) -> str:
    """The key numbers of claim `i` for the table, written with its macros."""
    def m(what):
        return "\\" + names[(i, what)] + "{}" if (i, what) in names else None
    parts = []
    if m("TightnessMin") and m("TightnessMax"):
        parts.append(f"tightness {m('TightnessMin')}--{m('TightnessMax')}")
    if m("WorstCase"):
        parts.append(f"worst case {m('WorstCase')}")
    if m("Measured"):
        parts.append(f"{m('Measured')} vs {m('Claimed')}")
    if m("KsPValue"):
        parts.append(f"min.\\ $p$ {m('KsPValue')}")
    if m("Slope"):
        parts.append(f"slope {m('Slope')} vs {m('ClaimedSlope')}")
    if m("MeanFirst"):
        parts.append(f"mean {m('MeanFirst')} $\\to$ {m('MeanLast')}")
    consts = [(w, n) for (j, w), n in names.items() if j == i and w.startswith("Constant_")]
    if consts:
        parts.append(", ".join(f"{escape_text(w[9:])}~\\{n}{{}}" for w, n in consts))
    return "; ".join(parts) or "--"


@dataclass(frozen=True)
class Layout:
    """How the appendix is typeset: for a one- or two-column paper; in `summary` form only the claims in `detail`
    (and any not as expected) get their full block, every claim keeps its row in the tables."""
    columns: int = 1
    summary: bool = False
    detail: frozenset = frozenset()

    def __post_init__(self):
        if self.columns not in (1, 2):
            raise ReportError(f"--columns must be 1 or 2, not {self.columns}")

    def in_full(self, item: dict) -> bool:
        return not self.summary or item["id"] in self.detail or not item["result"]["as_expected"]


#: Column specs of the verification tables, by number of columns of the paper.
_TABLE = {1: (r"@{}r>{\raggedright\arraybackslash}p{0.3\linewidth}>{\raggedright\arraybackslash}p{0.09\linewidth}"
              r">{\raggedright\arraybackslash}p{0.13\linewidth}>{\raggedright\arraybackslash}p{0.16\linewidth}"
              r">{\raggedright\arraybackslash}p{0.2\linewidth}@{}",
              r"No. & Claim & Source & Verdict & Method & Key numbers \\"),
          2: (r"@{}r>{\raggedright\arraybackslash}p{0.3\linewidth}>{\raggedright\arraybackslash}p{0.2\linewidth}"
              r">{\raggedright\arraybackslash}p{0.33\linewidth}@{}",
              r"No. & Claim & Verdict & Key numbers \\")}


def _table(rows: list[tuple], caption: str, label: str, columns: int) -> list[str]:
    """A verification table that breaks across pages (longtable; supertabular in a two-column paper, where
    longtable cannot run). Rows are (number, claim, source, verdict, method, key numbers) cells."""
    spec, head = _TABLE[columns]
    cells = [r if columns == 1 else (r[0], r[1], r[3], r[5]) for r in rows]
    body = [" & ".join(c) + r" \\" for c in cells]
    if columns == 1:
        return [r"{\footnotesize\setlength{\tabcolsep}{2.5pt}", rf"\begin{{longtable}}{{{spec}}}",
                rf"\caption{{{caption}}}\label{{{label}}}\\", r"\toprule", head, r"\midrule", r"\endfirsthead",
                r"\toprule", head, r"\midrule", r"\endhead", r"\bottomrule", r"\endlastfoot", *body,
                r"\end{longtable}}"]
    return [r"{\footnotesize\setlength{\tabcolsep}{2pt}", rf"\topcaption{{{caption}}}\label{{{label}}}",
            rf"\tablefirsthead{{\toprule {head} \midrule}}", rf"\tablehead{{\toprule {head} \midrule}}",
            r"\tabletail{\bottomrule}", r"\tablelasttail{\bottomrule}", rf"\begin{{supertabular}}{{{spec}}}",
            *body, r"\end{supertabular}}", r"\par"]


def _label(kind: str, item_id: str) -> str:
    return f"{kind}:{item_id.replace('.', ':')}"


def _short_id(item_id: str, key: str) -> str:
    """The id without its section's key (the table's caption names it)."""
    return item_id[len(key) + 1:] if item_id.startswith(key + ".") else item_id


def _settings(objects: list, most: int = 3) -> list[list[str]]:
    """Hypothesis lists to typeset once each, as a section's settings A, B, ...: greedily, the list (one item's, or
    the common part of two neighbours') that saves the most repetition among the items not yet placed, shared by
    at least two of them. An item refers to the first setting whose hypotheses it all makes; the others keep
    their own full list, so no claim is shown with a hypothesis it does not make."""
    from boundlab.theory.latex import hypothesis_items

    lists = [hypothesis_items(o) for o in objects]
    settings, left = [], list(range(len(lists)))
    while left and len(settings) < most:
        mine = [lists[i] for i in left]
        candidates = mine + [[it for it in a if it in b] for a, b in zip(mine, mine[1:])]
        best, saved = None, 1  # a setting must save at least two repeated items
        for cand in candidates:
            users = sum(set(cand) <= set(other) for other in mine)
            if cand and users >= 2 and len(cand) * (users - 1) > saved:
                best, saved = cand, len(cand) * (users - 1)
        if best is None:
            break
        settings.append(best)
        left = [i for i in left if not set(best) <= set(lists[i])]
    return settings


def _setting_of(obj, settings: list[list[str]]) -> tuple[list[str], str]:
    """(the hypotheses `obj` takes from a setting, the setting's name): the first setting it makes all of."""
    from boundlab.theory.latex import hypothesis_items

    items = set(hypothesis_items(obj))
    for k, setting in enumerate(settings):
        if set(setting) <= items:
            return setting, f"setting~{chr(65 + k)}" if len(settings) > 1 else "this section's setting"
    return [], ""


def appendix_tex(doc: dict, claims: dict, derivations: dict, layout: Layout = Layout()) -> str:
    """The \\input-able body. `claims` and `derivations` map ids to the objects (for their LaTeX blocks)."""
    s = doc["summary"]
    index = {c["id"]: i for i, c in enumerate(doc["claims"])}
    names = {(index[m["claim"]], m["key"]): name for name, m in doc["macros"].items() if m["claim"] is not None}
    budget = "quick (half of each claim's simulation budget)" if doc["budget"] == "quick" else "full"
    narrow = layout.columns == 2
    lines = [f"% Generated by boundlab {doc['boundlab']} ({doc['command'] or 'boundlab report'}). Regenerate, do "
             "not edit.",
             r"\begingroup\setlength{\emergencystretch}{3em}% ids and scenario names cannot be hyphenated",
             *([] if narrow else [r"\makeatletter\if@twocolumn\onecolumn\fi\makeatother% typeset for one column "
                                  r"(boundlab report --columns 2 for two)"]),
             r"\section{Machine-checked claims}\label{sec:boundlab}",
             rf"This appendix was generated by boundlab {escape_text(doc['boundlab'])} with seed {doc['seed']} and "
             rf"the {budget} simulation budget. Of \blClaims{{}} claims, \blClaimsAsExpected{{}} came out as "
             rf"expected: \blClaimsProved{{}} are proved, \blClaimsConsistent{{}} are consistent with simulation or "
             r"a counterexample search (not proved), and \blClaimsKnownFalse{} are registered as false "
             r"(marked $^\ast$ and typeset as refuted claims), which the checker is expected to refute. "
             + (r"\blWorstCaseCertified{} of \blWorstCasePrograms{} worst-case programs are certified "
                r"(an SDP solved, agreeing with its eigenvalue form, its maximiser replayed). "
                if s["worstcase_programs"] else "")
             + (r"\blDerivationsProved{} of \blDerivations{} derivations are proved step by step (marks: "
                + MARK_LEGEND + "). " if s["derivations"] else "")
             + (r"\textbf{Not as expected:} " + ", ".join(tt(c["id"]) for c in doc["claims"]
                                                         if not c["result"]["as_expected"]) + "."
                if s["as_expected"] < s["claims"] else ""),
             "",
             r"Each claim names its source in brackets. A \emph{reconstructed} claim is our reading of a paper's "
             r"result and a \emph{derived} one is our own derivation in its setting: neither is the paper's own "
             r"theorem. Verdicts: \textsc{proved} (exact symbolic or interval proof), \textsc{consistent} "
             r"(no counterexample, or no significant deviation at the family-wise error rate "
             rf"${number_text(DEFAULT_ALPHA)}$ per claim; not a proof), "
             r"\textsc{violated} (refuted, with a replayable witness), \textsc{inconclusive} (too few samples to "
             r"decide), \textsc{error} (the claim or its input is malformed). In the tables, the source is stated, "
             r"recon.\ (reconstructed), derived or classical; $^\ast$ marks a claim registered as false; the key "
             r"numbers are the macros of \texttt{macros.tex}, which a paper's text may quote."
             + (" Only some claims are given in full; the tables list every one." if layout.summary else ""), ""]
    for key in dict.fromkeys([c["section"] for c in doc["claims"]] + [d["section"] for d in doc["derivations"]]):
        members = [c for c in doc["claims"] if c["section"] == key]
        derivs = [d for d in doc["derivations"] if d["section"] == key]
        title = _section_title(key, members + derivs)
        lines += [rf"\subsection{{{text_latex(title)}}}\label{{sec:boundlab:{key}}}", ""]
        rows = []
        for c in members:
            number = rf"\ref{{{_label('claim', c['id'])}}}" if layout.in_full(c) else ""
            rows.append((number, tt(_short_id(c["id"], key)), PROVENANCE_SHORT[c["provenance"]["kind"]],
                         _verdict_tex(c["result"]), escape_text(_method_short(c)),
                         _numbers_cell(index[c["id"]], c, names)))
        for d in derivs:
            steps = d["result"]["evidence"].get("steps", [])
            proved = sum(st["verdict"] == PROVED for st in steps)
            number = rf"\ref{{{_label('derivation', d['id'])}}}" if layout.in_full(d) else ""
            rows.append((number, tt(_short_id(d["id"], key)), PROVENANCE_SHORT[d["provenance"]["kind"]],
                         _verdict_tex(d["result"]), "derivation", f"{proved} of {len(steps)} steps proved"))
        prefix = rf" (ids after {tt(key + '.')})" if any(c["id"].startswith(key + ".") for c in members + derivs) \
            else ""
        lines += _table(rows, rf"Verification of the claims of this section{prefix}.", f"tab:boundlab:{key}",
                        layout.columns) + [""]
        full = [c for c in members if layout.in_full(c)]
        full_derivs = [d for d in derivs if layout.in_full(d)]
        settings = _settings([claims[c["id"]] for c in full] + [derivations[d["id"]] for d in full_derivs])
        for k, setting in enumerate(settings):
            name = f"Setting {chr(65 + k)}" if len(settings) > 1 else "Setting"
            lines += [rf"\paragraph{{{name}.}} Where a claim or derivation below says ``in "
                      + ("this section's setting" if len(settings) == 1 else f"setting~{chr(65 + k)}")
                      + "'', it assumes", r"\begin{itemize}", *[rf"  \item {it}" for it in setting],
                      r"\end{itemize}", ""]
        for c in full:
            omit, setting = _setting_of(claims[c["id"]], settings)
            lines += [claim_latex(claims[c["id"]], omit=omit, cite=True, setting=setting,
                                  line_chars=NARROW_CHARS if narrow else LINE_CHARS), _verification(c), ""]
            if c["figure"]:
                lines += [_figure(c, claims[c["id"]], layout), ""]
        for d in full_derivs:
            verdicts = [st["verdict"] for st in d["result"]["evidence"].get("steps", [])] or None
            omit, setting = _setting_of(derivations[d["id"]], settings)
            lines += [derivation_latex(derivations[d["id"]], verdicts, omit=omit, cite=True, narrow=narrow,
                                       setting=setting, legend=False), _verification(d), ""]
    return "\n".join(lines + [r"\endgroup"]) + "\n"


def _section_title(key: str, items: list) -> str:
    if key == "classical":
        return "Classical results used as ground truth"
    for it in items:
        if it["provenance"]["paper"] == key:
            return it["provenance"]["citation"]
    return key


def _verification(item: dict) -> str:
    r = item["result"]
    expected = "as expected" if r["as_expected"] else r"\textbf{not as expected}"
    figure = rf" (\figurename~\ref{{{_label('fig', item['id'])}}})" if item.get("figure") else ""
    return (rf"\par\noindent\textit{{Verification{figure}.}} {_verdict_tex(r)}, {expected}. "
            + _verification_text(r) + r"\par")


def _verification_text(r: dict) -> str:
    """The method and one-line finding of a result, as LaTeX (the method is not said twice)."""
    from .render import brief_latex

    result = Result.from_json(r)
    method, line = r["method"].rstrip("."), brief(result).rstrip(".")
    if line.startswith(method):
        return brief_latex(result).rstrip(".") + "."
    return f"{text_latex(method)}. " + (brief_latex(result).rstrip(".") + "." if line else "")


def _figure(item: dict, claim, layout: Layout) -> str:
    """The claim's figure as a float at its natural size (its text then matches every other figure's), shrunk to
    the line when wider; in a two-column paper a figure wider than the column spans both columns. No `h`
    placement: an `h` float after a longtable on the same page was seen to overflow it ("Overfull \\vbox ... while
    \\output is active", the whole catalogue at the full budget), so figures go to the top or bottom of a page."""
    from .figures import caption

    panels = len(item["figure_data"]["panels"])
    env = "figure*" if layout.columns == 2 and panels > 1 else "figure"
    return "\n".join([rf"\begin{{{env}}}[!tbp]", r"\centering",
                      rf"\blgraphic{{\blreportdir figures/{figure_file(item['id'])}}}",
                      rf"\caption{{{caption(claim, item['figure_data'], item['result'])}}}"
                      rf"\label{{{_label('fig', item['id'])}}}", rf"\end{{{env}}}"])


def preamble_tex(layout: Layout = Layout()) -> str:
    """For a paper's preamble: packages (each only if absent, no options that could clash), the claim environments,
    the report's folder as `\\blreportdir` (found from this file's own path, so the folder may live anywhere; a
    paper may define `\\blreportdir` itself first), citations and the number macros. The paper's own
    `\\graphicspath` is left alone: figures are included through `\\blreportdir`."""
    table = "longtable" if layout.columns == 1 else "supertabular"
    return "\n".join([
        "% boundlab report: \\input this file in your paper's preamble (it loads packages, the claim environments",
        "% and the number macros), then \\input the appendix where it goes, and add references.bib to your",
        "% \\bibliography. Paths are relative to this file's folder, \\blreportdir.",
        r"\makeatletter",
        r"\ifdefined\blreportdir\else",
        r"  \ifdefined\CurrentFilePath\edef\blreportdir{\CurrentFilePath}\else\def\blreportdir{}\fi",
        r"  \ifx\blreportdir\@empty\else\edef\blreportdir{\blreportdir/}\fi",
        r"\fi",
        r"\makeatother",
        environments(),
        rf"\RequirePackage{{graphicx}}\RequirePackage{{array}}\RequirePackage{{{table}}}",
        r"\makeatletter",
        r"% T1 fonts (so < and > print as themselves) where safe: the paper still has the default fonts and encoding",
        r"\edef\bl@enc{\encodingdefault}\def\bl@OT{OT1}\edef\bl@rm{\rmdefault}\def\bl@cmr{cmr}",
        r"\ifx\bl@enc\bl@OT\ifx\bl@rm\bl@cmr\IfFileExists{lmodern.sty}{\RequirePackage[T1]{fontenc}"
        r"\RequirePackage{lmodern}}{}\fi\fi",
        r"\AtBeginDocument{\@ifpackageloaded{natbib}{\renewcommand\blcite[2]{\citet{#1}}}"
        r"{\renewcommand\blcite[2]{#2 \cite{#1}}}}",
        r"% \blgraphic{file}: a figure at its natural size, or shrunk to the line when wider",
        r"\providecommand\blgraphic[1]{\setbox\z@\hbox{\includegraphics{#1}}\ifdim\wd\z@>\linewidth"
        r"\includegraphics[width=\linewidth]{#1}\else\box\z@\fi}",
        r"\makeatother",
        r"\input{\blreportdir macros.tex}",
    ]) + "\n"


def report_tex(doc: dict, layout: Layout = Layout()) -> str:
    cited = any(c["provenance"].get("title") or re.search(r"\(\d{4}\)", c["provenance"]["citation"])
                for c in doc["claims"] + doc["derivations"])
    return "\n".join([
        r"\documentclass" + ("[twocolumn]" if layout.columns == 2 else "") + "{article}",
        r"\input{preamble.tex}",
        document_setup(),
        r"\title{Verification report}",
        rf"\author{{boundlab {escape_text(doc['boundlab'])}}}",
        rf"\date{{Seed {doc['seed']}, {doc['budget']} budget}}",
        r"\begin{document}",
        r"\maketitle",
        r"\input{appendix.tex}",
        *([r"\bibliographystyle{plain}", r"\bibliography{references}"] if cited else []),
        r"\end{document}",
    ]) + "\n"


def bib(claims, derivations) -> str:
    """references.bib: one entry per cited source of the claims and derivations."""
    entries = {}
    for item in [*claims, *derivations]:
        entry = item.provenance.bibtex()
        if entry:
            entries.setdefault(item.provenance.cite_key(), entry)
    return "% Sources of the claims in boundlab's report. Generated: edit the claims' provenance, not this file.\n\n" \
        + "\n\n".join(entries.values()) + "\n"


# ---- writing and compiling -------------------------------------------------------------------------------
def write(folder: Path, doc: dict, entries, derived, layout: Layout = Layout()) -> list[str]:
    """Write the figures and every file of the report into `folder`; return the files written. A figure that
    cannot be drawn is reported in report.json and left out, never costing the rest."""
    from .figures import draw

    written = []
    for c, e in zip(doc["claims"], entries):
        if c["figure"]:
            try:
                draw(e.figure, folder / c["figure"])
                written.append(c["figure"])
            except Exception as exc:
                c["figure"], c["figure_error"] = None, f"{type(exc).__name__}: {exc}"
    written += write_latex(folder, doc, [e.claim for e in entries], [d for d, _ in derived], layout)
    write_json(folder, doc)
    return written + ["report.json"]


def write_latex(folder: Path, doc: dict, claims, derivations, layout: Layout = Layout()) -> list[str]:
    """Write the LaTeX files and references.bib of `doc` (whose claims and derivations are the objects given)."""
    by_id = {c.id: c for c in claims}
    derivs = {d.id: d for d in derivations}
    files = {"macros.tex": macros_tex(doc), "preamble.tex": preamble_tex(layout),
             "appendix.tex": appendix_tex(doc, by_id, derivs, layout), "report.tex": report_tex(doc, layout),
             "references.bib": bib(claims, derivations)}
    for name, text in files.items():
        (folder / name).write_text(text)
    return list(files)


def write_json(folder: Path, doc: dict) -> None:
    (folder / "report.json").write_text(json.dumps(strict_json(doc), indent=1) + "\n")


COMPILE_HINT = ("cd {folder} && pdflatex report.tex && pdflatex report.tex   (pdflatex: Debian/Ubuntu `apt-get "
                "install --no-install-recommends texlive-latex-base texlive-latex-recommended lmodern`; or upload "
                "the folder to Overleaf)")


def compile_pdf(folder: Path, main: str = "report.tex") -> dict:
    """Compile `main` in `folder` as an author would (pdflatex; bibtex when it cites; pdflatex twice more for the
    references) and read its log: errors, overfull boxes, undefined references or citations. Without pdflatex,
    says how to compile later."""
    engine = shutil.which("pdflatex")
    if engine is None:
        return {"engine": None, "compiled": False,
                "message": "pdflatex not found: the .tex files are written; compile with: "
                           + COMPILE_HINT.format(folder=folder)}
    stem = Path(main).stem

    def latex():
        return subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", main], cwd=folder,
                              capture_output=True, text=True, errors="replace", timeout=900)

    proc = latex()
    aux = Path(folder) / f"{stem}.aux"
    cites = aux.exists() and "\\bibdata" in aux.read_text(errors="replace")
    if proc.returncode == 0 and cites and shutil.which("bibtex"):
        subprocess.run(["bibtex", stem], cwd=folder, capture_output=True, text=True, errors="replace", timeout=300)
    for _ in range(2):
        if proc.returncode:
            break
        proc = latex()
    log_path = Path(folder) / f"{stem}.log"
    log = log_path.read_text(errors="replace") if log_path.exists() else proc.stdout
    lines = log.splitlines()
    errors = [ln for ln in lines if ln.startswith("! ")]
    overfull = [ln for ln in lines if ln.startswith("Overfull \\")]
    undefined = [ln for ln in lines if "undefined" in ln and ln.startswith("LaTeX Warning")]
    pages = re.search(rf"Output written on {re.escape(stem)}\.pdf \((\d+) page", log)
    ok = proc.returncode == 0 and not errors and (Path(folder) / f"{stem}.pdf").exists()
    out = {"engine": engine, "compiled": ok, "errors": errors, "overfull": overfull, "undefined": undefined,
           "pages": int(pages.group(1)) if pages else None}
    if not ok:
        out["message"] = (f"pdflatex failed on {folder}/{main}: {errors[0] if errors else 'see ' + stem + '.log'}"
                          f"; the .tex files are kept (see {folder}/{stem}.log)")
    return out


def build(claims, derivations, registry, folder, seed: int = 0, quick: bool = False, command: str = "",
          progress=None, seconds: float | None = None, layout: Layout = Layout(),
          runner=run) -> tuple[dict, list[Result]]:
    """The whole report: check (each claim within `seconds` of CPU time; `runner` does as `run`, e.g. on a cluster),
    write, compile. Returns the JSON document (with its `latex` outcome) and the claims' results."""
    path = prepare_folder(folder)
    entries, derived = runner(claims, derivations, registry, seed, quick, progress, seconds)
    doc = document(entries, derived, seed, quick, command)
    if progress:
        progress(f"writing {path}/: figures, LaTeX, report.json")
    doc["layout"] = {"columns": layout.columns, "summary": layout.summary, "detail": sorted(layout.detail)}
    doc["files"] = write(path, doc, entries, derived, layout)
    if progress:
        progress("compiling report.tex with pdflatex")
    doc["latex"] = compile_pdf(path)
    if doc["latex"]["compiled"]:
        doc["files"].append("report.pdf")
    write_json(path, doc)
    return doc, [e.result for e in entries]
