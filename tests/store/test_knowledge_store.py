"""The knowledge base on SQLite and PostgreSQL: seed against its source, search, editing rights."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from app.core.clock import FakeClock
from app.core.kcc.knowledge import Fee, KnowledgeService, ProductInvalid, ProductNotFound, fee_on
from app.core.staff import Actor, NotSignedIn, PermissionDenied, Role
from app.store.database import Database
from app.store.knowledge_repository import SqlKnowledgeStore
from app.store.knowledge_seed import seed_knowledge
from tests.store.conftest import fresh_database

TERMS = "http://standaarden.overheid.nl/owms/terms/"
PASPOORT = TERMS + "paspoort"
ID_KAART = TERMS + "identiteitskaart"
RIJBEWIJS = TERMS + "rijbVerlengen"
VERHUIZING = TERMS + "verhuismelding"
BRP_UITTREKSEL = TERMS + "brpUittr"
HUWELIJK = TERMS + "huwelijk"
VOG = TERMS + "verklaring_omtrent_gedrag_(vog)"

CLERK = Actor(1, "balie1", "Anna", frozenset({Role.BALIEMEDEWERKER}))
EDITOR = Actor(2, "redactie", "Ruud", frozenset({Role.REDACTEUR}))
NOBODY = Actor(3, "zonderrol", "Zonder rol", frozenset())
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def _service(database: Database) -> KnowledgeService:
    return KnowledgeService(SqlKnowledgeStore(database.writer, database.reader), FakeClock(NOW))


def test_seed_loads_every_municipal_upl_product_once_with_the_curated_ones_merged(database: Database) -> None:
    report = seed_knowledge(database)
    # 512 distinct URIs with Gemeente=X, counted outside the code with
    #   python3 -c "import csv; print(len({r['URI'] for r in csv.DictReader(open('resources/seed/UPL-actueel.csv'))
    #               if r['Gemeente'] == 'X'}))"
    # (the data README says the same); minus the placeholder "UPL-naam nog niet beschikbaar".
    assert report.products == 511
    assert report.curated == 23  # rows of producten-seed.csv, all on a municipal URI
    # 26 rows in leges-voorbeelden.csv; the 3 spoed rows and 1 thuisbezorgen row apply to both
    # the passport and the ID card: 26 + 4.
    assert report.fees == 30
    store = SqlKnowledgeStore(database.writer, database.reader)
    assert len(store.all_uris()) == 511
    passport = store.get(PASPOORT)
    assert passport is not None
    assert (passport.code, passport.naam, passport.is_curated) == ("PASPOORT", "Paspoort aanvragen", True)
    assert passport.norm_werkdagen == 5
    assert passport.afspraak_nodig is True
    assert "pasfoto" in passport.meenemen
    # On 2024-06-01: RvIG maxima 2024 for 18+ and <18 and the spoed surcharge (leges-voorbeelden.csv).
    assert sorted(f.amount_cents for f in fee_on(passport, date(2024, 6, 1))) == [5709, 6342, 8387]
    assert sorted(f.amount_cents for f in fee_on(passport, date(2023, 3, 1))) == [5301, 5889, 7787]
    on_birthday = _service(database).fees_on(CLERK, TERMS + "geboorteaangifte", date(2026, 11, 23))
    assert [(f.amount_cents, f.soort) for f in on_birthday] == [(0, "wettelijk")]  # free by law
    plain = store.get(TERMS + "hondenbelasting")
    assert plain is not None and plain.naam == "Hondenbelasting" and not plain.is_curated and plain.fees == ()


def test_service_norm_days_come_from_the_curated_delivery_norm(database: Database) -> None:
    seed_knowledge(database)
    service = _service(database)
    assert service.service_norm_days(PASPOORT) == 5
    assert service.service_norm_days(VERHUIZING) == 5  # "verwerking 1-5 werkdagen"
    assert service.service_norm_days(VOG) is None  # "Justis beslist binnen 4 weken": not working days
    assert service.service_norm_days(TERMS + "hondenbelasting") is None
    assert service.service_norm_days(TERMS + "bestaat_niet") is None


# What a desk clerk types, with the article they expect on top; the same on both databases.
TOP_HITS = {
    "paspoort": PASPOORT,
    "Paspoort": PASPOORT,
    "paspoord": PASPOORT,
    "pasport": PASPOORT,
    "pas": PASPOORT,
    "rijbewijs verlengen": RIJBEWIJS,
    "rijbewjs": RIJBEWIJS,
    "verhuizing": VERHUIZING,
    "verhuizen": VERHUIZING,
    "adreswijziging": VERHUIZING,
    "uittreksel": BRP_UITTREKSEL,
    "trouwen": HUWELIJK,
    "id kaart": ID_KAART,
    "identiteitskaart": ID_KAART,
    # A curated front-office product above the generic UPL rows "Rijbewijs" and "Geboorteakte".
    "rijbewijs": RIJBEWIJS,
    "geboorte": TERMS + "geboorteaangifte",
    # Plain UPL products are found too.
    "hondenbelasting": TERMS + "hondenbelasting",
    "hondenbelastnig": TERMS + "hondenbelasting",
}


def test_search_finds_the_expected_article_for_typos_and_word_forms(database: Database) -> None:
    seed_knowledge(database)
    service = _service(database)
    tops = {query: [hit.uri for hit in service.search(CLERK, query)][:1] for query in TOP_HITS}
    assert tops == {query: [uri] for query, uri in TOP_HITS.items()}


def test_search_as_you_type_keeps_the_article_in_view(database: Database) -> None:
    seed_knowledge(database)
    service = _service(database)
    for prefix in ("r", "ri", "rij", "rijb", "rijbe", "rijbewijs", "rijbewijs v", "rijbewijs verl"):
        hits = service.search(CLERK, prefix, limit=10)
        assert RIJBEWIJS in [hit.uri for hit in hits], prefix
    hit = service.search(CLERK, "rijbewijs verlengen")[0]
    assert hit.naam == "Rijbewijs aanvragen/verlengen"
    assert hit.snippet.startswith("Rijbewijs aanvragen/verlengen.")


HOSTILE = [
    '"',
    '""""',
    "*",
    "paspoort*",
    "NEAR",
    "NEAR(paspoort rijbewijs, 2)",
    "paspoort OR rijbewijs",
    "paspoort AND NOT rijbewijs",
    "name:paspoort",
    "{name body}: paspoort",
    "^paspoort",
    "pas' OR '1'='1",
    "; DROP TABLE knowledge_products; --",
    "%_%",
    "\\",
    "paspoort\x00rijbewijs",
    "\x1b[2J\x07",
    "pas:* & !rij | (x",
    "😀 paspoort",
    "de",
    "of het",
    "123",
    "a",
    "a" * 10_000,
    "paspoort " * 2_000,
]


