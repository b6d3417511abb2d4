"""Follow-ups made standalone by rules, with no model call: what a pronoun stands for.

The whole last turn is read: the standalone question it searched for (the names it asks about) and, when that
question asked for a name ("Wer leitet OpenAI?"), the name its answer gave.

- **pronoun**: "er", "ihre", "its", "hem", ... (`prompts/followup.toml`) is replaced by the one name it can
  stand for. Where to look, nearest first: the answer's new name when the last question asked for one, else
  the last question's own name (also when the answer abstained, unless it asked for a name: then what the
  pronoun means is unknown); one turn further back when the last turn stayed on the topic, or named nothing a
  pronoun can stand for. A pronoun for a thing ("es", "it") never stands for a person a "who" question found,
  a name the articles write as a person's, or what a "how many" question counted ("Hoeveel Starlink-satellieten
  ...?"); with nothing else in the last turn it looks one turn back, across a change of topic. A pronoun for a
  person looks for one first. Two candidates in the same place: the one that follows no
  preposition (the subject of "Wie viel hat Oracle in Stargate investiert?"), else no rule and the model
  decides; so too when the last question was a side question on one thing ("Waar ligt Santa Clara?") and the
  turn before offers another name, or an unknown answer. A plural pronoun ("sie", "they", "ze") stands for all
  the names an answer listed. Each pronoun takes its own referent ("Wann hat er es gegründet?": Sam Altman,
  OpenAI). A name the articles write as a person's counts as a person (`is_person`, rag.spelling). Which words
  are pronouns (also "der", "die man", "diese Firma"): rag.pronouns.

Ellipses ("Und Anthropic?") and openings ("Und wie alt ist er?") are rag.ellipses.

Structural substitution only: no word list names a topic, so the rules hold on conversations they were not
written from. Everything else goes to the model's rewrite (rag.followups).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from rag.asking import articles, asks, asks_for_date, asks_only, prepositions, who_is
from rag.descriptions import asks_for_role_holder, describe
from rag.mentions import generic_compound, is_subject, known, spans, without_owner, written
from rag.plurals import is_plural, joined_names
from rag.pronouns import owns_what_organisations_own, pronoun_hits, pronoun_kind
from rag.textrules import split_words

LOOK_BACK_TURNS = 2  # a pronoun may point one turn further back (the measured two-turn-back references)
GERMAN_NOUN_ZIPF = 3.5  # "Chef" 4.5; names after an article ("die Telekom") are rarer in running text
MAX_OPTIONS = 4  # of the questions an ellipsis or a pronoun can mean, the model chooses among the first four


@dataclass(frozen=True)
class Turn:
    """One earlier exchange, as the rules and the model's rewrite see it."""

    question: str  # what was searched for (the standalone form of what was asked)
    answer: str  # the answer without citation marks; "" when Bron abstained


@dataclass(frozen=True)
class Referent:
    """A name a pronoun can stand for; name "" is the unknown answer of an abstained question for a name."""

    name: str
    person: bool = False  # the answer to a "who" question
    governed: bool = False  # it follows a preposition ("in Stargate", "volgens Musk"): not the clause's subject
    answered: bool = False  # the answer brought it in (one of the names a "which companies" answer listed)
    aside: bool = False  # the one thing a side question asked about ("Was ist ein Exaflop?", "Waar ligt Santa Clara?")
    written_person: bool = False  # the articles write the name as a person's (rag.spelling): never "it"
    counted: bool = False  # what a "how many" question counted ("Hoeveel Starlink-satellieten ...?"): never "it"
    description: str = ""  # for the unknown answer, what its question asked for (rag.descriptions)


# -- where a pronoun can point ----------------------------------------------------------------------------
def _question_names(question: str, language: str, marks: dict) -> list[Referent]:
    seen: dict[str, Referent] = {}
    for s in spans(question, language):
        name = without_owner(question[s.start:s.end])
        if s.kind == "name" and is_subject(name, language) and not generic_compound(name) and \
                not _noun_after_article(question, s.start, name, marks):
            seen.setdefault(name.lower(), Referent(name, governed=governed(question, s.start, marks),
                                                   counted=_counted(question, s.start, marks)))
    return list(seen.values())


