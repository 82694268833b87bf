"""Knowledge base core: dated fees, delivery norms and the text rules the search ranks with."""

from __future__ import annotations

from datetime import date

import pytest

from app.core.kcc import text_search
from app.core.kcc.knowledge import Fee, Product, fee_on, parse_norm_werkdagen

# Passport fees as in leges-voorbeelden.csv (RvIG maxima 2023 and 2024, the later open-ended set).
PASPOORT = Product(
    uri="http://standaarden.overheid.nl/owms/terms/paspoort",
    naam="Paspoort aanvragen",
    fees=(
        Fee("Paspoort 18+ 2023", 7787, date(2023, 1, 1), date(2023, 12, 31)),
        Fee("Paspoort 18+ 2024", 8387, date(2024, 1, 1), date(2024, 12, 31)),
        Fee("Paspoort 18+ 2025", 8685, date(2025, 1, 1), None),
    ),
)


@pytest.mark.parametrize(
    ("day", "cents"),
    [
        (date(2022, 12, 31), []),
        (date(2023, 1, 1), [7787]),
        (date(2023, 12, 31), [7787]),
        (date(2024, 1, 1), [8387]),
        (date(2024, 12, 31), [8387]),
        (date(2025, 1, 1), [8685]),
        (date(2031, 6, 1), [8685]),
    ],
)
def test_fee_on_gives_the_fee_valid_that_day_with_both_ends_included(day: date, cents: list[int]) -> None:
    assert [fee.amount_cents for fee in fee_on(PASPOORT, day)] == cents


@pytest.mark.parametrize(
    ("levertijd", "days"),
    [
        # Texts from the column levertijd_norm of producten-seed.csv.
        ("5 werkdagen (sommige gemeenten 6-7); spoed: volgende werkdag bij aanvraag voor 14-15 uur", 5),
        ("verwerking 1-5 werkdagen", 5),
        ("toezending binnen 5 werkdagen", 5),
        ("na 5 werkdagen; uiterlijk 3 maanden na aanvraag", 5),
        ("direct (akte ter plekke)", None),
        ("Justis beslist binnen 4 weken; VOG per post", None),
        ("beslissing IND", None),
        ("", None),
    ],
)
def test_service_norm_is_read_from_the_delivery_text(levertijd: str, days: int | None) -> None:
    assert parse_norm_werkdagen(levertijd) == days


def test_product_repr_shows_no_article_text() -> None:
    assert repr(PASPOORT) == "Product(uri='http://standaarden.overheid.nl/owms/terms/paspoort', code=None)"


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("Rijbewijs VERLENGEN", ["rijbewijs", "verlengen"]),
        ("Überweisung café", ["uberweisung", "cafe"]),
        ('"paspoort" OR NEAR(id*)', ["paspoort", "or", "near", "id"]),
        ("ik wil een paspoort", ["paspoort"]),
        ("de het", ["de", "het"]),
        ("\x00\x1b[31m\t", ["31m"]),
        ("; DROP TABLE knowledge_products; --", ["drop", "table", "knowledge", "products"]),
    ],
)
def test_query_words_are_plain_words_whatever_is_typed(typed: str, words: list[str]) -> None:
    assert text_search.query_words(typed) == words


def test_a_very_long_query_is_cut_not_refused() -> None:
    words = text_search.query_words("paspoort " * 10_000)
    assert words == ["paspoort"] * text_search.MAX_QUERY_WORDS


@pytest.mark.parametrize(
    ("a", "b"),
    [("verhuizing", "verhuizen"), ("paspoorten", "paspoort"), ("verlenging", "verlengen"), ("trouwen", "trouw")],
)
def test_dutch_word_forms_share_a_stem(a: str, b: str) -> None:
    assert text_search.stem(a) == text_search.stem(b)


def test_trigrams_are_counted_as_pg_trgm_does() -> None:
    # PostgreSQL: SELECT show_trgm('cat') → {"  c"," ca","at ","cat"}
    assert text_search.trigrams("cat") == frozenset({"  c", " ca", "cat", "at "})
    # PostgreSQL 15: SELECT similarity('paspoord', 'paspoort') → 0.6363636
    assert text_search.similarity("paspoord", "paspoort") == pytest.approx(0.6363636)


@pytest.mark.parametrize("typo", ["paspoord", "pasport", "paaspoort", "paspoor"])
def test_a_typo_still_matches_its_word_better_than_another_word(typo: str) -> None:
    assert text_search.word_match(typo, "paspoort") > text_search.word_match(typo, "parkeerkaart")
    assert text_search.word_match(typo, "paspoort") > 0


def test_curated_product_ranks_above_a_generic_one_with_the_same_name() -> None:
    curated = text_search.SearchDocument.build("Rijbewijs", (), "", is_curated=True)
    generic = text_search.SearchDocument.build("Rijbewijs", (), "", is_curated=False)
    words = text_search.query_words("rijbewijs")
    assert text_search.score(words, curated) > text_search.score(words, generic)


def test_a_whole_keyword_phrase_beats_a_name_that_only_contains_the_words() -> None:
    id_card = text_search.SearchDocument.build("Identiteitskaart aanvragen", ("id kaart",), "", is_curated=True)
    pick_up = text_search.SearchDocument.build("Paspoort/ID-kaart ophalen", (), "", is_curated=True)
    words = text_search.query_words("id kaart")
    assert text_search.score(words, id_card) > text_search.score(words, pick_up)


def test_nothing_in_common_scores_zero() -> None:
    doc = text_search.SearchDocument.build("Hondenbelasting", (), "", is_curated=True)
    assert text_search.score(text_search.query_words("paspoort"), doc) == 0.0
