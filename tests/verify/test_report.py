"""`boundlab report`: the appendix compiles without errors or overfull boxes, every macro is the number in
report.json, a changed constant changes its macro, a paper can \\input the appendix, and bad input is refused."""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from boundlab.verify.cli import main
from boundlab.verify.report import pointer

# one claim of every statistic and figure kind, a worst-case program, a known-false claim and a derivation
SAMPLE = ["shachaf2021.isotropic_risk_mean", "shachaf2021.isotropic_risk_variance",
          "shachaf2021.isotropic_risk_quantile", "shachaf2021.isotropic_risk_law", "shachaf2021.isotropic_zero_risk",
          "shachaf2021.worst_ratio", "shachaf2021.never_hurts", "shachaf2021.beta_mean_identity",
          "shachaf2021.ntk_width_rate", "caulking2026.bound_without_floor",
          "barnett2024.loss_falls_with_pretraining", "caulking2026.bias_variance_balance"]
NEWCOMMAND = re.compile(r"^\\newcommand\{\\([A-Za-z]+)\}\{(.*)\}  % (\S+): ", re.M)


def number(text: str) -> float:
    """The number a macro's text shows: 0.9032, \\ensuremath{-2.5}, 7, \\ensuremath{1.234\\times 10^{-4}},
    \\ensuremath{10^{-6}}, \\ensuremath{\\infty}."""
    m = re.fullmatch(r"\\ensuremath\{(-?)([\d.]+\\times )?10\^\{(-?\d+)\}\}", text)
    if m:
        return float(m.group(1) + (m.group(2) or "1").replace(r"\times ", "")) * 10 ** int(m.group(3))
    text = re.sub(r"\\ensuremath\{(-[\d.]+)\}", r"\1", text)
    if text in (r"\ensuremath{\infty}", r"\ensuremath{-\infty}"):
        return float("-inf" if "-" in text else "inf")
    assert re.fullmatch(r"-?\d+(\.\d+)?", text), text
    return float(text)


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report") / "boundlab-report"
    code = main(["report", *SAMPLE, "--quick", "-o", str(folder)])
    return folder, code


def test_the_report_compiles_without_errors_or_overfull_boxes(sample_report):
    folder, code = sample_report
    assert code == 0
    for name in ("report.tex", "appendix.tex", "preamble.tex", "macros.tex", "report.json", "report.pdf"):
        assert (folder / name).is_file(), name
    log = (folder / "report.log").read_text(errors="replace")
    assert "Output written on report.pdf" in log
    assert not [ln for ln in log.splitlines() if ln.startswith("! ")], log[-3000:]
    assert "Overfull \\" not in log, [ln for ln in log.splitlines() if "Overfull" in ln]
    assert "There were undefined references" not in log


def test_every_claim_has_its_statement_verdict_and_figure(sample_report):
    folder, _ = sample_report
    doc = json.loads((folder / "report.json").read_text())
    appendix = (folder / "appendix.tex").read_text()
    ids = [c["id"] for c in doc["claims"]] + [d["id"] for d in doc["derivations"]]
    assert sorted(ids) == sorted(SAMPLE)
    for c in doc["claims"]:
        label = "claim:" + c["id"].replace(".", ":")
        block = appendix[appendix.index(rf"\label{{{label}}}"):]
        block = block[:block.index(r"\par\noindent\textit{Verification") + 300]
        assert rf"\textsc{{{c['result']['verdict'].lower()}}}" in block, c["id"]
        assert c["provenance_label"].split(",")[0] in appendix
        if c["kind"] == "empirical":  # every empirical claim is drawn, and the figure is a real PDF
            assert c["figure"], c["id"]
            assert (folder / c["figure"]).read_bytes()[:5] == b"%PDF-"
            assert Path(c["figure"]).name in appendix
    kinds = {p["kind"] for c in doc["claims"] if c["figure_data"] for p in c["figure_data"]["panels"]}
    assert kinds == {"intervals", "boxes", "pp", "curve", "worst"}
    never = next(c for c in doc["claims"] if c["id"] == "shachaf2021.never_hurts")
    assert never["result"]["verdict"] == "VIOLATED" and r"\begin{blfalse}" in appendix
    assert r"\toprule" in appendix and r"\bottomrule" in appendix


