"""Plural pronouns: which are plural for sure, and which names a question joins ("Musk und Altman").

"sie" and "ze" are "she" or "they"; beside a plural verb ("Warum sind sie Konkurrenten?", "Wie viel wollen sie
investieren?") they are "they", and they then stand for several names: the names an answer listed or the names the
last question joined with "and" (rag.referents.plural_referent). Before this the rules, or the model choosing among
the single names, put one of them in ("Warum sind Musk eigentlich Konkurrenten?", blind20 fy-09). Word lists:
`plural_only`, `plural_pronouns`, `plural_verbs` in prompts/followup.toml.
"""

from __future__ import annotations

import re

from rag.mentions import is_subject, spans, without_owner
from rag.textrules import split_words

MIN_PLURAL_VERB = 4  # "wollen", "haben": a plural verb form beside "sie"/"ze" (not "den", "ten")


def is_plural(question: str, hit: re.Match, words: dict) -> bool:
    """Is the pronoun plural for sure: one that is always ("they", "hen", "hun"), or "ze"/"sie" beside a plural
    verb ("Warum sind sie Konkurrenten?", "Wie viel wollen sie investieren?"; not "Waar deed ze dat?")?"""
    word = hit.group(0).lower()
    if word in words.get("plural_only", []):
        return True
    if word not in words.get("plural_pronouns", []):
        return False
    before = split_words(question[:hit.start()], "'-")[-1:]
    after = split_words(question[hit.end():], "'-")[:1]
    return any(w.islower() and (w in words.get("plural_verbs", []) or len(w) >= MIN_PLURAL_VERB and w.endswith("en"))
               for w in before + after)


def joined_names(question: str, language: str, marks: dict) -> str | None:
    """The names `question` joins with "and" or commas ("Musk und Altman", "xAI, SpaceX en Tesla"), as one."""
    names = [s for s in spans(question, language) if s.kind == "name"
             and is_subject(without_owner(question[s.start:s.end]), language)]
    joiners = {w.get("and", "and") for w in marks.values()}
    run = names[:1]
    for s in names[1:]:
        between = question[run[-1].end:s.start].strip(" ,").lower()
        if between in joiners or not between and "," in question[run[-1].end:s.start]:
            run.append(s)
        elif len(run) < 2:
            run = [s]
        else:
            break
    if len(run) < 2:
        return None
    joiner = (marks.get(language) or marks["en"]).get("and", "and")
    found = [question[s.start:s.end] for s in run]
    return f"{', '.join(found[:-1])} {joiner} {found[-1]}"
