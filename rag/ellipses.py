"""Elliptic follow-ups made standalone by rules: "Und Anthropic?", "En in 2024?", "And the weaker chip?".

An ellipsis keeps the frame of the last standalone question and changes one thing in it. The new name, date or
amount replaces its counterpart of the same kind ("Wie viel hat OpenAI eingesammelt?" "Und Anthropic?" ->
"Wie viel hat Anthropic eingesammelt?"); of two names, the one that follows no preposition (rag.referents.
governed); a date replaces a time named without one ("originally", "vorig jaar"); a date or a place with a
preposition that has no counterpart is added ("... in Rechenzentren in Frankreich?"). A noun phrase for an
organisation or a group ("En de bedrijven?", "And the merged company with SpaceX?"; `agent_nouns`) takes the
place of the last question's one name that follows no preposition, as a name would. Any other noun phrase ("En de
Hanguang 800-chip van Alibaba?") is left to the model: which part of the last question it stands for is a matter
of meaning (2026-12-05: the model choosing among its slots took a nonsense question 18 times in 30). An opening
before a complete question is dropped ("Und wie alt ist Sam Altman?").

Structural substitution only (word lists in `prompts/followup.toml`); anything else goes to the model's rewrite.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Protocol

from rag.asking import articles, asks_a_definition, asks_only, prepositions
from rag.mentions import Span, is_subject, spans, without_owner
from rag.referents import MAX_OPTIONS, governed
from rag.textrules import split_words
from rag.wordlists import word_lists


class Turn(Protocol):
    """An earlier turn as the rules read it (rag.followups.Turn): the question it searched for."""

    question: str

MIN_QUESTION_WORDS = 4  # a question word, a verb and what it asks about: "wie alt ist David Sacks"
MAX_WORDS_BEFORE_NAME = 2  # "het nieuwe Chinese AI-fonds": a name's phrase opens with its article this far back
MIN_COMPOUND_END = 4  # an agent noun this long is also a compound's end ("AI-fonds", "Investmentfonds")
BARE_FRAGMENT_WORDS = 2  # with no opening, a name of this many words or fewer is an ellipsis too ("OpenAI?")


def opening(question: str, marks: dict) -> str:
    """The follow-up's elliptic opening ("en", "und", "what about"), lower case, or ""."""
    text = " ".join(split_words(question, "'-")).lower()
    starts = {start for lang_words in marks.values() for start in lang_words.get("starts", [])}
    return next((s for s in sorted(starts, key=len, reverse=True) if text == s or text.startswith(s + " ")), "")


def after_opening(question: str, opener: str) -> str:
    """The question without its opening: "Und wie alt ist er?" -> "wie alt ist er?"."""
    rest = question.strip()
    for word in opener.split():
        rest = re.sub(r"^\W*" + re.escape(word) + r"(?!\w)\W*", "", rest, count=1, flags=re.I)
    return rest


def without_tail(fragment: str, marks: dict) -> str:
    """ "xAI, by comparison" -> "xAI", "die EU selbst" -> "die EU": the fragment without the words after its name
    that change nothing in the question it stands for (`tails` in followup.toml)."""
    for tail in sorted(_tails(marks), key=len, reverse=True):
        found = re.search(r"[\s,]+" + re.escape(tail) + r"$", fragment, flags=re.I)
        if found:
            return fragment[:found.start()].rstrip(" ,")
    return fragment


def by_ellipsis(question: str, last_question: str, language: str, marks: dict,
                is_person: Callable[[str], bool] | None = None) -> str | None:
    """ "Und Anthropic?" after "Wie viel hat OpenAI eingesammelt?": the new name, date or amount in place of the
    one of its kind in the last question; a date, or a name after a preposition, with no counterpart is added."""
    made = ellipsis_rewrites(question, last_question, language, marks, is_person)
    return made[0] if len(made) == 1 else None


