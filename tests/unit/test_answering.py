"""Logic of Assistant.finish around the model: no model is loaded here."""
import math

from rag.answering import Assistant
from rag.config import Settings
from rag.llm import Generation
from rag.results import Passage

ABSTAIN = "Dat staat niet in de bronnen."
PASSAGES = [Passage(1, "a", "Stargate", None, "a#0", "Stargate krijgt 500 miljard dollar.", 0, 35, 0.1, 0.8, "nl")]


def finish(confidence, min_confidence=0.65):
    assistant = Assistant(Settings(min_confidence=min_confidence))
    return assistant.finish("Hoeveel geld krijgt Stargate?", "nl", "500 miljard dollar [1].", PASSAGES, ABSTAIN, {},
                            confidence)


def test_an_unsure_answer_becomes_an_abstention_that_keeps_what_the_model_said():
    answer = finish(0.5)
    assert answer.abstained and answer.text == ABSTAIN and answer.citations == []
    assert answer.confidence == 0.5
    assert any("confidence 0.50 < min_confidence 0.65" in note for note in answer.notes)
    assert any(note.endswith("rejected answer: 500 miljard dollar [1].") for note in answer.notes)


def test_a_sure_answer_or_one_without_probabilities_is_kept():
    for confidence in (0.9, None):
        answer = finish(confidence)
        assert not answer.abstained and [c.n for c in answer.citations] == [1], confidence
        assert answer.confidence == confidence
    assert not finish(0.1, min_confidence=0.0).abstained  # 0 switches the check off


def test_confidence_is_the_geometric_mean_token_probability():
    assert Generation().confidence is None
    record = Generation(token_logprobs=[math.log(0.8), math.log(0.2)])
    assert math.isclose(record.confidence, 0.4)


def test_min_confidence_is_validated():
    import pytest

    from rag.errors import ConfigError

    with pytest.raises(ConfigError, match="min_confidence"):
        Settings(min_confidence=1.5).validate()


def test_added_articles_that_cannot_be_used_are_skipped_with_the_reason(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("Stargate krijgt 500 miljard dollar.", encoding="utf-8")
    assistant = Assistant(Settings(seeds_dir=seeds, index_dir=tmp_path / "indexes", max_upload_bytes=100))
    report, messages = assistant.add_articles([
        ("slides.pptx", b"PK"), ("bin.txt", b"\x00binary"), ("copy.md", b"Stargate krijgt 500 miljard dollar."),
        ("big.txt", b"a" * 101)])
    assert report is None  # nothing to index: no model was loaded
    assert messages == ["slides.pptx: skipped, only .txt, .md, .html, .htm, .pdf, .docx and .odt files can be added.",
                        "bin.txt: skipped, it is a binary file, not text.",
                        "copy.md: already indexed (same content), not added twice.",
                        "big.txt: skipped, 101 bytes is over the limit of 100."]
    assert not list(assistant.uploads_dir.iterdir())


def test_a_backend_without_kv_state_has_no_prompt_cache_to_prepare():
    from rag.llm import Generator

    class Echo(Generator):
        model_name = "echo"

        def stream(self, messages, max_tokens=200, temperature=0.0, grammar=None, record=None, abstain=None):
            yield "echo"

    assistant = Assistant(Settings(), generator=Echo())
    assert assistant.warm_prompt_cache() == [] and assistant.generator.model_name == "echo"


def test_abstention_reasons_and_the_strictness_threshold():
    assistant = Assistant(Settings(strictness=0.8))  # abstain when P(abstention) >= 0.2
    question = "Hoeveel geld krijgt Stargate?"

    def run(text, probability):
        return assistant.finish(question, "nl", text, PASSAGES, ABSTAIN, {}, None, probability)

    assert run(ABSTAIN, 0.9).abstain_reason == "model"
    kept = run("500 miljard dollar [1].", 0.1)
    assert not kept.abstained and kept.abstain_reason == "" and kept.abstain_probability == 0.1
    unsure = run("500 miljard dollar [1].", 0.3)
    assert unsure.abstained and unsure.abstain_reason == "uncertain" and unsure.draft == "500 miljard dollar [1]."
    assert not Assistant(Settings()).finish(question, "nl", "500 miljard dollar [1].", PASSAGES, ABSTAIN, {}, None,
                                            0.9).abstained  # strictness 0: only the model's own abstention
    made_up = run("Canberra [1].", 0.0)  # a one-word name that no passage contains
    assert made_up.abstained and made_up.abstain_reason == "unsupported"
    assert "the model's rejected answer: Canberra [1]." in made_up.notes


def test_bron_setup_removes_prompt_states_the_current_model_no_longer_uses(tmp_path):
    from rag.llm import Generator

    class Keyed(Generator):
        model_name = "keyed"

        def prefix_cache_path(self, prompts, cache_dir):
            return cache_dir / "prompt-cache" / f"current-{prompts.language}.npz"

        def save_prefix(self, path, messages):
            path.write_bytes(b"state")
            return True

    folder = tmp_path / "prompt-cache"
    folder.mkdir()
    (folder / "old-model-nl.npz").write_bytes(b"stale")
    assistant = Assistant(Settings(cache_dir=tmp_path), generator=Keyed())
    assert assistant.warm_prompt_cache() == ["nl", "de", "en"]
    assert sorted(p.name for p in folder.iterdir()) == ["current-de.npz", "current-en.npz", "current-nl.npz"]
