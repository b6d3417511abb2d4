"""A follow-up's "there" ("daar", "dort") written as the place of the question it goes on from.

"Welcher Präsident rief auf dem SCO-Gipfel zur Zusammenarbeit bei KI auf?" "Und was hat er dort abgelehnt?": the
pronoun rules wrote "Was hat Xi Jinping dort abgelehnt?", and "dort" searched for nothing; the answer abstained
where the question written out was answered (on the older follow-up files, 8 conversations with such a word after
a rewrite by rules: none right as a follow-up, 4 asked alone). The last question's one prepositional phrase of
place ("auf dem SCO-Gipfel", "at the AI summit in Paris") takes the word's place; with none, or more than one,
the rewrite stays as it is. Word lists: `there_words`, `there_prepositions` in prompts/followup.toml.
"""

from __future__ import annotations

import re

from rag.textrules import split_words

EXISTENTIAL = ("is", "are", "was", "were", "be", "been")  # "are there", "there are": no place


def in_place(rewrite: str, question: str, last_question: str, marks: dict, language: str) -> str:
    """`rewrite` with the follow-up's "there" replaced by the last question's place phrase, when there is one."""
    for there in {t for words in marks.values() for t in words.get("there_words", [])}:
        pattern = rf"(?<![\w-]){re.escape(there)}(?![\w-])"
        found = re.search(pattern, rewrite, flags=re.I)
        if not found or not re.search(pattern, question, flags=re.I) or _existential(rewrite, there):
            continue
        place = place_of(last_question, marks, language)
        return rewrite[:found.start()] + place + rewrite[found.end():] if place else rewrite
    return rewrite


def place_words(question: str, last_question: str, marks: dict, language: str) -> list[str]:
    """The follow-up's words for "there" when the last question has the place they stand for, else none (and no
    language detection for a follow-up without such a word)."""
    said = {w.lower() for w in split_words(question, "'-")}
    found = [t for words in marks.values() for t in words.get("there_words", []) if t in said]
    return found if found and place_of(last_question, marks, language) else []


def place_of(question: str, marks: dict, language: str) -> str | None:
    """The question's one place phrase (`place_phrase`), read in the question's own language."""
    from rag import language as lang

    prepositions = {p for words in marks.values() for p in words.get("there_prepositions", [])}
    return place_phrase(question, marks, prepositions, lang.detect(question, language))


def _existential(text: str, there: str) -> bool:
    """ "How many AI workers are there?", "Is there a fund?": English "there" with a form of "to be"."""
    words = [w.lower() for w in split_words(text, "'-")]
    return any(w == there.lower() and ((i and words[i - 1] in EXISTENTIAL) or words[i + 1:i + 2] and
                                       words[i + 1] in EXISTENTIAL) for i, w in enumerate(words))


def place_phrase(question: str, marks: dict, prepositions: set[str], language: str) -> str | None:
    """The question's one prepositional phrase of place that names something (a capitalised word after the
    preposition: "op de SCO-top", "in Paris"), not a time ("in juni"); None when it has none or several."""
    from rag.fragments import is_time, phrases

    words = question.strip().rstrip(" ?!.").split()
    found = [(a, b) for a, b in phrases(words, marks, language)
             if words[a].lower() in prepositions and any(w[:1].isupper() for w in words[a + 1:b])
             and not is_time(" ".join(words[a:b]), marks)]
    widest = sorted(s for s in found if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in found))
    joined = []  # "at the AI summit" "in Paris": one place
    for start, end in widest:
        if joined and joined[-1][1] == start:
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return " ".join(words[joined[0][0]:joined[0][1]]).rstrip(",") if len(joined) == 1 else None
