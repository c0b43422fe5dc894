"""`boundlab report`: a paper-ready appendix of checked claims, with figures and number macros kept in sync.

A report is built in three steps. `run` checks every claim (and solves its worst-case program at every grid point,
and checks the derivations), collecting each figure's numbers from the very measurements the verdict was decided
on. `document` turns the results into report.json, and `macros` reads the numbers quoted in the text out of that
document, each with the JSON pointer it came from. `write` then writes into the output folder:

    report.json    everything, machine-readable
    macros.tex     one \\newcommand per quoted number (worst cases, tightness, slopes, fitted constants, counts)
    preamble.tex   packages, claim environments and the macros, for a paper's preamble
    appendix.tex   the body: summary, verification tables, claim blocks with verdicts and figures
    report.tex     a standalone document around appendix.tex
    figures/*.pdf  one vector figure per empirical claim or worst-case program

and `compile_pdf` runs pdflatex (twice, for references) and reads its log for errors and overfull boxes.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from boundlab.theory.latex import (claim_latex, derivation_latex, document_setup, environments, escape_text, macro_name,
                          number_text, text_latex, tt)
from boundlab.theory.statistic import get_statistic

from .render import brief
from .stats import DEFAULT_ALPHA
from .verdict import CERTIFIED, ERROR, PROVED, VIOLATED, Result, strict_json

FORMAT = 1
TABLE_ROWS = 26  # rows per verification table (a table never breaks across pages; long ones are split)
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
    from importlib.metadata import PackageNotFoundError, version

    try:
        ver = version("boundlab")
    except PackageNotFoundError:
        ver = "unknown"
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
def _breakable(text: str) -> str:
    """Escaped text that may break after underscores and slashes (scenario names, JSON points)."""
    return escape_text(text).replace(r"\_", r"\_\allowbreak{}").replace("/", r"/\allowbreak{}")


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


def _table(rows: list[str]) -> list[str]:
    head = [r"\begin{center}\footnotesize\setlength{\tabcolsep}{2.5pt}",
            r"\begin{tabular}{@{}r>{\raggedright\arraybackslash}p{0.27\linewidth}"
            r">{\raggedright\arraybackslash}p{0.09\linewidth}>{\raggedright\arraybackslash}p{0.15\linewidth}"
            r">{\raggedright\arraybackslash}p{0.18\linewidth}>{\raggedright\arraybackslash}p{0.2\linewidth}@{}}",
            r"\toprule", r"No. & Id & Source & Verdict & Method & Key numbers \\", r"\midrule"]
    out = []
    for start in range(0, len(rows), TABLE_ROWS):
        out += head + rows[start:start + TABLE_ROWS] + [r"\bottomrule", r"\end{tabular}", r"\end{center}"]
    return out


def _label(kind: str, item_id: str) -> str:
    return f"{kind}:{item_id.replace('.', ':')}"


def appendix_tex(doc: dict, claims: dict, derivations: dict) -> str:
    """The \\input-able body. `claims` and `derivations` map ids to the objects (for their LaTeX blocks)."""
    s = doc["summary"]
    index = {c["id"]: i for i, c in enumerate(doc["claims"])}
    names = {(index[m["claim"]], m["key"]): name for name, m in doc["macros"].items() if m["claim"] is not None}
    budget = "quick (half of each claim's simulation budget)" if doc["budget"] == "quick" else "full"
    lines = [f"% Generated by boundlab {doc['boundlab']} ({doc['command'] or 'boundlab report'}). Regenerate, do "
             "not edit.",
             r"\begingroup\setlength{\emergencystretch}{3em}% ids and scenario names cannot be hyphenated",
             r"\section{Machine-checked claims}\label{sec:boundlab}",
             rf"This appendix was generated by boundlab {escape_text(doc['boundlab'])} with seed {doc['seed']} and "
             rf"the {budget} simulation budget. Of \blClaims{{}} claims, \blClaimsAsExpected{{}} came out as "
             rf"expected: \blClaimsProved{{}} are proved, \blClaimsConsistent{{}} are consistent with simulation or "
             r"a counterexample search (not proved), and \blClaimsKnownFalse{} are registered as false "
             r"(marked $^\ast$ and typeset as refuted claims), which the checker is expected to refute. "
             + (r"\blWorstCaseCertified{} of \blWorstCasePrograms{} worst-case programs are certified "
                r"(an SDP solved, agreeing with its eigenvalue form, its maximiser replayed). "
                if s["worstcase_programs"] else "")
             + (r"\blDerivationsProved{} of \blDerivations{} derivations are proved step by step. "
                if s["derivations"] else "")
             + (r"\textbf{Not as expected:} " + ", ".join(tt(c["id"]) for c in doc["claims"]
                                                         if not c["result"]["as_expected"]) + "."
                if s["as_expected"] < s["claims"] else ""),
             "",
             r"Each claim names its source in brackets. A \emph{reconstructed} claim is our reading of a paper's "
             r"result and a \emph{derived} one is our own derivation in its setting: neither is the paper's own "
             r"theorem. Verdicts: \textsc{proved} (exact symbolic or interval proof), \textsc{consistent} "
             r"(no counterexample, or no significant deviation at the family-wise error rate "
             rf"{number_text(DEFAULT_ALPHA)} per claim; not a proof), "
             r"\textsc{violated} (refuted, with a replayable witness), \textsc{inconclusive} (too few samples to "
             r"decide), \textsc{error} (the claim or its input is malformed).", ""]
    for key in dict.fromkeys([c["section"] for c in doc["claims"]] + [d["section"] for d in doc["derivations"]]):
        members = [c for c in doc["claims"] if c["section"] == key]
        derivs = [d for d in doc["derivations"] if d["section"] == key]
        title = _section_title(key, members + derivs)
        lines += [rf"\subsection{{{text_latex(title)}}}\label{{sec:boundlab:{key}}}", ""]
        rows = []
        for c in members:
            i = index[c["id"]]
            rows.append(rf"\ref{{{_label('claim', c['id'])}}} & {tt(c['id'])} & "
                        rf"{PROVENANCE_SHORT[c['provenance']['kind']]} & {_verdict_tex(c['result'])} & "
                        rf"{escape_text(_method_short(c))} & {_numbers_cell(i, c, names)} \\")
        for d in derivs:
            steps = d["result"]["evidence"].get("steps", [])
            proved = sum(st["verdict"] == PROVED for st in steps)
            rows.append(rf"\ref{{{_label('derivation', d['id'])}}} & {tt(d['id'])} & "
                        rf"{PROVENANCE_SHORT[d['provenance']['kind']]} & {_verdict_tex(d['result'])} & "
                        rf"derivation & {proved} of {len(steps)} steps proved \\")
        lines += _table(rows)
        lines.append(r"{\footnotesize Source: stated, recon.\ (reconstructed), derived or classical; "
                     r"$^\ast$ registered as false. Key numbers are the macros of \texttt{macros.tex}.}")
        lines.append("")
        for c in members:
            lines += [claim_latex(claims[c["id"]]), _verification(c), ""]
            if c["figure"]:
                lines += [_figure(c, claims[c["id"]]), ""]
        for d in derivs:
            verdicts = [st["verdict"] for st in d["result"]["evidence"].get("steps", [])] or None
            lines += [derivation_latex(derivations[d["id"]], verdicts), _verification(d), ""]
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
    method = r["method"].rstrip(".")
    line = brief(Result.from_json(r)).rstrip(".")
    said = [line] if line.startswith(method) else [method, line] if line else [method]  # no method said twice
    return (rf"\par\noindent\textit{{Verification.}} {_verdict_tex(r)}, {expected}. "
            + " ".join(f"{_breakable(part)}." for part in said) + r"\par")


def _figure(item: dict, claim) -> str:
    from .figures import caption

    width = r"\linewidth" if len(item["figure_data"]["panels"]) > 1 else r"0.6\linewidth"
    return "\n".join([r"\par\medskip\noindent\begin{minipage}{\linewidth}\centering",
                      rf"\includegraphics[width={width}]{{{figure_file(item['id'])}}}\par\smallskip",
                      rf"\refstepcounter{{figure}}\label{{{_label('fig', item['id'])}}}",
                      rf"\parbox{{\linewidth}}{{\small Figure~\thefigure: {caption(claim, item['figure_data'])}}}",
                      r"\end{minipage}\par\medskip"])


def preamble_tex(folder_name: str) -> str:
    """For a paper's preamble: packages, claim environments, where the figures are, and the macros. The figures
    and macros are found both from the report's own folder and from the folder above it."""
    return "\n".join([
        "% boundlab report: \\input this file in your paper's preamble (it loads packages, the claim environments",
        "% and the number macros), then \\input the appendix where it goes.",
        environments(),
        r"\usepackage{graphicx,array}",
        rf"\graphicspath{{{{figures/}}{{{folder_name}/figures/}}}}",
        rf"\IfFileExists{{{folder_name}/macros.tex}}{{\input{{{folder_name}/macros.tex}}}}{{\input{{macros.tex}}}}",
    ]) + "\n"


