"""A per-claim time limit measured in CPU time, so that a busy machine does not trip it.

`time_limit(seconds)` interrupts its block once this process has spent `seconds` of CPU time inside it (all threads
together: a check that keeps two cores busy reaches the limit in half the wall-clock time; one that waits behind
other processes does not reach it at all). The interruption is `TimeLimitExceeded`, a BaseException, so that the
`except Exception` clauses that turn bugs into ERROR verdicts do not swallow it: the caller decides what an
interrupted check means (INCONCLUSIVE "ran past N s" in `verify.check.check`). Limits nest: an inner block never
extends an outer one.

It uses the profiling timer (SIGPROF), so it works only in the main thread of a process with `setitimer`; elsewhere
the block runs without a limit. Native code (a BLAS call, a solver) is interrupted when it returns to Python.
"""
from __future__ import annotations

import contextlib
import math
import signal
import threading
import time

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
    now = time.process_time()
    expired = [d for d in _deadlines if d <= now + 1e-3]
    if expired:
        # fire again soon: an exception raised inside a weakref callback or a __del__ is printed and dropped, and
        # the block would then run on unlimited (the block's exit re-arms the timer as it should be)
        signal.setitimer(signal.ITIMER_PROF, 0.05)
        raise _Expired(max(expired))  # the innermost expired limit is the one with the latest deadline
    _arm()  # a timer that fired early (coarse accounting): wait for the rest


class _Expired(BaseException):
    def __init__(self, deadline: float):
        super().__init__(deadline)
        self.deadline = deadline


@contextlib.contextmanager
def time_limit(seconds: float | None):
    """Run the block with at most `seconds` of CPU time; None or inf means no limit (outer limits still hold)."""
    if seconds is None or math.isinf(seconds) or not _available():
        yield
        return
    if not seconds > 0:
        raise ValueError(f"a time limit must be positive, got {seconds}")
    deadline = time.process_time() + seconds
    outer = signal.getsignal(signal.SIGPROF) if not _deadlines else None
    if not _deadlines:
        signal.signal(signal.SIGPROF, _on_signal)
    _deadlines.append(deadline)
    _arm()
    try:
        yield
    except _Expired as exc:
        if exc.deadline != deadline:  # an outer limit expired: let it reach its own block
            raise
        raise TimeLimitExceeded(seconds) from None
    finally:
        _deadlines.remove(deadline)
        _arm()
        if not _deadlines:
            signal.signal(signal.SIGPROF, outer if outer is not None else signal.SIG_DFL)