def bare_name(question: str, language: str, marks: dict) -> bool:
    """Is the follow-up an opening and one name alone ("Und China?"; not "Und in China?", "En de bedrijven?")?"""
    opener = opening(question, marks)
    fragment = without_tail(after_opening(question, opener).rstrip(" ?!.").strip(), marks)
    own = fragment_spans(question, fragment, language)
    return bool(opener) and len(own) == 1 and own[0].kind == "name" and (own[0].start, own[0].end) == (0, len(fragment))


def without_counterpart(question: str, last_question: str, language: str, marks: dict) -> bool:
    """Is the follow-up an ellipsis of one name ("Und China?", no preposition before it) that the last question
    has nothing of the kind for (no name it asks about)?"""
    return bare_name(question, language, marks) and not any(
        s.kind == "name" and is_subject(last_question[s.start:s.end], language) for s in spans(last_question, language))


def an_aside(question: str, language: str, marks: dict) -> bool:
    """Is the question only what or who one name is ("Was ist Softbank überhaupt?", "what is the IFF anyway?",
    "Wer ist Howard Lutnick?"), or what a kind of thing is ("whats a gigawatt anyway", `asks_a_definition`): a
    side question, after which an ellipsis goes on with the question before?"""
    names = [question[s.start:s.end] for s in spans(question, language)
             if s.kind == "name" and is_subject(question[s.start:s.end], language)]
    if len(names) == 1 and any(asks_only(question, names[0], marks, key) for key in ("asks_what_is", "asks_who_is")):
        return True
    return asks_a_definition(question, marks)


def frame(question: str, turns: Sequence[Turn], language: str, marks: dict) -> str:
    """The question an ellipsis goes on from: the last one, or the one before it when the last only asked what or
    who a name is ("Was ist Softbank überhaupt?" "Und laut Musk bei Softbank?": the thread before the aside). An
    ellipsis of a name alone may go on from the aside itself ("Wat is InvestAI?" "En Stargate?")."""
    last = turns[-1].question
    if len(turns) > 1 and an_aside(last, language, marks) and not bare_name(question, language, marks):
        return turns[-2].question
    return last


def past_a_side_question(question: str, turns: Sequence[Turn], language: str, marks: dict,
                         is_person: Callable[[str], bool] | None) -> str | None:
    """ "What share of the AI workers is in the US?" "How many are there in total?" "And China?": a new name with
    nothing of its kind in the last question goes into the one before, which has."""
    if len(turns) < 2 or not without_counterpart(question, turns[-1].question, language, marks):
        return None
    return by_ellipsis(question, turns[-2].question, language, marks, is_person)


