"""Statistics, one module each: how a claim of it reads, is checked, summed up in one line, quoted in the report
and drawn. `base.Statistic` is the interface; `pointwise.Pointwise` and `curve.Curve` carry what several share.
This package is boundlab's entry point in the `boundlab.statistics` group (pyproject.toml): every named statistic
defined in one of its modules is registered when a claim first names a statistic (`boundlab.theory.statistic`),
so a new statistic is a new module here, with nothing else to edit. Kept empty of imports: loading one statistic loads only what it needs."""