def _counted(question: str, start: int, marks: dict) -> bool:
    """Does the name at `start` follow "how many" (`count_words` of any language: the earlier question may be in
    another language than the follow-up)? Then it is a plural noun ("Hoeveel Starlink-satellieten zijn er?"),
    which a singular "it" does not stand for."""
    before = " ".join(split_words(question[:start].lower(), "'-"))
    return any(before == phrase or before.endswith(" " + phrase)
               for words in marks.values() for phrase in words.get("count_words", []))


def _noun_after_article(question: str, start: int, name: str, marks: dict) -> bool:
    """ "der Chef von Nvidia": a capitalised word after a German article that is common in German is a noun, not a
    name ("Chef" is a word of all three languages, so `is_subject` keeps it)."""
    from wordfreq import zipf_frequency

    before = split_words(question[:start], "'-")[-1:]
    return (bool(before) and before[0].lower() in marks.get("de", {}).get("articles", []) and name.isalpha()
            and not name.isupper() and zipf_frequency(name.lower(), "de") >= GERMAN_NOUN_ZIPF)


def governed(text: str, start: int, marks: dict) -> bool:
    """Does the name at `start` follow a preposition, maybe with an article between ("in Stargate", "in de VS",
    "volgens Musk")? Such a name is a complement; the one that is not is the clause's subject or object, which a
    pronoun or an ellipsis points at first ("Wie viel hat Oracle in Stargate investiert?" "Woher kommt es?")."""
    before = [w.lower() for w in split_words(text[:start], "'-")][-2:]
    the_articles = articles(marks)
    leading = prepositions(marks) - the_articles  # "And the ...?" is an ellipsis's lead, not a preposition
    if before[-1:] and before[-1] in leading:
        return True
    return len(before) == 2 and before[0] in leading and before[1] in the_articles


def _answer_names(turn: Turn, followup: str, language: str, person: bool) -> list[Referent]:
    """The names the answer's first sentence that brings any in brought in (not in its question or the follow-up:
    what came after is detail, "Sam Altman. Eerder werkte hij bij Y Combinator."); the unknown answer when it
    abstained or named only what the question had."""
    from rag import language as lang
    from rag.textrules import split_sentences

    if not turn.answer:  # abstained: what it asked for is unknown, and a pronoun may mean it
        return [Referent("", person)]
    seen_text = f"{turn.question} {followup}".lower()
    named = False
    for sentence in split_sentences(turn.answer):
        found_spans = [s for s in spans(sentence, lang.detect(turn.answer, language)) if s.kind == "name"]
        names = [without_owner(sentence[s.start:s.end]) for i, s in enumerate(found_spans)
                 if not (i and _in_brackets_after(sentence, found_spans[i - 1].end, s))]
        named = named or bool(names)
        found = {name.lower(): Referent(name, person, answered=True) for name in names
                 if is_subject(name, language) and not generic_compound(name) and not known(name, seen_text)}
        if found:
            return list(found.values())
    # only names the question had ("Elon Musk" for "Musk"): what it asked is unknown; no name at all: it asked for
    # a role or a thing ("Welches Amt hat er?" "Vizepräsident.")
    return [Referent("", person)] if named else []


def _in_brackets_after(sentence: str, previous_end: int, span) -> bool:
    """ "International Finance Forum (IFF)": a name in brackets right after another is that one's short form."""
    return sentence[previous_end:span.start].strip() == "(" and sentence[span.end:span.end + 1] == ")"


