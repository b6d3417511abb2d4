import pytest

from rag.language import answer_language_ok, detect, prompt_language


@pytest.mark.parametrize("text, lang", [
    ("Hoeveel geld moet er in Stargate vloeien?", "nl"),
    ("Wat zei Altman?", "nl"),
    ("Welk bedrijf?", "nl"),
    ("Wie hoch ist die Bewertung?", "de"),
    ("Wer ist der CEO von Nvidia?", "de"),
    ("Was kostet Stargate?", "de"),
    ("What did J.D. Vance warn the EU about?", "en"),
    ("Who is Sam Altman?", "en"),
    ("De Europese Commissie wil 200 miljard euro mobiliseren voor investeringen in AI.", "nl"),
    ("Die Rechenzentren werden den Hunger des US-Kapitals nach billiger Energie vergrößern.", "de"),
])
def test_detect(text, lang):
    assert detect(text) == lang


def test_empty_text_gives_default():
    assert detect("   ", default="nl") == "nl"


def test_prompt_language_falls_back_to_english():
    assert prompt_language("fr") == "en" and prompt_language("de") == "de"


def test_answer_language_check():
    assert not answer_language_ok("Het project kost 500 miljard dollar [1]", "en")
    assert answer_language_ok("500 billion dollars [1]", "en")
    assert answer_language_ok("Jensen Huang [1]", "de")  # names only: nothing to check
    assert answer_language_ok("8,2 [2]", "de")
    assert not answer_language_ok("Het project kost 500 miljard dollar [1].", "de")


def test_numbers_with_scale_and_currency_words_have_no_language_to_check():
    from rag.language import answer_language_ok, has_language

    # A detector calls "50 billion euros" French; the answer is a number, not a language.
    assert not has_language("50 billion euros [2].")
    assert answer_language_ok("50 billion euros [2].", "en")
    assert answer_language_ok("200 miljard euro [1]", "en")  # verification writes "billion" for it
    assert has_language("The fund is worth 200 billion euros [1].")
    assert not answer_language_ok("Het fonds is 200 miljard euro waard en wordt opgericht [1].", "en")
