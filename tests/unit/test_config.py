import pytest

from rag.config import PROJECT_DIR, Settings
from rag.errors import ConfigError


def test_defaults(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    s = Settings.load(config_file=None)
    assert s.index == "seeds" and s.top_k == 4 and s.hybrid is False
    assert s.index_path == PROJECT_DIR / "indexes" / "seeds"


def test_precedence_defaults_toml_env_arguments(monkeypatch, tmp_path):
    toml = tmp_path / "bron.toml"
    toml.write_text('top_k = 6\nchunk_size = 500\nindex = "from_toml"\n')
    for key in list(__import__("os").environ):
        if key.startswith("BRON_"):
            monkeypatch.delenv(key)
    s = Settings.load(toml)
    assert (s.top_k, s.chunk_size, s.index) == (6, 500, "from_toml")
    monkeypatch.setenv("BRON_TOP_K", "7")
    monkeypatch.setenv("BRON_HYBRID", "true")
    s = Settings.load(toml)
    assert (s.top_k, s.chunk_size, s.hybrid) == (7, 500, True)
    s = Settings.load(toml, top_k=3)
    assert s.top_k == 3 and s.index == "from_toml"


def test_bron_section_and_relative_paths(tmp_path):
    toml = tmp_path / "bron.toml"
    toml.write_text('[bron]\nseeds_dir = "my_articles"\n')
    assert Settings.load(toml).seeds_dir == PROJECT_DIR / "my_articles"


@pytest.mark.parametrize("content, needle", [
    ("top_k = 'many'", "top_k"),
    ("top_k = 99", "top_k"),
    ("colour = 'blue'", "Unknown setting"),
    ("index_type = 'btree'", "index_type"),
    ("vector_store = 'cassandra'", "vector_store"),
    ("query_encoder = 'onnx'", "query_encoder"),
    ("chunk_overlap = 5000", "chunk_overlap"),
    ("top_k = ", "not valid TOML"),
])
def test_bad_config_gives_a_clear_error(tmp_path, content, needle):
    toml = tmp_path / "bron.toml"
    toml.write_text(content)
    with pytest.raises(ConfigError) as info:
        Settings.load(toml)
    assert needle in str(info.value)
    assert info.value.remedy


def test_bad_environment_value(monkeypatch):
    monkeypatch.setenv("BRON_TOP_K", "three")
    with pytest.raises(ConfigError, match="top_k"):
        Settings.load()
