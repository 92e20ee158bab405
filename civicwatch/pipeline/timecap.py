"""The per-article time cap: a call that runs past its cap is stopped, and the batch goes on.

How: a real-time interval timer (``signal.setitimer``) armed around the call. When it fires, its
handler raises ``_Expired`` inside the running extractor, wherever it is; the guard catches it and
raises ``TimedOut``, which the pipeline reports as the article's failure ("timeout").

Why a signal, and not a worker process the parent kills: the extractors live in this process (loaded
once, then shared by every article), so the cap costs two system calls per article (arming and
disarming the timer: a few microseconds, against tens of milliseconds of extraction) and no memory;
a worker process would hold a second copy of the models (or fork a copy-on-write one that Python's
reference counts soon unshare), pay a pickle round trip per article, and load the models again after
each kill. What a signal gives up:

* it preempts only Python code. A handler runs between bytecodes, so a C extension that never
  returns to Python holds the timeout off until it does. The costs that ran away (the extractor's
  loops over tokens and entities, name inflection) are Python loops, and ``re`` checks for signals
  while it backtracks, so those stop on time;
* it works in the main thread only, where ``civicwatch extract``, ``civicwatch ingest``, ``watch`` and
  the Spark Python workers run the extractor. Called from any other thread (a library user's thread
  pool), the call runs uncapped, and ``preemptible()`` says so;
* an extractor that catches ``BaseException`` would swallow the first one. ``_Expired`` is not an
  ``Exception`` (``except Exception`` lets it through), and the timer fires again every
  ``_REPEAT_S`` until the call returns.

An outer timer (a test's hang detector) is kept: its deadline still fires, through its own handler,
and it is re-armed with what is left of it when the call returns.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any, TypeVar

DEFAULT_TIMEOUT = 10.0  # seconds per article
_REPEAT_S = 0.25  # the timer fires again this often after the cap, until the call gives up

T = TypeVar("T")


class TimedOut(Exception):
    """The call ran past its cap and was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"over the {seconds:g} s cap")
        self.seconds = seconds


class _Expired(BaseException):
    """Raised inside the capped call by the timer's handler; a BaseException so ``except Exception`` misses it."""


def preemptible() -> bool:
    """Whether a call made here can be capped (the main thread, on a system with interval timers)."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def call_with_cap(call: Callable[[], T], seconds: float | None) -> T:
    """``call()``'s result, or ``TimedOut`` once it has run ``seconds`` (wall clock).

    ``seconds`` None or 0 means no cap; off the main thread the call runs uncapped (see the module).
    """
    if not seconds or seconds <= 0 or not preemptible():
        return call()
    alarm = _Alarm(seconds)
    try:
        return alarm.run(call)
    except _Expired:
        raise TimedOut(seconds) from None


class _Alarm:
    """One capped call: our timer armed, any timer armed before it kept, both put back afterwards."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.active = False
        self.deadline = 0.0
        self.previous: Any = None  # the SIGALRM handler before ours
        self.outer: tuple[float, float] = (0.0, 0.0)  # a timer armed before ours: (delay, interval); 0 once fired
        self.outer_deadline = 0.0

    def run(self, call: Callable[[], T]) -> T:
        started = time.monotonic()
        self.outer = signal.setitimer(signal.ITIMER_REAL, 0)  # stopped while ours runs, re-armed after
        self.outer_deadline = started + self.outer[0]
        self.deadline = started + self.seconds
        self.previous = signal.signal(signal.SIGALRM, self._ring)
        try:
            self.active = True
            signal.setitimer(signal.ITIMER_REAL, self._next_delay(started), _REPEAT_S)
            try:
                return call()
            finally:
                self._disarm()
        finally:
            # Again: should the timer fire just as the call returns, its exception may cut the first
            # disarming short; the next firing is _REPEAT_S away, so this one completes.
            self._disarm()
            signal.signal(signal.SIGALRM, self.previous)
            self._restore_outer()

    def _next_delay(self, now: float) -> float:
        at = min(self.deadline, self.outer_deadline) if self.outer[0] > 0 else self.deadline
        return max(at - now, 1e-6)

    def _disarm(self) -> None:
        self.active = False
        signal.setitimer(signal.ITIMER_REAL, 0)

    def _restore_outer(self) -> None:
        delay, interval = self.outer
        if delay > 0:
            signal.setitimer(signal.ITIMER_REAL, max(self.outer_deadline - time.monotonic(), 1e-6), interval)
        elif interval > 0:  # a repeating outer timer that fired during the call goes on repeating
            signal.setitimer(signal.ITIMER_REAL, interval, interval)

    def _ring(self, signum: int, frame: FrameType | None) -> None:
        now = time.monotonic()
        if self.outer[0] > 0 and now >= self.outer_deadline:
            self.outer = (0.0, self.outer[1])  # the outer timer's turn: its own handler decides what happens
            if callable(self.previous):
                self.previous(signum, frame)
        if not self.active:
            return
        if now >= self.deadline:
            raise _Expired
        signal.setitimer(signal.ITIMER_REAL, self._next_delay(now), _REPEAT_S)  # woken early: sleep on
