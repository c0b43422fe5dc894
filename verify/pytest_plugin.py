"""A pytest plugin: a theory repository's claims and derivations as tests (registered as the `pytest11` entry point
`boundlab`, so installing boundlab is enough; `-p no:boundlab` turns it off).

Configuration (pytest.ini, tox.ini, setup.cfg or pyproject's [tool.pytest.ini_options]):

    boundlab_files = claims.py claims/*.py     paths or globs relative to the rootdir: the claim modules
    boundlab_snapshot = claims.snapshot.json   optional: a golden snapshot, checked as one more test

When `boundlab_files` is unset the plugin does nothing, so it never touches projects that do not use it.
    boundlab_time_limit = 1800                 optional: CPU seconds per claim (or derivation step)

Command-line options: `--boundlab-full` (each claim's full simulation budget; the default is the quick one, as
`boundlab check --quick`), `--boundlab-seed N` (default 0) and `--boundlab-time-limit S` (a claim that runs past S
CPU seconds is INCONCLUSIVE, so a run never hangs).

Collection. A listed module is loaded as `boundlab check --file` loads it (its own claims and derivations, not
the catalogue claims it imports) and gives one item per claim and per derivation, with node ids such as
`claims.py::mine.claim_id`. A claim passes when its result is as expected (a true claim PROVED, CERTIFIED or
CONSISTENT; a claim registered with expect="VIOLATED" refuted); otherwise the failure shows the claim, its
statement, the verdict, the method, the evidence, the witness as JSON (or the error) and the command that replays
it, with no Python traceback. `-k` matches claim ids and also the claim's kind (analytic, empirical) and paper key.

Listed modules are collected where pytest's own walk reaches them (so `pytest claims.py` or `pytest
claims.py::mine.claim_id` select as usual). When pytest runs without path arguments, modules the walk does not
reach (e.g. outside `testpaths`) are collected too, after everything else: listing a file is asking for it. The
snapshot item (node id `<snapshot file>::snapshot`) follows the same rule; it calls
`boundlab.verify.snapshot.check_snapshot(path, claims, derivations)` on the claims and derivations of all listed modules and fails with the report's
text, or with the message of a `SnapshotError` for a missing or corrupt file.

Errors are collection errors that name the file and the cause: a `boundlab_files` entry that matches no file, a
module that fails to import or defines a malformed claim, a module that defines no claim and no derivation.
Name claim modules so that pytest's `python_files` does not also collect them as test modules (e.g. not
test_*.py). Nothing heavy is imported until a listed file is collected: the plugin is loaded by every pytest run
in an environment where boundlab is installed.
"""
from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest



@dataclass
class _State:
    """What the ini file and the command line asked for, and what collection has seen so far."""

    files: list[Path]
    unmatched: list[str]
    snapshot: Path | None
    quick: bool
    seed: int
    seconds: float  # the per-claim CPU-time limit
    source: str  # the ini file, for messages
    seen: set[Path] = field(default_factory=set)  # files whose collector has run
    loaded: dict[Path, object] = field(default_factory=dict)  # path -> Registry or the RegistryError

    def registry(self, path: Path):
        """The registry of one listed file (catalogue + that file), loaded once; raises RegistryError."""
        from boundlab.theory.registry import Registry, RegistryError

        if path not in self.loaded:
            try:
                self.loaded[path] = Registry.catalogue([str(path)])
            except RegistryError as exc:
                self.loaded[path] = RegistryError(str(exc).replace(f"--file {path}", _shown(path), 1))
        got = self.loaded[path]
        if isinstance(got, Exception):
            raise got
        return got


STATE = pytest.StashKey[_State]()


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def pytest_addoption(parser):
    group = parser.getgroup("boundlab", "boundlab: claims as tests")
    group.addoption("--boundlab-full", action="store_true", default=False,
                    help="check claims with their full simulation budget (default: the quick budget)")
    group.addoption("--boundlab-seed", type=int, default=0, metavar="N",
                    help="seed of every random draw of the claim checks (default 0)")
    group.addoption("--boundlab-time-limit", type=float, default=None, metavar="S",
                    help="CPU seconds one claim or derivation step may take before it is INCONCLUSIVE (default: "
                         "the ini's boundlab_time_limit, else 1800)")
    parser.addini("boundlab_files", type="linelist", default=[],
                  help="boundlab: claim modules to collect, paths or globs relative to the rootdir")
    parser.addini("boundlab_snapshot", type="string", default="",
                  help="boundlab: a golden snapshot file, checked as one test")
    parser.addini("boundlab_time_limit", type="string", default="",
                  help="boundlab: CPU seconds one claim may take before it is INCONCLUSIVE (default 1800)")