def ellipsis_rewrites(question: str, last_question: str, language: str, marks: dict,
                      is_person: Callable[[str], bool] | None = None) -> list[str]:
    """The questions the ellipsis can mean: one when the rules are sure, several when the new name can take the
    place of more than one name of its kind ("En van OpenAI?" after "Wie is volgens het artikel over de fusie
    van xAI en SpaceX de CEO van Tesla?": which one is a matter of meaning, the model chooses), none when the
    fragment is no single name, date or amount."""
    opener = opening(question, marks)
    fragment = without_tail(after_opening(question, opener).rstrip(" ?!.").strip(), marks)
    words = [w.lower() for w in split_words(fragment, "'-")]
    if not opener and (len(words) > BARE_FRAGMENT_WORDS or words[:1] and words[0] in prepositions(marks)):
        return []  # "Per Starship?" is a phrase, which rag.fragments puts in place of the nearest one
    if opener and is_agent_phrase(fragment, marks):  # "En de bedrijven?": an organisation or a group
        agent = agent_in_place(fragment, last_question, language, marks, is_person)
        return [agent] if agent else []
    owners = [code for code, words in marks.items() if opener in words.get("starts", [])] if opener else []
    own = fragment_spans(question, fragment, owners[0] if len(owners) == 1 else language)  # "Und bis Jahresende?"
    if not own or own[-1].end != len(fragment) or any(
            fragment[a.end:b.start].strip() for a, b in zip(own, own[1:])) or len({s.kind for s in own}) > 1:
        # "Und zu welcher Bewertung?": not a name, date or amount: the model decides. So does a noun phrase
        # ("En de Hanguang 800-chip van Alibaba?" after "Wanneer lanceerde Nvidia de H20?": it stands for the
        # chip, not for Nvidia, which no rule can tell)
        return []
    kind = own[0].kind
    lead = fragment[:own[0].start].strip()
    if lead and any(w.lower() not in word_lists().stop_words and w.lower() not in prepositions(marks)
                    for w in lead.split()):
        return []
    new = fragment[own[0].start:]
    olds = _counterparts(new, kind, lead, last_question, language, marks, is_person)
    if olds is None:
        return []
    if lead:  # after the same preposition: "in de VS" -> "in China"
        after_lead = [(m.start(), s) for s in olds for m in [re.search(
            r"(?<!\w)" + re.escape(lead) + r"\s+(?:\w+\s+)?$", last_question[:s.start], flags=re.I)] if m]
        if after_lead:  # one sure place, or the model chooses ("En van OpenAI?" after "... van xAI ... van Tesla?")
            return [last_question[:start] + fragment + last_question[s.end:] for start, s in after_lead]
        if kind == "name" and lead.split()[0].lower() in _place_prepositions(marks):
            olds = []  # "En in Frankrijk?" after "Hoeveel investeert xAI in datacenters?"
    if len(olds) > 1 and kind == "name" and not lead:  # "En Tesla?" after "Hoeveel stak SpaceX in xAI?"
        free = [s for s in olds if not governed(last_question, s.start, marks)]
        olds = free if len(free) == 1 else olds
    if not olds and kind == "date":  # "And in 2019?" after "What was OpenAI originally founded as?"
        placed = relative_date(last_question, marks)
        if placed:
            return [last_question[:placed[0]] + fragment + last_question[placed[1]:]]
    if not olds and (kind != "name" or lead and lead.split()[0].lower() not in articles(marks)):
        # "Und in Frankreich?", "En in 2024?": added to the question; "Und die EU?" is not a place to add
        body = last_question.rstrip().rstrip("?").rstrip()
        return [f"{body} {fragment}?"]
    made = [_in_place(last_question, s, new, lead, marks) for s in olds[:MAX_OPTIONS]]
    made = [without_source(m, language, marks) for m in made] if kind == "name" else made
    return list(dict.fromkeys(made))  # "Musk" twice in the last question is one choice


def _counterparts(new: str, kind: str, lead: str, last_question: str, language: str, marks: dict,
                  is_person: Callable[[str], bool] | None) -> list[Span] | None:
    """The names, dates or amounts of the last question that `new` (of `kind`) can take the place of; None when
    the rules give up."""
    olds = [s for s in spans(last_question, language) if s.kind == kind and (
        kind != "name" or is_subject(last_question[s.start:s.end], language))]
    if kind == "name" and is_person is not None and is_person(without_owner(new)):
        # a person does not take an organisation's place beside a role ("wie is de CEO van Nvidia?" "en Sam
        # Altman?" asked which company he leads, not "Wie is de CEO van Sam Altman?")
        olds = [s for s in olds if not role_of(last_question, s, marks)
                and last_question[s.start:s.end].lower() not in _person_nouns(marks)]  # "der Chef" is no name
        if not olds:
            return None
    if new.lower() in last_question.lower():  # "And Trump?" after "How old is Altman, says Trump's article?":
        olds = [s for s in olds if new.lower() not in last_question[s.start:s.end].lower()  # another one's place
                and not _joined(last_question, s, new, marks)]  # not "xAI" of "xAI and SpaceX" for "SpaceX alone"
        if not olds or lead:
            return None
    return olds


def _person_nouns(marks: dict) -> set[str]:
    """The words for a person of every language ("CEO", "Chef", "baas"; `person_nouns`)."""
    return {n for lang_words in marks.values() for n in lang_words.get("person_nouns", [])}


