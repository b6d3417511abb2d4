"""Names typed in lower case, written as the articles write them (rag.spelling), and the follow-up rules that
then see them; one case per test. The model is a scripted stand-in where the rules decide alone."""
from rag.config import PROJECT_DIR
from rag.documents import Document
from rag.followups import rewrite_question
from rag.spelling import Spellings, for_documents

PROMPTS = PROJECT_DIR / "prompts"
ARTICLES = ("Softbank, OpenAI en Oracle steken geld in Stargate. De bedrijven willen veel geld uitgeven. "
            "Daarom kijkt China mee. Het geld komt uit de Big Fund van Peking. De EU kijkt toe, zei X. "
            "Ook xAI van Musk zoekt geld.", "nl")
GERMAN = ("Der Umsatz von Tesla sank. Nvidia meldete einen höheren Umsatz.", "de")
ARTICLES_AND_ARTICLE = {"de", "het", "een", "the", "a", "an", "der", "die", "das"}


def spellings(*texts: tuple[str, str]) -> Spellings:
    return Spellings(texts or [ARTICLES])


def test_a_name_typed_in_lower_case_is_written_as_the_articles_write_it():
    assert spellings().restore("en oracle?", "nl") == "en Oracle?"


def test_a_name_with_capitals_inside_keeps_them():
    assert spellings().restore("en xai dan?", "nl") == "en xAI dan?"


def test_a_word_the_articles_also_write_in_lower_case_stays_as_typed():
    assert spellings().restore("en de bedrijven?", "nl") == "en de bedrijven?"


def test_a_word_written_with_a_capital_only_at_the_start_of_a_sentence_stays_as_typed():
    assert spellings().restore("en daarom?", "nl") == "en daarom?"


def test_a_word_written_only_inside_a_longer_name_stays_as_typed():
    assert spellings().restore("and the new fund?", "en") == "and the new fund?"
    assert spellings().restore("en fund?", "nl") == "en fund?"


def test_after_an_article_only_a_form_no_noun_has_is_restored():
    assert spellings().restore("en de eu?", "nl", ARTICLES_AND_ARTICLE) == "en de EU?"
    made = spellings(("Die Pläne der Kommission. Minister für Handel ist er.", "de"))
    assert made.restore("und der handel?", "de", ARTICLES_AND_ARTICLE) == "und der handel?"


def test_a_common_word_of_the_questions_language_stays_as_typed():
    made = spellings(("Die Zahl stieg, sagte Peking. Es geht um Target.", "de"))
    assert made.restore("and target?", "en") == "and target?"
    assert made.restore("en peking?", "nl") == "en Peking?"


def test_a_common_noun_of_a_german_article_is_no_name():
    assert spellings(GERMAN).restore("und der umsatz von tesla?", "de") == "und der umsatz von Tesla?"


def test_a_word_of_one_letter_stays_as_typed():
    assert spellings().restore("en x?", "nl") == "en x?"


def test_the_spellings_are_built_once_per_loaded_index():
    documents = {"a": Document("a", "t", ARTICLES[0], None, "nl", None, "a.txt", "h")}
    assert for_documents(documents) is for_documents(documents)
    assert for_documents(dict(documents)) is not for_documents(documents)


def test_a_lower_case_name_after_and_takes_the_place_of_its_counterpart_by_rule():
    class NoModel:
        def stream(self, *args, **kwargs):
            raise AssertionError("the rules decide: the model is not asked")

    history = [("Hoeveel geld heeft Softbank veiliggesteld voor Stargate?", "100 miljard dollar [1].")]
    made = rewrite_question(NoModel(), PROMPTS, "en oracle?", history, "nl", spellings=spellings())
    assert (made.question, made.method) == ("Hoeveel geld heeft Oracle veiliggesteld voor Stargate?", "substituted")


def test_a_follow_up_that_stands_alone_is_searched_with_the_names_written_as_the_articles_do():
    history = [("Wie leidt OpenAI?", "Sam Altman [1].")]
    made = rewrite_question(None, PROMPTS, "hoeveel geld steekt oracle in stargate?", history, "nl",
                            spellings=spellings())
    assert (made.question, made.method) == ("hoeveel geld steekt Oracle in Stargate?", "alone")


def test_a_first_question_typed_in_lower_case_is_searched_with_its_names_written():
    made = rewrite_question(None, PROMPTS, "hoeveel geld zoekt xai?", [], "nl", spellings=spellings())
    assert (made.question, made.method) == ("hoeveel geld zoekt xAI?", "alone")


PEOPLE = ("Dat zei Elon Musk tegen Sam Altman. Volgens Nvidia-CEO Jensen Huang groeit de markt, aldus "
          "Von der Leyen. Ook J.D. Vance sprak. In de AI-sector groeit alles. De EU kijkt toe.", "nl")


def test_a_name_of_several_words_typed_in_lower_case_is_written_whole():
    assert spellings(PEOPLE).restore("hoe oud is elon musk?", "nl") == "hoe oud is Elon Musk?"


def test_a_name_whose_words_are_never_written_alone_is_restored_whole():
    assert spellings(PEOPLE).restore("and jensen huang?", "en") == "and Jensen Huang?"


def test_a_name_with_particles_is_restored_with_them():
    assert spellings(PEOPLE).restore("wat zei von der leyen?", "nl") == "wat zei Von der Leyen?"


def test_initials_typed_without_their_dots_are_the_name_with_initials():
    assert spellings(PEOPLE).restore("and jd vance?", "en") == "and J.D. Vance?"
    assert spellings(PEOPLE).restore("and j.d. vance?", "en") == "and J.D. Vance?"
    assert spellings(PEOPLE).restore("and j. d. vance?", "en") == "and J.D. Vance?"


def test_part_of_a_name_of_several_words_is_not_restored_as_that_name():
    assert spellings(PEOPLE).restore("en jensen?", "nl") == "en jensen?"


def test_the_first_word_of_a_sentence_is_no_part_of_a_name_of_several_words():
    assert spellings(PEOPLE).restore("in de ai-sector?", "nl") == "in de AI-sector?"  # not "In de"


def test_a_name_typed_with_some_capitals_is_left_as_typed():
    assert spellings(PEOPLE).restore("hoe oud is Elon musk?", "nl") == "hoe oud is Elon musk?"


def test_the_articles_say_which_names_are_peoples():
    made = spellings(("Dat zei president Trump. OpenAI baas Sam Altman (39) reageerde. Ook Nvidia-CEO Jensen Huang "
                      "sprak, net als de CEO van Tesla. Marktleider OpenAI groeit.", "nl"))
    assert [made.is_person(n) for n in ("Trump", "Sam Altman", "Altman", "Jensen Huang", "Tesla", "OpenAI")] == \
        [True, True, True, True, False, False]


def test_an_age_in_brackets_marks_a_person():
    assert spellings(("Ook Elon Musk (53) reageerde.", "nl")).is_person("Musk")


def test_a_full_name_after_a_comma_beside_a_word_for_a_person_is_a_person():
    """ "de Amerikaanse minister van Handel, Howard Lutnick, die zei": an apposition (blind10 fk-32)."""
    made = spellings(("Ze zijn beledigd door de Amerikaanse minister van Handel, Howard Lutnick, die dat zei.", "nl"))
    assert made.is_person("Howard Lutnick") and made.is_person("Lutnick")


def test_one_name_after_a_comma_beside_a_word_for_a_person_is_a_list():
    made = spellings(("Musk is de CEO van Tesla, SpaceX en xAI.", "nl"))
    assert not made.is_person("SpaceX")