def layers(followup: str, turns: Sequence[Turn], language: str, marks: dict,
           across_topics: bool = False) -> list[list[Referent]]:
    """Where a pronoun can point, nearest first. Per turn (the last, and the one before when the last question
    names nothing that turn did not, or `across_topics`): after a question for a name, the answer's new name,
    then the names the question asks about; after any other question, its names first and then the answer's."""
    found: list[list[Referent]] = []
    recent = list(turns)[-LOOK_BACK_TURNS:]
    for back, turn in enumerate(reversed(recent)):
        if back and not across_topics and not _stayed_on_topic(recent[-1], turn, language, marks):
            break
        asked = [r for r in _question_names(turn.question, language, marks)
                 if not known(r.name, followup.lower())]
        if len(asked) == 1 and asks_only(turn.question, asked[0].name, marks, "asks_what_is"):
            asked = [replace(asked[0], aside=True)]
        for_name = asks(turn.question, language, marks, "asks_for_name")
        if len(asked) == 1 and who_is(turn.question, asked[0].name, marks) and not any(
                r.name for r in _answer_names(turn, followup, language, True)):
            # "Wer ist Howard Lutnick?" unanswered: the one named is a person ("its" never means him); with a name in
            # the answer ("Wer ist Trumps KI-Zar?" "David Sacks.") that name is the referent, as after any "who"
            found.append([Referent(asked[0].name, person=True)])
        elif for_name:
            person = asks(turn.question, language, marks, "asks_for_person") == "first" or \
                asks_for_role_holder(turn.question, language, marks)  # "Hoe heet de baas van OpenAI?"
            answered = [r if r.name else replace(r, description=describe(turn.question, language, marks))
                        for r in _answer_names(turn, followup, language, person)]
            # an abstained "In welchem Jahr ...?" asked for a date, which no pronoun stands for; any other
            # abstained question for a name leaves what the pronoun means unknown ("Through which network ...?")
            found += [[r for r in answered if r.name] if asks_for_date(turn.question, marks) else answered, asked]
        else:
            found += [asked, [r for r in _answer_names(turn, followup, language, False) if r.name]]
    return [layer for layer in found if layer]


def _stayed_on_topic(last: Turn, earlier: Turn, language: str, marks: dict) -> bool:
    """The last question names nothing the earlier turn did not: the conversation is still on that topic."""
    before = f"{earlier.question} {earlier.answer}".lower()
    return all(known(r.name, before) for r in _question_names(last.question, language, marks))


def pick(found: list[list[Referent]], kind: str, wider: list[list[Referent]] = ()) -> Referent | None:
    """The one referent a pronoun of `kind` ("person", "thing" or "any") stands for, or None when unsure. A
    pronoun for a person takes the nearest person a "who" question found, in `found` or else in `wider` (the
    turns before a change of topic: "Wie is verantwoordelijk voor AI?" "David Sacks." "Hoeveel wil Stargate
    investeren?" "500 miljard." "Wat voor miljardair is hij?"). When the last turn names nothing a pronoun can
    stand for, the turn before is read as if the topic had not changed ("Which US vice president spoke in
    Paris?" "J.D. Vance." "How much does the EU itself commit?" "50 billion." "What did he warn the EU
    against?")."""
    if kind == "person":
        for layer in [*found, *wider]:
            people = {r.name.lower(): r for r in layer if r.person}
            if people:
                return _one(list(people.values()))
    if not found:
        return pick(list(wider), kind) if wider else None
    for layer in found:
        fits = {r.name.lower(): r for r in layer if not (kind == "thing" and (r.person or r.counted))}
        if fits:
            return _one(list(fits.values()))
    if kind != "thing":
        return None
    # "Who wants to mobilise 200 billion?" "The EU." "When did it ...?": a "who" answer is what "it" can mean
    # (only an answer's person: one the question named as a person, "Wer ist Howard Lutnick?", is never "it"; nor
    # one the articles write as a person, "David Sacks")
    answers_or_things = [[r for r in layer if (r.answered or not r.person) and not (r.written_person or r.counted)]
                         for layer in found]
    nearby = pick(answers_or_things, "any")
    # nothing the last turn named can be "it" ("What does Tesla supply ...?" "Who is Trump's AI czar?" "David
    # Sacks." "What did it announce?"): the turn before the change of topic
    return nearby or pick(list(wider[len(found):]), kind)


def _one(fits: list[Referent]) -> Referent | None:
    """The one of `fits`, or, of several, the one that follows no preposition when the others all do (the
    subject of "Wie viel hat Oracle in Stargate investiert?"); None when still unsure."""
    if len(fits) == 1:
        return fits[0]
    free = [r for r in fits if not r.governed]
    return free[0] if len(free) == 1 else None


def enumeration(found: list[list[Referent]], language: str, marks: dict) -> Referent | None:
    """The names an answer listed, as one referent for a plural pronoun ("Welche Unternehmen zählen zu den Big
    Five?" "Oracle, Microsoft, Meta." "Wie viel wollen sie investieren?"): only when the nearest layer is those
    names, all known."""
    layer = found[0] if found else []
    if len(layer) < 2 or not all(r.answered and r.name for r in layer):
        return None
    names = [r.name for r in layer]
    joiner = (marks.get(language) or marks["en"]).get("and", "and")
    return Referent(f"{', '.join(names[:-1])} {joiner} {names[-1]}")


