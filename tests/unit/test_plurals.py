"""Which pronouns are plural for sure, and which names a question joins (rag.plurals); one case per test."""
import re

from rag.followups import _marks
from rag.plurals import is_plural, joined_names

MARKS = _marks(None)


def _plural(question: str, pronoun: str, language: str) -> bool:
    return is_plural(question, re.search(rf"\b{pronoun}\b", question), MARKS[language])


def test_sie_beside_a_plural_verb_is_plural():
    assert _plural("Warum sind sie Konkurrenten?", "sie", "de")


def test_sie_beside_a_singular_verb_is_not_sure():
    assert not _plural("Was hat sie gesagt?", "sie", "de")


def test_ze_beside_a_dutch_plural_verb_is_plural():
    assert _plural("Hoeveel willen ze investeren?", "ze", "nl")


def test_ze_beside_a_dutch_singular_verb_is_not_sure():
    assert not _plural("Waar deed ze die aankondiging?", "ze", "nl")


def test_they_is_always_plural():
    assert _plural("What did they announce?", "they", "en")


def test_names_joined_with_and_are_one_referent():
    assert joined_names("Waarover maakten Musk en Altman ruzie?", "nl", MARKS) == "Musk en Altman"


def test_names_joined_with_commas_and_and_are_one_referent():
    assert joined_names("How much do Oracle, Meta and Amazon invest?", "en", MARKS) == "Oracle, Meta and Amazon"


def test_names_not_joined_are_none():
    assert joined_names("Wie viel hat Oracle in Stargate investiert?", "de", MARKS) is None
