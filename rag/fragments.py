"""A fragment with a preposition ("Und bis Jahresende?") put in place of the phrase of the last question it stands for.

"En tegen het einde van het jaar?" after "Hoe groot was de AI-capaciteit van China in juni?" keeps the last
question and changes its time. The small model, asked to write the standalone question, mostly copied the last
question or joined the two ("..., en tegen het einde van het jaar?"), which answers the earlier question
(measured on the follow-up files: 33 of 93 ellipses rejected, about half of them such fragments). Asked instead to
name the words the fragment replaces, it mostly named the last word or "nothing". What holds is a rule: the
last question's prepositional phrases are the candidates (a phrase runs from a preposition to the next one; one
joined with an "of" phrase after it is one more), and the one the embedder finds nearest in meaning to the
fragment ("im Juni" for "bis Jahresende", "at first" for "over the next four years") is replaced. A verb at
the end of a German or Dutch question stays ("... in xAI investiert?"). Without a phrase, the fragment is added.

A fragment that names a new subject is not placed here: a bare name ("OpenAI?", "Und Tesla selbst?") takes its
counterpart's place in rag.ellipses; a noun phrase ("And the merged company with SpaceX?") needs a parse the
rules do not have, and the model's rewrite remains for it. `is_fragment` says which follow-ups borrow the last
question's frame at all (the rewrite's kind check and the `repeated` guard read it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rag import ellipses
from rag.referents import prepositions
from rag.textrules import split_words

Embed = Callable[[list[str]], "object"]  # texts -> one normalised vector per text (Embedder.encode_queries)
MIN_PHRASE_WORDS_WITH_VERB = 3  # "in xAI investiert": a lowercase last word of a longer phrase may be its verb
ALWAYS_FOLLOWUP_WORDS = 2  # a question of two words or fewer ("En xAI?") cannot stand alone
MAX_BARE_PHRASE_WORDS = 5  # "Tegen eind dit jaar?" needs no opening to continue the last question
VERB_FINAL = ("de", "nl")  # languages whose questions often end with the verb
OF_WORDS = ("of", "van", "von", "vom")  # a phrase that opens with one belongs to the one before ("in the first
# nine months of 2025" is one time)


def fragment_words(question: str, marks: dict) -> str:
    """ "Und bis Jahresende?" -> "bis Jahresende": the follow-up without its opening and final mark."""
    rest = ellipses.after_opening(question, ellipses.opening(question, marks))
    return " ".join(rest.split()).rstrip(" ?!.").strip()


def _prepositions(marks: dict) -> set[str]:
    """The prepositions of followup.toml, without the articles and date nouns those lists also hold ("the year")."""
    return prepositions(marks) - {w.lower() for lang_words in marks.values()
                     for w in lang_words.get("articles", []) + lang_words.get("date_nouns", [])}


def opens_with_preposition(question: str, marks: dict) -> bool:
    """Is the follow-up a prepositional phrase, after an opening or of a few words alone ("Und bis Jahresende?",
    "And over the next four years?", "Tegen eind dit jaar?"), with no question word of its own?"""
    words = [w.lower() for w in split_words(fragment_words(question, marks), "'-")]
    if not ellipses.opening(question, marks) and len(words) > MAX_BARE_PHRASE_WORDS:
        return False
    return bool(words) and words[0] in _prepositions(marks) and not question_words(marks) & set(words)


def _is_verb(word: str, language: str) -> bool:
    """A lowercase word that ends a German question is its verb (nouns are capitalised); in Dutch an infinitive
    or participle ("investeren", "geïnvesteerd")."""
    if not word.isalpha() or not word.islower():
        return False
    if language == "de":
        return True
    return word.endswith("en") or (word.startswith("ge") and word.endswith(("d", "t")))


def phrases(words: Sequence[str], marks: dict, language: str) -> list[tuple[int, int]]:
    """The (start, end) word spans of the prepositional phrases of `words`, and of each phrase joined with an
    "of" phrase after it."""
    preps = _prepositions(marks)
    starts = [i for i, w in enumerate(words) if i > 0 and w.lower().strip(",.") in preps]
    spans = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(words)
        if end == len(words) and end - start >= MIN_PHRASE_WORDS_WITH_VERB and language in VERB_FINAL \
                and _is_verb(words[-1], language):
            end -= 1
        if end - start >= 2:  # a preposition alone is a verb's particle ("come from")
            spans.append((start, end))
    return spans + [(a[0], b[1]) for a, b in zip(spans, spans[1:])
                    if a[1] == b[0] and words[b[0]].lower() in OF_WORDS]


def splice(question: str, last_question: str, marks: dict, language: str, embed: Embed) -> str | None:
    """The last question with the follow-up's prepositional phrase in place of its nearest one (or added before
    the question mark when it has none), or None when the follow-up is no such fragment."""
    import numpy as np

    if not opens_with_preposition(question, marks):
        return None
    fragment, words = fragment_words(question, marks), last_question.strip().rstrip(" ?!.").split()
    fragment = fragment[:1].lower() + fragment[1:]  # "Tegen eind dit jaar?": a preposition, now mid-sentence
    if len(words) < 2:
        return None
    spans = phrases(words, marks, language)
    if not spans:
        return " ".join([*words, fragment]) + "?"
    vectors = np.asarray(embed([fragment] + [" ".join(words[a:b]) for a, b in spans]))
    start, end = spans[int(np.argmax(vectors[1:] @ vectors[0]))]
    return " ".join([*words[:start], fragment, *words[end:]]) + "?"


def is_fragment(question: str, language: str, marks: dict) -> bool:
    """Is the follow-up a fragment that borrows the last question's frame: no question word, and two words or
    fewer ("En Google?") or an opening before a preposition, an article or a name, date or amount ("Und bei der
    Kommission?", "And the weaker chip?", "En in 2023?"). "Und ist er auch Chef von Tesla?" asks yes or no itself."""
    from rag.mentions import spans

    opener = ellipses.opening(question, marks)
    rest = ellipses.after_opening(question, opener).strip() if opener else question.strip()
    words = [w.lower() for w in split_words(rest, "'-")]
    if not words or question_words(marks) & set(words):
        return False
    if bare_words(question, marks) <= ALWAYS_FOLLOWUP_WORDS:
        return True
    leads = {w for lang_words in marks.values() for w in lang_words.get("prepositions", []) +
             lang_words.get("articles", [])}
    return bool(opener) and (words[0] in leads or any(s.start == 0 for s in spans(rest, language)))


def bare_words(question: str, marks: dict) -> int:
    """How many words the question has without the words after a name that change nothing ("by comparison")."""
    return len(split_words(ellipses.without_tail(question.strip().rstrip(" ?!.").strip(), marks), "'-"))


def question_words(marks: dict) -> set[str]:
    """Every language's question words (followup.toml): a fragment has none of its own."""
    return {w for lang_words in marks.values() for w in lang_words.get("question_words", [])}