def role_of(question: str, span: Span, marks: dict) -> bool:
    """Is the name at `span` what a role belongs to: after a word for a person and a preposition ("de CEO van
    Nvidia", "der Chef von OpenAI", "the CEO of Nvidia") or as the owner before one ("Nvidias Chef", "Nvidia's
    CEO"; `person_nouns`)?"""
    nouns = _person_nouns(marks)
    before = [w.lower() for w in split_words(question[:span.start], "'-")][-3:]
    after = [w.lower() for w in split_words(question[span.end:], "'-")][:1]
    owner = without_owner(question[span.start:span.end]) != question[span.start:span.end]
    return (len(before) >= 2 and before[-1] in prepositions(marks) and (
        before[-2] in nouns or before[-2] in articles(marks) and len(before) == 3 and before[0] in nouns)) or \
        owner and bool(after) and after[0] in nouns


def is_agent_phrase(fragment: str, marks: dict) -> bool:
    """Does the fragment name an organisation or a group with a noun ("de bedrijven van het EU AI Champions
    Initiative", "the merged company with SpaceX", "het nieuwe Chinese AI-fonds"; `agent_nouns`, `..._plural`)? Its
    article first, its noun the last word before a preposition or article (also a compound's end: "KI-Fonds")."""
    words = [w.lower() for w in split_words(fragment, "'-")]
    if len(words) < 2 or words[0] not in articles(marks) or words[0] in _only_prepositions(marks):
        return False
    if " ".join(words) in {p for lang_words in marks.values() for p in lang_words.get("phrases", [])}:
        return False  # "En het bedrijf?" points back at a company named before, as "it" does
    stops = prepositions(marks) | articles(marks)
    end = next((i for i in range(1, len(words)) if words[i] in stops), len(words))
    phrase = " ".join(words[1:end])
    nouns = {n for lang_words in marks.values() for key in ("agent_nouns", "agent_nouns_plural")
             for n in lang_words.get(key, [])}
    return any(phrase == n or phrase.endswith((" " + n, "-" + n)) or len(n) >= MIN_COMPOUND_END and
               phrase.split()[-1].endswith(n) for n in nouns) if phrase else False


def agent_in_place(fragment: str, last_question: str, language: str, marks: dict,
                   is_person: Callable[[str], bool] | None = None) -> str | None:
    """The last question with the organisation or group of the fragment in the place of its one name that
    follows no preposition, with that name's article and tail ("Hoeveel geld maakt de EU zelf vrij voor AI?"
    "En de bedrijven?" -> "Hoeveel geld maakt de bedrijven vrij voor AI?"); None when it has no such name or
    several (which one the group stands for is then a matter of meaning). An owner ("Nvidias Marktkapitalisierung")
    is no such name: what it owns is asked about. Nor is a person's name (`is_person`, what the articles say:
    "president Trump"): a group does not do what a person did ("An welchem Wochentag gab Trump die Gründung von
    Stargate bekannt?" "Und der chinesische Fonds?" asked when the fund was reported)."""
    sources = {w for lang_words in marks.values() for w in lang_words.get("sources", [])}
    olds = [s for s in spans(last_question, language) if s.kind == "name"
            and is_subject(last_question[s.start:s.end], language) and not governed(last_question, s.start, marks)
            and without_owner(last_question[s.start:s.end]) == last_question[s.start:s.end]  # not "Nvidias"
            and not any(re.search(rf"(?<!\w){re.escape(w)}\s+$", last_question[:s.start], flags=re.I)
                        for w in sources)]
    head = [w.lower() for w in split_words(fragment, "'-")][-1]
    if not olds and head not in {w.lower() for w in split_words(last_question, "'-")}:
        # "Wie hoch ist der Börsenwert von Nvidia?" "And the merged company?": the owner of what is asked; not
        # after "Welke Amerikaanse bedrijven ... het monopolie van Nvidia?" "En de Chinese bedrijven?"
        olds = _owners_of_attribute(last_question, language, marks)
    if len({last_question[s.start:s.end].lower() for s in olds}) != 1:
        return None
    old = olds[0]
    if is_person is not None and is_person(without_owner(last_question[old.start:old.end])):
        return None
    before = last_question[:_phrase_start(last_question, old.start, marks)]
    after = re.sub(r"^['’\"“”]", "", last_question[old.end:])  # "de 'Big Five'": the quotes go with the name
    tail = next((m for t in sorted(_tails(marks), key=len, reverse=True)
                 for m in [re.match(rf"\s+{re.escape(t)}(?!\w)", after, flags=re.I)] if m), None)
    if tail:  # "de EU zelf": set against another, not said of the group
        after = after[tail.end():]
    placed = fragment[:1].lower() + fragment[1:] if before.strip() else fragment[:1].upper() + fragment[1:]
    return before + placed + after


