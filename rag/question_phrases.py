"""A follow-up that is only a question phrase ("Und zu welcher Bewertung?", "In what year?", "En hoe vaak dan?")
asks the last question again with another question word: its phrase takes the place of the last question's
("Wie viel Geld hat xAI im Januar eingesammelt?" -> "Zu welcher Bewertung hat xAI im Januar eingesammelt?").

The last question's phrase is its question word with what belongs to it, up to the finite verb: a preposition
before it ("In welk jaar"), the word after "hoe"/"wie"/"how" ("Wie viel", "how often"), and after a word that
takes a noun ("welke", "hoeveel", "which") its adjectives and noun ("Welke Amerikaanse bedrijven", "Wie viele
Tonnen Fracht"). The verb is read from `finite_verbs` (`auxiliaries` and `do_verbs` in English) within the first
words; failing that, by the word's shape: in German the first lower-case word that is no adjective before a
noun, in Dutch the word after the noun, in English a word ending in -s or -ed. A phrase that goes on with a
preposition ("Welke afdeling van Alibaba ...") or a question that does not open with a question word has no
place for the new phrase; a yes/no question (a finite verb first, not a form of "to be") takes it in front ("Did
SpaceX invest in xAI?" "And how much?" -> "How much did SpaceX invest in xAI?"), and a phrase in another language
than the last question is not put into it ("By whom wurde xAI gegründet?": more wrong answers than the model's
translated rewrite): the model still decides.
Before this, the model wrote these follow-ups (1-2 s); it mostly did the same substitution (word lists in
`prompts/followup.toml`).
"""

from __future__ import annotations

from rag import ellipses
from rag.asking import prepositions
from rag.mentions import spans
from rag.textrules import split_words

MAX_PHRASE_WORDS = 5  # "In hoeveel toekomstige AI-gigafabrieken", "Wie viele Tonnen Fracht"
MAX_FRAGMENT_WORDS = 6  # "und mit wie viel zusätzlichem Kapital"
ADJECTIVE_ENDINGS = {"nl": ("e",), "de": ("e", "en", "er", "es", "em")}
COUNTING = {"hoeveel", "viel", "viele", "much", "many"}  # "Hoeveel bedrijven gebruiken zijn chips?": counts, no subject
PAST_ENDINGS = ("de", "te", "den", "ten")  # Dutch past tense after "hoeveel": "Hoeveel investeerde SpaceX ...?"


def _words(marks: dict, language: str, key: str) -> set[str]:
    return set((marks.get(language) or {}).get(key, []))


def _verbs(marks: dict, language: str) -> set[str]:
    return _words(marks, language, "finite_verbs") | _words(marks, language, "auxiliaries") | _words(
        marks, language, "do_verbs")


def phrase_end(tokens: list[str], language: str, marks: dict) -> int | None:
    """The index of the finite verb that ends the question phrase of `tokens` (a question split on spaces), or
    None when the question opens with no question word or its phrase's end is not sure."""
    lowered = [t.lower().strip(",") for t in tokens]
    asking = _words(marks, language, "question_words")
    start = 1 if lowered[:1] and lowered[0] in prepositions(marks) and len(lowered) > 1 else 0
    if not lowered or lowered[start] not in asking:
        return None
    verbs = _verbs(marks, language)
    head = start + 1
    if lowered[start] in _words(marks, language, "question_adverbs") and head < len(lowered) \
            and lowered[head] not in verbs:
        head += 1  # "Wie viel", "hoe vaak", "how much"
    found = next((i for i in range(head, min(len(lowered), start + MAX_PHRASE_WORDS + 1)) if lowered[i] in verbs),
                 None)
    takes_noun = lowered[head - 1] in _words(marks, language, "question_determiners")
    if found is not None:
        between = lowered[head:found]
        if not takes_noun and between or set(between) & prepositions(marks):
            return None  # "Welke afdeling van Alibaba ontwerpt ...": the phrase goes on
        return found if found + 1 < len(tokens) else None
    if not takes_noun:
        return head if head + 1 < len(tokens) and language != "de" else None
    return _noun_phrase_end(tokens, lowered, head, language, marks)


def _noun_phrase_end(tokens: list[str], lowered: list[str], head: int, language: str, marks: dict) -> int | None:
    """Where the verb after a question word's noun stands ("Hoeveel geld haalde", "Which Chinese company
    launched"), when no finite verb of the lists is found."""
    last = min(len(tokens) - 1, head + MAX_PHRASE_WORDS)
    if language == "de":
        for i in range(head, last):
            word = tokens[i]
            if word[:1].islower() and not (word.endswith(ADJECTIVE_ENDINGS["de"]) and tokens[i + 1][:1].isupper()):
                return i if i > head and lowered[i] not in prepositions(marks) else None
        return None
    if language == "nl":
        i = head
        if i < last and lowered[i].endswith(PAST_ENDINGS):
            return i  # "Hoeveel investeerde SpaceX": no noun
        while i < last and lowered[i].endswith(ADJECTIVE_ENDINGS["nl"]):  # "toekomstige", "Amerikaanse"
            i += 1
        i += 1  # the noun
        return i if i < len(tokens) - 1 and lowered[i] not in prepositions(marks) else None
    for i in range(head + 1, last + 1):
        if lowered[i].endswith(("s", "ed")) and split_words(lowered[i], "'-") == [lowered[i]]:
            return i
    return None


def _phrase_prepositions(marks: dict) -> set[str]:
    """The words that are a preposition in a language, not its article or date noun (followup.toml's lists hold
    "the" and "year" among the prepositions; German's "an" is one, English's is not)."""
    return {p for words in marks.values() for p in words.get("prepositions", [])
            if p not in words.get("articles", []) and p not in words.get("date_nouns", [])}


