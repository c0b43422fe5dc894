"""Wide two-layer ReLU networks fine-tuned in the NTK regime (Shachaf, Brutzkus and Globerson 2021, section 2.3 of
our study notes on Shachaf et al. (2021); setting in its section 1).

Instance: n target inputs uniform on the unit sphere of R^d, a source teacher theta_S (norm `theta`, uniform
direction) and a target teacher theta_T = theta_S + Delta (|Delta| = `delta`, uniform direction). The network is
f(x) = (1/sqrt m) sum_r a_r relu(w_r^T x), a_r = +-1 fixed, first layer trained, with the paired initialisation
(w_{r + m/2} = w_r, a_{r + m/2} = -a_r) so that f = 0 at initialisation and the NTK Gram matrix at initialisation
is that of m/2 independent Gaussian neurons. Real full-batch gradient descent on (1/2) sum_i (f(x_i) - y_i)^2, step
`lr` / lambda_max(H_inf) (lr < 2 converges in the kernel regime):
- pre-training on `n_source` source samples labelled by theta_S, from the initialisation;
- fine-tuning on the n target samples labelled by theta_T, from the pre-trained weights;
- training from scratch on the same n target samples, from the same initialisation.
Each run stops once its training mean squared error is below `tol`; a loss that grows a millionfold is reported as
divergence. Risks are mean squared errors against the target teacher on `n_test` fresh points from the same sphere.
Training needs the NTK regime: the relative operator-norm gap between the empirical NTK at initialisation and H_inf,
averaged over the batch, must be at most `gram_tol`, else the error says what width is needed. `X` fixes the target
inputs (rows on the unit sphere) instead of drawing them.

The lemma of note 2.3 needs no training: H_inf = X X^T / 4 + (1/(2 pi)) (X X^T) o arcsin(X X^T) >= X X^T / 4, so
r^T H_inf^{-1} r <= 4 |P_X Delta|^2 for r = X Delta. `instance` writes it as a quadratic form in the coordinates z of
Delta in the row space of X, whose worst case over unit z is the constant of the lemma for that X.
"""
from __future__ import annotations

import math

import numpy as np
import torch

from boundlab.numerics.ntk import empirical_ntk, inverse_form, lambda_min, ntk_gram, relative_op_gap, unit_gram

from .base import REQUIRED, Input, Instance, Refutation, Scenario, ScenarioError, one_thread

DTYPE = torch.float64
DIVERGED = 1e6  # a training loss this many times its initial value means the step size is too large
# H_inf counts as singular when lambda_0 <= PD_RTOL * lambda_max: arccos amplifies the rounding of inner products near
# +-1 (1e-16) into errors of about 2e-9 in the entries, so a smaller lambda_0 cannot be told from 0
PD_RTOL = 1e-8
PARALLEL = 1e-12  # inputs with x_j^T x_k >= 1 - PARALLEL count as duplicates
TRAINED = {"risk", "risk_scratch", "risk_source", "train_loss", "resid", "resid_rHr"}


def sphere(shape: tuple[int, ...], gen: torch.Generator) -> torch.Tensor:
    """Points uniform on the unit sphere: normalised standard Gaussian vectors along the last axis."""
    g = torch.randn(*shape, generator=gen, dtype=DTYPE)
    return g / g.norm(dim=-1, keepdim=True)


