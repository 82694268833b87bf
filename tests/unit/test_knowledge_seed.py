"""Reading the knowledge-base seed files: the real ones, and broken copies that must say where."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from app.store.knowledge_seed import SEED_DIR, KnowledgeSeedInvalid, knowledge_products

FEES = "leges-voorbeelden.csv"
HEADER = "product_code,omschrijving,bedrag_eur,geldig_vanaf,geldig_tot,soort,betrouwbaarheid,bron\n"


def test_seed_files_give_every_municipal_product_once() -> None:
    products = knowledge_products()
    uris = [p.uri for p in products]
    assert len(uris) == len(set(uris)) == 511  # 512 Gemeente=X URIs minus the placeholder
    curated = {p.code: p for p in products if p.is_curated}
    assert len(curated) == 23
    marriage = curated["HUWELIJK"]
    assert "trouwen" in marriage.trefwoorden
    # "Gratis huwelijk" has no dates in the source: valid since always, with no end.
    free = [f for f in marriage.fees if f.amount_cents == 0]
    assert [(f.valid_from, f.valid_to) for f in free] == [(date.min, None)]
    # Legal bases of the UPL rows of one URI are gathered on the product.
    emigration = curated["EMIGRATIE"]
    assert "Artikel 2.43 Wet basisregistratie personen" in emigration.voorwaarden


def _seed_dir_with_fees(tmp_path: Path, rows: str) -> Path:
    for name in ("UPL-actueel.csv", "producten-seed.csv"):
        shutil.copy(SEED_DIR / name, tmp_path / name)
    (tmp_path / FEES).write_text(HEADER + rows, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("row", "says"),
    [
        ("ONBEKEND,Iets,1.00,2024-01-01,,x,y,z\n", "onbekende productcode 'ONBEKEND'"),
        ("PASPOORT,Paspoort,twintig,2024-01-01,,x,y,z\n", "bedrag 'twintig' is geen getal"),
        ("PASPOORT,Paspoort,20.00,1-1-2024,,x,y,z\n", "datum '1-1-2024' is geen JJJJ-MM-DD"),
    ],
)
def test_a_broken_fee_row_names_its_line(tmp_path: Path, row: str, says: str) -> None:
    seed_dir = _seed_dir_with_fees(tmp_path, "VOG,VOG,41.35,2019-01-01,,x,y,z\n" + row)
    with pytest.raises(KnowledgeSeedInvalid) as error:
        knowledge_products(seed_dir)
    assert error.value.code == "kcc.knowledge_seed_invalid"
    assert f"{FEES}, regel 3" in error.value.message
    assert says in error.value.message


def test_a_missing_seed_file_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeSeedInvalid, match=r"UPL-actueel\.csv"):
        knowledge_products(tmp_path)
