"""Transfer curves: losses over the pre-training size p and the fine-tuning size f, for scaling-law fits
(our study notes on scaling laws for transfer), of two kinds.

kind = "train", real training in a linear transfer setting with a controllable source-target mismatch:
features x ~ N(0, Sigma), Sigma = diag(i^-spectrum), i = 1..d; source teacher w_s with independent N(0, i^-decay)
coordinates; target teacher w_t = w_s + mismatch v, v an independent draw of the same law. Pre-training is
gradient descent from 0 to convergence on p source samples (labels x.w_s + source_noise N(0, 1)), whose limit is
the minimum-norm least-squares solution w_p (for p >= d, the least-squares solution, drawn exactly from its
sufficient statistics); p = inf gives w_s. Fine-tuning is gradient descent to convergence
from w_p on f target samples (labels x.w_t + noise N(0, 1)): w = w_p + X^+ (y - X w_p). Losses are exact
population quantities, e.g. loss = |w - w_t|_Sigma^2 + noise^2.

kind = "law", a known law plus noise, for recovery tests: loss = L(p, f) exp(law_noise N(0, 1)), L one of the
forms of boundlab.theory.laws.FORMS with parameters A, G, E, a, b, B.
"""
from __future__ import annotations

import functools
import math

import numpy as np
import sympy
import torch

from boundlab.theory.laws import FORMS  # the laws are written once, shared with the catalogue

from .base import REQUIRED, Input, Scenario, ScenarioError, one_thread
from .linalg import Pseudoinverse

DTYPE = torch.float64
MAX_BYTES = 200 * 2**20  # design matrices per chunk of instances
LAW_PARAMS = {"A": "> 0", "G": ">= 0", "E": ">= 0", "a": "> 0", "b": "> 0", "B": "> 0"}
LAW_MEANING = {"A": "coefficient of p^-a", "G": "floor of the pre-training term (H-main) or constant (H-add)",
               "E": "irreducible loss", "a": "exponent of p", "b": "exponent of f", "B": "coefficient of f^-b"}


@functools.lru_cache(maxsize=None)
def _law(form: str) -> sympy.Expr:
    """The form as SymPy, every letter a symbol (E is the irreducible loss, not Euler's number)."""
    return sympy.sympify(FORMS[form], locals={k: sympy.Symbol(k) for k in (*LAW_PARAMS, "p", "f")})


@functools.lru_cache(maxsize=None)
def _compiled(form: str):
    names = sorted(str(s) for s in _law(form).free_symbols)
    return names, sympy.lambdify(names, _law(form), modules="numpy")


