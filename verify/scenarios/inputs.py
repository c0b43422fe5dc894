"""Declared scenario inputs: each input's default, type, domain and meaning, from which `Scenario.resolve`
validates and converts a grid point and `boundlab scenarios` lists the inputs, so that no scenario checks its inputs
by hand."""
from __future__ import annotations

import math
import numbers
from dataclasses import KW_ONLY, dataclass
from typing import Any

import numpy as np

REQUIRED = object()  # marks a scenario input that has no default
INF_NAMES = ("inf", "infinity")  # strings taken for math.inf where an input allows it (as JSON and YAML spell it)


@dataclass(frozen=True)
class Input:
    """One input of a scenario: `Input(default, kind, description=..., <domain>)`.

    default      the value when a grid point does not set the input, or REQUIRED; a default of None makes None a
                 valid value (the input is optional: "not given");
    kind         int (integral numbers, converted to int), float (real numbers, converted to float), or None for
                 any value, unchecked beyond `choices` (a float must still be finite);
    description  one line: what the input is, for `boundlab scenarios`;
    low, high    the range of a number, ends included unless `low_open` / `high_open`; numbers are finite unless
                 `allow_inf`, which also takes inf (or the string 'inf') as math.inf;
    choices      names the input may take: the whole domain when kind is None, else names besides a number;
    multiple     an int input must be a multiple of it (2: even);
    why          the reason for the domain, appended to the message for a value outside it;
    domain       the domain in words of an unchecked input (kind None, no choices), for the listing.

    Rules between inputs (`m >= D + 2`) belong in the scenario's `resolve` override.
    """

    default: Any = REQUIRED
    kind: type | None = None
    _: KW_ONLY
    description: str = ""
    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False
    allow_inf: bool = False
    choices: tuple = ()
    multiple: int = 1
    why: str = ""
    domain: str = ""

    def __post_init__(self):
        if self.kind not in (int, float, None):
            raise TypeError(f"Input kind must be int, float or None, not {self.kind!r}")

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def type_name(self) -> str:
        """int, float, choice or any: the type shown by `boundlab scenarios`."""
        if self.kind is not None:
            return self.kind.__name__
        return "choice" if self.choices else "any"

    def span(self) -> str:
        """The range as an interval: [1, inf), (0, 1], (-inf, inf)."""
        left = "(" if self.low_open or self.low == -math.inf else "["
        right = ")" if self.high_open or self.high == math.inf else "]"
        return f"{left}{self.low:g}, {self.high:g}{right}"

    def describe(self) -> str:
        """The domain in words: 'an integer in [1, inf)', "'constant' or 'spline'", "inf (or 'inf') or ..."."""
        names = [repr(c) for c in self.choices]
        if self.kind is None:
            text = _either(names) if names else self.domain or "any value"
        else:
            text = "a number" if self.kind is float else "an integer"
            if self.multiple > 1:
                text += f" multiple of {self.multiple}"
            if self.low > -math.inf or self.high < math.inf:
                text += f" in {self.span()}"
            if self.allow_inf:
                text = f"inf (or 'inf') or {text}"
            if names:
                text = _either([*names, text])
        return text + (" (or None)" if self.default is None else "")

    def parse(self, value: Any) -> Any:
        """The value, checked against the domain and converted to the kind; ValueError completes the sentence
        "<input> ..." (`must be a number in (0, 1], got '0.5'`, `= 0 is outside (0, 1]: <why>`)."""
        if value is None and self.default is None or isinstance(value, str) and value in self.choices:
            return value
        if self.kind is None:
            if self.choices:
                raise ValueError(f"must be {self.describe()}, got {_shown(value)}")
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError(f"= {_shown(value)} is not finite")
            return value
        if self.allow_inf and (isinstance(value, str) and value.strip().lower() in INF_NAMES
                               or isinstance(value, numbers.Real) and value == math.inf):
            return math.inf
        if (isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value)
                or self.kind is int and value != int(value)):
            raise ValueError(f"must be {self.describe()}, got {_shown(value)}")
        reason = f": {self.why}" if self.why else ""
        if not ((self.low < value) if self.low_open else (self.low <= value)) or \
                not ((value < self.high) if self.high_open else (value <= self.high)):
            raise ValueError(f"= {_shown(value)} is outside {self.span()}{reason}")
        if self.kind is int and int(value) % self.multiple:
            raise ValueError(f"= {_shown(value)} is not a multiple of {self.multiple}{reason}")
        return self.kind(value)


def _either(items: list[str]) -> str:
    """'a', 'a or b', 'a, b or c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def _shown(value: Any) -> str:
    """A value for a message: numpy scalars as plain numbers."""
    return repr(value.item() if isinstance(value, np.generic) else value)
