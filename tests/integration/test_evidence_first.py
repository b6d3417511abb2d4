"""Evidence first and the second reading with the real embedder, FAISS index and GGUF model (rag.evidence,
rag.second_reading): the answer names its sentence, which the citation carries, and the stream hides it."""

from dataclasses import replace

import numpy as np
import pytest

from rag.evaluation import answer_correct
from rag.results import Answer, Found
from rag.textrules import split_sentences

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def evidence_assistant(assistant):
    from rag.answering import Assistant

    settings = replace(assistant.settings, evidence_first=True, second_reading=True)
    return Assistant(settings, generator=assistant.generator, retriever=assistant.retriever)


def test_the_answer_cites_the_sentence_it_named_and_the_stream_does_not_show_it(evidence_assistant):
    items = list(evidence_assistant.stream("How old is Sam Altman?"))
    assert isinstance(items[0], Found) and isinstance(items[-1], Answer)
    streamed, res = "".join(items[1:-1]), items[-1]
    assert "Evidence" not in streamed and "[1." not in streamed, streamed
    assert not res.abstained and answer_correct(res.text, ["39"]), res.text
    quote = res.citations[0].quote
    assert "39" in quote and quote in split_sentences(res.citations[0].text), quote  # one sentence of the passage
    assert 0 < res.stated_probability <= 1 and res.timings["second_reading_ms"] > 0


def test_a_question_the_sentences_do_not_answer_abstains(evidence_assistant):
    res = evidence_assistant.answer("Wie viele Parameter hat das Sprachmodell Grok?")
    assert res.abstained and res.text == "Das steht nicht in den Quellen.", res.text
    assert res.citations == [] and res.passages


def test_the_model_state_after_the_second_reading_feeds_the_probe_and_leaves_generation_as_it_was(evidence_assistant):
    """rag.probe: the final hidden state at the prompt's last token, read back from the KV cache in one token."""
    from rag.second_reading import load

    checker = evidence_assistant.checker
    fixed, turn = load(evidence_assistant.settings.prompts_dir)
    messages = [*fixed, {"role": "user", "content": turn.safe_substitute(
        question="How old is Sam Altman?", sentence="Sam Altman, 39, leads OpenAI.", answer="39")}]
    first = "".join(checker.stream(messages, max_tokens=2, grammar='root ::= "yes" | "no"\n'))
    state = checker.last_prompt_state()
    assert state is not None and len(state) == checker.llm.n_embd() and any(state)
    assert checker.last_prompt_state() == pytest.approx(state, rel=1e-3, abs=1e-3)  # the same state, read again
    again = "".join(checker.stream(messages, max_tokens=2, grammar='root ::= "yes" | "no"\n'))
    assert first == again == "yes"
    other = [*fixed, {"role": "user", "content": turn.safe_substitute(
        question="How old is Sam Altman?", sentence="OpenAI was founded in 2015.", answer="2015")}]
    "".join(checker.stream(other, max_tokens=2, grammar='root ::= "yes" | "no"\n'))
    assert checker.last_prompt_state() != pytest.approx(state, rel=1e-2)  # another prompt, another state


def test_a_middle_layers_output_is_read_in_its_own_context_and_leaves_the_models_as_it_was(evidence_assistant):
    """rag.llm.layer_reader: layer 18's row at the prompt's last token, from a copy of the prompt's KV cache."""
    from rag.second_reading import load

    checker = evidence_assistant.checker
    fixed, turn = load(evidence_assistant.settings.prompts_dir)
    grammar = 'root ::= "yes" | "no"\n'

    def prompt(sentence, answer):
        return [*fixed, {"role": "user", "content": turn.safe_substitute(
            question="How old is Sam Altman?", sentence=sentence, answer=answer)}]

    first = "".join(checker.stream(prompt("Sam Altman, 39, leads OpenAI.", "39"), max_tokens=2, grammar=grammar))
    final, tokens = checker.last_prompt_state(), checker.llm.n_tokens
    middle = checker.last_prompt_state(18)
    assert middle is not None and len(middle) == checker.llm.n_embd() and any(middle)
    assert middle != pytest.approx(final, rel=1e-2)  # not the final state
    assert checker.last_prompt_state(18) == pytest.approx(middle, rel=1e-3, abs=1e-3)  # the same, read again
    assert checker.llm.n_tokens == tokens and checker.last_prompt_state() == pytest.approx(final, rel=1e-3, abs=1e-3)
    assert "".join(checker.stream(prompt("Sam Altman, 39, leads OpenAI.", "39"), max_tokens=2,
                                  grammar=grammar)) == first == "yes"
    "".join(checker.stream(prompt("OpenAI was founded in 2015.", "2015"), max_tokens=2, grammar=grammar))
    assert checker.last_prompt_state(18) != pytest.approx(middle, rel=1e-2)  # another prompt, another state


