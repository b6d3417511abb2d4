"""An amount's currency as its evidence states it (rag.currencies): one case per test."""

from rag.currencies import repair_currency

FUND = "De EU wil 20 miljard euro in een nieuw fonds steken."
BIG_FIVE = "De Big Five willen in 2026 zo'n 600 miljard dollar investeren."


def test_a_wrong_currency_is_written_as_the_evidence_states_it():
    assert repair_currency("20 Milliarden US-Dollar [1].", FUND, "de")[0] == "20 Milliarden Euro [1]."


def test_us_dollar_is_written_dollar_when_the_evidence_says_dollar():
    """"US-Dollar" reads as a name no Dutch passage has: the check abstained on a right amount."""
    assert repair_currency("600 Milliarden US-Dollar [4].", BIG_FIVE, "de")[0] == "600 Milliarden Dollar [4]."


def test_us_dollar_stays_when_the_evidence_writes_it():
    answer = "600 Milliarden US-Dollar [1]."
    assert repair_currency(answer, "rund 600 Milliarden US-Dollar", "de")[0] == answer


def test_the_currency_is_written_in_the_answers_language():
    assert repair_currency("600 billion euros [1].", BIG_FIVE, "en")[0] == "600 billion dollars [1]."


def test_a_currency_sign_stays_a_sign():
    assert repair_currency("$20 billion [1].", FUND, "en")[0] == "€20 billion [1]."


def test_a_right_currency_is_left_alone():
    assert repair_currency("20 miljard euro [1].", FUND, "nl")[0] == "20 miljard euro [1]."


def test_evidence_with_the_value_in_two_currencies_changes_nothing():
    answer = "20 miljard dollar [1]."
    assert repair_currency(answer, FUND + " xAI haalde 20 miljard dollar op.", "nl")[0] == answer


def test_an_amount_without_a_currency_is_left_alone():
    assert repair_currency("20 miljard [1].", FUND, "nl")[0] == "20 miljard [1]."


def test_another_value_is_left_alone():
    assert repair_currency("30 miljard dollar [1].", FUND, "nl")[0] == "30 miljard dollar [1]."


def test_each_change_leaves_a_note():
    notes = repair_currency("20 Milliarden US-Dollar [1].", FUND, "de")[1]
    assert notes == ["currency 'US-Dollar' written 'Euro' as its evidence states the amount"]