def pytest_configure(config):
    entries = config.getini("boundlab_files")
    if not entries:
        return
    root = config.rootpath
    files, unmatched = [], []
    for entry in entries:
        pattern = str(root / entry)
        found = sorted(glob.glob(pattern, recursive=True)) if glob.has_magic(entry) else [pattern]
        found = [Path(p).resolve() for p in found if os.path.isfile(p)]
        if not found:
            unmatched.append(entry)
        files += [p for p in found if p not in files]
    snap = config.getini("boundlab_snapshot")
    source = str(config.inipath) if config.inipath else "the ini file"
    config.stash[STATE] = _State(files, unmatched, (root / snap).resolve() if snap else None,
                                 quick=not config.getoption("boundlab_full"),
                                 seed=config.getoption("boundlab_seed"), seconds=_time_limit(config, source),
                                 source=source)


def _time_limit(config, source: str) -> float:
    from boundlab.numerics.limits import DEFAULT_SECONDS

    given = config.getoption("boundlab_time_limit")
    text = config.getini("boundlab_time_limit").strip()
    try:
        seconds = given if given is not None else float(text) if text else DEFAULT_SECONDS
    except ValueError:
        raise pytest.UsageError(f"boundlab_time_limit = {text!r} (in {source}) is not a number of seconds") from None
    if not seconds > 0:
        raise pytest.UsageError(f"the boundlab time limit must be positive, got {seconds}")
    return seconds


def pytest_report_header(config):
    state = config.stash.get(STATE, None)
    if state is None:
        return None
    return (f"boundlab: {len(state.files)} claim file(s), {'quick' if state.quick else 'full'} budget, "
            f"seed {state.seed}" + (f", snapshot {_shown(state.snapshot)}" if state.snapshot else ""))


def pytest_collect_file(file_path, parent):
    state = parent.config.stash.get(STATE, None)
    if state is None:
        return None
    path = Path(file_path).resolve()
    if path in state.files:
        return ClaimFile.from_parent(parent, path=file_path)
    if path == state.snapshot:
        return SnapshotFile.from_parent(parent, path=file_path)
    return None


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    """After the session's own collectors, one more: bad entries as errors, and unreached files (see above)."""
    report = yield
    state = collector.config.stash.get(STATE, None)
    if state is None or not isinstance(collector, pytest.Session) or not report.passed:
        return report
    explicit = collector.config.args_source == pytest.Config.ArgsSource.ARGS
    if state.unmatched or not explicit:
        report.result.append(Remaining.from_parent(collector, name="boundlab", nodeid="boundlab"))
    return report


def pytest_report_teststatus(report, config):
    """`-v` shows the verdict beside PASSED."""
    if report.when == "call" and report.passed:
        verdict = dict(report.user_properties).get("boundlab_verdict")
        if verdict:
            return "passed", ".", (f"PASSED ({verdict})", {"green": True})
    return None


class Remaining(pytest.Collector):
    """Collected last: unmatched `boundlab_files` entries (errors), then listed files the walk did not reach."""

    def collect(self):
        state = self.config.stash[STATE]
        for entry in state.unmatched:
            yield BadEntry.from_parent(self, name=entry, nodeid=entry)
        if self.config.args_source == pytest.Config.ArgsSource.ARGS:
            return
        for path in state.files:
            if path not in state.seen:
                yield ClaimFile.from_parent(self, path=path)
        if state.snapshot and state.snapshot not in state.seen:
            yield SnapshotFile.from_parent(self, path=state.snapshot)


class BadEntry(pytest.Collector):
    """A `boundlab_files` entry that matches no file: a collection error."""

    def collect(self):
        state = self.config.stash[STATE]
        raise self.CollectError(f"boundlab_files entry {self.name!r} (in {state.source}) matches no file under "
                                f"{self.config.rootpath}")


class ClaimFile(pytest.File):
    """A claim module: one item per claim and per derivation it defines."""

    def collect(self):
        from boundlab.theory.registry import RegistryError

        state = self.config.stash[STATE]
        state.seen.add(self.path.resolve())  # collect() runs only for files the session selects
        try:
            registry = state.registry(self.path.resolve())
        except RegistryError as exc:
            raise self.CollectError(str(exc)) from None
        for claim in registry.from_files:
            yield ClaimItem.from_parent(self, name=claim.id, claim=claim)
        for derivation in registry.derivations_from_files:
            yield DerivationItem.from_parent(self, name=derivation.id, derivation=derivation, registry=registry)


class NotAsExpected(Exception):
    """A check whose result is not the expected one; carries the text of the failure."""

    def __init__(self, text: str, summary: str):
        super().__init__(summary)
        self.text, self.summary = text, summary