def report_tex(doc: dict) -> str:
    return "\n".join([
        r"\documentclass{article}",
        r"\input{preamble.tex}",
        document_setup(),
        r"\title{Verification report}",
        rf"\author{{boundlab {escape_text(doc['boundlab'])}}}",
        rf"\date{{Seed {doc['seed']}, {doc['budget']} budget}}",
        r"\begin{document}",
        r"\maketitle",
        r"\input{appendix.tex}",
        r"\end{document}",
    ]) + "\n"


# ---- writing and compiling -------------------------------------------------------------------------------
def write(folder: Path, doc: dict, entries, derived) -> list[str]:
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
    claims = {e.claim.id: e.claim for e in entries}
    derivations = {d.id: d for d, _ in derived}
    files = {"macros.tex": macros_tex(doc), "preamble.tex": preamble_tex(folder.resolve().name),
             "appendix.tex": appendix_tex(doc, claims, derivations), "report.tex": report_tex(doc)}
    for name, text in files.items():
        (folder / name).write_text(text)
        written.append(name)
    write_json(folder, doc)
    return written + ["report.json"]


def write_json(folder: Path, doc: dict) -> None:
    (folder / "report.json").write_text(json.dumps(strict_json(doc), indent=1) + "\n")


COMPILE_HINT = ("cd {folder} && pdflatex report.tex && pdflatex report.tex   (pdflatex: Debian/Ubuntu `apt-get "
                "install --no-install-recommends texlive-latex-base texlive-latex-recommended lmodern`; or upload "
                "the folder to Overleaf)")


