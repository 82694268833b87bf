"""A stand-in for the Haal Centraal BRP Personen API on 127.0.0.1, answering from the RvIG test set.

For the demo and the tests: POST /personen with RaadpleegMetBurgerservicenummer or
ZoekMetGeslachtsnaamEnGeboortedatum, answered in the API's JSON shape (Persoon / PersoonBeperkt,
AbstractDatum, Waardetabel), with `fields` filtering and problem+json errors. `fault` makes it
misbehave on purpose (server error, unreadable JSON, ...) so clients can be tested against that.

    python -m app.integrations.brp_standin --port 8089
"""

from __future__ import annotations

import argparse
import json
import logging
import ssl
import threading
from collections import deque
from datetime import date
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from app.core.kcc.brp_local import load_persons
from app.core.kcc.persons import LocalPersonRegistry, SearchInvalid
from app.integrations.brp_standin_json import AUTOMATIC_FIELDS, filter_fields, persoon_json

log = logging.getLogger(__name__)

SEED_CSV = Path(__file__).resolve().parents[2] / "resources" / "seed" / "brp-testpersonen-samenvatting.csv"

_PERSOON_FIELDS = {
    "aNummer", "burgerservicenummer", "geslacht", "leeftijd", "naam", "nationaliteiten", "geboorte",
    "overlijden", "verblijfplaats", "gemeenteVanInschrijving", "adressering", "partners", "kinderen", "ouders",
}  # fmt: skip
_BEPERKT_FIELDS = {"burgerservicenummer", "geboorte", "geslacht", "leeftijd", "naam", "adressering"}

FAULTS = ("server_error", "unavailable", "malformed_json", "wrong_shape", "unauthorized", "hang_up")
_FAULT_ANSWERS = {
    "server_error": (HTTPStatus.INTERNAL_SERVER_ERROR, "Interne server fout", "serverError"),
    "unavailable": (HTTPStatus.SERVICE_UNAVAILABLE, "Bronservice BRP is tijdelijk niet beschikbaar", "notAvailable"),
    "unauthorized": (HTTPStatus.UNAUTHORIZED, "Niet correct geauthenticeerd", "authentication"),
}


def load_seed_registry(path: Path = SEED_CSV) -> LocalPersonRegistry:
    """The demo's citizens: the RvIG test set copied into resources/seed."""
    return LocalPersonRegistry(load_persons(path.read_text(encoding="utf-8")))


# ---- the HTTP server -------------------------------------------------------------------------


class _BadRequest(Exception):
    def __init__(self, title: str, code: str, name: str = "") -> None:
        super().__init__(title)
        self.title, self.code, self.name = title, code, name


def _check_fields(query: dict[str, Any], allowed: set[str]) -> list[str]:
    fields = query.get("fields")
    if not isinstance(fields, list) or not fields or not all(isinstance(f, str) for f in fields):
        raise _BadRequest("Parameter fields is verplicht.", "required", "fields")
    for field in fields:
        top = field.split(".")[0]
        if top in AUTOMATIC_FIELDS or top not in allowed:
            raise _BadRequest("Een of meer velden in fields bestaan niet.", "fields", "fields")
    return list(fields)


def answer_query(registry: LocalPersonRegistry, query: Any, today: date) -> dict[str, Any]:
    """The JSON answer to one POST /personen body; _BadRequest for a query the API would refuse."""
    if not isinstance(query, dict) or not isinstance(query.get("type"), str):
        raise _BadRequest("Parameter type is verplicht.", "required", "type")
    kind = query["type"]
    if kind == "RaadpleegMetBurgerservicenummer":
        fields = _check_fields(query, _PERSOON_FIELDS)
        bsns = query.get("burgerservicenummer")
        if not isinstance(bsns, list) or not 1 <= len(bsns) <= 20:
            raise _BadRequest("Parameter burgerservicenummer is verplicht.", "required", "burgerservicenummer")
        if not all(isinstance(b, str) and len(b) == 9 and b.isascii() and b.isdigit() for b in bsns):
            raise _BadRequest("Een burgerservicenummer is ongeldig.", "pattern", "burgerservicenummer")
        personen = []
        for bsn in dict.fromkeys(bsns):
            personen += [filter_fields(persoon_json(p, today), fields) for p in registry.all_by_bsn(bsn)]
        return {"type": kind, "personen": personen}
    if kind == "ZoekMetGeslachtsnaamEnGeboortedatum":
        fields = _check_fields(query, _BEPERKT_FIELDS)
        try:
            geboren = date.fromisoformat(str(query.get("geboortedatum")))
        except ValueError:
            raise _BadRequest("Parameter geboortedatum is ongeldig.", "date", "geboortedatum") from None
        naam = query.get("geslachtsnaam")
        if not isinstance(naam, str):
            raise _BadRequest("Parameter geslachtsnaam is verplicht.", "required", "geslachtsnaam")
        try:
            found = registry.search(naam, geboren, include_deceased=bool(query.get("inclusiefOverledenPersonen")))
        except SearchInvalid:
            raise _BadRequest("Parameter geslachtsnaam is ongeldig.", "pattern", "geslachtsnaam") from None
        return {"type": kind, "personen": [filter_fields(persoon_json(p, today, beperkt=True), fields) for p in found]}
    raise _BadRequest("Dit zoektype wordt niet ondersteund.", "value", "type")


