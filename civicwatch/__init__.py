"""civicwatch: evidence-linked events on restrictions of civil society and media.

    import civicwatch
    events = civicwatch.extract(text, published="2021-12-28")

``extract`` and ``status_labels`` load the extractor on first use (PEP 562), so that a program using only
another part of the house (``civicwatch serve``: the store and the web app) never imports it.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

from civicwatch.model import Article, Event

__all__ = ["extract", "status_labels", "Article", "Event"]
__version__ = "0.1.0"

_FROM_EXTRACTION = ("extract", "status_labels")


class _Package(types.ModuleType):
    """The package module; ``civicwatch.extract`` is the function, whichever way it is first reached."""

    def __getattr__(self, name: str) -> Any:
        if name not in _FROM_EXTRACTION:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        extraction = importlib.import_module("civicwatch.extract")
        return getattr(extraction, name)

    def __setattr__(self, name: str, value: Any) -> None:
        # Importing the subpackage civicwatch.extract sets it as this module's attribute ``extract``; the
        # public name stays the function, as ``from civicwatch.extract import extract`` here always made it.
        if name == "extract" and isinstance(value, types.ModuleType):
            value = value.extract
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
