"""Verdicts and results: what the tool concludes about a claim, with the evidence and a replayable witness."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

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
    witness: dict | None = None
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
        from .evidence import witness_from_json

        return cls(data["id"], data["verdict"], data.get("method", ""), data.get("evidence") or {},
                   witness_from_json(data.get("witness")), data.get("expect", "holds"),
                   statistic=data.get("statistic", ""))


def strict_json(obj):
    """`obj` with non-finite floats written as the strings "inf", "-inf", "nan" (strict JSON has no Infinity)."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return "nan" if math.isnan(obj) else ("inf" if obj > 0 else "-inf")
    if hasattr(obj, "to_json") and hasattr(obj, "kind"):  # a typed witness (boundlab.verify.evidence)
        obj = obj.to_json()
    if isinstance(obj, dict):
        return {k: strict_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [strict_json(v) for v in obj]
    return obj
