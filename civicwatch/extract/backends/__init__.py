"""Parsers that fill the common view (``civicwatch.extract.parse``), one per toolkit."""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager, nullcontext
from typing import Any

# threadpoolctl's view of the loaded libraries and the number of Python modules when it was taken: finding
# the libraries costs 2.5 ms, once per article, while they change only when something new is imported
_controller: tuple[int, Any] | None = None


def one_thread() -> AbstractContextManager:
    """numpy's BLAS on one thread: the parsers' matrices are small and threads only contend."""
    global _controller
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - an optional speed-up
        return nullcontext()
    if _controller is None or _controller[0] != len(sys.modules):
        _controller = (len(sys.modules), ThreadpoolController())
    return _controller[1].limit(limits=1, user_api="blas")
