"""Witnesses as types: each kind of refutation is a dataclass that knows its JSON and its one line of text.

A witness is what makes a VIOLATED verdict replayable: a counterexample point, the instance that broke a bound, the
interval that excluded a claimed mean, the constant that grew with the range. Each statistic defines its own kinds
(in its module), the kinds every statistic shares are below. A witness serialises to its fields (those left at None
are left out) plus its `kind`, and is read back by that kind (`witness_from_json`), so the command line, the pytest
plugin and the report render a stored witness exactly as a fresh one. It also reads like its JSON (`w["seed"]`,
`"point" in w`), which is what replays and scripts use.
"""
from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from typing import Any, ClassVar

WITNESSES: dict[str, type["Witness"]] = {}  # kind -> class, for reading stored witnesses back


@dataclasses.dataclass(kw_only=True)
class Witness(Mapping):
    """A refutation's record. Subclasses are dataclasses that set `kind` and implement `text()`; a field named
    with metadata {"json": name} is written under that name (e.g. `from`), one with {"flatten": True} (a dict) is
    written as its items."""

    kind: ClassVar[str] = ""

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        if cls.__dict__.get("kind"):
            WITNESSES[cls.kind] = cls

    def text(self) -> str:
        raise NotImplementedError

    def to_json(self) -> dict:
        out = {"kind": self.kind}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.metadata.get("flatten"):
                out.update(value or {})
            elif value is not None:
                out[f.metadata.get("json", f.name)] = value.to_json() if isinstance(value, Witness) else value
        return out

    @classmethod
    def from_json(cls, data: dict) -> "Witness":
        names = {f.metadata.get("json", f.name): f for f in dataclasses.fields(cls)}
        known = {f.name: data[key] for key, f in names.items() if key in data and not f.metadata.get("flatten")}
        rest = {k: v for k, v in data.items() if k not in names and k != "kind"}
        flat = [f for f in dataclasses.fields(cls) if f.metadata.get("flatten")]
        if flat:
            known[flat[0].name] = rest
        return cls(**known)

    # read like the JSON
    def __getitem__(self, key):
        return self.to_json()[key]

    def __iter__(self):
        return iter(self.to_json())

    def __len__(self):
        return len(self.to_json())


def witness_from_json(data: dict | None) -> Witness | dict | None:
    """A stored witness as its type (by its `kind`); a record from before kinds were stored stays a dict."""
    if isinstance(data, dict) and data.get("kind") in WITNESSES:
        return WITNESSES[data["kind"]].from_json(data)
    return data


def num(x, spec: str = ".4g") -> str:
    """A number for the text: a float, or a non-finite one as JSON stores it ("inf", "-inf", "nan")."""
    if isinstance(x, str):
        try:
            x = float(x)
        except ValueError:
            return x
    return format(x, spec) if isinstance(x, (int, float)) else str(x)


def finite(x) -> bool:
    return isinstance(x, (int, float)) and math.isfinite(x)


def point_text(point) -> str:
    """A grid point as compact JSON."""
    return json.dumps(strict_json(point), default=str)


def strict_json(obj):
    """`obj` with non-finite floats written as the strings "inf", "-inf", "nan" (strict JSON has no Infinity)."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return "nan" if math.isnan(obj) else ("inf" if obj > 0 else "-inf")
    if isinstance(obj, Witness):
        obj = obj.to_json()
    if isinstance(obj, dict):
        return {k: strict_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [strict_json(v) for v in obj]
    return obj


@dataclasses.dataclass(kw_only=True)
class Located(Witness):
    """A witness at a drawn grid point: the seed, the point and the budget that replay it."""

    seed: int | None = None  # set with the location by the statistic's check, once a point refutes the claim
    point_index: int | None = None
    point: Any = None
    batch: int | None = None
    stages: int | None = None
    point_seed: int | None = None

    def where(self) -> str:
        return f"seed {self.seed}" + (f", point {point_text(self.point)}" if self.point is not None else "") + ": "


@dataclasses.dataclass(kw_only=True)
class ScenarioRefutation(Witness):
    """The scenario shows that what the claim measures does not exist at a point (training diverges)."""

    kind: ClassVar[str] = "scenario refutation"
    seed: int
    refutation: str

    def text(self) -> str:
        return f"seed {self.seed}: {self.refutation}"


@dataclasses.dataclass(kw_only=True)
class WorstCaseBreach(Located):
    """A worst-case program's certified constant breaks the claimed bound; `instance` is the maximiser and the drawn
    instance (written as their own keys, e.g. the vector `v` and the matrix `A`)."""

    kind: ClassVar[str] = "worst case"
    constant: float
    certified_upper: float
    attained: float
    bound: float
    relation: str
    instance: dict = dataclasses.field(default_factory=dict, metadata={"flatten": True})

    def text(self) -> str:
        return f"{self.where()}worst-case constant {num(self.constant, '.6g')} (the maximiser replays to " \
               f"{num(self.attained, '.6g')}, certified at most {num(self.certified_upper, '.6g')}) breaks the " \
               f"claimed {self.relation} {num(self.bound, '.6g')}"


@dataclasses.dataclass(kw_only=True)
class StepWitness(Witness):
    """A derivation's first failing step, with that step's own witness (None when the step is malformed)."""

    kind: ClassVar[str] = "derivation step"
    step: int
    witness: Any = None

    @classmethod
    def from_json(cls, data):
        return cls(step=data["step"], witness=witness_from_json(data.get("witness")))

    def text(self) -> str:
        inner = self.witness.text() if isinstance(self.witness, Witness) else ""
        return f"step {self.step}" + (f": {inner}" if inner else "")
