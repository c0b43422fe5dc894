"""Gradient descent on the layers of deep linear networks (scenario deep_linear): batched over B instances against
one instance at a time, for the same total work.

What: `--steps` full-batch gradient-descent steps on the layers (boundlab.verify.scenarios.deep_linear.layer_gradients, the
scenario's own step) for B instances of the Figure 2 protocol (x ~ N(0, I_d), n samples, depth N, width k,
theta_T = 2 theta_S + 0.3 xi, step 1 in units of the scenario's curvature scale):
  batched      one (B, ...) tensor per layer, torch.bmm over the batch;
  one by one   the same steps for each instance in turn, as (1, ...) tensors.
Both must end at the same end-to-end vectors (to 1e-12 relative). Reported: instance-steps per second and the
speed-up of batching. One thread.

    .venv/bin/python benchmarks/deep_linear.py              # B = 128, d = 200, n = 20, N = 5, k = 4, 300 steps
    .venv/bin/python benchmarks/deep_linear.py --quick      # B = 32, d = 50, n = 5, N = 3, k = 2, 100 steps
"""
from __future__ import annotations

import argparse
import json
import time

import torch

from boundlab.verify.scenarios.deep_linear import DeepLinear, balanced_layers, layer_gradients
from boundlab.verify.scenarios.linalg import Pseudoinverse


def descend(layers, x, y, step, steps):
    """`steps` plain gradient-descent steps on every layer; the end-to-end vectors at the end."""
    layers = [w.clone() for w in layers]
    scale = step[:, None, None]
    for _ in range(steps):
        grads = layer_gradients(layers, x, y)[0]
        layers = [w - scale * g for w, g in zip(layers, grads)]
    return layer_gradients(layers, x, y)[2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--d", type=int, default=200)
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--depth", type=int, default=5)
    ap.add_argument("--width", type=int, default=4)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--quick", action="store_true", help="B = 32, d = 50, n = 5, N = 3, k = 2, 100 steps")
    ap.add_argument("--json", help="also write the table as JSON")
    a = ap.parse_args()
    if a.quick:
        a.batch, a.d, a.n, a.depth, a.width, a.steps = 32, 50, 5, 3, 2, 100
    torch.set_num_threads(1)
    sc = DeepLinear()
    o = sc.resolve({"d": a.d, "n": a.n, "N": a.depth, "k": a.width, "alpha": 2.0, "e": 0.3})
    gen = torch.Generator().manual_seed(0)
    _, _, x, theta_s, theta_t = sc.draw(o, a.batch, gen)
    y = torch.bmm(x, theta_t.unsqueeze(-1)).squeeze(-1)
    layers = balanced_layers(theta_s, a.depth, a.width, gen)
    step = sc.step_size(x, y, Pseudoinverse(x), theta_s, a.depth)

    t = time.perf_counter()
    together = descend(layers, x, y, step, a.steps)
    t_batched = time.perf_counter() - t
    t = time.perf_counter()
    alone = torch.cat([descend([w[i:i + 1] for w in layers], x[i:i + 1], y[i:i + 1], step[i:i + 1], a.steps)
                       for i in range(a.batch)])
    t_single = time.perf_counter() - t
    diff = float(((together - alone).norm(dim=-1) / together.norm(dim=-1)).max())
    if diff > 1e-12:
        raise SystemExit(f"batched and one-by-one gradient descent disagree: relative difference {diff:.3g}")

    work = a.batch * a.steps
    rows = [("batched (B, ...) tensors", t_batched, work / t_batched),
            ("one instance at a time", t_single, work / t_single)]
    print(f"gradient descent on the layers: B = {a.batch} instances x {a.steps} steps, d = {a.d}, n = {a.n}, "
          f"N = {a.depth}, k = {a.width} (1 thread)")
    print(f"{'method':28s} {'seconds':>9s} {'instance-steps/s':>17s}")
    for name, sec, rate in rows:
        print(f"{name:28s} {sec:9.3f} {rate:17,.0f}")
    print(f"speed-up of batching: {t_single / t_batched:.1f}x; largest relative difference of the end-to-end "
          f"vectors: {diff:.1e}")
    if a.json:
        with open(a.json, "w") as fh:
            json.dump({"batch": a.batch, "d": a.d, "n": a.n, "N": a.depth, "k": a.width, "steps": a.steps,
                       "max_relative_difference": diff,
                       "rows": [dict(zip(("method", "seconds", "instance_steps_per_second"), r)) for r in rows]},
                      fh, indent=2)


if __name__ == "__main__":
    main()
