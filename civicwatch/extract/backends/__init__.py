"""Parsers that fill the common view (``civicwatch.extract.parse``), one per toolkit."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext


def one_thread() -> AbstractContextManager:
    """numpy's BLAS on one thread: the parsers' matrices are small and threads only contend."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - an optional speed-up
        return nullcontext()
    return threadpool_limits(limits=1, user_api="blas")
