"""Bron: offline multilingual question answering over news articles, with cited passages.

    from rag import answer
    res = answer("Hoeveel geld moet er in Stargate vloeien?")
    print(res.text, res.citations)
    follow_up = answer("Wie betaalt dat?", history=[res])   # a follow-up in a conversation
"""

from rag.answering import Assistant, Conversation, answer
from rag.config import Settings
from rag.errors import BronError, ConfigError, IndexError_, InputError, ModelError
from rag.results import Answer, Citation, Found, Passage

__version__ = "0.1.0"


def evaluate(*args, **kwargs):
    """Evaluate answers against a gold question set (see rag.evaluation.evaluate)."""
    from rag.evaluation import evaluate as _evaluate

    return _evaluate(*args, **kwargs)


__all__ = ["Answer", "Assistant", "BronError", "Citation", "ConfigError", "Conversation", "Found", "IndexError_",
           "InputError", "ModelError", "Passage", "Settings", "answer", "evaluate"]