class FailureText:
    """The failure shown instead of a traceback; `reprcrash.message` is the one line of pytest's `-ra` summary."""

    @dataclass
    class _Crash:
        path: str
        lineno: int
        message: str

        def __str__(self):
            return f"{self.path}: {self.message}"

    def __init__(self, path, text: str, summary: str):
        self.text = text
        self.reprcrash = self._Crash(str(path), 0, summary)

    def toterminal(self, tw) -> None:
        for line in self.text.splitlines():
            tw.line(line)

    def __str__(self):  # what pytest-xdist sends from a worker
        return self.text


class _CheckItem(pytest.Item):
    """Shared by claims and derivations: run, record the verdict, fail with text rather than a traceback."""

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, NotAsExpected):
            return FailureText(self.path, excinfo.value.text, excinfo.value.summary)
        return super().repr_failure(excinfo, style)

    kind = "claim"

    def reportinfo(self):
        # the heading of a failure; not the bare id, which pytest -v would print with '.' turned into '::'
        return self.path, None, f"{self.kind} {self.name}"

    def _record(self, result):
        self.user_properties.append(("boundlab_verdict", result.verdict))
        self.user_properties.append(("boundlab_seconds", round(result.seconds, 3)))

    def _replay(self, command: str) -> str:
        state = self.config.stash[STATE]
        return f"boundlab {command} {_shown(self.path)} --seed {state.seed}"


class ClaimItem(_CheckItem):
    """One claim, checked by `boundlab.verify.check.check` with the session's seed and budget."""

    def __init__(self, *, claim, **kw):
        super().__init__(**kw)
        self.claim = claim
        self.extra_keyword_matches.update({claim.kind, claim.provenance.paper})

    def runtest(self):
        from boundlab.verify.check import check

        state = self.config.stash[STATE]
        result = check(self.claim, seed=state.seed, quick=state.quick, seconds=state.seconds)
        self._record(result)
        if not result.as_expected:
            raise NotAsExpected(*self._failure(result))

    def _failure(self, r) -> tuple[str, str]:
        from boundlab.verify.render import claim_failure

        budget = " --quick" if self.config.stash[STATE].quick else ""
        return claim_failure(self.claim, r, f"{self._replay('check --file')}{budget} {self.claim.id}")


class DerivationItem(_CheckItem):
    """One derivation, checked step by step by `boundlab.verify.derive.check_derivation` (steps may use catalogue claims)."""

    kind = "derivation"

    def __init__(self, *, derivation, registry, **kw):
        super().__init__(**kw)
        self.derivation, self.registry = derivation, registry
        self.extra_keyword_matches.update({"derivation", derivation.provenance.paper})

    def runtest(self):
        from boundlab.verify.derive import check_derivation

        state = self.config.stash[STATE]
        result = check_derivation(self.derivation, self.registry, seed=state.seed, seconds=state.seconds)
        self._record(result)
        if not result.as_expected:
            raise NotAsExpected(*self._failure(result))

    def _failure(self, r) -> tuple[str, str]:
        from boundlab.verify.render import derivation_failure

        return derivation_failure(self.derivation, r, self._replay("derive"))


class SnapshotFile(pytest.File):
    """The golden snapshot file: one item."""

    def collect(self):
        self.config.stash[STATE].seen.add(self.path.resolve())
        yield SnapshotItem.from_parent(self, name="snapshot")


class SnapshotItem(_CheckItem):
    """The snapshot check over the claims of every listed module (`boundlab.verify.snapshot.check_snapshot`)."""

    kind = "boundlab"

    def runtest(self):
        from boundlab.theory.registry import RegistryError

        state = self.config.stash[STATE]
        claims, derivations = [], []
        for path in state.files:
            try:
                claims += state.registry(path).from_files
                derivations += state.registry(path).derivations_from_files
            except RegistryError as exc:
                raise NotAsExpected(f"snapshot {_shown(self.path)}: cannot load the claims: {exc}",
                                    "a claim file fails to load") from None
        from boundlab.verify import snapshot  # imported here: written alongside this plugin

        files = " ".join(f"--file {_shown(p)}" for p in state.files)
        write = f"boundlab snapshot {files} -o {_shown(self.path)}"
        try:
            report = snapshot.check_snapshot(self.path, claims, derivations)
        except snapshot.SnapshotError as exc:
            raise NotAsExpected(f"snapshot {_shown(self.path)}: {exc}\n  for these claims: {write}"
                                + (" --update" if self.path.exists() else ""), str(exc).splitlines()[0]) from None
        if not report.ok:
            text = report.text()
            raise NotAsExpected(f"snapshot {_shown(self.path)}: the claims changed:\n{text}\n  if the change is "
                                f"intended: {write} --update", text.splitlines()[-1])
