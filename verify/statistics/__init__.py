"""Statistics, one module each: how a claim of it reads, is checked, summed up in one line, quoted in the report
and drawn. `base.Statistic` is the interface; `pointwise.Pointwise` and `curve.Curve` carry what several share.
boundlab's own are entry points of the `boundlab.statistics` group (pyproject.toml), which is how claims find them
by name (`boundlab.theory.statistic`). Kept empty of imports: loading one statistic loads only what it needs."""