def _problem(status: HTTPStatus, title: str, code: str, name: str = "") -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html",
        "title": title.rstrip("."),
        "status": int(status),
        "instance": "http://127.0.0.1/personen",
        "code": code,
    }
    if name:
        body["invalidParams"] = [{"name": name, "code": code, "reason": "Waarde is ongeldig."}]
    return body


class BrpStandIn:
    """The stand-in server; `start()` binds 127.0.0.1 (port 0: any free port), `url` is its base."""

    def __init__(
        self,
        registry: LocalPersonRegistry,
        *,
        port: int = 0,
        api_key: str | None = None,
        today: date | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.registry = registry
        self.api_key = api_key
        self.today = today
        self.fault: str | None = None
        # The last bodies received, for tests of what clients send; bounded for a long demo day.
        self.requests: deque[dict[str, Any]] = deque(maxlen=100)
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self))
        self._server.daemon_threads = True
        self._scheme = "http"
        if ssl_context is not None:
            self._server.socket = ssl_context.wrap_socket(self._server.socket, server_side=True)
            self._scheme = "https"
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{self._scheme}://{host!s}:{port}"

    def start(self) -> BrpStandIn:
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="brp-standin", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> BrpStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _handler_for(standin: BrpStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("brp stand-in: %s", format % args)  # request lines hold no BSN (it is in the body)

        def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: HTTPStatus, payload: dict[str, Any], problem: bool = False) -> None:
            kind = "application/problem+json" if problem else "application/json; charset=utf-8"
            self._send(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"), kind)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if 0 < length <= 1_000_000 else b""
            if not self.path.rstrip("/").endswith("/personen"):
                self._json(HTTPStatus.NOT_FOUND, _problem(HTTPStatus.NOT_FOUND, "Niet gevonden", "notFound"), True)
                return
            fault = standin.fault
            if fault == "hang_up":
                self.close_connection = True
                self.connection.close()
                return
            refusal = _FAULT_ANSWERS.get(fault or "")
            if refusal is None and standin.api_key and self.headers.get("X-API-KEY") != standin.api_key:
                refusal = _FAULT_ANSWERS["unauthorized"]
            if refusal is None and not (self.headers.get("Content-Type") or "").startswith("application/json"):
                refusal = (HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported Media Type", "unsupported")
            if refusal is not None:
                self._json(refusal[0], _problem(*refusal), True)
                return
            if fault == "malformed_json":
                self._send(
                    HTTPStatus.OK,
                    b'{"type": "RaadpleegMetBurgerservicenummer", "personen": [{"naam": ',
                    "application/json",
                )
                return
            if fault == "wrong_shape":
                self._json(HTTPStatus.OK, {"type": "RaadpleegMetBurgerservicenummer", "personen": {"naam": 42}})
                return
            try:
                query = json.loads(raw.decode("utf-8"))
                standin.requests.append(query if isinstance(query, dict) else {})
                answer = answer_query(standin.registry, query, standin.today or date.today())
            except (UnicodeDecodeError, json.JSONDecodeError):
                bad = _BadRequest("Ongeldige JSON", "badRequest")
            except _BadRequest as refused:
                bad = refused
            else:
                self._json(HTTPStatus.OK, answer)
                return
            problem = _problem(HTTPStatus.BAD_REQUEST, bad.title, bad.code, bad.name)
            self._json(HTTPStatus.BAD_REQUEST, problem, True)

    return Handler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="BRP stand-in (Haal Centraal BRP Personen) on 127.0.0.1")
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--api-key", default=None)
    parser.add_argument("--csv", type=Path, default=SEED_CSV)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    standin = BrpStandIn(load_seed_registry(args.csv), port=args.port, api_key=args.api_key)
    print(f"BRP stand-in op {standin.url}/personen ({len(standin.registry)} testpersonen); Ctrl+C stopt")
    try:
        standin._server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        standin._server.server_close()


if __name__ == "__main__":
    main()