RAW = re.compile(r"[\w)\]]\^|\w_\w|\+-|->|\{\"|<=|>=|!=")  # ASCII maths, JSON (a lone ^: an accent)


def page_text_outside_code(pdf: Path) -> list[tuple[int, str]]:
    """(page, text) of every span of the compiled PDF not set in a typewriter font (claim ids, scenario names)."""
    import pymupdf

    spans = []
    for number, page in enumerate(pymupdf.open(pdf), 1):
        for block in page.get_text("dict")["blocks"]:
            for line in block.get("lines", []):
                spans += [(number, sp["text"]) for sp in line["spans"]
                          if not re.search(r"tt\d|mono|typewriter", sp["font"], re.I)]
    return spans


def test_no_ascii_maths_reaches_the_page(sample_report):
    """Titles, hints, notes, verification lines and captions are typeset: the compiled text holds no ^, _, +-, ->,
    <= or JSON outside typewriter ids."""
    folder, _ = sample_report
    raw = [(page, text) for page, text in page_text_outside_code(folder / "report.pdf") if RAW.search(text)]
    assert not raw, raw[:10]


def test_every_macro_is_the_number_in_report_json(sample_report):
    folder, _ = sample_report
    doc = json.loads((folder / "report.json").read_text())
    defined = NEWCOMMAND.findall((folder / "macros.tex").read_text())
    assert len(defined) == len(doc["macros"]) >= 20
    for name, text, source in defined:
        entry = doc["macros"][name]
        assert entry["text"] == text and entry["source"] == source
        value = pointer(doc, source)
        assert entry["value"] == value
        assert number(text) == pytest.approx(value, rel=5e-4, abs=1e-12), (name, text, value)
    used = set(re.findall(r"\\(bl[A-Z][A-Za-z]*)", (folder / "appendix.tex").read_text()))
    assert used <= {n for n, _, _ in defined}, used - {n for n, _, _ in defined}
    # the quoted numbers are the ones the checks produced: the worst case agrees with its eigenvalue form, and the
    # summary counts agree with the results
    worst = doc["macros"]["blShachafTwoZeroTwoOneWorstRatioWorstCase"]
    wc = pointer(doc, worst["source"].rsplit("/", 1)[0])
    assert worst["value"] == pytest.approx(wc["eigenvalue_form"], rel=1e-6)
    assert worst["value"] == max(w["evidence"]["constant"] for c in doc["claims"] if c["id"] ==
                                 "shachaf2021.worst_ratio" for w in c["worstcase"])
    proved = sum(c["result"]["verdict"] == "PROVED" for c in doc["claims"])
    assert doc["macros"]["blClaimsProved"]["text"] == str(proved)


CLAIM_FILE = """
from boundlab.theory import Claim
from boundlab.theory.catalogue.shachaf2021 import DERIVED, FAMILIES, Delta, L, op_gap

bound = Claim(
    id="mine.operator_norm_bound", title="The bias is at most C times the operator-norm gap",
    lhs="L", rel="<=", rhs="{c}*op_gap*Delta**2", statistic="as", samples=400, params=(Delta,),
    quantities=(L, op_gap), scenario="linear_finetune", provenance=DERIVED,
    grid=tuple({{**f, "Delta": 1.5}} for f in FAMILIES[:2]))
"""


def _tightness(tmp_path, constant):
    path = tmp_path / f"claims_{constant}.py"
    path.write_text(CLAIM_FILE.format(c=constant))
    folder = tmp_path / f"report_{constant}"
    assert main(["report", "--file", str(path), "-o", str(folder)]) == 0
    found = dict((n, t) for n, t, _ in NEWCOMMAND.findall((folder / "macros.tex").read_text()))
    return number(found["blMineOperatorNormBoundTightnessMax"]), json.loads((folder / "report.json").read_text())