def test_hostile_search_input_gives_results_or_nothing_but_never_a_database_error(database: Database) -> None:
    seed_knowledge(database)
    service = _service(database)
    for query in HOSTILE:
        hits = service.search(CLERK, query)
        assert isinstance(hits, list)
        assert len(hits) <= 10
    assert service.search(CLERK, "paspoort OR rijbewijs")  # still plain words that match
    assert service.search(CLERK, "   ") == []
    assert service.search(CLERK, "") == []
    assert service.search(CLERK, "qqqqzzzz") == []


def test_a_role_without_knowledge_edit_cannot_update(database: Database) -> None:
    seed_knowledge(database)
    service = _service(database)
    article = service.get(CLERK, PASPOORT)
    changed = dataclasses.replace(article, samenvatting="Gewijzigd door de balie.")
    with pytest.raises(PermissionDenied) as denied:
        service.update(CLERK, changed)
    assert denied.value.code == "staff.permission_denied"
    with pytest.raises(NotSignedIn):
        service.update(None, changed)
    with pytest.raises(PermissionDenied):
        service.search(NOBODY, "paspoort")
    assert service.get(CLERK, PASPOORT).samenvatting == article.samenvatting


def test_an_edited_article_survives_reseeding_and_is_found_by_its_new_keyword(database: Database) -> None:
    seed_knowledge(database)
    service = _service(database)
    article = service.get(EDITOR, PASPOORT)
    new_fee = Fee("Paspoort 18+ 2027", 8999, date(2027, 1, 1), None, "gemeentetarief")
    edited = service.update(
        EDITOR,
        dataclasses.replace(
            article,
            code="ANDERS",  # not editable: stays PASPOORT
            samenvatting="Een paspoort vraagt u aan op afspraak.",
            trefwoorden=(*article.trefwoorden, "spoedpaspoort"),
            fees=(*article.fees, new_fee),
        ),
    )
    assert (edited.updated_by, edited.updated_at) == ("redactie", NOW)
    assert (edited.code, edited.is_curated) == ("PASPOORT", True)
    report = seed_knowledge(database)
    assert report.kept_edited == 1
    assert report.products == 510
    again = service.get(CLERK, PASPOORT)
    assert again.samenvatting == "Een paspoort vraagt u aan op afspraak."
    assert again.updated_by == "redactie"
    assert new_fee in fee_on(again, date(2027, 3, 1))
    assert service.search(CLERK, "spoedpaspoort")[0].uri == PASPOORT
    assert len(SqlKnowledgeStore(database.writer, database.reader).all_uris()) == 511