def test_a_right_answer_carries_the_probes_probability_and_passes_it(evidence_assistant):
    from rag.probe import probe_for

    probe = probe_for(evidence_assistant.settings)
    if probe is None:
        pytest.skip("no probe for this model (prompts/second_reading/probe.json is trained on the default GGUF)")
    res = evidence_assistant.answer("How old is Sam Altman?")
    assert not res.abstained and answer_correct(res.text, ["39"]), res.text
    assert res.probe_probability is not None and res.probe_probability >= evidence_assistant.settings.probe_min


def test_the_second_readings_instructions_are_kept_on_disk_for_the_next_process(evidence_assistant, tmp_path,
                                                                                  monkeypatch):
    """A cold process reads the second reading's instructions and examples from their saved KV state, with the
    same verdict as reading them; a damaged file is dropped and written again. The probability moves a little
    (0.75 -> 0.72 here): llama.cpp's batched kernels give the prefix's KV slightly other values when it was read
    with other tokens after it, as a warm reading after a cold one does (0.746 -> 0.756)."""
    checker, question = evidence_assistant.checker, "How old is Sam Altman?"
    cache_file = tmp_path / "prompt-cache" / "reading.npz"

    def as_a_new_process(path):
        monkeypatch.setattr(checker, "prefix_cache_path", lambda prompts, cache_dir: path)
        checker.llm.reset()
        checker.llm.prefix_states.clear()
        evidence_assistant._prefix_files.clear()

    as_a_new_process(None)  # no prompt cache: the instructions are read
    read = evidence_assistant.answer(question)
    as_a_new_process(cache_file)
    evidence_assistant.answer(question)
    assert cache_file.is_file()
    as_a_new_process(cache_file)
    started_from: list[bytes] = []  # the states the second reading started from: the file's must be one
    real_restore = checker.llm.set_state_bytes
    monkeypatch.setattr(checker.llm, "set_state_bytes", lambda state: started_from.append(state) or real_restore(state))
    cached = evidence_assistant.answer(question)
    monkeypatch.setattr(checker.llm, "set_state_bytes", real_restore)
    assert cached.text == read.text and cached.stated_probability == pytest.approx(read.stated_probability, abs=0.06)
    with np.load(cache_file, allow_pickle=False) as saved:
        assert saved["state"].tobytes() in started_from
    cache_file.write_bytes(b"not a state")
    as_a_new_process(cache_file)
    again = evidence_assistant.answer(question)
    assert again.text == read.text and again.stated_probability == pytest.approx(read.stated_probability, abs=0.06)
    assert cache_file.read_bytes() != b"not a state"


def test_the_second_readings_context_shares_the_models_weights_and_keeps_its_own_cache(assistant):
    """Generator.sibling: a second llama.cpp context on the loaded weights (not a second copy of the model)."""
    generator = assistant.generator
    sibling = generator.sibling()
    assert sibling.llm.model == generator.llm.model and sibling.llm.ctx != generator.llm.ctx
    before = generator.llm.token_ids().copy()
    said = "".join(sibling.stream([{"role": "user", "content": "Say yes."}], max_tokens=2,
                                  grammar='root ::= "yes" | "no"\n'))
    assert said in {"yes", "no"} and (generator.llm.token_ids() == before).all()
    assert sibling in generator._siblings
    sibling.close()
    assert generator.llm.n_vocab() > 0  # closing a sibling leaves the owner's weights alone
