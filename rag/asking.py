"""What an earlier question asks for, read from its opening words (`prompts/followup.toml`): a name ("Wer leitet
OpenAI?", "What is Musk's AI company called?"), a person ("who"), who one named someone is ("Wer ist Howard
Lutnick?"), a date ("In welchem Jahr ...?"); and the grammar words every follow-up rule reads (prepositions,
articles). rag.referents reads a pronoun's referent from it, rag.ellipses and rag.fragments the words."""

from __future__ import annotations

from rag.textrules import split_words

MAX_DEFINED_WORDS = 2  # "what is a gigawatt", "wat is een AI-gigafabriek": one thing defined


def prepositions(marks: dict) -> set[str]:
    return {w for lang_words in marks.values() for w in lang_words.get("prepositions", [])}


def articles(marks: dict) -> set[str]:
    return {w for lang_words in marks.values() for w in lang_words.get("articles", [])}


def asks(question: str, language: str, marks: dict, key: str) -> str:
    """Does the question ask for a name (`key` "asks_for_name": wer, welke, which; "asks_for_person": wer, who)?
    "first" when it opens with such a word, "after a preposition" for "Through which network ...?", "Aus welchem
    Land ...?" (which may ask for a year instead: "In welchem Jahr ...?"), else "". The question may follow a
    frame and a comma: "According to the German article, who founded xAI?"."""
    from rag import language as lang
    from rag.askedkinds import asks_for_a_name

    if key == "asks_for_name" and asks_for_a_name(question):  # "Hoe heten ...?", "What's the name of ...?"
        return "first"
    words = marks.get(lang.detect(question, language)) or marks.get(language) or marks["en"]
    for clause in question.lower().split(","):
        tokens = split_words(clause, "'-")
        if tokens[:1] and any(" ".join(tokens).startswith(o + " ") for o in words.get(key, [])):
            return "first"
        if tokens[:1] and any(" ".join(tokens).startswith(o + " ") and tokens[-1] == end
                              for o, end in words.get(key + "_around", [])):
            return "first"  # "What is Musk's AI company called?"
        if len(tokens) > 1 and tokens[0] in prepositions(marks) and tokens[1] in words.get(key, []):
            return "after a preposition"
    return ""


def who_is(question: str, name: str, marks: dict) -> bool:
    """ "Wer ist Howard Lutnick?", "Who was J.D. Vance?": a question for who someone is, and nothing else (not "Wie is
    de CEO van Nvidia?"), so what it names is a person (or a role: "Wer ist Trumps KI-Zar?")."""
    return asks_only(question, name, marks, "asks_who_is")


def asks_only(question: str, name: str, marks: dict, key: str) -> bool:
    """Is the question one of `key`'s openings followed by the name alone, but for articles and words that change
    nothing ("Was ist eigentlich ein Exaflop?": `tails`)?"""
    words = split_words(question.lower(), "'-")
    openers = {o for lang_words in marks.values() for o in lang_words.get(key, [])}
    skip = articles(marks) | {t for lang_words in marks.values() for t in lang_words.get("tails", [])}
    named = [w for w in split_words(name.lower(), "'-") if w not in skip]  # "der" of "Ursula von der Leyen" too
    return any(words[:len(o.split())] == o.split() and
               [w for w in words[len(o.split()):] if w not in skip] == named
               for o in openers)


def asks_for_date(question: str, marks: dict) -> bool:
    """ "In welchem Jahr ...?", "Which year ...?": a question word before a noun of time (`date_nouns`)."""
    tokens = split_words(question.lower(), "'-")
    asking = {w for words in marks.values() for w in words.get("asks_for_name", [])}
    nouns = {w for words in marks.values() for w in words.get("date_nouns", [])}
    return any(a in asking and b in nouns for a, b in zip(tokens[:3], tokens[1:4]))


def asks_a_definition(question: str, marks: dict) -> bool:
    """ "whats a gigawatt anyway", "Was ist eigentlich ein Exaflop?": a "what is" and an indefinite article before
    one thing ask what such a thing is, a side question; "What is the valuation?" asks about the topic."""
    words = split_words(question.lower(), "'-")
    indefinite = {w for lang_words in marks.values() for w in lang_words.get("indefinite_articles", [])}
    tails = {t for lang_words in marks.values() for t in lang_words.get("tails", [])}
    for opener in {tuple(o.split()) for lang_words in marks.values() for o in lang_words.get("asks_what_is", [])}:
        if tuple(words[:len(opener)]) == opener:
            rest = [w for w in words[len(opener):] if w not in tails]
            return len(rest) >= 2 and rest[0] in indefinite and len(rest) - 1 <= MAX_DEFINED_WORDS
    return False