def test_invalid_edits_get_a_dutch_message_that_names_the_field(database: Database) -> None:
    seed_knowledge(database)
    service = _service(database)
    article = service.get(EDITOR, ID_KAART)
    cases = {
        "naam": dataclasses.replace(article, naam="  "),
        "norm_werkdagen": dataclasses.replace(article, norm_werkdagen=-1),
        "naam_en": dataclasses.replace(article, naam_en="x" * 201),
        "trefwoorden": dataclasses.replace(article, trefwoorden=("kaart",) * 51),
        "fees": dataclasses.replace(article, fees=(Fee("Kaart", 1000, date(2026, 2, 1), date(2026, 1, 1)),)),
    }
    for field, product in cases.items():
        with pytest.raises(ProductInvalid) as invalid:
            service.update(EDITOR, product)
        assert (invalid.value.code, invalid.value.field) == ("kcc.product_invalid", field)
    with pytest.raises(ProductInvalid, match="negatief"):
        service.update(EDITOR, dataclasses.replace(article, fees=(Fee("Kaart", -1, date(2026, 1, 1), None),)))
    with pytest.raises(ProductNotFound) as missing:
        service.update(EDITOR, dataclasses.replace(article, uri=TERMS + "bestaat_niet"))
    assert missing.value.code == "kcc.product_not_found"
    assert service.get(CLERK, ID_KAART) == article


@pytest.mark.postgres
def test_postgresql_search_uses_pg_trgm_and_still_works_without_it(pg_url: str) -> None:
    database = fresh_database(pg_url)
    try:
        seed_knowledge(database)
        with database.reader.connect() as conn:
            # The test server lets the migration create the extension: the tests run the trigram path.
            assert conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first()
        # A server where the role may not create pg_trgm: full-text with Dutch stems and prefixes.
        fallback = SqlKnowledgeStore(database.writer, database.reader, trigram=False)
        assert fallback.search("paspoort", 1)[0].uri == PASPOORT
        assert fallback.search("pas", 1)[0].uri == PASPOORT
        assert fallback.search("verhuizing", 1)[0].uri == VERHUIZING
        assert isinstance(fallback.search('NEAR("x" | !:*', 5), list)
    finally:
        database.dispose()
