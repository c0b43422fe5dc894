"""Declared scenario inputs: what `Input` accepts and converts, the domain in words, and the messages that name the
scenario, the input, the value and the domain; plain defaults (the older form) stay unchecked."""
import math

import numpy as np
import pytest

from boundlab import REQUIRED, Input, Scenario, ScenarioError


@pytest.mark.parametrize("declared, value, parsed", [
    (Input(1, int), 3.0, 3), (Input(1, int), np.int64(4), 4), (Input(1.0, float), 2, 2.0),
    (Input(1.0, float), np.float64(0.5), 0.5), (Input(1, int, allow_inf=True), "inf", math.inf),
    (Input(1, int, allow_inf=True), " Infinity", math.inf), (Input(1.0, float, allow_inf=True), np.inf, math.inf),
    (Input(None, int), None, None), (Input("a", choices=("a", "b")), "b", "b"),
    (Input("top", float, choices=("top",)), 0.25, 0.25), (Input("top", float, choices=("top",)), "top", "top"),
    (Input(2, int, multiple=2), 6, 6), (Input([1], domain="a list"), [2, 3], [2, 3]),
])
def test_values_are_checked_and_converted_to_the_kind(declared, value, parsed):
    out = declared.parse(value)
    assert out == parsed and type(out) is type(parsed)


@pytest.mark.parametrize("declared, value, message", [
    (Input(1, int, low=1), 2.5, "must be an integer in [1, inf), got 2.5"),
    (Input(1, int, low=1), True, "must be an integer in [1, inf), got True"),
    (Input(1, int, low=1), "3", "must be an integer in [1, inf), got '3'"),
    (Input(1, int, low=1), 0, "= 0 is outside [1, inf)"),
    (Input(1.0, float), math.nan, "must be a number, got nan"),
    (Input(1.0, float), math.inf, "must be a number, got inf"),
    (Input(1.0, float, low=0, high=2, low_open=True, high_open=True, why="it diverges at 2"), 2,
     "= 2 is outside (0, 2): it diverges at 2"),
    (Input(1.0, float, low=0, high=1), np.float64(1.5), "= 1.5 is outside [0, 1]"),
    (Input(3, int, allow_inf=True, low=1), -math.inf, "must be inf (or 'inf') or an integer in [1, inf), got -inf"),
    (Input(1, int), None, "must be an integer, got None"),
    (Input(None, float, low=0), "x", "must be a number in [0, inf) (or None), got 'x'"),
    (Input("a", choices=("a", "b", "c")), "d", "must be 'a', 'b' or 'c', got 'd'"),
    (Input("top", float, choices=("top", "bottom")), [0.1], "must be 'top', 'bottom' or a number, got [0.1]"),
    (Input(2, int, low=2, multiple=2, why="pairs"), 5, "= 5 is not a multiple of 2: pairs"),
    (Input(1.0), math.nan, "= nan is not finite"),
])
def test_a_value_outside_the_domain_is_refused_saying_which_domain(declared, value, message):
    with pytest.raises(ValueError) as err:
        declared.parse(value)
    assert str(err.value) == message


def test_declarations_describe_themselves():
    assert Input(REQUIRED, int, low=1).required and not Input(None).required
    assert [Input(1, int).type_name(), Input(1.0, float).type_name(), Input("a", choices=("a",)).type_name(),
            Input(None).type_name()] == ["int", "float", "choice", "any"]
    assert Input(None, domain="an n x d array").describe() == "an n x d array (or None)"
    assert Input(1.0, float, low=-1, high=1).span() == "[-1, 1]"
    with pytest.raises(TypeError, match="Input kind must be int, float or None, not <class 'str'>"):
        Input("a", str)


class Declared(Scenario):
    name = "test_declared"
    inputs = {"n": Input(REQUIRED, int, low=1, description="draws per instance"),
              "rate": Input(0.5, float, low=0, high=1, description="success probability"),
              "old": 2.0}  # the older form: a plain default, unchecked


def test_resolve_fills_defaults_converts_and_names_the_bad_input():
    s = Declared()
    assert s.resolve({"n": 3.0}) == {"n": 3, "rate": 0.5, "old": 2.0}
    assert s.resolve({"n": 1, "old": "anything"})["old"] == "anything"
    for point, message in [({}, "scenario test_declared needs n (draws per instance)"),
                           ({"n": 1, "rate": 2}, "scenario test_declared: input rate = 2 is outside [0, 1]"),
                           ({"n": 0.5}, "scenario test_declared: input n must be an integer in [1, inf), got 0.5"),
                           ({"n": 1, "old": math.inf}, "scenario test_declared: input old = inf is not finite"),
                           ({"n": 1, "m": 2}, "scenario test_declared does not take m; it takes n, rate, old")]:
        with pytest.raises(ScenarioError) as err:
            s.resolve(point)
        assert str(err.value) == message
    assert s.summary()["inputs"]["rate"] == {"type": "float", "domain": "a number in [0, 1]", "required": False,
                                             "default": 0.5, "description": "success probability"}
