"""The one number parser (rag.numbers), shared by verification and evaluation: nl, de and en notations."""

import pytest

from rag import numbers
from rag.evaluation.normalize import normalize_number


@pytest.mark.parametrize("written, canonical", [
    ("1.234,5", "1234.5"),  # Dutch and German: dot groups thousands, comma is the decimal point
    ("1,234.5", "1234.5"),  # English: the other way round
    ("9.000", "9000"),
    ("9,000", "9000"),
    ("1.250", "1250"),  # three digits after one separator: thousands, as nl and de write them
    ("1.000.000", "1000000"),
    ("8,2", "8.2"),
    ("8.2", "8.2"),
    ("32,6", "32.6"),
    ("1234,567", "1234.567"),  # four digits before: no thousands group
    ("1.234,567", "1234.567"),  # two kinds of separator: the last is the decimal one
    ("2019", "2019"),
], ids=lambda value: value)
def test_a_number_has_one_spelling(written, canonical):
    assert numbers.canonical(written) == canonical


@pytest.mark.parametrize("text, values", [
    ("1.234,5", [1234.5]),
    ("1,234.5", [1234.5]),
    ("2,7 miljard", [2.7e9]),
    ("€ 1.500", [1500.0]),
    ("15%", [15.0]),
    ("500 billion", [500e9]),
    ("8,2 Milliarden Euro", [8.2e9]),
    ("elf", [11.0]),
    ("eleven", [11.0]),
    ("twee of drie", [2.0, 3.0]),
], ids=lambda value: str(value))
def test_amounts_read_in_every_language(text, values):
    assert numbers.amounts(text) == pytest.approx(values)


@pytest.mark.parametrize("text, found", [
    ("8,2 Milliarden en 9.000 banen, 1.250 miljard", {"8.2", "9000", "1250"}),
    ("vier banen", {"4"}),
    ("elf medewerkers", {"11"}),
    ("zwölf", {"12"}),
    ("no number", set()),
], ids=["notations", "spelled-nl", "eleven-nl", "spelled-de", "none"])
def test_numbers_in_a_text(text, found):
    assert numbers.numbers_in(text) == found


@pytest.mark.parametrize("written", ["1.234,5", "1,234.5", "9.000", "8,2", "1234,567"])
def test_verification_and_evaluation_read_a_number_the_same(written):
    assert normalize_number(written) == numbers.canonical(written) == next(iter(numbers.numbers_in(written)))


def test_amount_spans_say_where_each_value_is_and_skip_an_article():
    text = "een huis van twee tot drie miljoen euro, een miljoen"
    assert numbers.amount_spans(text) == [(13, 17, 2.0), (22, 26, 3e6), (41, 44, 1e6)]


def test_a_fraction_or_superscript_sign_is_no_value_and_no_error():
    """XQuAD's "½" (a character \\w matches) crashed the answer path once."""
    assert numbers.amount_spans("½ Liter, 3² und 5 Meter") == [(9, 10, 3.0), (16, 17, 5.0)]
    assert numbers.amounts("½ Liter, 3² und 5 Meter") == [3.0, 5.0]
