"""`loket db upgrade|roles` and `loket kennisbank seed|search` on real SQLite and PostgreSQL databases."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from app import cli, cli_tools
from app.core.auth import SignInService
from app.core.clock import SystemClock
from app.core.staff import Role
from app.store.database import Database
from app.store.knowledge_repository import SqlKnowledgeStore
from app.store.staff_repository import SqlStaffDirectory
from tests.store.conftest import fresh_database

# From the README's demo table, which is what a trial's users read.
DEMO_TEAMLEIDER = ("teamleider", "demo-teamleider-wachtwoord")


def test_upgrade_loads_the_knowledge_base_and_keeps_a_redacteurs_edit(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    from dataclasses import replace

    assert cli.main(["db", "upgrade", "--url", database.url]) == cli.EXIT_OK
    assert "Kennisbank: 511 producten" in capsys.readouterr().out
    store = SqlKnowledgeStore(database.writer, database.reader)
    uri = "http://standaarden.overheid.nl/owms/terms/paspoort"
    product = store.get(uri)
    assert product is not None
    store.save(replace(product, samenvatting="Eigen tekst van de redactie.", updated_by="redacteur"))
    assert cli.main(["db", "upgrade", "--url", database.url]) == cli.EXIT_OK  # after a Loket update
    assert "1 door een redacteur bewerkt en zo gelaten" in capsys.readouterr().out
    kept = store.get(uri)
    assert kept is not None and kept.samenvatting == "Eigen tekst van de redactie."
    assert store.count() == 511


def test_demo_data_brings_the_readmes_accounts_and_says_they_are_for_trials(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["db", "upgrade", "--url", database.url, "--demo-data"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "Voorbeeldvestiging 'Stadhuis'" in out and "alleen voor een proef" in out
    actor = SignInService(SqlStaffDirectory(database.writer), SystemClock()).sign_in(*DEMO_TEAMLEIDER)
    assert actor.roles == frozenset({Role.TEAMLEIDER})
    assert cli.main(["db", "upgrade", "--url", database.url, "--demo-data"]) == cli.EXIT_OK  # again: no duplicates
    assert "al gegevens" in capsys.readouterr().out
    assert len(SqlStaffDirectory(database.writer).list_accounts()) == 6


def test_demo_accounts_never_go_into_a_database_with_its_own_accounts(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    password = tmp_path / "pw.txt"
    password.write_text("Lente-in-het-stadhuis-7\n", encoding="utf-8")
    args = ["staff", "add", "avries", "--name", "Anna de Vries", "--role", "beheerder", "--url", database.url]
    assert cli.main([*args, "--password-file", str(password)]) == cli.EXIT_OK
    assert cli.main(["db", "upgrade", "--url", database.url, "--demo-data"]) == cli.EXIT_OK
    assert "al eigen accounts; geen demo-accounts toegevoegd" in capsys.readouterr().out
    assert [a.username for a in SqlStaffDirectory(database.writer).list_accounts()] == ["avries"]


def test_search_on_an_empty_knowledge_base_says_how_to_fill_it(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["kennisbank", "search", "paspoort", "--url", database.url]) == cli_tools.EXIT_FAILED
    assert "loket kennisbank seed" in capsys.readouterr().out
    assert cli.main(["kennisbank", "seed", "--url", database.url]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "511 producten geschreven, waarvan 23 met eigen tekst" in out and "30 legesbedragen" in out


@pytest.mark.parametrize(
    ("query", "first"),
    [("paspoort", "Paspoort aanvragen"), ("rijbewjs verlengen", "Rijbewijs aanvragen/verlengen")],
)
def test_search_finds_what_a_desk_finds_typos_included(
    database: Database, capsys: pytest.CaptureFixture[str], query: str, first: str
) -> None:
    assert cli.main(["kennisbank", "seed", "--url", database.url]) == cli.EXIT_OK
    capsys.readouterr()
    assert cli.main(["kennisbank", "search", query, "--limit", "3", "--url", database.url]) == cli.EXIT_OK
    lines = [line for line in capsys.readouterr().out.splitlines() if line[:3].strip().rstrip(".").isdigit()]
    assert len(lines) == 3
    assert lines[0].startswith(f" 1. {first}  (http://standaarden.overheid.nl/owms/terms/")
    assert cli.main(["kennisbank", "search", "qqqxzzy", "--url", database.url]) == cli_tools.EXIT_FAILED
    assert "Niets gevonden" in capsys.readouterr().out


def test_roles_are_refused_on_sqlite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["db", "roles", "--url", f"sqlite:///{tmp_path / 'loket.db'}"])
    err = capsys.readouterr().err
    assert code == cli.EXIT_USER_ERROR
    assert "alleen op PostgreSQL" in err and "Traceback" not in err


@pytest.mark.postgres
def test_roles_per_mode_with_passwords_kept_in_files(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import psycopg

    fresh_database(pg_url).dispose()
    secrets_dir = tmp_path / "rollen"
    assert cli.main(["db", "roles", "--url", pg_url, "--password-dir", str(secrets_dir)]) == cli.EXIT_OK
    out = capsys.readouterr().out
    for mode in ("kiosk", "display", "balie", "host", "manage"):
        assert f"→ loket_{mode} (rechten via loket_{mode}_group)" in out
    kiosk = out.split("kiosk (zuil in de hal)")[1].split("display (")[0]
    assert "geen toegang: audit_log, interne_taken, klantcontacten, staff_accounts, staff_roles" in kiosk
    balie = out.split("balie (balie)")[1].split("host (")[0]
    assert "  toevoegen: audit_log" in balie  # the desks add to the audit log but cannot read it
    files = sorted(p.name for p in secrets_dir.iterdir())
    assert files == [f"loket_{m}.txt" for m in ("balie", "display", "host", "kiosk", "manage")]
    first = (secrets_dir / "loket_kiosk.txt").read_text(encoding="utf-8")
    assert stat.S_IMODE((secrets_dir / "loket_kiosk.txt").stat().st_mode) == 0o600
    assert first.strip() not in out
    # Run again (after an update): the same passwords, no new files.
    assert cli.main(["db", "roles", "--url", pg_url, "--password-dir", str(secrets_dir)]) == cli.EXIT_OK
    assert "Nieuw wachtwoord" not in capsys.readouterr().out
    assert (secrets_dir / "loket_kiosk.txt").read_text(encoding="utf-8") == first
    # What the kiosk's role may do, seen by the database itself.
    libpq = make_url(pg_url).set(drivername="postgresql", username="loket_kiosk").render_as_string(False)
    with psycopg.connect(libpq, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT count(*) FROM klantcontacten")


COMMANDS = (
    ["kennisbank", "seed"],
    ["kennisbank", "search", "paspoort"],
    ["staff", "list"],
    ["staff", "unlock", "anna"],
)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_commands_on_a_database_without_tables_say_to_upgrade_first(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import text

    url = f"sqlite:///{tmp_path / 'leeg.db'}"
    if backend == "postgresql":
        url = request.getfixturevalue("pg_url")
        database = Database.open(url)
        with database.writer.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        database.dispose()
    for command in COMMANDS:
        assert cli.main([*command, "--url", url]) == cli.EXIT_USER_ERROR, command
        err = capsys.readouterr().err
        assert "voer eerst 'loket db upgrade' uit" in err and "Traceback" not in err, command


def test_an_unreachable_server_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as probe:  # a port on this PC where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql+psycopg://loket_beheer@127.0.0.1:{port}/loket"
    for command in (*COMMANDS, ["db", "roles"], ["db", "upgrade"]):
        assert cli.main([*command, "--url", url]) == cli.EXIT_USER_ERROR, command
        assert capsys.readouterr().err == "Fout: De database is niet bereikbaar\n", command