def test_changing_a_constant_in_a_claim_changes_its_macro(tmp_path):
    """The same instances (same id and seed) measured against a bound twice as large use half of it."""
    one, doc_one = _tightness(tmp_path, 1)
    two, doc_two = _tightness(tmp_path, 2)
    assert one != two
    assert two == pytest.approx(one / 2, rel=1e-3)
    assert doc_one["claims"][0]["statement"] != doc_two["claims"][0]["statement"]


# Small papers of the common shapes, each inputting the appendix as the README says. {dir} is where the report
# folder lives, relative to main.tex.
BODY = r"""\begin{document}
Fine-tuning has no $\Delta$-uniform guarantee: on a drawn instance the worst ratio is
\blShachafTwoZeroTwoOneWorstRatioWorstCase{} (%REF%), and \blClaimsAsExpected{} of \blClaims{} claims came out
as expected; see also %REFD% and Figure~\ref{fig:shachaf2021:worst_ratio}.
%OWN%
\appendix
\input{%DIR%/appendix}
%BIB%
\end{document}
"""
PAPERS = {  # name: (document class and preamble, report folder, columns of the appendix)
    "article": (r"\documentclass{article}\usepackage{amsmath}\usepackage{hyperref}\usepackage{cleveref}", "boundlab-report", 1),
    "narrow text": (r"\documentclass[11pt]{article}\usepackage[textwidth=5.5in]{geometry}", "boundlab-report", 1),
    "two-column": (r"\documentclass[twocolumn]{article}\usepackage{amsmath,cleveref}", "boundlab-report", 2),
    "two-column paper, one-column appendix": (r"\documentclass[twocolumn]{article}", "boundlab-report", 1),
    "own graphicspath, theorems and natbib": (
        r"\documentclass{article}\usepackage{graphicx,amsthm}\usepackage[numbers]{natbib}\graphicspath{{art/}}"
        r"\newtheorem{theorem}{Theorem}\newtheorem{claim}[theorem]{Claim}\newtheorem{lemma}[theorem]{Lemma}",
        "boundlab-report", 1),
    "folder in a subdirectory": (r"\documentclass{article}\usepackage{amsmath,cleveref}", "appendix/checked/boundlab", 1),
}


@pytest.mark.parametrize("shape", PAPERS)
def test_a_paper_inputs_the_appendix_and_quotes_its_macros(sample_report, tmp_path, shape):
    """The README's recipe in papers of the common shapes: each compiles (with bibtex) with no error, no overfull
    box and no undefined reference or citation, and shows the quoted numbers and cross-references."""
    from boundlab.theory.registry import Registry
    from boundlab.verify.report import Layout, compile_pdf, write_latex

    setup, where, columns = PAPERS[shape]
    folder, _ = sample_report
    target = tmp_path / where
    shutil.copytree(folder, target, ignore=shutil.ignore_patterns("report.*", "*.aux", "*.log"))
    shutil.copy(folder / "report.json", target)
    doc = json.loads((folder / "report.json").read_text())
    reg = Registry.catalogue()
    write_latex(target, doc, [reg.get(c["id"]) for c in doc["claims"]],
                [reg.derivation(d["id"]) for d in doc["derivations"]], Layout(columns=columns))
    cref = r"\cref" in setup or "cleveref" in setup
    own = ""
    if "graphicspath" in setup:  # the paper's own figure, found through its own \graphicspath, and its theorems
        (tmp_path / "art").mkdir()
        shutil.copy(next((folder / "figures").glob("*.pdf")), tmp_path / "art" / "own.pdf")
        own = r"\begin{claim}Ours.\end{claim}\begin{lemma}Also ours.\end{lemma}\includegraphics[width=2cm]{own}"
    paper = setup + "\n" + rf"\input{{{where}/preamble}}" + "\n" + BODY
    paper = paper.replace("%DIR%", where).replace("%OWN%", own).replace(
        "%REF%", r"\cref{claim:shachaf2021:worst_ratio}" if cref else r"Claim~\ref{claim:shachaf2021:worst_ratio}")
    paper = paper.replace("%REFD%", r"\cref{derivation:caulking2026:bias_variance_balance}" if cref
                          else r"Derivation~\ref{derivation:caulking2026:bias_variance_balance}")
    paper = paper.replace("%BIB%", rf"\bibliographystyle{{{'plainnat' if 'natbib' in setup else 'plain'}}}"
                                   rf"\bibliography{{{where}/references}}")
    (tmp_path / "main.tex").write_text(paper)
    out = compile_pdf(tmp_path, "main.tex")
    assert out["compiled"], out.get("message")
    assert not out["overfull"] and not out["undefined"], (out["overfull"], out["undefined"])
    import pymupdf

    text = " ".join(" ".join(page.get_text() for page in pymupdf.open(tmp_path / "main.pdf")).split())
    worst = doc["macros"]["blShachafTwoZeroTwoOneWorstRatioWorstCase"]["text"]
    assert f"worst ratio is {worst}" in text
    assert f"{doc['summary']['as_expected']} of {doc['summary']['claims']} claims" in text
    assert re.search(r"\(Claim \d+\)", text) and re.search(r"Derivation \d+ and Figure \d+", text), text[:600]
    assert "Globerson" in text and "linear teachers" in text.lower()  # the bibliography


