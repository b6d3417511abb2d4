"""Periods read from questions (rag.dates): many phrasings per language, and words that only look like dates."""

from datetime import date

import pytest

from rag.dates import find_period

NEWEST = date(2026, 2, 8)  # the newest article: what "January" and "last year" refer to


def d(text: str) -> date:
    return date.fromisoformat(text)


@pytest.mark.parametrize("question, since, until, words", [
    # Dutch
    ("Wat gebeurde er in februari 2025?", "2025-02-01", "2025-02-28", "in februari 2025"),
    ("Wat besloot het kabinet in maart?", "2025-03-01", "2025-03-31", "in maart"),
    ("Wat gebeurde er in januari?", "2026-01-01", "2026-01-31", "in januari"),
    ("Welke bedrijven investeerden in 2024 in AI?", "2024-01-01", "2024-12-31", "in 2024"),
    ("Wat kondigde OpenAI vorig jaar aan?", "2025-01-01", "2025-12-31", "vorig jaar"),
    ("Wat is er sinds maart 2025 veranderd?", "2025-03-01", None, "sinds maart 2025"),
    ("Wat gebeurde er tot en met mei 2025?", None, "2025-05-31", "tot en met mei 2025"),
    ("Wat gebeurde er dit jaar?", "2026-01-01", "2026-12-31", "dit jaar"),
    # German
    ("Was passierte im Januar 2025?", "2025-01-01", "2025-01-31", "im Januar 2025"),
    ("Was geschah im Januar?", "2026-01-01", "2026-01-31", "im Januar"),
    ("Was ist seit März passiert?", "2025-03-01", None, "seit März"),
    ("Was hat die EU im Jahr 2024 beschlossen?", "2024-01-01", "2024-12-31", "im Jahr 2024"),
    ("Was war letztes Jahr mit Nvidia?", "2025-01-01", "2025-12-31", "letztes Jahr"),
    ("Was kündigte Musk im Mai an?", "2025-05-01", "2025-05-31", "im Mai"),
    ("Was passierte bis Ende März 2025?", None, "2025-03-31", "bis Ende März 2025"),
    ("Was geschah im Maerz 2025?", "2025-03-01", "2025-03-31", "im Maerz 2025"),
    # English
    ("What happened in January?", "2026-01-01", "2026-01-31", "in January"),
    ("What happened in December?", "2025-12-01", "2025-12-31", "in December"),  # the last December before
    ("What did the EU decide in May?", "2025-05-01", "2025-05-31", "in May"),
    ("What did Nvidia announce in may 2025?", "2025-05-01", "2025-05-31", "in may 2025"),
    ("What has happened since March 2025?", "2025-03-01", None, "since March 2025"),
    ("What happened last year?", "2025-01-01", "2025-12-31", "last year"),
    ("Which deals were made in 2024?", "2024-01-01", "2024-12-31", "in 2024"),
    ("What happened during February 2025?", "2025-02-01", "2025-02-28", "during February 2025"),
    ("News from August 2024", "2024-08-01", None, "from August 2024"),
    # French
    ("Qu’est-ce qui s’est passé en mars 2025 ?", "2025-03-01", "2025-03-31", "en mars 2025"),
    ("Que s’est-il passé en janvier ?", "2026-01-01", "2026-01-31", "en janvier"),
    ("Qu'a fait l'UE depuis février 2025 ?", "2025-02-01", None, "depuis février 2025"),
    ("Que s'est-il passé l'année dernière ?", "2025-01-01", "2025-12-31", "l'année dernière"),
    ("Que s'est-il passé en août 2025 ?", "2025-08-01", "2025-08-31", "en août 2025"),
])
def test_periods_in_questions(question, since, until, words):
    found = find_period(question, NEWEST)
    assert found is not None, question
    assert (found.since, found.until) == (since and d(since), until and d(until)), question
    assert found.text == words


@pytest.mark.parametrize("question", [
    "Is there life on Mars?",  # the planet
    "Was plant die NASA auf dem Mars?",
    "Wat weten we over Mars?",
    "Que sait-on de la planète Mars ?",
    "Venus en Mars staan dicht bij elkaar.",  # Dutch "en" is "and"; French months are written in lower case
    "You may ask about the Stargate project.",  # the verb
    "May I ask who leads OpenAI?",
    "Who may invest in Stargate?",
    "Hoeveel geld moet er in Stargate vloeien?",  # no date at all
    "What did the 2024 election change?",  # a year without a preposition is a name, not a period
    "Who leads OpenAI since 500 billion dollars were promised?",
    "What happened between January and March 2025?",  # two ends: left alone
    "Was geschah zwischen Januar und März?",
    "Was it in 2024 or in 2025?",  # two periods
    "Wat gebeurde er in januari 2025 en vorig jaar?",
    "Where did August Strindberg live?",  # a name
    "Who marched in the march?",
])
def test_no_period_is_read_from_other_words_or_ambiguous_questions(question):
    assert find_period(question, NEWEST) is None


def test_relative_periods_need_dated_articles_but_full_dates_do_not():
    assert find_period("What happened in January?", None) is None
    assert find_period("What happened last year?", None) is None
    found = find_period("Was passierte im Januar 2025?", None)
    assert (found.since, found.until) == (date(2025, 1, 1), date(2025, 1, 31))


def test_the_same_period_twice_is_one_period():
    found = find_period("In 2024, what happened in 2024?", NEWEST)
    assert found is not None and found.since == date(2024, 1, 1)


def test_leap_years_end_february_on_the_29th():
    assert find_period("im Februar 2024", NEWEST).until == date(2024, 2, 29)


def test_the_words_are_data_in_the_prompts_folder(tmp_path):
    words = tmp_path / "dates.toml"
    months = ", ".join(f'"m{i}"' for i in range(1, 13))
    words.write_text(f'[xx]\nmonths = [{months}]\nin = ["zu"]\nlast_year = ["anno"]\n', encoding="utf-8")
    found = find_period("Was war zu m3?", NEWEST, prompts_dir=tmp_path)
    assert (found.since, found.until) == (date(2025, 3, 1), date(2025, 3, 31))
    assert find_period("in March 2025", NEWEST, prompts_dir=tmp_path) is None  # English is not in this file
    assert find_period("Was war anno?", NEWEST, prompts_dir=tmp_path).since == date(2025, 1, 1)
