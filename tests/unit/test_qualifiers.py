"""An answer's number keeps the qualifier or range its evidence states it with (rag.qualifiers): one case per test."""

from rag.qualifiers import qualify

NVIDIA = "Nvidia is inmiddels meer dan 4 biljoen dollar waard."
STARGATE = "Over vier jaar moet er minstens 500 miljard dollar in Stargate vloeien."
ETERNITY = "In de wereld van AI is twee tot drie jaar een eeuwigheid."


def test_a_dropped_qualifier_is_put_back_before_the_number():
    assert qualify("4 biljoen dollar [1].", NVIDIA, "nl")[0] == "Meer dan 4 biljoen dollar [1]."


def test_the_qualifier_is_written_in_the_answers_language():
    assert qualify("500 billion dollars [1].", STARGATE, "en")[0] == "At least 500 billion dollars [1]."


def test_a_german_answer_gets_the_german_qualifier():
    assert qualify("500 Milliarden Dollar [1].", STARGATE, "de")[0] == "Mindestens 500 Milliarden Dollar [1]."


def test_the_qualifier_goes_before_a_currency_sign():
    assert qualify("$4 trillion [1].", NVIDIA, "en")[0] == "More than $4 trillion [1]."


def test_a_qualifier_in_the_answers_own_language_is_copied_as_written():
    assert qualify("4 miljard [1].", "xAI haalde ruim 4 miljard op.", "nl")[0] == "Ruim 4 miljard [1]."


def test_within_a_sentence_the_qualifier_is_not_capitalised():
    assert qualify("Nvidia is 4 biljoen dollar waard [1].", NVIDIA, "nl")[0] == (
        "Nvidia is meer dan 4 biljoen dollar waard [1].")


def test_a_number_of_another_scale_is_left_alone():
    assert qualify("4 miljard dollar [1].", NVIDIA, "nl")[0] == "4 miljard dollar [1]."


def test_an_answer_with_its_own_qualifier_is_left_alone():
    assert qualify("Ongeveer 4 biljoen dollar [1].", NVIDIA, "nl")[0] == "Ongeveer 4 biljoen dollar [1]."


def test_evidence_that_states_the_value_with_and_without_a_qualifier_changes_nothing():
    evidence = NVIDIA + " Begin dit jaar was het 4 biljoen dollar."
    assert qualify("4 biljoen dollar [1].", evidence, "nl")[0] == "4 biljoen dollar [1]."


def test_a_number_the_evidence_does_not_state_is_left_alone():
    assert qualify("3 biljoen dollar [1].", NVIDIA, "nl")[0] == "3 biljoen dollar [1]."


def test_a_word_that_ends_like_a_qualifier_is_not_one():
    assert qualify("12 [1].", "De prototype-chip haalde 12 punten.", "en")[0] == "12 [1]."


def test_the_lower_end_of_a_range_gets_its_upper_end():
    assert qualify("2 jaar [1].", ETERNITY, "nl")[0] == "2 tot 3 jaar [1]."


def test_the_upper_end_of_a_range_gets_its_lower_end():
    assert qualify("3 years [1].", ETERNITY, "en")[0] == "2 to 3 years [1]."


def test_a_range_with_a_scale_keeps_the_answers_scale_word():
    assert qualify("500 Milliarden Dollar [1].", "zwischen 100 bis 500 Milliarden Dollar", "de")[0] == (
        "100 bis 500 Milliarden Dollar [1].")


def test_a_year_is_not_made_a_range():
    assert qualify("2024 [1].", "Het project liep van 2024 tot 2026.", "nl")[0] == "2024 [1]."


def test_an_answer_already_stating_the_range_is_left_alone():
    assert qualify("2-3 jaar [1].", ETERNITY, "nl")[0] == "2-3 jaar [1]."


def test_a_decimal_range_end_is_written_with_the_answers_decimal_sign():
    assert qualify("2 Prozent [1].", "Het groeide 2 tot 2.5 procent.", "de")[0] == "2 bis 2,5 Prozent [1]."


def test_each_change_leaves_a_note():
    notes = qualify("4 biljoen dollar [1].", NVIDIA, "nl")[1]
    assert notes == ["'4' written 'meer dan 4' as its evidence states it"]


def test_an_article_is_not_read_as_the_number_one():
    assert qualify("een chip [1].", "bijna een chip per dag", "nl")[0] == "een chip [1]."


def test_no_qualifier_opening_an_answer_is_read_as_a_name():
    """A qualifier put first is capitalised ("Fast 500 Milliarden"); read as a name, the check would abstain."""
    from rag.verification import facts_in
    from rag.wordlists import LANGUAGES, read_words

    for language in LANGUAGES:
        for phrases in read_words(f"{language}/words.toml")["qualifiers"].values():
            for phrase in phrases:
                text = f"{phrase[0].upper()}{phrase[1:]} 45 miljard euro [1]."
                assert facts_in(text, "Hoeveel wil Alibaba investeren?", language)[1] == set(), text


def test_a_citation_number_is_no_number_of_the_answer():
    """blind23 fw-38: "2 miljard dollar [3]" with "2 tot 3" in the passage became "[2 bis 3]"."""
    answer = "2 miljard dollar [3]."
    assert qualify(answer, "SpaceX wil 2 tot 3 keer zoveel ophalen.", "de")[0] == answer


def test_a_citation_group_is_no_number_of_the_answer():
    assert qualify("Nvidia [1, 3].", "Nvidia en 1 tot 3 anderen.", "en")[0] == "Nvidia [1, 3]."