def compile_pdf(folder: Path) -> dict:
    """Run pdflatex twice on report.tex; the outcome with the log's errors, overfull boxes and undefined
    references. Without pdflatex, says how to compile later."""
    engine = shutil.which("pdflatex")
    if engine is None:
        return {"engine": None, "compiled": False,
                "message": "pdflatex not found: the .tex files are written; compile with: "
                           + COMPILE_HINT.format(folder=folder)}
    for _ in range(2):
        proc = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "report.tex"], cwd=folder,
                              capture_output=True, text=True, errors="replace", timeout=900)
        if proc.returncode:
            break
    log = (folder / "report.log").read_text(errors="replace") if (folder / "report.log").exists() else proc.stdout
    lines = log.splitlines()
    errors = [ln for ln in lines if ln.startswith("! ")]
    overfull = [ln for ln in lines if ln.startswith("Overfull \\")]
    undefined = [ln for ln in lines if "undefined" in ln and ln.startswith("LaTeX Warning")]
    pages = re.search(r"Output written on report\.pdf \((\d+) page", log)
    ok = proc.returncode == 0 and not errors and (folder / "report.pdf").exists()
    out = {"engine": engine, "compiled": ok, "errors": errors, "overfull": overfull, "undefined": undefined,
           "pages": int(pages.group(1)) if pages else None}
    if not ok:
        out["message"] = (f"pdflatex failed on {folder}/report.tex: {errors[0] if errors else 'see report.log'}"
                          f"; the .tex files are kept (see {folder}/report.log)")
    return out


def build(claims, derivations, registry, folder, seed: int = 0, quick: bool = False, command: str = "",
          progress=None, seconds: float | None = None) -> tuple[dict, list[Result]]:
    """The whole report: check (each claim within `seconds` of CPU time), write, compile. Returns the JSON document
    (with its `latex` outcome) and the claims' results."""
    path = prepare_folder(folder)
    entries, derived = run(claims, derivations, registry, seed, quick, progress, seconds)
    doc = document(entries, derived, seed, quick, command)
    if progress:
        progress(f"writing {path}/: figures, LaTeX, report.json")
    doc["files"] = write(path, doc, entries, derived)
    if progress:
        progress("compiling report.tex with pdflatex")
    doc["latex"] = compile_pdf(path)
    if doc["latex"]["compiled"]:
        doc["files"].append("report.pdf")
    write_json(path, doc)
    return doc, [e.result for e in entries]