def plural_referent(found: list[list[Referent]], turns: Sequence[Turn], language: str, marks: dict) -> Referent | None:
    """What a plural pronoun stands for: the names the nearest answer listed (`enumeration`), else the names the
    last question joined with "and" ("what did Musk and Altman argue about?" "Warum sind sie Konkurrenten?");
    None when neither (the other rules, or the model, decide)."""
    for back, layer in enumerate(found):
        listed = enumeration([layer], language, marks)
        if listed:
            return listed
        if back == 0 and turns:
            joined = joined_names(turns[-1].question, language, marks)
            if joined:
                return Referent(joined)
    return None


# -- the rules ---------------------------------------------------------------------------------------------
def by_pronoun(question: str, turns: Sequence[Turn], language: str, marks: dict,
               is_person: Callable[[str], bool] | None = None, place_words: Sequence[str] = ()) -> str | None:
    """Each pronoun that stands for a name replaced by the one name it can stand for, or None. `place_words`:
    "dort", "daar" when the last question has the place they stand for (rag.places writes it in)."""
    made = pronoun_rewrites(question, turns, language, marks, is_person, place_words)
    return made[0] if len(made) == 1 else None


def pronoun_rewrites(question: str, turns: Sequence[Turn], language: str, marks: dict,
                     is_person: Callable[[str], bool] | None = None, place_words: Sequence[str] = ()) -> list[str]:
    """The questions the follow-up's pronouns can mean: one when the rules are sure of every referent; when
    they are unsure of one kind of pronoun (a person, or a thing), one question per name the conversation
    offers for it, nearest first (MAX_OPTIONS), for the model to choose: which one "she" is, is a
    matter of meaning ("she" after "J.D. Vance" and "Ursula von der Leyen"). None for a pronoun of a place
    or a thing that is no name ("daarvan", "dort")."""
    words = marks.get(language) or marks["en"]
    hits = pronoun_hits(question, words, language)
    lowered = [w.lower() for w in split_words(question, "'-")]
    stand_ins, owners = set(words.get("name_pronouns", [])), set(words.get("possessives", []))
    others = set(lowered) & set(words.get("pronouns", [])) - stand_ins - owners - set(place_words)  # rag.places
    if not hits or others:
        return []  # a reference to a thing or a place ("daarvan", "dort"): the model decides
    # A phrase that points back ("het plan", "das Unternehmen") stays as it is: it still says what it means, and
    # the name beside it is sure ("Met welke organisatie vergeleek zij het plan?" -> "... Ursula von der Leyen
    # het plan?")
    found = _people_marked(layers(question, turns, language, marks), is_person)
    wider = _people_marked(layers(question, turns, language, marks, across_topics=True), is_person)
    plural = set(words.get("plural_pronouns", []))
    kinds = [pronoun_kind(m.group(0).lower(), words) for m, _ in hits]
    chosen: list[Referent | None] = []
    for (m, owner), kind in zip(hits, kinds):
        sure_plural = is_plural(question, m, words)
        # several owners ("their revenue") go to the model, as before
        several = plural_referent(wider, turns, language, marks) if sure_plural and not owner else None
        one = None if several else pick(found, kind, wider)
        if one and owner and (one.written_person or one.person and not one.answered) and \
                owns_what_organisations_own(question, m, words):
            one = pick(found, "thing", wider)  # "Wer ist Howard Lutnick?" "Wie hoch ist ihr Börsenwert?": Nvidia's
        if one and sure_plural and is_person is not None and is_person(one.name):
            # "they" is a company ("How much will they invest?" after OpenAI), not one person (blind21 fz-32: "they"
            # after a question on Xi Jinping meant Alibaba two turns back): the articles say who is (rag.spelling)
            one = None
        chosen.append(several or one or (
            enumeration(found, language, marks) if m.group(0).lower() in plural and not owner else None))
    # The unknown answer of "Welk bedrijf werd ...?" is written as what it asked for ("het bedrijf dat ..."), but
    # not as an owner ("zijn chatbot": the phrase would need its words moved)
    chosen = [replace(r, name=r.description) if r is not None and not r.name and r.description and not owner
              else r for r, (_, owner) in zip(chosen, hits)]
    earlier = layers(question, list(turns)[:-1], language, marks)
    unsure = {i for i, (r, kind) in enumerate(zip(chosen, kinds))
              if r is None or not r.name or _contested(r, earlier, kind)}
    if not unsure:
        return [made] if (made := _written_out(question, hits, chosen, kinds, language)) else []
    if len({kinds[i] for i in unsure}) > 1:  # "How much did he pay for it?" with both unsure: the model rewrites
        return []
    kind = kinds[min(unsure)]
    names: dict[str, Referent] = {}
    for layer in wider:
        for r in layer:
            if r.name and not (kind == "thing" and r.person):
                names.setdefault(r.name.lower(), r)
    people = [r for r in names.values() if r.person]  # the names "who" answers gave: "he" means one of them
    options = []
    for r in (people if kind == "person" and len(people) > 1 else list(names.values()))[:MAX_OPTIONS]:
        made = _written_out(question, hits, [r if i in unsure else c for i, c in enumerate(chosen)], kinds, language)
        if made:
            options.append(made)
    return options if len(options) > 1 else []  # one name left for an unsure pronoun: still unsure


