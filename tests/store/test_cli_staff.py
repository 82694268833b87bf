"""`loket staff ...` against a real SQLite and PostgreSQL database: what IT types, what a desk then sees."""

from __future__ import annotations

import getpass
from pathlib import Path

import pytest

from app import cli
from app.core.auth import MAX_FAILED_ATTEMPTS, AccountLocked, SignInFailed, SignInService
from app.core.clock import SystemClock
from app.core.staff import Role
from app.store.database import Database
from app.store.staff_repository import SqlStaffDirectory

PASSWORD = "Lente-in-het-stadhuis-7"


def _password_file(tmp_path: Path, password: str = PASSWORD) -> str:
    path = tmp_path / "wachtwoord.txt"
    path.write_text(password + "\n", encoding="utf-8")
    path.chmod(0o600)
    return str(path)


def _sign_in(database: Database, username: str, password: str) -> object:
    return SignInService(SqlStaffDirectory(database.writer, database.reader), SystemClock()).sign_in(username, password)


def _add(database: Database, tmp_path: Path, username: str = "jdevries", *roles: str) -> int:
    args = ["staff", "add", username, "--name", "Jan de Vries", "--url", database.url]
    for role in roles or ("baliemedewerker",):
        args += ["--role", role]
    return cli.main([*args, "--password-file", _password_file(tmp_path)])


def test_an_added_account_signs_in_at_a_desk_with_its_roles(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _add(database, tmp_path, "JDeVries", "baliemedewerker", "teamleider") == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "Account jdevries (Jan de Vries) gemaakt met rol baliemedewerker, teamleider" in out
    assert PASSWORD not in out
    actor = _sign_in(database, "jdevries", PASSWORD)
    assert actor.roles == frozenset({Role.BALIEMEDEWERKER, Role.TEAMLEIDER})  # type: ignore[attr-defined]


def test_a_second_account_with_the_same_name_is_refused(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _add(database, tmp_path) == cli.EXIT_OK
    assert _add(database, tmp_path) == cli.EXIT_USER_ERROR
    assert "Fout: Deze gebruikersnaam bestaat al." in capsys.readouterr().err


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("kort-7", "minstens 12 tekens"),
        ("jdevries-wachtwoord", "mag de gebruikersnaam niet bevatten"),
        ("aaaaaaaaaaaaaa", "te eenvoudig"),
    ],
)
def test_a_weak_password_is_refused_with_the_cores_message(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str], password: str, message: str
) -> None:
    args = ["staff", "add", "jdevries", "--name", "Jan", "--role", "gastheer", "--url", database.url]
    code = cli.main([*args, "--password-file", _password_file(tmp_path, password)])
    err = capsys.readouterr().err
    assert code == cli.EXIT_USER_ERROR
    assert message in err and "Traceback" not in err
    assert SqlStaffDirectory(database.writer).by_username("jdevries") is None


def test_the_password_is_asked_twice_and_must_match(
    database: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    typed = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(typed))
    code = cli.main(["staff", "add", "anna", "--name", "Anna", "--role", "gastheer", "--url", database.url])
    assert code == cli.EXIT_USER_ERROR
    assert "niet gelijk" in capsys.readouterr().err
    assert SqlStaffDirectory(database.writer).by_username("anna") is None


def test_the_typed_password_works_at_the_desk(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    typed = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(typed))
    code = cli.main(["staff", "add", "anna", "--name", "Anna", "--role", "gastheer", "--url", database.url])
    assert code == cli.EXIT_OK
    assert _sign_in(database, "anna", PASSWORD) is not None


def test_list_shows_a_locked_account_and_unlock_lets_it_sign_in_again(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _add(database, tmp_path) == cli.EXIT_OK
    for _ in range(MAX_FAILED_ATTEMPTS - 1):
        with pytest.raises(SignInFailed):
            _sign_in(database, "jdevries", "verkeerd-wachtwoord-1")
    with pytest.raises(AccountLocked):
        _sign_in(database, "jdevries", "verkeerd-wachtwoord-1")
    with pytest.raises(AccountLocked):
        _sign_in(database, "jdevries", PASSWORD)  # even the right password, while locked
    capsys.readouterr()
    assert cli.main(["staff", "list", "--url", database.url]) == cli.EXIT_OK
    (line,) = capsys.readouterr().out.splitlines()
    assert line.split()[:3] == ["jdevries", "Jan", "de"]
    assert "geblokkeerd tot" in line and "baliemedewerker" in line
    assert cli.main(["staff", "unlock", "jdevries", "--url", database.url]) == cli.EXIT_OK
    assert "kan weer aanmelden" in capsys.readouterr().out
    assert _sign_in(database, "jdevries", PASSWORD) is not None
    assert cli.main(["staff", "unlock", "jdevries", "--url", database.url]) == cli.EXIT_OK
    assert "niet geblokkeerd" in capsys.readouterr().out


def test_a_new_password_replaces_the_old_one(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _add(database, tmp_path) == cli.EXIT_OK
    new = tmp_path / "nieuw.txt"
    new.write_text("Herfst-op-de-markt-2026\n", encoding="utf-8")
    assert cli.main(["staff", "password", "jdevries", "--password-file", str(new), "--url", database.url]) == 0
    with pytest.raises(SignInFailed):
        _sign_in(database, "jdevries", PASSWORD)
    assert _sign_in(database, "jdevries", "Herfst-op-de-markt-2026") is not None


def test_unknown_accounts_and_an_empty_list_are_said_plainly(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["staff", "list", "--url", database.url]) == cli.EXIT_OK
    assert "nog geen accounts" in capsys.readouterr().out
    for command in (["unlock", "piet"], ["password", "piet", "--password-file", _password_file(tmp_path)]):
        assert cli.main(["staff", *command, "--url", database.url]) == cli.EXIT_USER_ERROR
        assert "Fout: Dit account bestaat niet." in capsys.readouterr().err


@pytest.mark.postgres
def test_a_desks_database_role_may_not_add_accounts(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy.engine import make_url

    from app.store.db_roles import create_mode_roles
    from tests.store.conftest import fresh_database

    database = fresh_database(pg_url)
    try:
        create_mode_roles(database.writer)
    finally:
        database.dispose()
    as_desk = make_url(pg_url).set(username="loket_balie", password=None).render_as_string(hide_password=False)
    args = ["staff", "add", "anna", "--name", "Anna", "--role", "beheerder", "--url", as_desk]
    code = cli.main([*args, "--password-file", _password_file(tmp_path)])
    err = capsys.readouterr().err
    assert code == cli.EXIT_USER_ERROR
    assert "deze databaserol mag geen accounts beheren" in err and "Traceback" not in err
    assert cli.main(["staff", "list", "--url", as_desk]) == cli.EXIT_OK  # reading is a desk's right
