"""A cross-lingual ellipsis's time phrase is written in English when the question the rules put it into is English
(rag.phrasebook, `prompts/phrasebook.toml`), the language the model reads best. No model: pure text rules, and the
follow-up rules with a generator that must not be asked."""
from pathlib import Path

import numpy as np
import pytest

from rag.followups import rewrite_question
from rag.llm import Generator
from rag.phrasebook import in_one_language, into_language

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"


@pytest.mark.parametrize("made, asked, language, written", [
    ("How large was China's AI computing capacity bis Jahresende?", "und bis Jahresende?", "de",
     "How large was China's AI computing capacity by the end of the year?"),
    ("How much AI computing capacity did China have tegen het einde van het jaar?", "En tegen het einde van het jaar?",
     "nl", "How much AI computing capacity did China have by the end of the year?"),
    ("How much will Stargate invest über vier jahre?", "und über vier jahre?", "de",  # a number word of its own
     "How much will Stargate invest over the next four years?"),
    ("How much will Stargate invest über 4 Jahre?", "und über 4 Jahre?", "de",
     "How much will Stargate invest over the next 4 years?"),  # digits stay digits
    ("How much cargo did SpaceX launch per Starship später mal?", "und pro starship später mal?", "de",
     "How much cargo did SpaceX launch per Starship eventually?"),
], ids=["de-year-end", "nl-year-end", "de-number-word", "digits", "de-eventually"])
def test_a_fragments_phrase_in_an_english_frame_is_written_in_english(made, asked, language, written):
    assert in_one_language(made, asked, language, PROMPTS) == written


@pytest.mark.parametrize("made, asked, language", [
    ("Wie hoch war Chinas KI-Rechenkapazität by the end of the year?", "and by the end of the year?", "en"),
    ("Hoeveel geld moet er in het Stargate-project vloeien initially?", "and initially?", "en"),
    ("Wie hoch war die KI-Rechenleistung Chinas tegen het einde van het jaar?", "en tegen het einde van het jaar",
     "nl"),  # Dutch into German: no gain measured either
    ("Hoe groot was de AI-capaciteit van China tegen eind dit jaar?", "en tegen eind dit jaar?", "nl"),
    ("How much did xAI raise beim börsengang?", "und beim börsengang?", "de"),  # not in the book
], ids=["en-in-de", "en-in-nl", "nl-in-de", "same-language", "not-in-the-book"])
def test_a_fragments_phrase_in_a_dutch_or_german_frame_stays_as_asked(made, asked, language):
    # into Dutch it lost answers the English phrase had (rag.phrasebook): the model reads English best
    assert in_one_language(made, asked, language, PROMPTS) == made


def test_the_book_can_write_any_of_its_languages():
    made = into_language("Wie viel will Stargate over the next four years investieren?",
                         "and over the next four years?", "de", PROMPTS)
    assert made == "Wie viel will Stargate in den nächsten vier Jahren investieren?"


def test_a_phrase_the_follow_up_did_not_bring_is_left_alone():
    # "by the end of the year" stood in the last question; the follow-up only brought a name
    made = into_language("How much did Oracle secure by the end of the year?", "and oracle?", "de", PROMPTS)
    assert made == "How much did Oracle secure by the end of the year?"


def test_a_phrase_the_book_does_not_hold_stays_as_the_rules_wrote_it():
    made = in_one_language("How much did xAI raise beim börsengang?", "und beim börsengang?", "de", PROMPTS)
    assert made == "How much did xAI raise beim börsengang?"


class _NoModel(Generator):
    model_name = "none"

    def stream(self, *args, **kwargs):
        raise AssertionError("the rules should have made this follow-up standalone")


def _near_when_timed(texts):
    """Near when both speak of a time, else apart: the real encoder's part (which phrase is nearest) in small."""
    vectors = [[1.0, 0.1] if any(w in t.lower() for w in ("june", "ende")) else [0.1, 1.0] for t in texts]
    return np.asarray(vectors) / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_a_pronoun_follow_up_keeps_its_own_phrase_after_a_question_in_another_language():
    # the rules write it in its own words ("het" -> Alibaba): no frame of another language to match
    history = [("Welches Unternehmen führt Chinas Streben nach KI-Chips an?", "Alibaba [1].")]
    rewrite = rewrite_question(_NoModel(), PROMPTS, "Hoeveel wil het de komende drie jaar in AI investeren?", history,
                               "nl")
    assert rewrite.method == "substituted"
    assert rewrite.question == "Hoeveel wil Alibaba de komende drie jaar in AI investeren?"


def test_the_follow_up_rules_write_a_cross_lingual_time_ellipsis_in_one_language():
    history = [("How large was China's total AI computing capacity in June?", "246 exaflops [1].")]
    rewrite = rewrite_question(_NoModel(), PROMPTS, "und bis Ende des Jahres?", history, "de",
                               embed=_near_when_timed)
    assert rewrite.method == "substituted"
    assert rewrite.question == "How large was China's total AI computing capacity by the end of the year?"


@pytest.mark.parametrize("question", ["and a year?", "and at first?"])
def test_every_form_of_the_book_is_a_whole_phrase(question):
    # "a year" inside "a yearly" or "at first" inside "at firstly" would not count: whole words only
    assert into_language("Wie viel a yearly? at firstly", question, "de", PROMPTS) == "Wie viel a yearly? at firstly"