def fragment_phrase(question: str, language: str, marks: dict) -> str:
    """ "Und zu welcher Bewertung?" -> "zu welcher Bewertung": the follow-up's question phrase when it is nothing
    else (no verb of its own, a few words, a preposition or a question word first), else ""."""
    tokens = question.strip().rstrip(" ?!.").split()
    lowered = [t.lower().strip(",") for t in tokens]
    openers = {s for lang_words in marks.values() for s in lang_words.get("starts", []) if " " not in s}
    asking = {w for lang_words in marks.values() for w in lang_words.get("question_words", [])}
    if lowered[:1] and lowered[0] in openers - asking:
        tokens, lowered = tokens[1:], lowered[1:]
    if " " in ellipses.opening(" ".join(tokens), marks):
        return ""  # "What about the valuation?", "hoe zit het met ...": a noun phrase, not a question phrase
    tokens = ellipses.without_tail(" ".join(tokens), marks).split()  # "En hoe vaak dan?"
    lowered = [t.lower().strip(",") for t in tokens]
    if not lowered or len(lowered) > MAX_FRAGMENT_WORDS:
        return ""
    start = 1 if lowered[0] in prepositions(marks) and len(lowered) > 1 else 0
    verbs = {v for code in marks for v in _verbs(marks, code)}
    pronouns = {p for lang_words in marks.values() for key in ("pronouns", "name_pronouns", "thing_pronouns")
                for p in lang_words.get(key, [])}
    if lowered[start] not in asking or set(lowered) & (verbs | pronouns):
        return ""  # "Und wie oft soll eins starten?" asks itself; "Und wie viel davon?" points back
    if set(lowered[start + 1:]) & _phrase_prepositions(marks):
        return ""  # "mit welcher Warnung an die EU", "hoeveel ton vracht in 2025": more than a question phrase
    own_pronouns = {w for code in marks for w in _words(marks, code, "question_pronouns")} - {
        w for code in marks for key in ("question_determiners", "question_adverbs") for w in _words(marks, code, key)}
    if lowered[start] in own_pronouns and len(lowered) > start + 1:
        return ""  # "and who runs the starlink network?": a clause with its own verb
    if any(s.kind == "name" for s in spans(" ".join(tokens), language)):
        return ""  # "In welchem Jahr gründete Musk xAI?": a question of its own, with a verb no list has
    return " ".join(tokens)


def in_place(question: str, last_question: str, language: str, last_language: str, marks: dict) -> str | None:
    """The last question with the follow-up's question phrase in the place of its own, or None (module
    docstring). `language` is the follow-up's, `last_language` the last question's."""
    phrase = fragment_phrase(question, language, marks)
    if not phrase or language != last_language:  # "By whom wurde xAI gegründet?": the model translates
        return None
    tokens = last_question.strip().rstrip(" ?!.").split()
    asks_who = {w for code in marks for w in _words(marks, code, "question_pronouns")}
    if tokens and tokens[0].lower() in _verbs(marks, last_language) - _words(marks, last_language, "copulas") \
            and phrase.split()[-1].lower() not in asks_who:
        # a yes/no question asked again with a question word: "Heeft SpaceX geld in xAI gestoken?" "En hoeveel
        # dan?" -> "Hoeveel heeft SpaceX geld in xAI gestoken?" (not "wie", "what": "Who did anyone invest?"; not
        # after "War Musk Mitgründer von OpenAI?": "Zu welcher Bewertung?" asked about an earlier turn)
        return phrase[:1].upper() + phrase[1:] + " " + tokens[0].lower() + " " + " ".join(tokens[1:]) + "?"
    end = phrase_end(tokens, last_language, marks)
    if end is None or end == 1 and tokens[0].lower() in _words(marks, last_language, "question_pronouns"):
        return None  # "Wat wordt bedoeld met ...?", "Wer ist ...?": the question word is the subject or object
    rest = tokens[end:]
    return phrase[:1].upper() + phrase[1:] + " " + " ".join(rest) + "?"


def own_subject_end(question: str, language: str, marks: dict) -> int | None:
    """Where the clause of a question that names its own subject with a question word and a noun goes on: the
    possessives after it are that subject's ("Welk Amerikaans AI-bedrijf verbiedt bedrijven met een Chinese
    meerderheidsaandeelhouder om zijn producten te gebruiken?", "Which company sells its chips to China?"), not a
    name of the last turn (blind20 fy-45, a topic switch, was searched with "Musk's producten"). None when it does
    not: no such question word ("hoeveel" counts things), a form of "to be" ("Welk bedrijf is zijn grootste
    concurrent?"), or a verb that its subject follows ("Which chips does his company sell?", "Welke chips
    verkoopt zijn bedrijf?": in Dutch and German a possessive right after the verb is read as the subject's)."""
    tokens = question.strip().rstrip(" ?!.").split()
    determiners = _words(marks, language, "question_determiners") - _words(marks, language, "question_adverbs")
    if not tokens or tokens[0].lower() not in determiners or tokens[0].lower() in COUNTING:
        return None
    end = phrase_end(tokens, language, marks)
    if end is None or end < 2 or tokens[end].lower() in _words(marks, language, "copulas"):
        return None
    subject_follows = tokens[end].lower() in _words(marks, language, "auxiliaries") | _words(
        marks, language, "do_verbs") if language == "en" else True
    skip = end + 2 if subject_follows else end + 1
    return sum(len(t) + 1 for t in tokens[:skip])  # the characters before the first word that can be its own
