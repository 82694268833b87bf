"""`loket devices payment [--test]` as IT staff run it, against the nexo and OPI simulators on
127.0.0.1: the real protocols, the real encryption and the pinned certificate."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import cli
from app.hardware.payment.nexo_crypto import NexoCredentials, derive_keys
from app.hardware.payment.nexo_simulator import NexoSimulator
from app.hardware.payment.opi_simulator import OpiSimulator

PASSPHRASE = "kas-stadhuis-2026"
POI_ID = "V400m-324688179"
HEAD = '[workstation]\nmode = "balie"\nlocation = "Stadhuis"\n\n[database]\nurl = "sqlite:///x.db"\n\n'


@pytest.fixture(autouse=True)
def log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "logs" / "loket.log"
    monkeypatch.setenv("LOKET_LOG_FILE", str(path))
    yield path
    cli.setup_logging(tmp_path / "closed.log")


@pytest.fixture
def nexo(tmp_path: Path) -> Iterator[NexoSimulator]:
    credentials = NexoCredentials("SleutelStadhuis", 2, derive_keys(PASSPHRASE))
    with NexoSimulator(credentials, poi_id=POI_ID, state_file=tmp_path / "sim.json") as simulator:
        yield simulator


def passphrase_file(tmp_path: Path, mode: int = 0o600) -> Path:
    path = tmp_path / "pinautomaat.txt"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    path.chmod(mode)
    return path


def nexo_config(tmp_path: Path, port: int, fingerprint: str, secret: Path | None = None) -> Path:
    secret = secret or passphrase_file(tmp_path)
    path = tmp_path / "loket.toml"
    path.write_text(
        HEAD + "[devices.payment_terminal]\n"
        f'kind = "nexo"\nhost = "127.0.0.1"\nport = {port}\npoi_id = "{POI_ID}"\n'
        f'key_identifier = "SleutelStadhuis"\nkey_version = 2\npassphrase_file = "{secret}"\n'
        f'certificate_fingerprint = "{fingerprint}"\nconnect_timeout_seconds = 2\nstatus_timeout_seconds = 5\n',
        encoding="utf-8",
    )
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["devices", "payment", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_status_check_moves_no_money(tmp_path: Path, nexo: NexoSimulator, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--config", str(nexo_config(tmp_path, nexo.port, nexo.fingerprint)))
    assert code == cli.EXIT_OK
    assert f"pinautomaat: nexo, {POI_ID} (127.0.0.1:{nexo.port})" in out
    assert "status: antwoordt" in out
    assert "Payment" not in nexo.requests_seen
    assert nexo.totals()[1:] == (0, 0)  # the terminal counted no payment


def test_test_payment_of_one_cent_shows_outcome_card_and_receipt(
    tmp_path: Path, nexo: NexoSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--config", str(nexo_config(tmp_path, nexo.port, nexo.fingerprint)), "--test")
    assert code == cli.EXIT_OK
    assert "testbetaling van € 0,01 gestart" in out
    assert "uitkomst: gelukt" in out
    assert "bedrag: € 0,01" in out
    card = next(line for line in out.splitlines() if line.startswith("kaart: "))
    assert sum(ch.isdigit() for ch in card) == 4  # only the last four digits
    assert "bon van de pinautomaat:" in out
    assert "EUR 0,01" in out  # the terminal's own receipt, verbatim
    assert nexo.totals()[1:] == (1, 1)  # the terminal counted one approved cent


def test_wrong_certificate_is_no_terminal_of_ours(
    tmp_path: Path, nexo: NexoSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    other = "ab" * 32
    code, out, _ = run(capsys, "--config", str(nexo_config(tmp_path, nexo.port, other)), "--test")
    assert code == 1
    assert "status: geen antwoord" in out
    assert "testbetaling" not in out
    assert nexo.requests_seen == []  # nothing was sent to a terminal that could not prove who it is


def test_nothing_listening_is_reported_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--config", str(nexo_config(tmp_path, free_port(), "ab" * 32)))
    assert code == 1
    assert "status: geen antwoord" in out
    assert "Traceback" not in out + err


def test_passphrase_file_readable_by_others_is_refused(
    tmp_path: Path, nexo: NexoSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = passphrase_file(tmp_path, 0o644)
    code, _, err = run(capsys, "--config", str(nexo_config(tmp_path, nexo.port, nexo.fingerprint, secret)))
    assert code == cli.EXIT_USER_ERROR
    assert "ook voor anderen leesbaar" in err
    assert PASSPHRASE not in err
    assert nexo.requests_seen == []


def test_no_terminal_configured(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "loket.toml"
    path.write_text(HEAD, encoding="utf-8")
    code, _, err = run(capsys, "--config", str(path))
    assert code == cli.EXIT_USER_ERROR
    assert "geen [devices.payment_terminal]" in err


def test_opi_test_payment_shows_terminal_texts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    device_port = free_port()
    with OpiSimulator(device_port=device_port) as simulator:
        path = tmp_path / "loket.toml"
        path.write_text(
            HEAD + "[devices.payment_terminal]\n"
            f'kind = "opi"\nhost = "127.0.0.1"\nport = {simulator.port}\nworkstation_id = "KASSA3"\n'
            f"device_port = {device_port}\n",
            encoding="utf-8",
        )
        code, out, _ = run(capsys, "--config", str(path), "--test")
        assert simulator.wait_logged(1)
    assert code == cli.EXIT_OK
    assert "automaat: Voer pincode in" in out
    assert "uitkomst: gelukt" in out
    assert "bon van de pinautomaat:" in out
    assert simulator.transactions()[0].amount_cents == 1


def test_simulator_kind_pays_through_nexo_with_the_terminals_texts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "loket.toml"
    path.write_text(HEAD + '[devices.payment_terminal]\nkind = "simulator"\n', encoding="utf-8")
    code, out, _ = run(capsys, "--config", str(path), "--test")
    assert code == cli.EXIT_OK
    assert "automaat: Betaling gestart op de betaalautomaat" in out  # a signed display notification
    assert "uitkomst: gelukt" in out


def test_demo_terminal_is_pinned_to_its_own_simulator(tmp_path: Path) -> None:
    from app.core.payment.ports import PaymentRequest
    from app.hardware.payment.factory import SIMULATOR_STATE, start_demo_terminal

    simulator, terminal = start_demo_terminal(tmp_path / "demo")
    shown: list[str] = []
    try:
        result = terminal.pay(PaymentRequest("DEMO1", "ref1", 940), shown.append)
    finally:
        terminal.close()
        simulator.stop()
    assert result.outcome.value == "approved" and result.amount_cents == 940
    assert "Pincode ingevoerd" in shown
    state = tmp_path / "demo" / SIMULATOR_STATE
    assert state.exists()
    assert (state.parent.stat().st_mode & 0o077) == 0  # holds the simulator's private key


def test_factory_refuses_no_terminal_and_builds_the_fake() -> None:
    from app.config import PaymentTerminalSettings
    from app.hardware.payment.factory import NoPaymentTerminal, open_payment_terminal

    for settings in (None, PaymentTerminalSettings(kind="none")):
        with pytest.raises(NoPaymentTerminal) as caught:
            open_payment_terminal(settings)
        assert "geen pinautomaat" in caught.value.message
    fake = open_payment_terminal(PaymentTerminalSettings(kind="fake"))
    try:
        assert fake.transaction_status("NEVERUSED1", "STATUS0001").result.value == "not_found"
    finally:
        fake.close()


@pytest.mark.parametrize(
    ("cents", "expected"), [(94, "uitkomst: gelukt (via statusvraag)"), (91, "uitkomst: geweigerd")]
)
def test_a_lost_answer_is_asked_about_never_paid_again(cents: int, expected: str) -> None:
    from app.hardware.payment.diagnostics import pay_test_amount, payment_lines
    from app.hardware.payment.fake import FakeTerminal

    terminal = FakeTerminal()
    terminal.open()
    try:
        lines = payment_lines(pay_test_amount(terminal, lambda _text: None, amount_cents=cents))
    finally:
        terminal.close()
    assert lines[0].startswith(expected)
    assert len(terminal.requests) == 1
