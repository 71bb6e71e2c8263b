"""The NumPy runtime must give sentence-transformers' own embeddings (cosine >= 0.999)."""

import json
from pathlib import Path

import numpy as np
import pytest

from tether.lib.embedding import DIMENSIONS, MiniLM, embed, embed_many

REFERENCE = Path(__file__).resolve().parent / "reference_embeddings.json"


@pytest.fixture(scope="module")
def reference():
    data = json.loads(REFERENCE.read_text())
    texts = [item["text"] for item in data["items"]]
    vectors = np.array([item["vector"] for item in data["items"]], dtype=np.float32)
    return data, texts, vectors


def test_reference_was_made_by_sentence_transformers(reference):
    data, texts, vectors = reference
    assert data["produced_by"].startswith("sentence-transformers ")
    assert vectors.shape == (len(texts), DIMENSIONS)
    # Covers the edge cases the runtime must get right.
    assert "" in texts  # empty text
    assert any(len(t) > 1000 for t in texts)  # longer than 256 tokens: truncated
    assert any(not t.isascii() for t in texts)  # non-English and emoji


def test_numpy_runtime_matches_sentence_transformers(reference):
    _, texts, expected = reference
    ours = embed_many(texts)
    cosines = (ours * expected).sum(axis=1) / (
        np.linalg.norm(ours, axis=1) * np.linalg.norm(expected, axis=1)
    )
    assert cosines.min() >= 0.999, dict(zip(texts, cosines.round(5), strict=True))


def test_batching_and_order_do_not_change_a_vector(reference):
    _, texts, _ = reference
    together = embed_many(texts)
    alone = np.array([embed(t) for t in reversed(texts)])[::-1]
    assert np.allclose(together, alone, atol=1e-5)


def test_vectors_are_unit_length_and_meaningful():
    a, b, c = embed_many(
        [
            "Since my baby arrived I can't stop worrying and I barely sleep.",
            "I'm a new mum and the anxiety keeps me awake at night.",
            "Our football team won the regional cup on Saturday.",
        ]
    )
    assert np.allclose([np.linalg.norm(v) for v in (a, b, c)], 1.0, atol=1e-5)
    assert a @ b > a @ c + 0.2


def test_empty_input_gives_empty_matrix():
    assert MiniLM.encode.__doc__  # documented contract
    assert embed_many([]).shape == (0, DIMENSIONS)
