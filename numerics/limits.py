"""A per-claim time limit measured in CPU time, so that a busy machine does not trip it.

`time_limit(seconds)` interrupts its block once this process has spent `seconds` of CPU time inside it (all threads
together: a check that keeps two cores busy reaches the limit in half the wall-clock time; one that waits behind
other processes does not reach it at all). The interruption is `TimeLimitExceeded`, a BaseException, so that the
`except Exception` clauses that turn bugs into ERROR verdicts do not swallow it: the caller decides what an
interrupted check means (INCONCLUSIVE "ran past N s" in `boundlab.verify.check.check`). Limits nest: an inner block never
extends an outer one.

It uses the profiling timer (SIGPROF), so it works only in the main thread of a process with `setitimer`; elsewhere
the block runs without a limit. Native code (a BLAS call, a solver) is interrupted when it returns to Python; a
solver that can be stopped from another thread (z3) is stopped on time by `cpu_watchdog`.
"""
from __future__ import annotations

import contextlib
import functools
import math
import signal
import threading
import time
from collections.abc import Callable

#: CPU seconds one claim (or derivation step) may take by default: far above the slowest claim of the catalogue at
#: its full budget (tens of seconds on a quiet machine; multi-threaded BLAS that spin-waits beside other busy
#: processes has been seen to inflate one to 300 s of CPU), so that only a runaway check reaches it.
DEFAULT_SECONDS = 1800.0


class TimeLimitExceeded(BaseException):
    """A block ran past its CPU-time limit; `seconds` is that limit."""

    def __init__(self, seconds: float):
        super().__init__(f"ran past {seconds:g} s of CPU time")
        self.seconds = seconds


_deadlines: list[float] = []  # process-CPU-time deadlines of the active limits, outermost first


def _available() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _arm() -> None:
    """Set the profiling timer to the nearest active deadline (or disarm it when there is none)."""
    if not _deadlines:
        signal.setitimer(signal.ITIMER_PROF, 0)
        return
    left = min(_deadlines) - time.process_time()
    signal.setitimer(signal.ITIMER_PROF, max(left, 1e-3))


def _on_signal(signum, frame):
    if frame is not None and frame.f_code is _EXIT:
        return  # a block is being left: its __exit__ re-arms the timer for the limits that remain
    now = time.process_time()
    expired = [d for d in _deadlines if d <= now + 1e-3]
    if expired:
        # fire again soon: an exception raised inside a weakref callback or a __del__ is printed and dropped, and
        # the block would then run on unlimited. A second firing while the first exception unwinds (freeing a huge
        # number can take longer than 0.05 s) replaces it with its equal, or is ignored inside __exit__.
        signal.setitimer(signal.ITIMER_PROF, 0.05)
        raise _Expired(max(expired))  # the innermost expired limit is the one with the latest deadline
    _arm()  # a timer that fired early (coarse accounting): wait for the rest


class _Expired(BaseException):
    def __init__(self, deadline: float):
        super().__init__(deadline)
        self.deadline = deadline


class time_limit:
    """`with time_limit(seconds):` runs the block with at most `seconds` of CPU time; None or inf means no limit
    (outer limits still hold)."""

    def __init__(self, seconds: float | None):
        if seconds is not None and not math.isinf(seconds) and not seconds > 0:
            raise ValueError(f"a time limit must be positive, got {seconds}")
        self.seconds, self.deadline, self.outer = seconds, None, None

    def __enter__(self):
        if self.seconds is None or math.isinf(self.seconds) or not _available():
            return self
        self.deadline = time.process_time() + self.seconds
        if not _deadlines:
            self.outer = signal.getsignal(signal.SIGPROF)
            signal.signal(signal.SIGPROF, _on_signal)
        _deadlines.append(self.deadline)
        _arm()
        return self

    def __exit__(self, kind, exc, tb):
        if self.deadline is None:
            return False
        _deadlines.remove(self.deadline)
        _arm()
        if not _deadlines:
            signal.signal(signal.SIGPROF, self.outer if self.outer is not None else signal.SIG_DFL)
        if isinstance(exc, _Expired) and exc.deadline == self.deadline:
            raise TimeLimitExceeded(self.seconds) from None
        return False  # no exception, another one, or an outer limit's: it reaches its own block


_EXIT = time_limit.__exit__.__code__


@contextlib.contextmanager
def cpu_watchdog(seconds: float, interrupt: Callable[[], None], every: float = 0.01):
    """Call `interrupt()` from a watching thread once this process has spent `seconds` of CPU time inside the block:
    the CPU-time budget of native code that holds no GIL and never returns to Python until it is done (z3, stopped
    by `Context.interrupt`), which `time_limit` cannot interrupt. A solver's own timeout is wall-clock time, so it
    would give a busy machine's run less work, and another verdict, than a quiet one's."""
    deadline, done = time.process_time() + seconds, threading.Event()

    def watch():
        while not done.wait(every):
            if time.process_time() >= deadline:
                interrupt()
                return

    watcher = threading.Thread(target=watch, name="boundlab-cpu-watchdog", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()


_TASK_CACHES: list = []


def task_cache(maxsize: int):
    """`functools.lru_cache`, emptied with SymPy's cache by `clear_task_caches` before each task (a claim, a
    mutant): work that one task caches must not shorten a later one's CPU time, or a proof at the edge of its
    budget would be PROVED or not by what its process ran before (a mutant's zeros, cached by its siblings)."""
    def wrap(function):
        cached = functools.lru_cache(maxsize=maxsize)(function)
        _TASK_CACHES.append(cached)
        return cached
    return wrap


def clear_task_caches() -> None:
    """Empty SymPy's cache and every `task_cache`: the next task runs as in a fresh process."""
    from sympy.core.cache import clear_cache

    clear_cache()
    for cached in _TASK_CACHES:
        cached.cache_clear()