class TransferCurves(Scenario):
    name = "transfer_curves"
    description = ("Losses over pre-training size p and fine-tuning size f: real training (min-norm least "
                   "squares pre-trained on a source teacher, fine-tuned on a mismatched target) or a known law "
                   "plus lognormal noise.")
    quantities = {
        "loss": "population test loss on the target after pre-training on p and fine-tuning on f samples",
        "excess": "loss minus the label noise: |w - w_t|_Sigma^2 (kind train)",
        "pretrained_excess": "target excess risk of the pre-trained weights alone, |w_p - w_t|_Sigma^2 (kind train)",
        "source_excess": "source excess risk of the pre-trained weights, |w_p - w_s|_Sigma^2 (kind train)",
        "shifted_source_excess": "the same error under the test covariance T = diag(i^-test_spectrum), "
                                 "|w_p - w_s|_T^2: covariate shift with the same teacher (kind train)",
        "shift_trace": "tr(T Sigma^-1) for that test covariance (kind train)",
    }
    inputs = {
        "kind": Input("train", choices=("train", "law"), description="real training, or a known law plus noise"),
        "p": Input(REQUIRED, float, low=0, low_open=True, allow_inf=True,
                   description="pre-training size (inf: the source teacher itself); kind train: an integer >= 1"),
        "f": Input(REQUIRED, float, low=0, low_open=True, description="fine-tuning size; kind train: an integer >= 1"),
        "d": Input(1000, int, low=1, description="dimension (kind train)"),
        "spectrum": Input(1.5, float, low=0, description="Sigma = diag(i^-spectrum) (kind train)"),
        "decay": Input(1.0, float, description="teacher coordinates N(0, i^-decay) (kind train)"),
        "mismatch": Input(0.5, float, low=0, description="w_t = w_s + mismatch v, v drawn as w_s (kind train)"),
        "source_noise": Input(0.0, float, low=0, description="source label noise standard deviation (kind train)"),
        "noise": Input(0.0, float, low=0, description="target label noise standard deviation (kind train)"),
        "test_spectrum": Input(0.0, float, low=0, description="shifted test covariance diag(i^-test_spectrum) of "
                                                              "shifted_source_excess (kind train)"),
        "form": Input("H-main", choices=tuple(FORMS), description="the law, of boundlab.theory.laws.FORMS (kind law)"),
        **{k: Input(None, float, low=0, low_open=rule == "> 0",
                    description=f"{LAW_MEANING[k]} (kind law, when the form has it)")
           for k, rule in LAW_PARAMS.items()},
        "law_noise": Input(0.05, float, low=0, description="loss = L(p, f) exp(law_noise N(0, 1)) (kind law)"),
    }
    repetitions = 64

    def resolve(self, point: dict) -> dict:
        """The rules between inputs: integer sizes for kind train; for kind law, exactly the parameters of the
        form."""
        o = super().resolve(point)
        given = sorted(k for k in LAW_PARAMS if o[k] is not None)
        if o["kind"] == "train":
            if given:
                raise ScenarioError(f"scenario {self.name}: law parameter(s) {', '.join(given)} need kind='law'")
            for key in ("p", "f"):
                if o[key] != math.inf and (o[key] != int(o[key]) or o[key] < 1):
                    raise ScenarioError(f"scenario {self.name}: kind 'train' trains on {key} samples: {key} must be "
                                        f"an integer >= 1{' or inf' if key == 'p' else ''}, got {o[key]!r}")
                o[key] = o[key] if o[key] == math.inf else int(o[key])
            return o
        needed = sorted(str(s) for s in _law(o["form"]).free_symbols if str(s) in LAW_PARAMS)
        missing = [k for k in needed if o[k] is None]
        if missing:
            raise ScenarioError(f"scenario {self.name}: form {o['form']} needs {', '.join(missing)}")
        extra = sorted(set(given) - set(needed))
        if extra:
            raise ScenarioError(f"scenario {self.name}: form {o['form']} has no parameter {', '.join(extra)}")
        return o

    def measure(self, o, batch, gen, wanted):
        if o["kind"] == "law":
            return self._law(o, batch, gen, wanted)
        with one_thread():
            rows = max(n if n < o["d"] else 0 for n in (o["f"], o["p"]))  # designs with n >= d are not formed
            rows = max(rows, o["d"])  # the d x d Bartlett factors
            size = max(1, min(batch, MAX_BYTES // (8 * 2 * rows * o["d"])))
            parts = [self._train(o, min(size, batch - s), gen, wanted) for s in range(0, batch, size)]
            return {k: torch.cat([part[k] for part in parts]) for k in parts[0]}

    def _law(self, o, batch, gen, wanted):
        other = sorted(set(wanted) - {"loss"})
        if other:
            raise ScenarioError(f"scenario {self.name}: kind 'law' measures only loss, not {', '.join(other)}")
        names, fn = _compiled(o["form"])
        with np.errstate(divide="ignore", over="ignore"):  # p = inf: p**(-a) = 0
            clean = float(fn(*(np.float64(o[n]) for n in names)))
        if not (math.isfinite(clean) and clean > 0):
            raise ScenarioError(f"scenario {self.name}: the law {o['form']} gives loss {clean} at p={o['p']}, "
                                f"f={o['f']}; a loss must be positive and finite")
        noise = torch.randn(batch, generator=gen, dtype=DTYPE)
        return {"loss": clean * torch.exp(o["law_noise"] * noise)}

    def _train(self, o, c, gen, wanted):
        d = o["d"]
        lam = torch.arange(1, d + 1, dtype=DTYPE) ** -o["spectrum"]
        test = torch.arange(1, d + 1, dtype=DTYPE) ** -o["test_spectrum"]  # a shifted test covariance
        scale = torch.arange(1, d + 1, dtype=DTYPE) ** (-o["decay"] / 2)
        w_s = torch.randn(c, d, generator=gen, dtype=DTYPE) * scale
        w_t = w_s + o["mismatch"] * torch.randn(c, d, generator=gen, dtype=DTYPE) * scale

        def fit(n, start, teacher, noise):
            """Gradient descent's limit from `start` on n fresh samples of `teacher`: start + X^+ (y - X start)."""
            if n >= d:
                return ols(n, teacher, noise)
            x = torch.randn(c, n, d, generator=gen, dtype=DTYPE) * lam.sqrt()
            y = (x @ teacher.unsqueeze(-1)).squeeze(-1) + noise * torch.randn(c, n, generator=gen, dtype=DTYPE)
            return start + Pseudoinverse(x).apply(y - (x @ start.unsqueeze(-1)).squeeze(-1))

        def ols(n, teacher, noise):
            """For n >= d the limit is the least-squares solution, whatever the start, drawn exactly from its
            sufficient statistics without the n x d design (Bartlett): with X = Z Sigma^(1/2), Z^T Z = L L^T,
            L lower triangular with L_ii^2 ~ chi2(n - i + 1) and N(0, 1) below the diagonal, and Z^T eps = noise L xi
            (xi ~ N(0, I)) given Z, the solution is teacher + noise Sigma^(-1/2) L^(-T) xi."""
            rng = np.random.default_rng(int(torch.randint(0, 2**62, (1,), generator=gen)))
            chol = torch.randn(c, d, d, generator=gen, dtype=DTYPE).tril(-1)
            chol.diagonal(dim1=-2, dim2=-1).copy_(torch.from_numpy(np.sqrt(rng.chisquare(n - np.arange(d), (c, d)))))
            xi = torch.randn(c, d, 1, generator=gen, dtype=DTYPE)
            err = torch.linalg.solve_triangular(chol.transpose(-1, -2), xi, upper=True).squeeze(-1)
            return teacher + noise * err / lam.sqrt()

        w_p = w_s if o["p"] == math.inf else fit(o["p"], torch.zeros_like(w_s), w_s, o["source_noise"])
        w = fit(o["f"], w_p, w_t, o["noise"])
        sq = lambda e: (e ** 2) @ lam  # |e|_Sigma^2
        excess = sq(w - w_t)
        return {"loss": excess + o["noise"] ** 2, "excess": excess, "pretrained_excess": sq(w_p - w_t),
                "source_excess": sq(w_p - w_s), "shifted_source_excess": ((w_p - w_s) ** 2) @ test,
                "shift_trace": torch.full((c,), float((test / lam).sum()), dtype=DTYPE)}
