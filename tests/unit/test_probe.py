"""rag.probe: the linear probe's arithmetic, its file, when it applies, and the abstention it makes (no model)."""
import json
import math
from dataclasses import replace

import pytest

from rag import probe as probe_module
from rag.checking import after_model
from rag.config import Settings
from rag.errors import ConfigError
from rag.models import DEFAULT_LLM, GGUF_SHA256
from rag.probe import Probe, fit_probe, load_probe, probe_for
from rag.results import AbstainReason, Passage

ABSTAIN = "Dat staat niet in de bronnen."
PASSAGES = [Passage(1, "a", "Stargate", None, "a#0", "Stargate krijgt 500 miljard dollar.", 0, 35, 0.1, 0.8, "nl")]


def small_probe(sha=GGUF_SHA256):
    return Probe(sha, mean=[1.0, 0.0], scale=[2.0, 1.0], coef=[1.0, -1.0], intercept=0.5, examples=4)


def test_the_probability_is_the_logistic_of_the_standardised_state():
    z = 0.5 + 1.0 * (3.0 - 1.0) / 2.0 - 1.0 * (1.0 - 0.0) / 1.0
    assert small_probe().probability([3.0, 1.0]) == pytest.approx(1 / (1 + math.exp(-z)))


def test_a_state_of_another_size_is_a_clear_error():
    with pytest.raises(ConfigError, match="expects a state of 2"):
        small_probe().probability([1.0, 2.0, 3.0])


def test_a_fitted_probe_separates_what_it_was_trained_on_and_survives_its_file(tmp_path):
    states = [[x, 5.0 + 0.1 * x] for x in (-3, -2, -1.5, -1)] + [[x, 5.0 - 0.1 * x] for x in (1, 1.5, 2, 3)]
    probe = fit_probe(states, [0, 0, 0, 0, 1, 1, 1, 1], "sha", c=1.0, trained_on=["gold.jsonl"])
    assert all(probe.probability(s) < 0.5 for s in states[:4]) and all(probe.probability(s) > 0.5 for s in states[4:])
    probe.save(tmp_path / "probe.json")
    again = load_probe(tmp_path / "probe.json")
    assert again == probe and again.examples == 8 and again.trained_on == ["gold.jsonl"]


def test_the_layer_it_reads_survives_its_file_and_an_older_file_reads_the_final_state(tmp_path):
    probe = replace(small_probe(), layer=18)
    probe.save(tmp_path / "probe.json")
    assert load_probe(tmp_path / "probe.json").layer == 18
    older = {k: v for k, v in json.loads((tmp_path / "probe.json").read_text()).items() if k != "layer"}
    (tmp_path / "probe.json").write_text(json.dumps(older))
    assert load_probe(tmp_path / "probe.json").layer is None


def test_the_second_reading_asks_the_generator_for_the_probes_layer():
    from rag.llm import Generator
    from rag.second_reading import read_again

    class Reader(Generator):  # a generator that says "yes" and records which state the probe asked for
        asked: list = []

        def stream(self, messages, max_tokens=200, temperature=0.0, grammar=None, record=None, abstain=None):
            yield "yes"

        def last_prompt_state(self, layer=None):
            self.asked.append(layer)
            return [3.0, 1.0]

    reader = Reader()
    reading = read_again(reader, Settings().prompts_dir, "Hoeveel?", "Stargate krijgt 500 miljard.", "500 miljard",
                         replace(small_probe(), layer=18))
    assert reader.asked == [18] and reading.probe == pytest.approx(small_probe().probability([3.0, 1.0]))


@pytest.mark.parametrize("content, message", [(None, "missing"), ("{not json", "cannot be read"),
                                              (json.dumps({"mean": [1]}), "cannot be read")])
def test_a_missing_or_damaged_file_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "probe.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ConfigError, match=message):
        load_probe(path)


@pytest.fixture
def prompts_with_probe(tmp_path, monkeypatch):
    def make(sha=GGUF_SHA256):
        folder = tmp_path / sha[:8]
        (folder / "second_reading").mkdir(parents=True)
        small_probe(sha).save(folder / probe_module.FILE)
        monkeypatch.setattr(probe_module, "_loaded", {})
        return folder
    return make


def test_the_probe_applies_to_the_model_it_was_trained_on_only(prompts_with_probe):
    settings = replace(Settings(), prompts_dir=prompts_with_probe(), llm=DEFAULT_LLM)
    assert probe_for(settings) == small_probe()
    assert probe_for(replace(settings, llm_url="http://127.0.0.1:9/v1")) is None  # a server has no hidden states
    assert probe_for(replace(settings, llm="/models/other.gguf")) is None
    assert probe_for(replace(settings, prompts_dir=prompts_with_probe("0" * 64))) is None  # trained on another file


def test_without_a_probe_file_there_is_no_probe(tmp_path, monkeypatch):
    monkeypatch.setattr(probe_module, "_loaded", {})
    assert probe_for(replace(Settings(), prompts_dir=tmp_path)) is None


@pytest.mark.parametrize("probability, probe_min, abstains", [(0.2, 0.3, True), (0.4, 0.3, False), (0.2, 0.0, False),
                                                              (None, 0.3, False)])
def test_below_probe_min_the_answer_abstains_as_not_stated(probability, probe_min, abstains):
    verdict = after_model(Settings(probe_min=probe_min), "Hoeveel geld krijgt Stargate?", "nl",
                          "500 miljard dollar [1].", PASSAGES, ABSTAIN, probe_probability=probability)
    assert verdict.abstained == abstains
    if abstains:
        assert verdict.reason == AbstainReason.NOT_STATED
        assert "probe 0.20 < probe_min 0.30" in " ".join(verdict.notes)
