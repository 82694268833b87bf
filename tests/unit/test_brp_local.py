"""Persons built from the RvIG BRP test-person summary; expected values are read from the file."""

from __future__ import annotations

from datetime import date

import pytest

from app.core.kcc.brp_local import load_persons, parse_brp_datum, persons_by_bsn
from app.core.kcc.errors import BrpDataInvalid
from app.core.kcc.person import BrpDatum, Person
from tests.unit.brp_fixture import summary_rows, summary_text

ROWS = {row["pl_id"]: row for row in summary_rows()}
PERSONS = load_persons(summary_text())
BY_PL_ID = dict(zip(ROWS, PERSONS, strict=True))  # the loader keeps file order


def person(pl_id: str) -> Person:
    return BY_PL_ID[pl_id]


def test_every_row_becomes_a_person() -> None:
    assert len(PERSONS) == len(ROWS) == 687
    by_bsn = persons_by_bsn(PERSONS)
    # 685 rows have a BSN (two have none); 5 BSNs occur twice in the RvIG set, so 680 keys.
    assert sum(len(found) for found in by_bsn.values()) == 685
    assert len(by_bsn) == len({r["burgerservicenummer"] for r in ROWS.values()} - {""})
    assert by_bsn[ROWS["Lg01_716"]["burgerservicenummer"]] == (person("Lg01_716"),)
    doubles = [found for found in by_bsn.values() if len(found) > 1]
    assert len(doubles) == 5
    assert sum(p.geheimhouding for p in PERSONS) == sum(r["indicatie_geheim"] != "0" for r in ROWS.values())
    assert sum(p.is_overleden for p in PERSONS) == sum(bool(r["datum_overlijden"]) for r in ROWS.values())


def test_name_birth_and_address_of_suzanne_moulin() -> None:
    row = ROWS["Lg01_716"]
    moulin = person("Lg01_716")
    assert moulin.naam.voornamen == row["voornamen"] == "Suzanne"
    assert moulin.naam.geslachtsnaam == row["geslachtsnaam"]
    assert moulin.geboorte.datum.as_date == date.fromisoformat(row["geboortedatum"])
    assert moulin.geboorte.land == row["geboorteland"]
    assert moulin.nationaliteiten == (row["nationaliteiten"],)
    assert moulin.verblijfplaats is not None
    assert moulin.verblijfplaats.straat == row["straat"]
    assert moulin.verblijfplaats.huisnummer == int(row["huisnummer"])
    assert moulin.verblijfplaats.postcode == row["postcode"]
    assert moulin.verblijfplaats.nummeraanduiding_id == row["nummeraanduiding_id"]
    assert not moulin.geheimhouding
    assert not moulin.is_overleden


def test_voorvoegsel_and_geheimhouding_of_peter_jan_van_der_meijden() -> None:
    row = ROWS["Lg01_675"]
    meijden = person("Lg01_675")
    assert meijden.naam.voorvoegsel == row["voorvoegsel"] == "van der"
    assert meijden.naam.volledige_naam == f"{row['voornamen']} van der {row['geslachtsnaam']}"
    assert meijden.indicatie_geheim == int(row["indicatie_geheim"]) != 0
    assert meijden.geheimhouding


def test_deceased_with_partial_and_unknown_dates() -> None:
    row = ROWS["Lg01_439"]  # died in a known month of a known year, day unknown
    year, month = (int(part) for part in row["datum_overlijden"].split("-"))
    assert person("Lg01_439").datum_overlijden == BrpDatum(year, month)
    assert person("Lg01_439").datum_overlijden.as_date is None  # type: ignore[union-attr]
    # Lg01_803's date of death in the test set is not a date at all: deceased, date unknown.
    assert ROWS["Lg01_803"]["datum_overlijden"]
    unknown = person("Lg01_803").datum_overlijden
    assert unknown is not None and not unknown.is_known


def test_documents_with_expiry_and_surrender() -> None:
    row = ROWS["Lg01_409"]
    soort, nummer, verstrekt, einde = row["reisdocumenten"].split(":")
    (document,) = person("Lg01_409").reisdocumenten
    assert (document.soort, document.nummer) == (soort, nummer)
    assert document.datum_uitgifte.as_date == date.fromisoformat(verstrekt)
    end = date.fromisoformat(einde)
    assert document.is_valid_on(end)
    assert not document.is_valid_on(date.fromordinal(end.toordinal() + 1))
    surrendered = [d for p in PERSONS for d in p.reisdocumenten if d.aanduiding_inhouding]
    in_file = sum(len(item.split(":")) == 5 for r in ROWS.values() for item in r["reisdocumenten"].split("|") if item)
    assert len(surrendered) == in_file
    assert not any(d.is_valid_on(date(2000, 1, 1)) for d in surrendered)


def test_address_variants_from_the_file() -> None:
    toevoeging = person("Lg01_442").verblijfplaats
    assert toevoeging is not None
    assert toevoeging.huisnummertoevoeging == ROWS["Lg01_442"]["huisnummertoevoeging"]
    abroad = person("Lg01_382").verblijfplaats
    assert abroad is not None and abroad.is_buitenland
    assert abroad.land_buitenland == ROWS["Lg01_382"]["land_adres_buitenland"]


def test_repr_shows_no_bsn_name_or_document_number() -> None:
    row = ROWS["Lg01_409"]
    text = repr(person("Lg01_409"))
    assert row["burgerservicenummer"] not in text
    assert row["geslachtsnaam"] not in text
    assert row["reisdocumenten"].split(":")[1] not in repr(person("Lg01_409").reisdocumenten)


def test_an_impossible_date_in_the_test_set_becomes_unknown() -> None:
    # Lg01_319's first passport was "issued" on 2017-02-29 (not a leap year) in the RvIG data.
    first_issued = ROWS["Lg01_319"]["reisdocumenten"].split("|")[0].split(":")[2]
    assert first_issued == "2017-02-29"
    with pytest.raises(ValueError):
        parse_brp_datum(first_issued)
    document = person("Lg01_319").reisdocumenten[0]
    assert not document.datum_uitgifte.is_known
    assert document.datum_einde_geldigheid.is_known


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1985-12-01", BrpDatum(1985, 12, 1)),
        ("2008-07", BrpDatum(2008, 7)),
        ("2008", BrpDatum(2008)),
        ("1970-00-00", BrpDatum(1970)),
        ("0000-00-00", BrpDatum()),
        ("05", BrpDatum()),
    ],
)
def test_brp_dates(text: str, expected: BrpDatum) -> None:
    assert parse_brp_datum(text) == expected


def test_a_bad_row_names_the_line_but_not_the_bsn() -> None:
    lines = summary_text().splitlines()
    header, first = lines[0], lines[1]
    bsn = ROWS[first.split(",")[0]]["burgerservicenummer"]
    broken = first.replace(bsn, bsn[:-1] + str((int(bsn[-1]) + 1) % 10), 1)
    with pytest.raises(BrpDataInvalid, match="regel 3") as info:
        load_persons("\n".join([header, lines[2], broken]) + "\n")
    assert bsn[:-1] not in str(info.value)
    bad_number = first.replace(f",{ROWS[first.split(',')[0]]['huisnummer']},", ",twee,", 1)
    with pytest.raises(BrpDataInvalid, match="regel 2") as info:
        load_persons("\n".join([header, bad_number]) + "\n")
    assert "twee" not in str(info.value)
    with pytest.raises(BrpDataInvalid, match="kolommen"):
        load_persons("a,b\n1,2\n")
