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
    ("Hoeveel verdiende Apple in 2023 in Europa?", "nl"),  # "in" is Dutch and German too, not an English marker
    ("Is de koers van ASML gedaald?", "nl"),  # so is "is"
    ("En de omzet?", "nl"),
    ("Wie alt ist er?", "de"),  # "er" is German too, not a Dutch marker
])
def test_detect(text, lang):
    assert detect(text) == lang


@pytest.mark.parametrize("answer, lang", [
    ("Alibaba's strategie is slim [3].", "nl"),  # lingua: German at 0.39; "slim" is common only in Dutch
    ("100 kilowatts per ton [1].", "en"),
])
def test_an_answer_lingua_is_unsure_of_is_told_by_its_words_frequencies(answer, lang):
    assert detect(answer, by_frequency=True) == lang
    assert answer_language_ok(answer, lang)


def test_a_question_is_not_told_by_frequencies_its_names_would_sway():
    assert detect("who is ursula von der leyen anyway") == "en"


def test_language_markers_name_one_language_each():
    """A word common to two languages (in, is, was, wie, die) tells neither apart: the lists share none."""
    from itertools import combinations

    from rag.wordlists import word_lists

    markers = word_lists().language_markers
    assert all(not markers[a] & markers[b] for a, b in combinations(markers, 2))


def test_empty_text_gives_default():
    assert detect("   ", default="nl") == "nl"


def test_prompt_language_falls_back_to_english():
    assert prompt_language("fr") == "en" and prompt_language("de") == "de"


@pytest.mark.parametrize("answer, expected, ok", [
    ("Het project kost 500 miljard dollar [1]", "en", False),
    ("500 billion dollars [1]", "en", True),
    ("Jensen Huang [1]", "de", True),  # names only: nothing to check
    ("8,2 [2]", "de", True),
    ("Het project kost 500 miljard dollar [1].", "de", False),
    ("50 billion euros [2].", "en", True),  # a detector calls it French; it is a number, not a language
    ("200 miljard euro [1]", "en", True),  # verification writes "billion" for it
    ("Het fonds is 200 miljard euro waard en wordt opgericht [1].", "en", False),
], ids=["dutch-for-en", "english", "names-only", "number-only", "dutch-for-de", "amount-en", "amount-nl",
        "dutch-sentence-with-amount"])
def test_answer_language_check(answer, expected, ok):
    assert answer_language_ok(answer, expected) is ok


@pytest.mark.parametrize("text, has", [
    ("50 billion euros [2].", False),  # scale and currency words carry no language
    ("The fund is worth 200 billion euros [1].", True),
    ("Jensen Huang [1]", False),
], ids=["amount", "sentence", "name"])
def test_numbers_with_scale_and_currency_words_have_no_language_to_check(text, has):
    from rag.language import has_language

    assert has_language(text) is has
