"""Where a claim comes from, and how sure we are that it is the source's own statement."""
from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = {
    "stated": "the paper's own statement, theorem number known",
    "reconstructed": "our reading of a paper's result, not checked against its text",
    "derived": "our own derivation in the paper's setting",
    "classical": "a textbook result",
}


def _bib_text(text: str) -> str:
    """A BibTeX field's text with LaTeX's special characters escaped and its braces balanced."""
    text = re.sub(r"[&%$#_]", lambda m: "\\" + m.group(), text.replace("\\", "/"))
    return text.replace("{", "(").replace("}", ")").replace("~", "-").replace("^", "")


@dataclass(frozen=True)
class Provenance:
    kind: str
    paper: str  # short key, e.g. "shachaf2021"
    citation: str  # e.g. "Shachaf, Brutzkus and Globerson (2021)"
    arxiv: str | None = None
    theorem: str | None = None  # only for kind == "stated"
    note: str = ""
    title: str | None = None  # the source's title, for its BibTeX entry

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"provenance kind must be one of {sorted(KINDS)}, not {self.kind!r}")
        if self.kind == "stated" and not self.theorem:
            raise ValueError("a 'stated' claim needs the theorem number it states")
        if self.kind != "stated" and self.theorem:
            raise ValueError(f"a {self.kind!r} claim must not name a theorem of the paper")

    def label(self) -> str:
        """One line for reports: never presents a reconstructed or derived claim as the paper's theorem."""
        arx = f", arXiv:{self.arxiv}" if self.arxiv else ""
        if self.kind == "stated":
            return f"{self.theorem} of {self.citation}{arx}"
        if self.kind == "classical":
            return f"Classical result ({self.citation})"
        if self.kind == "derived":
            return f"Derived here, in the setting of {self.citation}{arx}"
        return f"Reconstructed from {self.citation}{arx}; not checked against the paper's text"

    def year(self) -> str | None:
        """The year in the citation, "(2021)", or None for a source without one (a textbook fact)."""
        found = re.search(r"\((\d{4})\)", self.citation)
        return found.group(1) if found else None

    def cite_key(self) -> str:
        """The BibTeX key: `paper` when it names one paper ("shachaf2021"), else (a shared key such as "textbook")
        the first author's surname and the year of the citation ("wishart1933")."""
        if re.search(r"\d", self.paper) or not self.year() or not self._authors():
            return self.paper
        first = self._authors()[0].split()[-1].lower()
        return re.sub(r"[^a-z]", "", first) + self.year()

    def _authors(self) -> list[str]:
        """The authors named in the citation ("A, B and C (2021)", "A & B (1933)"; "A et al." gives A, others)."""
        names = re.sub(r"\s+et al\.?$", " and others", re.split(r"\s*\(", self.citation)[0])
        return [a.strip() for a in re.split(r",\s*|\s+and\s+|\s*&\s*", names) if a.strip()]

    def bibtex(self) -> str | None:
        """A BibTeX entry keyed by `paper` for a dated source (authors and year read from the citation), else None."""
        year = self.year()
        if year is None:
            return None
        fields = {"author": " and ".join(self._authors()) or "Anonymous", "title": self.title or self.citation,
                  "year": year}
        if self.arxiv:
            fields.update(eprint=self.arxiv, archivePrefix="arXiv", howpublished=f"arXiv:{self.arxiv}")
        body = ",\n".join(f"  {k} = {{{_bib_text(v)}}}" for k, v in fields.items())
        return f"@misc{{{self.cite_key()},\n{body}\n}}"

    def to_json(self) -> dict:
        return {"kind": self.kind, "paper": self.paper, "citation": self.citation, "arxiv": self.arxiv,
                "theorem": self.theorem, "note": self.note, "title": self.title}
