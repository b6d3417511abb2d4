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


@pytest.mark.parametrize("args, message", [
    (["--since", "februari"], "since='februari' is not a date"),
    (["--until", "2025-02-30"], "until='2025-02-30' is not a date"),
    (["--since", "2025-03", "--until", "2025-02"], "ends (2025-02-28) before it starts (2025-03-01)"),
])
def test_a_bad_date_is_one_message_and_exit_code_2(args, message, capsys, monkeypatch):
    import rag.cli

    monkeypatch.setattr(rag.cli, "_assistant", lambda *a, **k: pytest.fail("nothing may load for a bad date"))
    assert main(["ask", *args, "Wat gebeurde er?"]) == 2
    err = capsys.readouterr().err
    assert message in err and ("YYYY-MM" in err or "on or after" in err)
    assert "Traceback" not in err


def test_ask_passes_the_filter_and_prints_what_was_searched(capsys, monkeypatch):
    import rag.cli
    from tests.unit.test_filters import assistant, make_data

    asst = assistant(make_data())
    monkeypatch.setattr(rag.cli, "_assistant", lambda *a, **k: asst)
    code = main(["ask", "--json", "--since", "2025-02", "--until", "2025-03", "--source", "NOS", "--source",
                 "der spiegel", "Which chips were ordered?"])
    assert code == 0
    import json

    result = json.loads(capsys.readouterr().out)
    assert result["period"] == "2025-02-01 to 2025-03-31" and result["sources"] == ["NOS", "der spiegel"]
    assert {p["doc_id"] for p in result["passages"]} <= {"nos", "spiegel"}
    assert main(["ask", "--source", "NOS", "Which chips were ordered?"]) == 0
    err = capsys.readouterr().err
    assert "searched articles by NOS" in err


def test_interactive_ask_keeps_the_filter_for_every_question(capsys, monkeypatch):
    import builtins

    import rag.cli
    from tests.unit.test_filters import assistant, make_data

    monkeypatch.setattr(rag.cli, "_assistant", lambda *a, **k: assistant(make_data()))
    lines = iter(["Which chips were ordered?", "And what else?", ""])
    monkeypatch.setattr(builtins, "input", lambda prompt="": next(lines))
    assert main(["ask", "--since", "2025-02"]) == 0
    out = capsys.readouterr()
    assert "Searching articles from 2025-02-01." in out.out
    assert out.err.count("searched articles from 2025-02-01") == 2