def forward(w: torch.Tensor, a: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """f(x) = (1/sqrt m) sum_r a_r relu(w_r^T x) for weights w (batch, m, d), signs a (m,), inputs x (batch, n, d)."""
    return torch.relu(x @ w.transpose(-1, -2)) @ a / math.sqrt(w.shape[-2])


def first_layer_gradient(xt: torch.Tensor, act: torch.Tensor, err: torch.Tensor, scaled_a: torch.Tensor):
    """The gradient of (1/2) sum_i err_i^2 in the transposed first layer (batch, d, m), from the inputs transposed
    xt (batch, d, n), the activations relu(w_r^T x_i) act (batch, n, m; overwritten) and the residuals err:
    sum_i err_i 1{w_r^T x_i > 0} x_i a_r / sqrt(m), the indicator being sign(relu(.))."""
    return torch.bmm(xt * err.unsqueeze(-2), act.sign_()) * scaled_a


def gradient_descent(w0: torch.Tensor, a: torch.Tensor, x: torch.Tensor, y: torch.Tensor, lr: float, tol: float,
                     max_steps: int, what: str) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Full-batch gradient descent on (1/2) sum_i (f(x_i) - y_i)^2 over the first layer, from w0.

    The step of each instance is lr / lambda_max(H_inf(x)); the gradient is `first_layer_gradient` (checked against
    autograd in the tests), written out because autograd's overhead dominates steps this small. An instance
    stops at the first step where its training mean squared error is at most `tol`, so a batch gives what its
    instances give one at a time. Returns the weights, the final training MSE and the number of steps per instance.
    """
    m = w0.shape[-2]
    step = lr / torch.linalg.eigvalsh(ntk_gram(x))[..., -1]  # (batch,)
    scaled_a = a / math.sqrt(m)
    wt = w0.transpose(-1, -2).contiguous()  # (batch, d, m): contiguous for the two batched products
    xt = x.transpose(-1, -2).contiguous()
    steps = torch.zeros(w0.shape[0], dtype=torch.long)
    loss0 = None
    for _ in range(max_steps + 1):
        act = torch.bmm(x, wt).clamp_(min=0)  # relu(w_r^T x_i), (batch, n, m)
        err = act @ scaled_a - y
        mse = (err ** 2).mean(dim=-1)
        loss0 = mse.clamp(min=1e-300) if loss0 is None else loss0
        if not bool(torch.isfinite(mse).all()) or bool((mse > DIVERGED * loss0).any()):
            raise Refutation(
                f"scenario relu_ntk: gradient descent ({what}) diverges with lr = {lr:g} (the step is "
                f"lr / lambda_max(H_inf); the kernel regime needs lr < 2): the training loss grew from "
                f"{float(loss0.max()):.3g} to {float(mse.max()):.3g}")
        active = mse > tol
        if not bool(active.any()):
            return wt.transpose(-1, -2), mse, steps
        if int(steps.max()) >= max_steps:
            break
        # the gradient is linear in the residuals: scale them by the step, and by 0 once an instance has stopped
        wt = wt - first_layer_gradient(xt, act, err * (step * active).unsqueeze(-1), scaled_a)
        steps += active
    raise ScenarioError(
        f"scenario relu_ntk: gradient descent ({what}) did not reach training MSE {tol:g} in {max_steps} steps on "
        f"{int(active.sum())} of {w0.shape[0]} instances (worst MSE {float(mse.max()):.3g}); raise max_steps or tol, "
        f"or use fewer, better separated points")


def row_basis(x: torch.Tensor) -> torch.Tensor:
    """An orthonormal basis Q (batch, d, k) of the row space of each x (batch, n, d), k its rank; from the
    eigendecomposition of the smaller Gram matrix (batched SVD is far slower here)."""
    n, d = x.shape[-2:]
    xt = x.transpose(-1, -2)
    s, v = torch.linalg.eigh(xt @ x if d <= n else x @ xt)  # ascending eigenvalues
    ranks = (s > 1e-12 * s[..., -1:]).sum(dim=-1)
    if int(ranks.min()) != int(ranks.max()):
        raise ScenarioError("scenario relu_ntk: the target inputs of one batch have different ranks")
    k = int(ranks[0])
    if d <= n:
        return v[..., -k:]
    return xt @ v[..., -k:] / s[..., -k:].sqrt().unsqueeze(-2)  # X^T u / sqrt(s): right singular vectors


def lemma_ratio(x: torch.Tensor, h: torch.Tensor, q: torch.Tensor, r: torch.Tensor, delta: torch.Tensor):
    """r^T H_inf^{-1} r / |P_X Delta|^2, with |P_X Delta| = |Q^T Delta|."""
    proj = (delta.unsqueeze(-2) @ q).squeeze(-2)
    return inverse_form(h, r) / (proj ** 2).sum(dim=-1)


class ReluNTK(Scenario):
    name = "relu_ntk"
    description = ("Two-layer ReLU networks on the sphere, pre-trained on a linear source teacher and fine-tuned on "
                   "a linear target teacher by real gradient descent in the NTK regime; the NTK Gram matrix H_inf.")
    quantities = {
        "lemma": "r^T H_inf^{-1} r / |P_X Delta|^2 with r = X Delta (the lemma of note 2.3 says <= 4)",
        "resid": "the same ratio with the pre-trained network's actual residual r = y_T - f_S(X)",
        "rHr": "r^T H_inf^{-1} r for r = X Delta, the lemma's numerator alone (for a user's own bound on it)",
        "proj_delta2": "|P_X Delta|^2, P_X the projector onto the span of the target inputs",
        "r2": "|X Delta|^2 = |r|^2",
        "resid_rHr": "r^T H_inf^{-1} r for the pre-trained network's actual residual r = y_T - f_S(X)",
        "schur_min": "lambda_min(H_inf - X X^T / 4) (>= 0 by the Schur product theorem)",
        "lambda0": "lambda_0 = lambda_min(H_inf) on the target inputs",
        "gram_gap": "|K_m - H_inf|_op / |H_inf|_op, K_m the empirical NTK Gram matrix at initialisation",
        "risk": "test mean squared error of the fine-tuned network against the target teacher",
        "risk_scratch": "test mean squared error of the network trained from scratch on the same target data",
        "risk_source": "test mean squared error of the pre-trained network against the source teacher",
        "train_loss": "training mean squared error of the fine-tuned network at the end of gradient descent",
    }
    inputs = {
        "d": Input(REQUIRED, int, low=1, description="dimension: inputs on the unit sphere of R^d"),
        "n": Input(REQUIRED, int, low=1, description="target inputs (training points of fine-tuning)"),
        "m": Input(512, int, low=1, multiple=2, why="the paired initialisation makes f = 0 at initialisation",
                   description="width: neurons of the hidden layer"),
        "delta": Input(0.5, float, low=0, description="|Delta|, the norm of theta_T - theta_S"),
        "theta": Input(1.0, float, low=0, description="|theta_S|, the norm of the source teacher"),
        "n_source": Input(100, int, low=1, description="source samples of pre-training"),
        "n_test": Input(1000, int, low=1, description="fresh test points per instance for the risks"),
        "lr": Input(1.0, float, low=0, low_open=True,
                    description="step in units of 1/lambda_max(H_inf); the kernel regime converges below 2"),
        "tol": Input(1e-5, float, low=0, low_open=True,
                     description="training mean squared error at which each run stops"),
        "max_steps": Input(20000, int, low=1, description="gradient-descent steps allowed per run"),
        "gram_tol": Input(0.15, float, low=0, low_open=True,
                          description="largest mean relative gap |K_m - H_inf|_op / |H_inf|_op for training"),
        "X": Input(None, domain="an n x d array of unit rows",
                   description="fixed target inputs instead of drawn ones"),
    }
    samples, repetitions = 1000, 128

    def default_samples(self, statistic, wanted):
        """16 networks when they must be trained (seconds each batch), 1000 draws of the kernel (128 repetitions)
        otherwise."""
        return 16 if wanted & TRAINED else super().default_samples(statistic, wanted)

    def resolve(self, point: dict) -> dict:
        """The rule between inputs: a given X is n x d, its rows unit vectors."""
        full = super().resolve(point)
        if full["X"] is not None:
            x = np.asarray(full["X"], dtype=np.float64)
            if x.shape != (full["n"], full["d"]):
                raise ScenarioError(f"scenario {self.name}: X has shape {x.shape}, expected (n, d) = "
                                    f"({full['n']}, {full['d']})")
            if not np.isfinite(x).all() or np.abs(np.linalg.norm(x, axis=1) - 1).max() > 1e-9:
                raise ScenarioError(f"scenario {self.name}: the rows of X must be finite unit vectors (inputs on "
                                    f"the unit sphere)")
        return full

    def inputs_x(self, opts: dict, batch: int, gen: torch.Generator) -> torch.Tensor:
        """The target inputs (batch, n, d): drawn uniform on the sphere, or the given X repeated."""
        if opts["X"] is not None:
            return torch.as_tensor(np.asarray(opts["X"], dtype=np.float64)).expand(batch, -1, -1).clone()
        return sphere((batch, opts["n"], opts["d"]), gen)

    def kernel(self, x: torch.Tensor) -> torch.Tensor:
        """H_inf of the target inputs, checked positive definite: it is when no two inputs are parallel (Du et al.
        2019). Pairs within 1e-6 rad of each other (x_j^T x_k >= 1 - PARALLEL) count as duplicates: arccos turns the
        rounding of their inner product into errors of 1e-9 in H_inf, the size of its smallest eigenvalue. (An
        antipodal pair alone leaves H_inf positive definite: its entry is 0.)"""
        g = unit_gram(x) - 2 * torch.eye(x.shape[-2], dtype=DTYPE)
        worst = g.flatten(-2).amax(dim=-1)
        h = ntk_gram(x)
        eig = torch.linalg.eigvalsh(h)
        bad = (worst >= 1 - PARALLEL) | (eig[..., 0] <= PD_RTOL * eig[..., -1])
        if bool(bad.any()):
            i = int(torch.nonzero(bad)[0])
            j, k = divmod(int(torch.argmax(g[i])), x.shape[-2])
            cause = (f"inputs {j} and {k} coincide (x_j^T x_k = {float(g[i, j, k]):.15g}: duplicate points)"
                     if float(worst[i]) >= 1 - PARALLEL else "the inputs are nearly linearly dependent as features")
            raise ScenarioError(
                f"scenario {self.name}: H_inf is singular to working precision on instance {i} (lambda_0 = "
                f"{float(eig[i, 0]):.3g}, lambda_max = {float(eig[i, -1]):.3g}): {cause}. H_inf is positive definite "
                f"when no two inputs are parallel; remove duplicate points")
        return h

    def measure(self, opts, batch, gen, wanted):
        with one_thread():
            return self._measure(opts, batch, gen, wanted)

    def _measure(self, opts, batch, gen, wanted):
        d, m = opts["d"], opts["m"]
        x = self.inputs_x(opts, batch, gen)
        theta_s = opts["theta"] * sphere((batch, d), gen)
        delta = opts["delta"] * sphere((batch, d), gen)
        h = self.kernel(x)
        out = {}
        if "lambda0" in wanted:
            out["lambda0"] = lambda_min(h)
        if "schur_min" in wanted:
            out["schur_min"] = lambda_min(h - unit_gram(x) / 4)
        q = row_basis(x) if wanted & {"lemma", "resid", "proj_delta2"} else None
        r = (x @ delta.unsqueeze(-1)).squeeze(-1)
        if wanted & {"lemma", "rHr"}:
            out["rHr"] = inverse_form(h, r)
        if wanted & {"lemma", "proj_delta2"}:
            out["proj_delta2"] = ((delta.unsqueeze(-2) @ q).squeeze(-2) ** 2).sum(dim=-1)
        if "lemma" in wanted:  # lemma_ratio, from the pieces already computed
            out["lemma"] = out["rHr"] / out["proj_delta2"]
        if "r2" in wanted:
            out["r2"] = (r ** 2).sum(dim=-1)
        if not wanted & (TRAINED | {"gram_gap"}):
            return out
        w_half = torch.randn(batch, m // 2, d, generator=gen, dtype=DTYPE)
        w0 = torch.cat([w_half, w_half], dim=1)
        a = torch.cat([torch.ones(m // 2, dtype=DTYPE), -torch.ones(m // 2, dtype=DTYPE)])
        gap = relative_op_gap(empirical_ntk(x, w0), h)
        out["gram_gap"] = gap
        if not wanted & TRAINED:
            return out
        mean_gap = float(gap.mean())
        if mean_gap > opts["gram_tol"]:
            need = 2 * math.ceil(m * (mean_gap / opts["gram_tol"]) ** 2 / 2)
            raise ScenarioError(
                f"scenario {self.name}: width m = {m} is too small for the NTK regime: the empirical NTK at "
                f"initialisation is on average {mean_gap:.3g} from H_inf in relative operator norm, above "
                f"gram_tol = {opts['gram_tol']:g}; the gap shrinks like m^-1/2, so about m >= {need} is needed")
        theta_t = theta_s + delta
        xs = sphere((batch, opts["n_source"], d), gen)
        x_test = sphere((batch, opts["n_test"], d), gen)
        run = dict(lr=opts["lr"], tol=opts["tol"], max_steps=opts["max_steps"])

        def labels(theta, inputs):
            return (inputs @ theta.unsqueeze(-1)).squeeze(-1)

        def test_mse(w, theta):
            return ((forward(w, a, x_test) - labels(theta, x_test)) ** 2).mean(dim=-1)

        w_s, _, _ = gradient_descent(w0, a, xs, labels(theta_s, xs), what="pre-training on the source", **run)
        out["risk_source"] = test_mse(w_s, theta_s)
        y_t = labels(theta_t, x)
        if wanted & {"resid", "resid_rHr"}:
            residual = y_t - forward(w_s, a, x)
            out["resid_rHr"] = inverse_form(h, residual)
            if "resid" in wanted:
                out["resid"] = lemma_ratio(x, h, q, residual, delta)
        if wanted & {"risk", "train_loss"}:
            w_ft, loss, _ = gradient_descent(w_s, a, x, y_t, what="fine-tuning on the target", **run)
            out["risk"], out["train_loss"] = test_mse(w_ft, theta_t), loss
        if "risk_scratch" in wanted:
            w_sc, _, _ = gradient_descent(w0, a, x, y_t, what="training from scratch on the target", **run)
            out["risk_scratch"] = test_mse(w_sc, theta_t)
        return out

    def instance(self, point: dict, gen: torch.Generator) -> Instance:
        """One design X: the lemma's r^T H_inf^{-1} r, r = X Q z, as a quadratic form in the coordinates z of Delta in
        the row space of X (Q orthonormal, so |P_X Delta| = |z|); the replay recomputes the ratio from Delta = Q z."""
        opts = self.resolve(point)
        x = self.inputs_x(opts, 1, gen)
        h = self.kernel(x)
        q = row_basis(x)
        chol = torch.linalg.cholesky(h[0])
        a = torch.linalg.solve_triangular(chol, x[0] @ q[0], upper=False)  # L^{-1} X Q
        form = a.T @ a

        def replay(vector) -> dict[str, float]:
            z = torch.as_tensor(np.asarray(vector, dtype=np.float64)).reshape(1, -1)
            delta = (q @ z.unsqueeze(-1)).squeeze(-1)
            ratio = lemma_ratio(x, h, q, (x @ delta.unsqueeze(-1)).squeeze(-1), delta)
            return {"lemma": float(ratio[0] * (z ** 2).sum())}  # the form's value: ratio x |z|^2

        return Instance(forms={"lemma": form.numpy()}, variable="z", replay=replay,
                        data={"X": x[0].numpy(), "Q": q[0].numpy()})
