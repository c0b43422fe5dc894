"""Verdicts and results: what the tool concludes about a claim, with the evidence and a replayable witness."""
from __future__ import annotations

from dataclasses import dataclass, field

from .evidence import Witness, strict_json, witness_from_json  # noqa: F401 (Witness: the annotation)

PROVED, CERTIFIED, CONSISTENT = "PROVED", "CERTIFIED", "CONSISTENT"
INCONCLUSIVE, VIOLATED, ERROR = "INCONCLUSIVE", "VIOLATED", "ERROR"
VERDICTS = (PROVED, CERTIFIED, CONSISTENT, INCONCLUSIVE, VIOLATED, ERROR)
HOLDS = (PROVED, CERTIFIED, CONSISTENT)


@dataclass
class Result:
    id: str
    verdict: str
    method: str
    evidence: dict = field(default_factory=dict)
    witness: "Witness | dict | None" = None  # a typed witness (evidence.py); a dict when read from old JSON
    expect: str = "holds"
    seconds: float = 0.0
    statistic: str = ""  # the claim's statistic, whose module renders the evidence (boundlab.verify.render)

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r}")

    @property
    def as_expected(self) -> bool:
        """True when a true claim holds, or a registered known-false claim is refuted."""
        if self.expect == VIOLATED:
            return self.verdict == VIOLATED
        return self.verdict in HOLDS

    def to_json(self) -> dict:
        """The result as JSON; timings are left out so that the same seed gives the same JSON."""
        return strict_json({"id": self.id, "verdict": self.verdict, "method": self.method,
                            "evidence": self.evidence, "witness": self.witness, "expect": self.expect,
                            "as_expected": self.as_expected, "statistic": self.statistic})

    @classmethod
    def from_json(cls, data: dict) -> "Result":
        """A result read back from `to_json` (a results file, report.json)."""
        return cls(data["id"], data["verdict"], data.get("method", ""), data.get("evidence") or {},
                   witness_from_json(data.get("witness")), data.get("expect", "holds"),
                   statistic=data.get("statistic", ""))
