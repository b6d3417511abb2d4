"""Which words of a question stand for a name said before: pronouns ("er", "hem", "it"), possessives ("ihre",
"zijn", "its"), article words where no noun follows ("het", "der", "die"), and demonstrative phrases ("die man",
"diese Firma", "that company"). Word lists: prompts/followup.toml; what each stands for is rag.referents.
"""

from __future__ import annotations

import re

from rag.mentions import spans
from rag.textrules import find_words
from rag.wordlists import word_lists

_PHRASE = re.compile(r".+", re.S)  # a match over a span of words (a demonstrative phrase)


def pronoun_hits(question: str, words: dict, language: str) -> list[tuple[re.Match, bool]]:
    """The words of `question` that stand for a name ("er", "hem", "it") or its owner ("ihre", "zijn", "its"),
    each with True when it is a possessive. "her", "haar", "ihr" are a possessive before a noun (in German a
    capitalised one), "zijn" only after a verb or preposition ("Wat is zijn rol?", not "Wat zijn de plannen?"),
    "het" only where it is no article (at the end, before a function word or a preposition, or before a last
    word that is a verb form: "In welk jaar is het opgericht?"). A demonstrative before a noun for one person or
    one organisation ("die man", "diese Firma", "that company") is one hit for the phrase. A possessive after
    a name of the question's own, or before "own", is the question's own ("Was sagte Trump über seine Pläne?")."""
    tokens = find_words(question, "'-")
    lowered = [t.group(0).lower() for t in tokens]
    stand_ins, owners = set(words.get("name_pronouns", [])), set(words.get("possessives", []))
    skip = word_lists().stop_words
    own = [s.end for s in spans(question, language) if s.kind == "name"]
    in_clause = _bound_in_clause(tokens, own, words)
    hits = []
    for i, w in enumerate(lowered):
        if tokens[i].start() in in_clause:
            continue  # "what he called" after "Xi Jinping": the question's own subject
        before = lowered[i - 1] if i else ""
        after = tokens[i + 1].group(0) if i + 1 < len(tokens) else ""
        if w in words.get("demonstratives", []):
            noun, owned = _without_possessive_ending(after.lower())
            if _pointing_noun(noun, words):  # "die man", "diese Firma", "that guy's": the phrase stands for the name
                hits.append((_PHRASE.match(question, tokens[i].start(), tokens[i + 1].end()), owned))
                continue
        if (w in words.get("article_pronouns", []) or w in words.get("verb_pronouns", []) and
                before in words.get("finite_verbs", [])) and _article_as_pronoun(question, tokens, i, words, skip):
            hits.append((tokens[i], False))  # "Hoeveel wil het de komende jaren investeren?", "kondigde zij het aan?"
            continue
        if w not in stand_ins and w not in owners or after.lower() in words.get("reflexive", []):
            continue  # "their own chips" are the chipmakers' of the same question
        noun_next = bool(after) and after.lower() not in skip and (
            not words.get("capitalised_nouns") or w not in stand_ins or after[:1].isupper())
        owner = w in owners and noun_next and (
            w not in words.get("possessive_also_verb", []) or before in words.get("possessive_after", []))
        if noun_next and w in owners and any(end <= tokens[i].start() for end in own):
            continue  # its own name's: "What did Trump say about his plans?"
        if set(words.get("expletive", {}).get(w, [])) & set(lowered[max(0, i - 1):i + 2]):
            continue  # "Gibt es ...?": the pronoun points at nothing
        if owner or w in stand_ins:
            hits.append((tokens[i], owner))
    return hits


def clause_subjects(question: str, words: dict, language: str) -> set[int]:
    """Where a subject pronoun opens a clause after a name of the question's own ("At which summit did Xi Jinping
    reject what he called Cold War thinking?", "Wie alt war Musk, als er Tesla kaufte?"): it is that name, not
    one of an earlier turn (blind27 fb27-34, a topic switch, was searched with "what China called")."""
    return _bound_in_clause(find_words(question, "'-"), [s.end for s in spans(question, language) if s.kind == "name"],
                            words)


