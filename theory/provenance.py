"""Where a claim comes from, and how sure we are that it is the source's own statement."""
from __future__ import annotations

from dataclasses import dataclass

KINDS = {
    "stated": "the paper's own statement, theorem number known",
    "reconstructed": "our reading of a paper's result, not checked against its text",
    "derived": "our own derivation in the paper's setting",
    "classical": "a textbook result",
}


@dataclass(frozen=True)
class Provenance:
    kind: str
    paper: str  # short key, e.g. "shachaf2021"
    citation: str  # e.g. "Shachaf, Brutzkus and Globerson (2021)"
    arxiv: str | None = None
    theorem: str | None = None  # only for kind == "stated"
    note: str = ""

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

    def to_json(self) -> dict:
        return {"kind": self.kind, "paper": self.paper, "citation": self.citation, "arxiv": self.arxiv,
                "theorem": self.theorem, "note": self.note}
