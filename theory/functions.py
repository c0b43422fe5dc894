"""Special functions and distributions that claims may name, as SymPy functions with LaTeX printing.

Numerics maps each of them to numpy/scipy, torch and mpmath (`boundlab.numerics.evaluate`).
"""
from __future__ import annotations

import sympy as sp


class BetaQuantile(sp.Function):
    """q_p(Beta(a, b)): the p-quantile of the Beta(a, b) distribution."""

    nargs = 3

    def _latex(self, printer):
        p, a, b = (printer._print(x) for x in self.args)
        return rf"q_{{{p}}}\!\left(\mathrm{{Beta}}\left({a}, {b}\right)\right)"


class Distribution(sp.Function):
    """Base of the distributions a claim `X ~ D(params)` may name."""

    tex_name = ""

    def _latex(self, printer):
        args = ", ".join(printer._print(x) for x in self.args)
        return rf"\mathrm{{{self.tex_name}}}\left({args}\right)"


class Beta(Distribution):
    """Beta(a, b) on [0, 1]."""

    nargs = 2
    tex_name = "Beta"

    @property
    def mean(self):
        a, b = self.args
        return a / (a + b)

    @property
    def variance(self):
        a, b = self.args
        return a * b / ((a + b) ** 2 * (a + b + 1))


FUNCTIONS = {"BetaQuantile": BetaQuantile}
DISTRIBUTIONS = {"Beta": Beta}
