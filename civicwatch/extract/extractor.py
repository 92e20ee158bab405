"""The extractor for a language, found through the registry of languages; one per process.

Every language is read by the same ``Reader`` (``reader.py``); what differs is registered
in ``languages/`` (a parser backend, dates, name forms) and kept in ``data/<lang>/`` and
``models/<lang>.json.gz``.
"""

from __future__ import annotations

from civicwatch.extract.reader import Reader

_READERS: dict[str, Reader] = {}


def get_extractor(language: str = "en") -> Reader:
    """The reader for a language, with its parser and models loaded (once per process)."""
    if language not in _READERS:
        reader = Reader(language)
        reader.parser  # noqa: B018 - load the parser and the models now, not on the first article
        reader.models  # noqa: B018
        _READERS[language] = reader
    return _READERS[language]


def use_models(version: str | None) -> None:
    """Extract with an installed model version in this process (None: the current one, see
    ``civicwatch.extract.learn``); readers made before are dropped so the next article loads it."""
    from civicwatch.extract.learn import use_version

    use_version(version)
    _READERS.clear()