def test_an_unknown_paper_key_is_a_usage_error(tmp_path, capsys):
    assert main(["report", "--paper", "nosuchpaper2099", "-o", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "unknown paper key 'nosuchpaper2099'" in err and "shachaf2021" in err


def test_an_unwritable_output_folder_is_refused_before_any_check(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["report", "--all", "-o", str(blocker / "report")]) == 2
    assert "a part of the path is a file, not a folder" in capsys.readouterr().err
    assert main(["report", "--all", "-o", str(blocker)]) == 2
    assert "a file of that name is in the way" in capsys.readouterr().err
    if os.geteuid() != 0:  # root writes anywhere: the permission case can only be tested as a user
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        assert main(["report", "--all", "-o", str(locked / "r")]) == 2
        assert "Permission denied" in capsys.readouterr().err


def test_without_pdflatex_the_tex_is_written_and_the_message_says_how_to_compile(tmp_path):
    """PATH without pdflatex (a real run of the installed command, not a patched lookup)."""
    bindir = Path(sys.executable).parent
    folder = tmp_path / "out"
    run = subprocess.run([str(bindir / "boundlab"), "report", "classical.am_gm", "-o", str(folder)],
                         env={**os.environ, "PATH": str(bindir)}, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "pdflatex not found" in run.stderr and f"cd {folder} && pdflatex report.tex" in run.stderr
    for name in ("report.tex", "appendix.tex", "preamble.tex", "macros.tex", "report.json"):
        assert (folder / name).is_file()
    assert not (folder / "report.pdf").exists()
    doc = json.loads((folder / "report.json").read_text())
    assert doc["latex"]["compiled"] is False and "pdflatex report.tex" in doc["latex"]["message"]


def test_no_selection_is_a_usage_error(tmp_path, capsys):
    assert main(["report", "-o", str(tmp_path / "r")]) == 2
    assert "name claim ids, or use --all, --paper KEY" in capsys.readouterr().err
    assert main(["report", "no.such_claim", "-o", str(tmp_path / "r")]) == 2
    assert "no.such_claim" in capsys.readouterr().err


def test_layout_options_are_checked_before_anything_runs(tmp_path, capsys):
    out = str(tmp_path / "r")
    assert main(["report", "shachaf2021.beta_mean_identity", "--detail", "shachaf2021.beta_mean_identity", "-o", out]) == 2
    assert "add --summary" in capsys.readouterr().err
    assert main(["report", "shachaf2021.beta_mean_identity", "--summary", "--detail", "no.such", "-o", out]) == 2
    assert "--detail no.such: not among" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["report", "--all", "--columns", "3", "-o", out])
    assert not (tmp_path / "r").exists()


def test_a_summary_gives_every_row_and_only_the_chosen_claims_in_full(sample_report, tmp_path):
    """--summary: the tables keep every claim; blocks only for --detail and claims not as expected; no dangling
    reference, and the whole compiles."""
    from boundlab.theory.registry import Registry
    from boundlab.verify.report import Layout, compile_pdf, write_latex

    folder, _ = sample_report
    target = tmp_path / "r"
    shutil.copytree(folder, target, ignore=shutil.ignore_patterns("report.pdf", "*.aux", "*.log", "*.bbl"))
    doc = json.loads((folder / "report.json").read_text())
    reg = Registry.catalogue()
    chosen = "shachaf2021.worst_ratio"
    write_latex(target, doc, [reg.get(c["id"]) for c in doc["claims"]],
                [reg.derivation(d["id"]) for d in doc["derivations"]],
                Layout(summary=True, detail=frozenset({chosen})))
    appendix = (target / "appendix.tex").read_text()
    assert r"\label{claim:shachaf2021:worst_ratio}" in appendix
    assert r"\label{claim:shachaf2021:isotropic_risk_mean}" not in appendix
    assert appendix.count(r"\begin{bltheorem}") + appendix.count(r"\begin{blfalse}") == 1
    for c in doc["claims"]:  # every claim keeps its row
        assert c["id"].split(".", 1)[1].replace("_", r"\_\allowbreak{}") in appendix, c["id"]
    out = compile_pdf(target)
    assert out["compiled"] and not out["overfull"] and not out["undefined"], out


BROKEN = r'''
from boundlab.theory import POSITIVE, Claim, Param, Provenance

x = Param("x", POSITIVE)
broken = Claim(id="mine.broken_title", title=r"A title with $\nosuchmacro$ in it", lhs="x", rel="<=", rhs="x + 1",
               params=(x,), provenance=Provenance("derived", "mine", "Me (2026)"))
'''


def test_a_tex_error_keeps_the_tex_and_names_the_error(tmp_path, capsys):
    path = tmp_path / "broken.py"
    path.write_text(BROKEN)
    folder = tmp_path / "out"
    assert main(["report", "--file", str(path), "-o", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "pdflatex failed" in err and "Undefined control sequence" in err and "report.log" in err
    assert (folder / "appendix.tex").is_file() and (folder / "report.json").is_file()
    assert json.loads((folder / "report.json").read_text())["latex"]["compiled"] is False


def test_a_files_derivations_are_in_its_report(tmp_path):
    """`report --file F` reports the file's claims and its derivations (they used to be left out)."""
    src = tmp_path / "mine.py"
    src.write_text('''
from boundlab.theory import Claim, Derivation, Param, Provenance, POSITIVE, SIZE, UNIT_OPEN
x = Param("x", POSITIVE)
n, delta = Param("n", SIZE), Param("delta", UNIT_OPEN, r"\\delta")
P = Provenance("derived", "mine", "Me (2026)")
square = Claim(id="mine.square", title="x^2 + 1 >= 2x", lhs="x**2 + 1", rel=">=", rhs="2*x", params=(x,),
               provenance=P)
radius = Derivation(id="mine.radius", title="Splitting a radius", params=(n, delta), provenance=P,
                    start="sqrt(log(2/delta)/n)", steps=[("=", "sqrt((log(2) + log(1/delta))/n)")])
''')
    folder = tmp_path / "out"
    assert main(["report", "--file", str(src), "-o", str(folder)]) == 0
    doc = json.loads((folder / "report.json").read_text())
    assert [c["id"] for c in doc["claims"]] == ["mine.square"]
    assert [d["id"] for d in doc["derivations"]] == ["mine.radius"]
    assert "derivation:mine:radius" in (folder / "appendix.tex").read_text()
