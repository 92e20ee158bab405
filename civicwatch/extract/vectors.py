"""Static sentence vectors: what a sentence is about, for the event model, beyond its exact words.

A language may ship a table of word-piece vectors (``vectors/<lang>.npz``, int8 with a scale per
dimension) and the tokenizer that cuts text into those pieces (``vectors/<lang>.tokenizer.json``). A
sentence's vector is the mean of its pieces' vectors, of unit length. English has one, distilled from
all-MiniLM-L6-v2 by ``tools/build_vectors.py``; a language without a table gets no vectors, and its
event model reads its string features alone. Nothing is downloaded: the files are in the package.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np

MAX_PIECES = 256  # a sentence's first pieces are enough to say what it is about


class SentenceVectors:
    def __init__(self, table: np.ndarray, scale: np.ndarray, tokenizer_json: str) -> None:
        from tokenizers import Tokenizer

        self.table = table.astype(np.float32) * scale.astype(np.float32)
        self.tokenizer = Tokenizer.from_str(tokenizer_json)
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_PIECES)

    @property
    def dimensions(self) -> int:
        return int(self.table.shape[1])

    def encode(self, texts: list[str]) -> list[tuple[float, ...] | None]:
        """One unit vector per text; None for a text with no piece."""
        out: list[tuple[float, ...] | None] = []
        for encoding in self.tokenizer.encode_batch(texts, add_special_tokens=False):
            ids = [i for i in encoding.ids if 0 <= i < len(self.table)]
            if not ids:
                out.append(None)
                continue
            mean = self.table[ids].mean(axis=0)
            norm = float(np.linalg.norm(mean))
            out.append(tuple((mean / norm).tolist()) if norm > 0 else None)
        return out


@lru_cache(maxsize=8)
def vectors_for(language: str) -> SentenceVectors | None:
    """The language's sentence vectors, or None when it ships none."""
    folder = resources.files("civicwatch.extract").joinpath("vectors")
    table, tokenizer = folder.joinpath(f"{language}.npz"), folder.joinpath(f"{language}.tokenizer.json")
    if not (table.is_file() and tokenizer.is_file()):
        return None
    with table.open("rb") as handle:
        data = np.load(handle)
        matrix, scale = data["table"], data["scale"]
    return SentenceVectors(matrix, scale, tokenizer.read_text(encoding="utf-8"))
