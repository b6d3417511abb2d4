"""Property-based tests of the functions that take arbitrary text: chunk offsets always point at the passage."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from rag.chunking import chunk_document
from rag.documents import make_document

TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=2000)


@settings(max_examples=60, deadline=None)
@given(TEXT, st.integers(min_value=100, max_value=400))
def test_chunk_offsets_point_at_the_chunk_text(text, size):
    doc = make_document("doc", text, text) if text.strip() else None
    if doc is None:
        return
    for chunk in chunk_document(doc, size, size // 5):
        assert doc.text[chunk.start:chunk.end] == chunk.text
        assert chunk.text.strip()


# Text that reaches the rules after the model: numbers of every script and notation, scale and range words, signs,
# names, and any other character (a passage of a reader's own collection can hold anything).
_PIECES = st.sampled_from(["1.234,5", "9,000", "½", "²", "٣", "३", "３", "4", "2025", "$", "€", " miljard",
                           " Billionen", " trillion", " tot ", " bis ", "-", "–", "meer dan ", "mindestens ", "zo’n ",
                           "Nvidia", "OpenAI", "Sam Altman (39)", ". ", "\n", "[1]", "[3]", "[2.1]", "2 tot 3 ",
                           "Evidence: ", "Evidence: none", " euro", " US-Dollar"])
_NUMERIC_TEXT = st.lists(st.one_of(_PIECES, st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)),
                                                    max_size=8)), max_size=40).map("".join)


@settings(max_examples=150, deadline=None)
@given(_NUMERIC_TEXT, _NUMERIC_TEXT, st.sampled_from(["nl", "de", "en"]))
def test_the_rules_after_the_model_never_raise_on_any_answer_or_passage(answer, passage_text, language):
    """An odd character in a passage ("½" in XQuAD) once stopped the answer with a traceback."""
    from rag.checking import after_model
    from rag.config import Settings
    from rag.currencies import repair_currency
    from rag.evidence import locate, parse, sentence_table
    from rag.qualifiers import qualify
    from rag.results import Passage
    from rag.verification import holds_facts, repair_scales, repair_spelling

    question = "Hoeveel is Nvidia waard?"
    passages = [Passage(1, "doc", "title", None, "doc#0", passage_text, 0, len(passage_text), 1.0)]
    text, _ = repair_spelling(answer, question, passage_text, language)
    text, _ = repair_scales(text, passage_text, language)
    text, _ = repair_currency(text, passage_text, language)
    text, _ = qualify(text, passage_text, language)
    found = parse(answer)
    located = locate(found, sentence_table(passages), lambda s: holds_facts(text, question, language, s))
    verdict = after_model(Settings(), question, language, text + " [1].", passages, "Dat staat niet in de bronnen.",
                          0.9, 0.01, located if found.labels else None)
    assert verdict.text


@settings(max_examples=300, deadline=None)
@given(_NUMERIC_TEXT, _NUMERIC_TEXT, st.sampled_from(["nl", "de", "en"]))
@example("2 miljard dollar [3].", "2 tot 3 keer", "de")  # blind23 fw-38 was written "[2 bis 3]"
def test_qualifiers_only_add_words_and_never_touch_a_citation(answer, evidence, language):
    """The qualifier rule inserts words before or after a number; the answer's own text and its [n] stay."""
    from rag.qualifiers import qualify
    from rag.textrules import CITE_GROUP

    written, _ = qualify(answer, evidence, language)
    rest = iter(written)
    assert all(char in rest for char in answer)  # the answer is a subsequence of what is written
    assert CITE_GROUP.findall(written) == CITE_GROUP.findall(answer)
