"""The knowledge base (kennisbank): products keyed on their UPL URI, dated fees, search, editing.

Products come from the Uniforme Productnamenlijst (every municipal product) and from the
curated front-office list, which adds B1 text, what to bring, delivery norm and fees. A
redacteur edits articles; the desk and the host only read. Fees are dated rows, never constants.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Protocol

from app.core.clock import Clock
from app.core.kcc.errors import KccError
from app.core.staff import Actor, Permission, require

log = logging.getLogger(__name__)


class KnowledgeError(KccError):
    code = "kcc.knowledge_error"


class ProductNotFound(KnowledgeError):
    code = "kcc.product_not_found"


class ProductInvalid(KnowledgeError):
    """An edited article does not pass the checks; `field` names what to fix."""

    code = "kcc.product_invalid"

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message, field=field)
        self.field = field


class ArticleNotSaved(KnowledgeError):
    """The database refused the edit (e.g. this workstation's database role may only read)."""

    code = "kcc.article_not_saved"


@dataclass(frozen=True)
class Fee:
    """One fee (leges) valid from `valid_from` up to and including `valid_to` (None: open)."""

    omschrijving: str
    amount_cents: int
    valid_from: date
    valid_to: date | None
    soort: str = ""
    betrouwbaarheid: str = ""
    bron: str = ""

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Product:
    uri: str  # UPL URI: the key everything else refers to (contacts, services)
    naam: str
    naam_en: str = ""
    code: str | None = None  # code of the curated seed (PASPOORT, ...), None for plain UPL rows
    samenvatting: str = ""  # B1 text for the desk
    voorwaarden: str = ""
    meenemen: str = ""
    levertijd: str = ""
    norm_werkdagen: int | None = None
    afspraak_nodig: bool | None = None
    kiosk_geschikt: str = ""
    kanalen: str = ""
    persoonlijk_verschijnen: str = ""
    wettelijke_termijn: str = ""
    bron: str = ""
    trefwoorden: tuple[str, ...] = ()  # other words citizens use ("trouwen" for huwelijk)
    fees: tuple[Fee, ...] = ()
    is_curated: bool = False
    updated_by: str | None = None  # set when a redacteur edited it; a re-seed then leaves it alone
    updated_at: datetime | None = None

    def __repr__(self) -> str:
        return f"Product(uri={self.uri!r}, code={self.code!r})"


@dataclass(frozen=True)
class SearchHit:
    uri: str
    naam: str
    snippet: str
    score: float


def fee_on(product: Product, day: date) -> tuple[Fee, ...]:
    """The fees of `product` that apply on `day`."""
    return tuple(fee for fee in product.fees if fee.valid_on(day))


_WORKING_DAYS = re.compile(r"(\d+)(?:\s*-\s*(\d+))?\s*werkdag")


def parse_norm_werkdagen(levertijd: str) -> int | None:
    """The service norm in working days from a delivery text: "5 werkdagen (...)" → 5,
    "verwerking 1-5 werkdagen" → 5 (the norm is the longest it may take). None when the text
    counts no working days ("direct", "beslissing IND", weeks: calendar time, not working days)."""
    found = _WORKING_DAYS.search(levertijd.lower())
    if found is None:
        return None
    return int(found.group(2) or found.group(1))


class KnowledgeStore(Protocol):
    def search(self, query: str, limit: int) -> list[SearchHit]:
        """Best matches first; never raises on odd input (the store normalises the query)."""
        ...

    def get(self, uri: str) -> Product | None: ...

    def save(self, product: Product) -> None:
        """Insert or replace the product with its fees."""
        ...

    def all_uris(self) -> list[str]: ...


MAX_NAME = 200
MAX_TEXT = 4000
MAX_NORM_DAYS = 365
MAX_KEYWORDS = 50
MAX_KEYWORD = 100


def validate(product: Product) -> None:
    """Checks of an edited article, each with a Dutch message that names what to fix."""
    if not product.naam.strip():
        raise ProductInvalid("Vul de naam van het product in.", field="naam")
    if len(product.naam) > MAX_NAME:
        raise ProductInvalid(f"De naam is te lang (meer dan {MAX_NAME} tekens).", field="naam")
    if len(product.naam_en) > MAX_NAME:
        raise ProductInvalid(f"De Engelse naam is te lang (meer dan {MAX_NAME} tekens).", field="naam_en")
    if len(product.trefwoorden) > MAX_KEYWORDS or any(len(k) > MAX_KEYWORD for k in product.trefwoorden):
        raise ProductInvalid(
            f"Gebruik hoogstens {MAX_KEYWORDS} trefwoorden van elk hoogstens {MAX_KEYWORD} tekens.",
            field="trefwoorden",
        )
    for field in ("samenvatting", "voorwaarden", "meenemen", "levertijd", "kanalen"):
        if len(getattr(product, field)) > MAX_TEXT:
            raise ProductInvalid(f"De tekst bij '{field}' is te lang (meer dan {MAX_TEXT} tekens).", field=field)
    if product.norm_werkdagen is not None and not 0 <= product.norm_werkdagen <= MAX_NORM_DAYS:
        raise ProductInvalid(
            f"De servicenorm moet tussen 0 en {MAX_NORM_DAYS} werkdagen liggen.", field="norm_werkdagen"
        )
    for fee in product.fees:
        if not fee.omschrijving.strip():
            raise ProductInvalid("Elk tarief heeft een omschrijving nodig.", field="fees")
        if fee.amount_cents < 0:
            raise ProductInvalid("Een tarief kan niet negatief zijn.", field="fees")
        if fee.valid_to is not None and fee.valid_to < fee.valid_from:
            raise ProductInvalid("De einddatum van een tarief ligt voor de begindatum.", field="fees")


class KnowledgeService:
    """Use cases of the knowledge base; every one checks the actor's permission first."""

    def __init__(self, store: KnowledgeStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def search(self, actor: Actor | None, query: str, limit: int = 10) -> list[SearchHit]:
        require(actor, Permission.KNOWLEDGE_READ)
        if not query.strip() or limit <= 0:
            return []
        return self._store.search(query, limit)

    def get(self, actor: Actor | None, uri: str) -> Product:
        require(actor, Permission.KNOWLEDGE_READ)
        return self._get(uri)

    def fees_on(self, actor: Actor | None, uri: str, day: date) -> tuple[Fee, ...]:
        """The product's fees that apply on `day` (for the desk and the receipt)."""
        require(actor, Permission.KNOWLEDGE_READ)
        return fee_on(self._get(uri), day)

    def update(self, actor: Actor | None, product: Product) -> Product:
        """Save a redacteur's edit of an existing article; returns it as stored."""
        editor = require(actor, Permission.KNOWLEDGE_EDIT)
        stored = self._get(product.uri)
        validate(product)
        edited = replace(
            product,
            naam=product.naam.strip(),
            # Which seed row it came from is not the redacteur's to change.
            code=stored.code,
            is_curated=stored.is_curated,
            trefwoorden=tuple(k.strip() for k in product.trefwoorden if k.strip()),
            updated_by=editor.username,
            updated_at=self._clock.now(),
        )
        self._store.save(edited)
        log.info("knowledge article edited: %s by %s", product.uri, editor.username)
        return self._get(product.uri)

    def service_norm_days(self, uri: str) -> int | None:
        """The product's service norm in working days, None when unknown or not countable."""
        product = self._store.get(uri)
        return None if product is None else product.norm_werkdagen

    def _get(self, uri: str) -> Product:
        product = self._store.get(uri)
        if product is None:
            raise ProductNotFound("Dit product staat niet in de kennisbank.", uri=uri)
        return product