def _owners_of_attribute(question: str, language: str, marks: dict) -> list[Span]:
    """The names that own what the question asks about, after a noun and its `of_prepositions` ("der Börsenwert
    von Nvidia", "de omzet van de EU", "the market value of Nvidia"), not after a question word or a verb."""
    owning = {p for lang_words in marks.values() for p in lang_words.get("of_prepositions", [])}
    not_nouns = (prepositions(marks) | articles(marks) | word_lists().stop_words
                 | {w for lang_words in marks.values() for key in ("question_words", "finite_verbs", "auxiliaries")
                    for w in lang_words.get(key, [])})
    found = []
    for s in spans(question, language):
        before = [w.lower() for w in split_words(question[:s.start], "'-")][-3:]
        if before[-1:] and before[-1] in articles(marks):
            before = before[:-1]
        if s.kind == "name" and is_subject(question[s.start:s.end], language) and len(before) >= 2 \
                and before[-1] in owning and before[-2] not in not_nouns:
            found.append(s)
    return found


def _only_prepositions(marks: dict) -> set[str]:
    """Words that are a preposition in a language whose article they are not ("an": English's article, German's
    preposition in "Und an Technologiefirmen?")."""
    return {p for lang_words in marks.values() for p in lang_words.get("prepositions", [])
            if p not in lang_words.get("articles", [])}


def _phrase_start(question: str, start: int, marks: dict) -> int:
    """Where the phrase a name ends starts: at its article or its owner, up to two words before it ("de EU", "the
    European Commission", "het nieuwe Chinese AI-fonds", "de 'Big Five'", "China's new National AI Industry
    Investment Fund"), or at the name itself."""
    tokens = list(re.finditer(r"\S+", question[:start]))
    stops = prepositions(marks) | {w for lang_words in marks.values() for w in lang_words.get("question_words", [])}
    for token in reversed(tokens[-(MAX_WORDS_BEFORE_NAME + 1):]):
        word = token.group(0).lower().strip("'’\"“”„‘")
        if word in articles(marks) or token.group(0)[:1].isupper() and without_owner(token.group(0)) != token.group(0):
            return token.start()
        if not word:  # a quote mark alone
            continue
        if word in stops:
            break
    return start


def fragment_spans(question: str, fragment: str, language: str) -> list[Span]:
    """What the fragment names, read alone and where it stands in the question: without its opening a name is a
    sentence's first word, where a frequent word ("Duitsland", a country) is no name to the rules; in the
    question ("en Duitsland?") it is. Names found either way count (as the fragment alone reads "En Trump?")."""
    own = spans(fragment, language)
    at = question.find(fragment)
    if at < 0:
        return own
    for s in spans(question, language):
        inside = s.kind == "name" and at <= s.start and s.end <= at + len(fragment)
        if inside and not any(s.start - at < o.end and o.start < s.end - at for o in own):
            own.append(Span(s.start - at, s.end - at, s.kind))
    return sorted(own, key=lambda s: s.start)


def _joined(question: str, old_span, new: str, marks: dict) -> bool:
    """Is the name at `old_span` joined to `new` by "and" ("the combined valuation of xAI and SpaceX")? Putting
    the new one in its place would name it twice ("... of SpaceX and SpaceX?"): the fragment asks about it alone."""
    joiners = "|".join(re.escape(w.get("and", "and")) for w in marks.values()) + "|,"
    old = re.escape(question[old_span.start:old_span.end])
    pattern = rf"(?<!\w)(?:{old}\s*(?:{joiners})\s*{re.escape(new)}|{re.escape(new)}\s*(?:{joiners})\s*{old})(?!\w)"
    return re.search(pattern, question, flags=re.I) is not None


