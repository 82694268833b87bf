"""Fill the knowledge base from the seed files in resources/seed (sources in SOURCE.md there).

- UPL-actueel.csv: every product with Gemeente=X, one per URI (the list has a row per legal
  basis). The placeholder "UPL-naam nog niet beschikbaar" is not a product and is left out.
- producten-seed.csv: the curated front-office products, merged onto their UPL URI.
- leges-voorbeelden.csv: dated fees per curated product code.

Idempotent: running it again replaces what the seed wrote, but never an article a redacteur
has edited (`updated_by` set).
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from app.core.kcc.errors import KccError
from app.core.kcc.knowledge import Fee, Product, parse_norm_werkdagen
from app.store.database import Database
from app.store.knowledge_repository import SqlKnowledgeStore

log = logging.getLogger(__name__)

SEED_DIR = Path(__file__).resolve().parents[2] / "resources" / "seed"
UPL_PLACEHOLDER = "http://standaarden.overheid.nl/owms/terms/UPL-naam_nog_niet_beschikbaar"

# Fee codes of leges-voorbeelden.csv that are not a product code of the seed: a surcharge or a
# delivery option chosen while applying for a passport or ID card.
FEE_CODE_PRODUCTS = {
    "SPOED_REISDOC": ("PASPOORT", "ID_KAART"),
    "REISDOC_BEZORGEN": ("PASPOORT", "ID_KAART"),
}

# Words citizens use for the curated products besides the official names. Our own list, from
# the municipal pages named in producten-seed.csv (e.g. "ondertrouw" for the melding voorgenomen
# huwelijk); a redacteur can change them per article.
TREFWOORDEN: dict[str, tuple[str, ...]] = {
    "PASPOORT": ("reisdocument", "paspoort verlengen", "paspoort kwijt"),
    "ID_KAART": ("id kaart", "idkaart", "identiteitsbewijs"),
    "REISDOC_AFHALEN": ("paspoort ophalen", "reisdocument ophalen", "afhalen"),
    "RIJBEWIJS": ("rijbewijs verlengen", "rijbewijs vernieuwen"),
    "BRP_UITTREKSEL": ("uittreksel gba", "bewijs van inschrijving", "basisregistratie personen"),
    "VERHUIZING": ("verhuizen", "adreswijziging", "adres wijzigen", "nieuw adres", "verhuisd"),
    "GEBOORTE": ("baby", "kind aangeven"),
    "ERKENNING": ("kind erkennen",),
    "HUWELIJK_MELDING": ("trouwen", "ondertrouw", "partnerschap"),
    "HUWELIJK": ("trouwen", "bruiloft", "partnerschap"),
    "OVERLIJDEN": ("overleden", "sterfgeval"),
    "VOG": ("verklaring omtrent het gedrag",),
    "PARKEERVERGUNNING": ("parkeren",),
    "GPK": ("invalidenparkeerkaart", "parkeerkaart gehandicapten"),
    "AFVALPAS": ("milieupas", "containerpas", "afval"),
    "AKTE_BS": ("geboorteakte", "huwelijksakte", "afschrift akte"),
    "ATTESTATIE": ("levensbewijs", "pensioen buitenland"),
    "LEGALISATIE": ("handtekening legaliseren", "kopie waarmerken"),
    "NATURALISATIE": ("nederlander worden", "nationaliteit"),
    "EMIGRATIE": ("verhuizen naar buitenland", "vertrek buitenland"),
    "INSCHRIJVING_BUITENLAND": ("inschrijven", "eerste inschrijving", "immigratie"),
    "NAAMGEBRUIK": ("achternaam partner", "naam wijzigen"),
    "GEVONDEN_VOORWERP": ("verloren", "kwijt", "gevonden"),
}


class KnowledgeSeedInvalid(KccError):
    """A seed file cannot be read; the message names the file and line."""

    code = "kcc.knowledge_seed_invalid"


@dataclass(frozen=True)
class KnowledgeSeedReport:
    products: int  # written by this run
    curated: int
    fees: int
    kept_edited: int  # left alone because a redacteur edited them


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        content = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise KnowledgeSeedInvalid(f"Kan {path.name} niet lezen.", file=path.name) from error
    reader = csv.DictReader(io.StringIO(content))
    return [(number + 2, row) for number, row in enumerate(reader)]


def upl_products(path: Path) -> dict[str, Product]:
    """Municipal UPL products by URI, legal bases of duplicate rows gathered."""
    products: dict[str, Product] = {}
    bases: dict[str, list[str]] = {}
    for _line, row in _rows(path):
        uri = row["URI"].strip()
        if row.get("Gemeente") != "X" or uri == UPL_PLACEHOLDER:
            continue
        label = (row.get("Grondslaglabel") or "").strip()
        bases.setdefault(uri, [])
        if label and label not in bases[uri]:
            bases[uri].append(label)
        if uri not in products:
            name = row["UniformeProductnaam"].strip()
            products[uri] = Product(uri=uri, naam=name[:1].upper() + name[1:], samenvatting=_upl_summary(row))
    for uri, labels in bases.items():
        basis = "; ".join(labels)
        products[uri] = Product(
            uri=uri,
            naam=products[uri].naam,
            samenvatting=products[uri].samenvatting,
            voorwaarden=f"Wettelijke basis: {basis}." if basis else "",
            bron="Uniforme Productnamenlijst (UPL), standaarden.overheid.nl",
        )
    return products


def _upl_summary(row: dict[str, str]) -> str:
    groups = [g for g, flag in (("inwoners", "Burger"), ("bedrijven", "Bedrijf")) if row.get(flag) == "X"]
    who = f" voor {' en '.join(groups)}" if groups else ""
    kinds = [k for k in ("Aanvraag", "Melding", "Verplichting", "Subsidie") if row.get(k) == "X"]
    kind = f" Soort: {', '.join(k.lower() for k in kinds)}." if kinds else ""
    return f"Product van de gemeente{who}.{kind}"


def _yes_no(value: str) -> bool | None:
    lowered = value.strip().lower()
    if lowered.startswith("ja"):
        return True
    if lowered.startswith("nee"):
        return False
    return None  # "soms", "vaak ja": it depends


def _curated_summary(row: dict[str, str]) -> str:
    parts = [row["naam_nl"].strip() + "."]
    if _yes_no(row["persoonlijk_verschijnen"]):
        parts.append("U moet zelf naar het gemeentehuis komen.")
    if _yes_no(row["afspraak"]):
        parts.append("Maak eerst een afspraak.")
    if row["online"].strip().lower().startswith("ja"):
        parts.append("U kunt dit ook online regelen.")
    if row["levertijd_norm"].strip():
        parts.append(f"Levertijd: {row['levertijd_norm'].strip()}.")
    return " ".join(parts)


def curated_products(path: Path, upl: dict[str, Product]) -> list[Product]:
    products = []
    for line, row in _rows(path):
        uri = row["upl_uri"].strip()
        if not uri or not row["code"].strip():
            raise KnowledgeSeedInvalid(f"{path.name}, regel {line}: code of UPL-URI ontbreekt.", line=line)
        code = row["code"].strip()
        base = upl.get(uri)
        keywords = (row["upl_naam"].strip(), *TREFWOORDEN.get(code, ()))
        products.append(
            Product(
                uri=uri,
                naam=row["naam_nl"].strip(),
                naam_en=row["naam_en"].strip(),
                code=code,
                samenvatting=_curated_summary(row),
                voorwaarden=base.voorwaarden if base else "",
                meenemen=row["meenemen"].strip(),
                levertijd=row["levertijd_norm"].strip(),
                norm_werkdagen=parse_norm_werkdagen(row["levertijd_norm"]),
                afspraak_nodig=_yes_no(row["afspraak"]),
                kiosk_geschikt=row["kiosk_geschikt"].strip(),
                kanalen=f"online: {row['online'].strip()}" if row["online"].strip() else "",
                persoonlijk_verschijnen=row["persoonlijk_verschijnen"].strip(),
                wettelijke_termijn=row["wettelijke_termijn"].strip(),
                bron=row["bronnen"].strip(),
                trefwoorden=tuple(dict.fromkeys(k for k in keywords if k)),
                is_curated=True,
            )
        )
    return products


def _cents(value: str, where: str) -> int:
    try:
        amount = Decimal(value.strip())
    except InvalidOperation as error:
        raise KnowledgeSeedInvalid(f"{where}: bedrag '{value}' is geen getal.") from error
    return int((amount * 100).to_integral_value())


def _date(value: str, where: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as error:
        raise KnowledgeSeedInvalid(f"{where}: datum '{value}' is geen JJJJ-MM-DD.") from error


def fees_by_code(path: Path, codes: Iterable[str]) -> dict[str, list[Fee]]:
    """Fees per product code. A fee without a start date has applied as long as the source knows."""
    known = set(codes)
    fees: dict[str, list[Fee]] = {}
    for line, row in _rows(path):
        where = f"{path.name}, regel {line}"
        code = row["product_code"].strip()
        targets = FEE_CODE_PRODUCTS.get(code, (code,))
        if not all(t in known for t in targets):
            raise KnowledgeSeedInvalid(f"{where}: onbekende productcode '{code}'.", line=line)
        fee = Fee(
            omschrijving=row["omschrijving"].strip(),
            amount_cents=_cents(row["bedrag_eur"], where),
            valid_from=_date(row["geldig_vanaf"], where) or date.min,
            valid_to=_date(row["geldig_tot"], where),
            soort=row["soort"].strip(),
            betrouwbaarheid=row["betrouwbaarheid"].strip(),
            bron=row["bron"].strip(),
        )
        for target in targets:
            fees.setdefault(target, []).append(fee)
    return fees


def knowledge_products(seed_dir: Path = SEED_DIR) -> list[Product]:
    """Every product the seed files describe: curated ones merged onto their UPL row."""
    upl = upl_products(seed_dir / "UPL-actueel.csv")
    curated = curated_products(seed_dir / "producten-seed.csv", upl)
    fees = fees_by_code(seed_dir / "leges-voorbeelden.csv", (p.code for p in curated if p.code))
    merged = dict(upl)
    for product in curated:
        code = product.code or ""
        merged[product.uri] = replace(product, fees=tuple(fees.get(code, ())))
    return list(merged.values())


def seed_knowledge(database: Database, seed_dir: Path = SEED_DIR) -> KnowledgeSeedReport:
    """Load the knowledge base from the seed files; a redacteur's edits stay as they are."""
    store = SqlKnowledgeStore(database.writer, database.reader)
    edited = store.edited_uris()
    products = [p for p in knowledge_products(seed_dir) if p.uri not in edited]
    store.save_many(products)
    report = KnowledgeSeedReport(
        products=len(products),
        curated=sum(1 for p in products if p.is_curated),
        fees=sum(len(p.fees) for p in products),
        kept_edited=len(edited),
    )
    log.info("knowledge base seeded: %s", report)
    return report
