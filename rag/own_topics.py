"""A fragment that names its own topic is asked in full: "and nvidia's market cap?" -> "What is Nvidia's market cap?".

"What about nvidia's market cap?", "and the number of Starlink satellites in space right now?", "und der Anteil der
USA?" carry both what they ask about (a name) and what they ask (the noun before it): only the question word is
borrowed from the last question. No rule placed them (the last question has no slot for a whole question's
topic), so the model wrote them and its rewrites were mostly rejected: the follow-up was searched as asked and
abstained (blind34: "and the number of gigafactories?", "and China's new AI fund?"). Such a noun phrase is asked
with "what is" in the follow-up's own language ("when is" / "where is" when the last question asked a date or a
place: "When did xAI raise its round?" "And SpaceX's IPO?").

Only a phrase that opens with a definite article or an owner ("Nvidia's", "Nvidias"), whose noun is no name and
no word for an organisation or a person (those stand for the last question's subject: rag.ellipses.agent_in_place,
or the model), with no comma, pronoun or indefinite article ("Und eine Million Tonnen pro Jahr?" is an amount), and
that names something of its own ("en de brutomarge?" does not: it asks about the last question's subject,
rag.fragments). Question words per language: `own_topic_openers` in prompts/followup.toml. Its answer's names are
checked as a standalone question's (rag.pipeline._fragment). On the 24 recorded conversations it changes: right
4 -> 8, wrong 7 -> 1, and no model rewrite (2026-12-08 notes).
"""

from __future__ import annotations

from rag import ellipses
from rag.asking import articles, prepositions
from rag.fragments import fragment_words
from rag.mentions import is_subject, without_owner
from rag.textrules import subject_words


def _all(marks: dict, *keys: str) -> set[str]:
    """The words of `keys` in every language of followup.toml, lower case."""
    return {w.lower() for lang_words in marks.values() for key in keys for w in lang_words.get(key, [])}


def _owner(word: str) -> bool:
    """ "Nvidia's", "SpaceX’s", "Nvidias": a name that owns the noun after it."""
    bare = word.rstrip("?!.,")
    return bare[:1].isupper() and is_subject(bare, "de") and without_owner(bare) != bare


def topic_phrase(question: str, language: str, marks: dict) -> str | None:
    """The follow-up's noun phrase when it names its own topic (module docstring), else None."""
    if not ellipses.opening(question, marks):
        return None
    fragment = ellipses.without_tail(fragment_words(question, marks), marks)  # "the EU itself": set against the
    # last question's subject
    words = fragment.split()
    lowered = [w.lower() for w in words]
    if len(words) < 2 or "," in fragment or _all(marks, "question_words", "pronouns", "possessives", "demonstratives",
                                                 "indefinite_articles") & set(lowered):
        return None  # "and the americans with stargate, over four years?", "Und eine Million Tonnen pro Jahr?"
    start = 1 if lowered[0] in articles(marks) else 0
    if start >= len(words) or not (start or _owner(words[0])):
        return None
    if _owner(words[start]):  # "the EU's new fund"
        start += 1
    stops = prepositions(marks) | articles(marks)
    end = next((i for i in range(start, len(words)) if lowered[i] in stops), len(words))
    if end <= start:
        return None
    head = words[end - 1]
    if _names_something(head, language) or head.lower().split("-")[-1] in _all(
            marks, "agent_nouns", "agent_nouns_plural", "person_nouns"):
        return None
    if not subject_words(question, language):  # "en de brutomarge?": the last question's subject is meant
        return None
    return fragment


def _names_something(word: str, language: str) -> bool:
    """Is the phrase's noun a name ("de Europese Commissie", "het gefuseerde xAI-SpaceX")? In Dutch and English a
    capital anywhere says so; German capitalises every noun, so there only a word that is no German noun is one."""
    if language == "de":
        return is_subject(word, language)
    return any(c.isupper() for c in word)


def as_question(question: str, frame: str, language: str, marks: dict) -> str | None:
    """ "What is <the follow-up's noun phrase>?" in the follow-up's language, with "when"/"where" when `frame`
    (the question it goes on from) asked for a date or a place; None when the follow-up is no such phrase."""
    from rag import language as lang
    from rag.askedkinds import asked_kind

    phrase = topic_phrase(question, language, marks)
    openers = (marks.get(language) or {}).get("own_topic_openers")
    if phrase is None or not openers:
        return None
    kind = asked_kind(frame, lang.detect(frame, language)) if frame else None
    opener = openers.get(kind.value if kind is not None else "other", openers["other"])  # date, place, or other
    if phrase.split()[0].lower() in articles(marks):
        phrase = phrase[:1].lower() + phrase[1:]  # "The number of ..." goes mid-sentence
    return f"{opener[:1].upper()}{opener[1:]} {phrase}?"



def asked_in_full(searched: str, question: str, language: str, marks: dict) -> bool:
    """Is `searched` the follow-up `question` asked in full by this rule (`as_question`), not a rewrite that may
    carry the last question's names (the model's, or another rule's)?"""
    phrase = topic_phrase(question, language, marks)
    openers = ((marks.get(language) or {}).get("own_topic_openers") or {}).values()
    return phrase is not None and " ".join(searched.lower().split()) in {f"{o} {phrase}?".lower() for o in openers}