def _in_place(last_question: str, old_span, new: str, lead: str, marks: dict) -> str:
    """`last_question` with `new` in the place of `old_span`, keeping the old name's owner ending ("China's") and
    dropping its article when the fragment has none and the old name ended its phrase ("in de VS?" "En voor
    China?": "in China"; "de EU zelf" "en Duitsland?": "Duitsland zelf"; not "the Qwen models")."""
    the_articles = articles(marks)
    old = last_question[old_span.start:old_span.end]
    owner = old[len(without_owner(old)):] if without_owner(new) == new else ""  # China's, Nvidias
    before = last_question[:old_span.start]
    article = re.search(r"(?<!\w)(\w+)\s+$", before)
    after = split_words(last_question[old_span.end:], "'-")[:1]
    ends_phrase = not after or after[0].lower() in prepositions(marks) | _tails(marks)  # "de EU zelf": ends there
    if ends_phrase and article and article.group(1).lower() in the_articles and \
            not {w.lower() for w in lead.split()} & the_articles:
        before = before[:article.start()]
    return before + new + owner + last_question[old_span.end:]


def without_source(question: str, language: str, marks: dict) -> str:
    """The question without "volgens Musk", "laut Musk", "according to Musk" (`sources`): who made the claim
    about the old name, not part of what is asked about the new one ("Hoeveel heeft Softbank volgens Musk
    veiliggesteld?" "En Microsoft?" -> "Hoeveel heeft Microsoft veiliggesteld?")."""
    words = {w for lang_words in marks.values() for w in lang_words.get("sources", [])}
    for m in sorted((m for w in words for m in re.finditer(r"(?<!\w)" + re.escape(w) + r"\s+", question, flags=re.I)),
                    key=lambda m: m.start(), reverse=True):
        named = [sp for sp in spans(question, language) if sp.kind == "name" and sp.start == m.end()]
        if named:
            before, after = question[:m.start()].rstrip(), question[named[0].end:]
            if before.endswith(","):  # "Softbank, according to Musk, secured": both commas go
                before, after = before[:-1], re.sub(r"^\s*,", "", after)
            question = re.sub(r"\s+([?,.])", r"\1", f"{before} {after.lstrip()}")
    return question[:1].upper() + question[1:]


def relative_date(question: str, marks: dict) -> tuple[int, int] | None:
    """Where the one word or phrase that places `question` in time without a date stands ("vorig jaar",
    "ursprünglich", "originally"; `relative_dates`), or None."""
    phrases = {p for words in marks.values() for p in words.get("relative_dates", [])}
    found = [m for p in phrases for m in re.finditer(r"(?<!\w)" + re.escape(p) + r"(?!\w)", question, flags=re.I)]
    found = [m for m in found if not any(o is not m and o.start() <= m.start() and m.end() <= o.end()
                                         for o in found)]  # "vorig jaar", not also "jaar" inside it
    return (found[0].start(), found[0].end()) if len(found) == 1 else None


def _tails(marks: dict) -> set[str]:
    """The words after a name that change nothing in the question ("selbst", "by comparison"; `tails`)."""
    return {t for lang_words in marks.values() for t in lang_words.get("tails", [])}


def _place_prepositions(marks: dict) -> set[str]:
    return {w for lang_words in marks.values() for w in lang_words.get("place_prepositions", [])}


def by_opening(question: str, language: str, marks: dict, stands_alone) -> str | None:
    """ "Und wie alt ist Sam Altman?": without its opening the question stands alone: it opens with a question
    word, names what it asks about and has no pronoun ("En de Hanguang 800-chip?" is an ellipsis, not this)."""
    first = next(iter(split_words(question, "'-")), "").lower()
    rest = after_opening(question, first) if opening(first, marks) == first else ""
    words = [w.lower() for w in split_words(rest, "'-")]
    asking = {w for lang_words in marks.values() for w in lang_words.get("question_words", [])}
    if len(words) < MIN_QUESTION_WORDS or words[0] not in asking or not any(
            s.kind == "name" for s in spans(rest, language)) or not stands_alone(rest):
        return None
    return rest[:1].upper() + rest[1:]
