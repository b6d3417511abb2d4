"""A fragment with a preposition ("Und bis Jahresende?") put in place of the phrase of the last question it stands for.

"En tegen het einde van het jaar?" after "Hoe groot was de AI-capaciteit van China in juni?" keeps the last
question and changes its time. The small model, asked to write the standalone question, mostly copied the last
question or joined the two ("..., en tegen het einde van het jaar?"), which answers the earlier question
(measured on the follow-up files: 33 of 93 ellipses rejected, about half of them such fragments). Asked instead to
name the words the fragment replaces, it mostly named the last word or "nothing". What holds is a rule: the
last question's prepositional phrases are the candidates (a phrase runs from a preposition to the next one; one
joined with an "of" phrase after it is one more), and the one the embedder finds nearest in meaning to the
fragment ("im Juni" for "bis Jahresende", "at first" for "over the next four years") is replaced. A time goes on
from the last question that has one (`frame`): a side question in between has none to replace. A verb at
the end of a German or Dutch question stays ("... in xAI investiert?"). Without a phrase, the fragment is added.

A time without a preposition ("en eind dit jaar", "and last year?") takes the place of the last question's
time (its phrases with a date, a date noun or a relative date; added when it has none). A noun phrase with an
article ("und die Bruttomarge im zweiten Quartal?") takes the place of the last question's article phrase after
"to be" ("die Marktkapitalisierung" of "Wie hoch ist die Marktkapitalisierung von Nvidia?"); without one ("And
the weaker chip?" after "When did Nvidia launch the H20?") it is left to the model. A bare name ("OpenAI?", "Und
Tesla selbst?") takes its counterpart's place in rag.ellipses. `is_fragment` says which follow-ups borrow the last
question's frame at all (the rewrite's kind check and the `repeated` guard read it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rag import ellipses
from rag.asking import articles, prepositions
from rag.textrules import split_words

Embed = Callable[[list[str]], "object"]  # texts -> one normalised vector per text (Embedder.encode_queries)
MIN_PHRASE_WORDS_WITH_VERB = 3  # "in xAI investiert": a lowercase last word of a longer phrase may be its verb
ALWAYS_FOLLOWUP_WORDS = 2  # a question of two words or fewer ("En xAI?") cannot stand alone
MAX_TIME_WORDS = 4  # "Ende des Jahres", "eind dit jaar"; a longer fragment with a year names more than a time
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
    return fragment_kind(question, marks) == "phrase"


def fragment_kind(question: str, marks: dict) -> str:
    """ "phrase" ("Und bis Jahresende?"), "time" ("en eind dit jaar", no preposition, nothing but a time),
    "noun" ("and the weaker chip?": an article first) or "" (none of them, or a question word of its own)."""
    from rag.mentions import spans

    fragment = fragment_words(question, marks)
    words = [w.lower() for w in split_words(fragment, "'-")]
    if not words or question_words(marks) & set(words) or (
            not ellipses.opening(question, marks) and len(words) > MAX_BARE_PHRASE_WORDS):
        return ""
    if words[0] in _prepositions(marks):
        return "phrase"
    if question_words(marks) & {w.lower() for w in split_words(question, "'-")}:  # "Und wie groß soll der
        return ""  # KI-Markt um 2030 sein?" opens with "und wie": a question of its own
    noun = len(words) > 1 and words[0] in articles(marks)
    if noun and not is_time(" ".join(words[1:3]), marks):  # "die Bruttomarge im zweiten Quartal", not "the next
        return "noun"  # quarter"
    if len(words) <= MAX_TIME_WORDS and is_time(fragment, marks) and any(
            all(s.kind == "date" for s in spans(fragment, code)) for code in marks):
        return "time"
    return "noun" if noun else ""


def is_time(text: str, marks: dict) -> bool:
    """Does `text` name a time: a date ("juni", "2025"), a date noun ("Jahres", "months") or a relative date
    ("vorig jaar", "at first"), in any language of followup.toml?"""
    from rag.mentions import spans

    low = " ".join(split_words(text, "'-")).lower()
    nouns = {w for lang_words in marks.values() for w in lang_words.get("date_nouns", [])}
    relative = {p for lang_words in marks.values() for p in lang_words.get("relative_dates", [])}
    return bool(set(low.split()) & nouns) \
        or any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", low) for p in relative) \
        or any(s.kind == "date" for code in marks for s in spans(text, code))


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


def noun_phrases(words: Sequence[str], marks: dict, language: str) -> list[tuple[int, int]]:
    """The (start, end) word spans of the article phrases of `words` right after a "to be" (`copulas`: "die
    Marktkapitalisierung" of "Wie hoch ist die Marktkapitalisierung von Nvidia?"), each up to the next
    preposition or comma. Elsewhere a phrase's end is a verb no rule can find ("Hoeveel geld wil de Europese
    Commissie mobiliseren voor AI?"), and it is often the subject, not what is asked (measured: half of the
    rewrites made from any article phrase, on the older follow-up files, lost or changed the subject)."""
    the_articles, preps = articles(marks), _prepositions(marks)
    copulas = {w for lang_words in marks.values() for w in lang_words.get("copulas", [])}
    found = []
    for i, word in enumerate(words):
        if i == 0 or word.lower() not in the_articles or words[i - 1].lower() not in copulas:
            continue
        end = next((j for j in range(i + 1, len(words)) if words[j].lower() in preps | the_articles
                    or words[j - 1].endswith(",")), len(words))
        if end == len(words) and end - i >= MIN_PHRASE_WORDS_WITH_VERB and language in VERB_FINAL \
                and _is_verb(words[-1], language):
            end -= 1
        if end - i >= 2:
            found.append((i, end))
    return found


def splice(question: str, last_question: str, marks: dict, language: str, embed: Embed) -> str | None:
    """The last question with the follow-up's phrase in place of its nearest one of the kind (`fragment_kind`;
    a phrase or time with none is added before the question mark), or None when the follow-up is no such
    fragment or a noun phrase has no counterpart."""
    import numpy as np

    kind = fragment_kind(question, marks)
    if not kind:
        return None
    fragment, words = fragment_words(question, marks), last_question.strip().rstrip(" ?!.").split()
    if fragment.split()[0].lower() in _prepositions(marks) | articles(marks):  # "Tegen eind dit jaar?": now
        fragment = fragment[:1].lower() + fragment[1:]  # mid-sentence; not a German noun ("Ende des Jahres")
    if len(words) < 2:
        return None
    if kind == "noun":
        spans = noun_phrases(words, marks, language)
    else:
        spans = phrases(words, marks, language)
        if kind == "time" or is_time(fragment, marks):  # a time takes the place of a time: of the phrases that
            times = _time_spans(words, spans, marks)
            spans = times if times or kind == "time" else spans  # place it, or of "zunächst" ("over vier jaar")
    if not spans:
        return " ".join([*words, fragment]) + "?" if kind != "noun" else None
    vectors = np.asarray(embed([fragment] + [" ".join(words[a:b]) for a, b in spans]))
    start, end = spans[int(np.argmax(vectors[1:] @ vectors[0]))]
    return " ".join([*words[:start], fragment, *words[end:]]) + "?"


def frame(question: str, turns: Sequence, language: str, marks: dict) -> str:
    """The question a fragment goes on from (`rag.ellipses.frame`); a time goes on from the last of the two that
    has a time to replace. "Hoeveel exaflops had China in juni?" "Wo hat von der Leyen InvestAI angekündigt?" "and
    by the end of the year?" asks China's capacity again: the side question has no time, and its phrase "von der
    Leyen InvestAI" was replaced by the time (blind32 fb32-21)."""
    last = ellipses.frame(question, turns, language, marks)
    kind = fragment_kind(question, marks)
    if len(turns) < 2 or last != turns[-1].question or not (
            kind == "time" or kind == "phrase" and is_time(fragment_words(question, marks), marks)):
        return last
    earlier = turns[-2].question
    return earlier if not _has_time(last, marks, language) and _has_time(earlier, marks, language) else last


def _has_time(question: str, marks: dict, language: str) -> bool:
    """Does the question hold a time a fragment's time can take the place of (`splice`)?"""
    words = question.strip().rstrip(" ?!.").split()
    return bool(_time_spans(words, phrases(words, marks, language), marks))


def _time_spans(words: Sequence[str], spans: list[tuple[int, int]], marks: dict) -> list[tuple[int, int]]:
    """Of the phrases `spans`, those that name a time, and the relative date without a preposition, if any."""
    return [(a, b) for a, b in spans if is_time(" ".join(words[a:b]), marks)] + _bare_times(words, marks)


def _bare_times(words: Sequence[str], marks: dict) -> list[tuple[int, int]]:
    """The word span of the last question's relative date ("vorig jaar", "originally"; rag.ellipses), if any."""
    text = " ".join(words)
    found = ellipses.relative_date(text, marks)
    if not found:
        return []
    start = len(text[:found[0]].split())
    return [(start, start + len(text[found[0]:found[1]].split()))]


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
    if bare_words(question, marks) <= ALWAYS_FOLLOWUP_WORDS or fragment_kind(question, marks) == "time":
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
