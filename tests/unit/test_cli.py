"""The command line: help, and one clear message (no traceback) for every kind of bad input."""

import subprocess
import sys

import pytest

from rag.cli import main


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "rag.cli", *args], capture_output=True, text=True, timeout=300,
                          env=env)


def test_help_lists_the_commands():
    out = run("--help")
    assert out.returncode == 0
    for command in ("index", "ask", "chat", "eval"):
        assert command in out.stdout


def test_empty_question(capsys):
    assert main(["ask", "   "]) == 2
    err = capsys.readouterr().err
    assert "question is empty" in err and "->" in err and "Traceback" not in err


def test_too_long_question(capsys):
    assert main(["ask", "waarom " * 400]) == 2
    assert "limit" in capsys.readouterr().err


def test_missing_index(tmp_path, capsys, embedder, monkeypatch):
    import rag.embedding

    monkeypatch.setattr(rag.embedding.Embedder, "from_settings", classmethod(lambda cls, s: embedder))
    monkeypatch.setenv("BRON_INDEX_DIR", str(tmp_path))
    assert main(["ask", "Wat is Stargate?"]) == 2
    err = capsys.readouterr().err
    assert "No index found" in err and "bron index" in err


def test_bad_config_file(tmp_path, capsys):
    bad = tmp_path / "bron.toml"
    bad.write_text("top_k = [")
    assert main(["--config", str(bad), "ask", "Wat is Stargate?"]) == 2
    assert "not valid TOML" in capsys.readouterr().err


def test_missing_model_file(capsys, tmp_path):
    assert main(["--model", str(tmp_path / "nope.gguf"), "setup"]) == 2
    err = capsys.readouterr().err
    assert "LLM file not found" in err and "->" in err


@pytest.mark.parametrize("args", [["index", "--bogus"], ["frobnicate"]])
def test_usage_errors_exit_nonzero(args):
    out = run(*args)
    assert out.returncode == 2 and "usage" in out.stderr
