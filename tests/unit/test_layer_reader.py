"""rag.llm.layer_reader without a model: a llama.cpp build without libggml-base is a clear refusal, which the
generator turns into "no probe" (a warning), never a traceback in an answer."""
import contextlib
import logging

import pytest

from rag.llm import layer_reader


def test_a_build_without_ggml_base_is_refused_before_any_context_is_made(monkeypatch):
    monkeypatch.setattr(layer_reader, "_ggml", lambda: None)
    with pytest.raises(RuntimeError, match="no libggml-base"):
        layer_reader.LayerReader(llm=None)


def test_the_generator_then_reads_no_middle_layer_and_says_why(monkeypatch, caplog):
    from rag.llm.llamacpp import LlamaCppGenerator

    monkeypatch.setattr(layer_reader, "_ggml", lambda: None)
    generator = LlamaCppGenerator.__new__(LlamaCppGenerator)  # no model: only the reader's bookkeeping runs
    generator._reader, generator._llm, generator._stack = None, object(), contextlib.ExitStack()
    with caplog.at_level(logging.WARNING):
        assert generator._layer_reader() is False and generator._layer_reader() is False
    assert sum("No middle-layer states" in r.message for r in caplog.records) == 1


def test_this_build_ships_the_library_the_reader_needs():
    lib = layer_reader._ggml()
    assert lib is not None and lib.ggml_get_name is not None