def _people_marked(found: list[list[Referent]], is_person: Callable[[str], bool] | None) -> list[list[Referent]]:
    """The referents the articles write as people marked as persons, as a "who" answer is: "hij" and "die man"
    after "Welk bedrijf leidt Musk?" "Tesla." mean Musk, not Tesla; "het" still means Tesla."""
    if is_person is None:
        return found
    return [[replace(r, person=True, written_person=True) if r.name and is_person(r.name) else r for r in layer]
            for layer in found]


def _written_out(question: str, hits: list, chosen: list[Referent], kinds: list[str], language: str) -> str | None:
    """`question` with each pronoun replaced by its referent (an owner as the name's possessive), or None when a
    person and a thing pronoun would take the same name ("How much did he pay for it?": not both X). A second
    pronoun for a name already written stays ("What did she compare her plan to?" -> "What did Ursula von der
    Leyen compare her plan to?", not the name twice)."""
    kinds_of: dict[str, set[str]] = {}
    for r, kind in zip(chosen, kinds):
        kinds_of.setdefault(r.name.lower(), set()).add(kind)
    if any({"person", "thing"} <= taken for taken in kinds_of.values()):
        return None
    out, last, named = [], 0, set()
    for (m, as_owner), referent in zip(hits, chosen):  # "she ... it": each pronoun its own referent
        name = written(referent.name)
        if name.lower() in named:
            continue
        named.add(name.lower())
        if referent.description and ", " in name and re.match(r"\s*\w", question[m.end():]):
            name += ","  # a German relative clause closes: "das Land, das ... geschaffen hat, bereit?"
        out += [question[last:m.start()], possessive(name, language) if as_owner else name]
        last = m.end()
    made = "".join(out + [question[last:]])
    return made[:1].upper() + made[1:]


def _contested(chosen: Referent, earlier: list[list[Referent]], kind: str) -> bool:
    """Is a complement of the last question ("in den USA"), or the thing a side question asked about ("Waar ligt
    Santa Clara?"), challenged by a subject or answer of the turn before? "Welcher Konzern baut den Chip?"
    "Alibaba." "Wie viele arbeiten in den USA?" "40 %." "Wie heißt seine Abteilung?": which one it is, is a matter
    of meaning; the model decides. After a side question, the turn before's unknown answer is a rival too
    ("Welcher Chiphersteller ...?" unanswered, "Was ist ein Exaflop?", "Wat is hun marktkapitalisatie?")."""
    if not (chosen.governed or chosen.aside) or not earlier:
        return False
    rival = pick(earlier, kind)
    if chosen.aside and rival is not None and not rival.name:
        return True
    return bool(rival and rival.name and not rival.governed and rival.name.lower() != chosen.name.lower())


def possessive(name: str, language: str) -> str:
    """ "Nvidia" as an owner: Nvidia's (en, nl), Nvidias (de); a name ending in s takes only the apostrophe."""
    if name[-1:].lower() in "sxz":
        return name + "'"
    return name + ("s" if language == "de" else "'s")
