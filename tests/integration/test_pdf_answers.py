"""A question whose answer is only in a PDF is answered with a citation that names its title and page."""

import pytest

from rag.evaluation import answer_correct
from tests.support.testfiles import make_pdf

pytestmark = pytest.mark.integration

PAGES = [
    ["Veldhoven Quantum jaarverslag 2025", "",
     "Veldhoven Quantum is een fictief bedrijf dat in deze test een jaarverslag publiceert.",
     "Het bedrijf ontwikkelt chips voor het trainen van taalmodellen en groeide vorig jaar snel.",
     "De directie verwacht dat de vraag naar rekenkracht de komende jaren verder toeneemt.",
     "In dit verslag staan de resultaten, de nieuwe fabriek en de plannen voor het komende jaar.",
     "Op de volgende pagina leest u meer over de uitbreiding van de productie in Brabant."],
    ["De nieuwe fabriek", "",
     "In maart 2025 opende Veldhoven Quantum een nieuwe fabriek in Tilburg.",
     "In de fabriek in Tilburg werken 420 mensen, van wie de helft ingenieur is.",
     "De bouw kostte 85 miljoen euro en werd betaald uit eigen middelen."],
    ["Vooruitzichten", "",
     "Voor 2026 verwacht het bedrijf een omzetgroei van ongeveer twintig procent.",
     "Er worden geen nieuwe vestigingen in het buitenland gepland."],
]


def test_an_answer_from_a_pdf_cites_its_title_and_page(tmp_path, assistant, embedder):
    from rag.answering import Assistant
    from rag.config import Settings

    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "jaarverslag.pdf").write_bytes(make_pdf(PAGES, title="Jaarverslag Veldhoven Quantum 2025"))
    settings = Settings.load(index="pdf", index_dir=tmp_path / "indexes", seeds_dir=articles)
    asst = Assistant(settings, generator=assistant.generator)  # the session's model, a private index
    asst._embedder = embedder
    asst.sync_index(progress=False)
    res = asst.answer("Hoeveel mensen werken in de fabriek van Veldhoven Quantum in Tilburg?")
    assert not res.abstained and answer_correct(res.text, ["420"]), res.text
    cited = [c for c in res.citations if "420" in c.text]
    assert cited, res.citations
    assert cited[0].title == "Jaarverslag Veldhoven Quantum 2025" and cited[0].page == 2, cited[0]
