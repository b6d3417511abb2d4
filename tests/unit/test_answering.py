"""Logic around the model: the checks after it (rag.checking) and the Assistant's bookkeeping; no model is loaded."""
import math

import pytest

from rag.answering import Assistant
from rag.checking import after_model
from rag.config import Settings
from rag.llm import Generation
from rag.results import AbstainReason, Passage

ABSTAIN = "Dat staat niet in de bronnen."
PASSAGES = [Passage(1, "a", "Stargate", None, "a#0", "Stargate krijgt 500 miljard dollar.", 0, 35, 0.1, 0.8, "nl")]


QUESTION = "Hoeveel geld krijgt Stargate?"


def finish(confidence, min_confidence=0.65):
    return after_model(Settings(min_confidence=min_confidence), QUESTION, "nl", "500 miljard dollar [1].", PASSAGES,
                       ABSTAIN, confidence)


def test_an_unsure_answer_becomes_an_abstention_that_keeps_what_the_model_said():
    verdict = finish(0.5)
    assert verdict.reason == AbstainReason.UNSURE and verdict.text == ABSTAIN and verdict.citations == []
    assert verdict.draft == "500 miljard dollar [1]."
    assert any("confidence 0.50 < min_confidence 0.65" in note for note in verdict.notes)
    assert any(note.endswith("rejected answer: 500 miljard dollar [1].") for note in verdict.notes)


@pytest.mark.parametrize("confidence, min_confidence", [(0.9, 0.65), (None, 0.65), (0.1, 0.0)],
                         ids=["sure", "no-probabilities", "check-off"])
def test_a_sure_answer_or_one_without_probabilities_is_kept(confidence, min_confidence):
    verdict = finish(confidence, min_confidence)
    assert not verdict.abstained and [c.n for c in verdict.citations] == [1]


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


@pytest.mark.parametrize("second_reading, checker, loaded", [(True, True, 1), (True, False, 0), (False, True, 0)],
                         ids=["chat-start", "one-off-question", "second-reading-off"])
def test_the_second_readings_context_loads_beside_the_model_when_the_chat_starts(second_reading, checker, loaded):
    from rag.llm import Generator

    class Counting(Generator):
        model_name = "counting"
        loads = 0

        def load(self):
            self.loads += 1
            return self

        def stream(self, messages, max_tokens=200, temperature=0.0, grammar=None, record=None, abstain=None):
            yield "x"

    second = Counting()
    assistant = Assistant(Settings(second_reading=second_reading), generator=Counting(), retriever=object(),
                          checker=second)
    assistant.load(checker=checker)
    assert assistant.generator.loads == 1 and second.loads == loaded


@pytest.mark.parametrize("text, probability, strictness, reason", [
    (ABSTAIN, 0.9, 0.8, AbstainReason.MODEL),
    ("500 miljard dollar [1].", 0.1, 0.8, None),  # below the threshold 1 - 0.8
    ("500 miljard dollar [1].", 0.3, 0.8, AbstainReason.UNCERTAIN),
    ("500 miljard dollar [1].", 0.9, 0.0, None),  # strictness 0: only the model's own abstention
    ("Canberra [1].", 0.0, 0.8, AbstainReason.UNSUPPORTED),  # a one-word name that no passage contains
], ids=["model", "below-threshold", "uncertain", "strictness-off", "unsupported"])
def test_abstain_reasons_and_the_strictness_threshold(text, probability, strictness, reason):
    verdict = after_model(Settings(strictness=strictness), QUESTION, "nl", text, PASSAGES, ABSTAIN, None, probability)
    assert verdict.reason == reason
    if reason is not None:
        assert verdict.text == ABSTAIN and verdict.draft == text.strip()
    if reason == AbstainReason.UNSUPPORTED:
        assert "the model's rejected answer: Canberra [1]." in verdict.notes


def test_bron_setup_removes_prompt_states_the_current_model_no_longer_uses(tmp_path):
    from rag.llm import Generator

    class Keyed(Generator):
        model_name = "keyed"

        def prefix_cache_path(self, prompts, cache_dir):
            return cache_dir / "prompt-cache" / f"current-{getattr(prompts, 'language', type(prompts).__name__)}.npz"

        def save_prefix(self, path, messages):
            path.write_bytes(b"state")
            return True

    folder = tmp_path / "prompt-cache"
    folder.mkdir()
    (folder / "old-model-nl.npz").write_bytes(b"stale")
    assistant = Assistant(Settings(cache_dir=tmp_path), generator=Keyed())
    assert assistant.warm_prompt_cache() == ["nl", "de", "en", "second reading", "rewrite", "choice"]
    assert sorted(p.name for p in folder.iterdir()) == ["current-ChoicePrompt.npz", "current-FixedPrompt.npz",
                                                        "current-RewritePrompt.npz", "current-de.npz",
                                                        "current-en.npz", "current-nl.npz"]
    translating = Assistant(Settings(cache_dir=tmp_path, translate_followups=True), generator=Keyed())
    assert translating.warm_prompt_cache() == ["question translation"]  # the others are on disk already
    assert (folder / "current-QuestionPrompt.npz").exists()
