"""benchmarks.llama_builds times real llama.cpp builds: here the installed one against itself, one short round."""
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration


def test_the_installed_build_timed_against_itself(tmp_path: Path, capsys):
    import llama_cpp

    from benchmarks.llama_builds import main

    folder = Path(llama_cpp.__file__).resolve().parent.parent  # the folder that holds the llama_cpp package
    out = tmp_path / "builds.json"
    main([f"a={folder}", f"b={folder}", "--rounds", "1", "--prompt-tokens", "64", "--generate", "4",
          "--out", str(out)])
    import json

    summary = json.loads(out.read_text())["summary"]
    assert set(summary) == {"a", "b"}
    assert all(s["prompt_tps"] > 1 and s["gen_tps"] > 0 and "AVX" in s["system_info"] for s in summary.values())
    assert "| a |" in capsys.readouterr().out


def test_a_folder_without_a_build_is_refused(tmp_path: Path, capsys):
    from benchmarks.llama_builds import main

    with pytest.raises(SystemExit):
        main([f"x={tmp_path}"])
    assert "holds no llama_cpp package" in capsys.readouterr().err
