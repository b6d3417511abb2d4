"""The real question encoder places a fragment in the phrase it stands for (rag.fragments)."""
import pytest

from rag.followups import _marks
from rag.fragments import splice

CASES = [
    ("En tegen het einde van het jaar?", "Hoe groot was de totale AI-capaciteit van China in juni?", "nl",
     "Hoe groot was de totale AI-capaciteit van China tegen het einde van het jaar?"),
    ("And over the whole year?", "How much did xAI burn in the first nine months of 2025?", "en",
     "How much did xAI burn over the whole year of 2025?"),  # the year stays: only the months were replaced
    ("Und beim geplanten Börsengang?", "Wie viel Geld hat xAI Anfang Januar bei Investoren eingesammelt?", "de",
     "Wie viel Geld hat xAI Anfang Januar beim geplanten Börsengang eingesammelt?"),
]


@pytest.mark.parametrize("question,last,language,expected", CASES)
def test_the_fragment_takes_the_place_of_the_phrase_it_stands_for(embedder, question, last, language, expected):
    assert splice(question, last, _marks(None), language, embedder.encode_queries) == expected