def _bound_in_clause(tokens: list[re.Match], names: list[int], words: dict) -> set[int]:
    """`clause_subjects` from the question's words and where its names end, as `pronoun_hits` has them."""
    openers, subjects = set(words.get("clause_openers", [])), set(words.get("name_pronouns", []))
    return {tokens[i].start() for i in range(1, len(tokens))
            if tokens[i].group(0).lower() in subjects and tokens[i - 1].group(0).lower() in openers
            and any(end <= tokens[i - 1].start() for end in names)}


def clause_subjects_only(question: str, words: dict, language: str) -> set[str]:
    """The pronouns that only stand for the question's own name in a clause of it (`clause_subjects`), and
    nowhere else in it: they point at nothing earlier."""
    in_clause = clause_subjects(question, words, language)
    found = find_words(question, "'-")
    return {m.group(0).lower() for m in found if m.start() in in_clause} - {
        m.group(0).lower() for m in found if m.start() not in in_clause}


def _without_possessive_ending(word: str) -> tuple[str, bool]:
    """ "guy's" -> ("guy", True): the noun of a demonstrative phrase that owns what follows ("that guy's job")."""
    return (word[:-2], True) if word.endswith(("'s", "’s")) else (word, False)


def _pointing_noun(word: str, words: dict) -> str:
    """The kind a demonstrative's noun points at: "person" ("die man", "diese Frau"), "thing" for one organisation
    ("dat bedrijf", "diese Firma"; not plurals: "those companies" goes to the model), else ""."""
    if word in words.get("person_nouns", []):
        return "person"
    return "thing" if word in words.get("agent_nouns", []) else ""


def _article_as_pronoun(question: str, tokens: list[re.Match], i: int, words: dict, skip: frozenset[str]) -> bool:
    """Is the article word at `i` a pronoun ("het", "der", "die")? At the end, before a function word, a
    preposition or an adverb (`pronoun_adverbs`: "Wie alt ist der eigentlich?"), or before a last word that is a
    verb form; never before a capitalised word where nouns are capitalised ("der Chef"), before a genitive or "von"
    ("und die der USA?", "und die von Alibaba?": an ellipsis), or after a comma (a relative pronoun: "..., die sie
    gebaut haben")."""
    after = tokens[i + 1].group(0) if i + 1 < len(tokens) else ""
    lowered = after.lower()
    if words.get("capitalised_nouns") and after[:1].isupper() or lowered in words.get("pronoun_not_before", []) or \
            i and "," in question[tokens[i - 1].end():tokens[i].start()]:
        return False
    return (not after or lowered in skip or lowered in words.get("prepositions", [])
            or lowered in words.get("pronoun_adverbs", [])
            or i + 2 == len(tokens) and any(re.fullmatch(p, lowered) for p in words.get("verb_forms", [])))


def owns_what_organisations_own(question: str, hit: re.Match, words: dict) -> bool:
    """Is the possessive `hit` set before what only an organisation has ("ihr Börsenwert", "sein Monopol", "zijn
    omzet"; `organisation_owns`)? No person has a market value. Not "their" (`plural_only`), which has a rule of
    its own (a company, not one person)."""
    after = find_words(question[hit.end():], "'-")
    return bool(after) and after[0].group(0).lower() in words.get("organisation_owns", []) and \
        hit.group(0).lower() not in words.get("plural_only", [])


def pronoun_kind(word: str, words: dict) -> str:
    """What a pronoun hit can stand for: "person", "thing" or "any"."""
    if " " in word:  # a demonstrative phrase: its noun says ("die man": a person)
        return _pointing_noun(_without_possessive_ending(word.split()[-1])[0], words)
    if word in words.get("person_pronouns", []):
        return "person"
    return "thing" if word in words.get("thing_pronouns", []) else "any"
