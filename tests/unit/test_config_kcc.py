"""The [brp] and [kcc] tables of the workstation file: what IT writes, what the desk gets."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.bootstrap_kcc import forward_targets, person_registry
from app.config import BrpSettings, KccSettings, load_settings, parse_settings
from app.core.errors import ConfigError
from app.core.kcc.brp_local import load_persons
from app.core.kcc.contact import ChannelList, Toewijzing, ToewijzingSoort
from app.core.kcc.persons import LocalPersonRegistry
from app.integrations.brp_standin import BrpStandIn

BASE = '[workstation]\nmode = "balie"\nlocation = "Stadhuis"\n\n[database]\nurl = "sqlite:///loket.db"\n\n'
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "brp-testpersonen-samenvatting.csv"


def _error(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        parse_settings(BASE + text)
    return caught.value


def test_without_brp_and_kcc_tables_the_desk_has_no_brp_and_the_standard_channels() -> None:
    settings = parse_settings(BASE)
    assert settings.brp is None
    assert settings.kcc == KccSettings()


def test_brp_table_is_read_with_its_defaults() -> None:
    settings = parse_settings(BASE + '[brp]\nurl = "https://brp.gemeente.local/haalcentraal/api/brp"\n')
    assert settings.brp == BrpSettings(url="https://brp.gemeente.local/haalcentraal/api/brp", timeout_seconds=10.0)


@pytest.mark.parametrize("name", ["api_key", "apikey", "wachtwoord"])
def test_an_inline_api_key_is_refused_with_the_reason(name: str) -> None:
    error = _error(f'[brp]\nurl = "https://brp.gemeente.local"\n{name} = "abc123"\n')
    assert error.line == 10
    assert error.key == f"brp.{name}"
    assert "hoort niet in dit bestand" in error.message and "api_key_file" in error.message
    assert "abc123" not in str(error)


@pytest.mark.parametrize(
    ("table", "key", "line", "words"),
    [
        ('url = "http://brp.gemeente.local/api"', "brp.url", 9, "https://"),
        ('url = "brp.gemeente.local"', "brp.url", 9, "https://"),
        ('url = "https://brp.gemeente.local"\ntimeout_seconds = 0', "brp.timeout_seconds", 10, "groter dan 0"),
        ('url = "https://brp.gemeente.local"\ntimeout_seconds = "10"', "brp.timeout_seconds", 10, "een getal"),
        ('url = "http://127.0.0.1:8080"\nca_file = "ca.pem"', "brp.ca_file", 10, "https://"),
        ('url = "https://brp.gemeente.local"\ntimeout = 5', "brp.timeout", 10, "bedoelt u 'timeout_seconds'?"),
        ('api_key_file = "brp.key"', "brp.url", 8, "'brp.url' ontbreekt"),
    ],
)
def test_brp_mistakes_name_key_and_line(table: str, key: str, line: int, words: str) -> None:
    error = _error(f"[brp]\n{table}\n")
    assert (error.key, error.line) == (key, line)
    assert words in error.message


def test_plain_http_is_allowed_only_on_this_pc() -> None:
    for url in ("http://127.0.0.1:8080/brp", "http://localhost/brp", "http://[::1]:9000"):
        assert parse_settings(BASE + f'[brp]\nurl = "{url}"\n').brp is not None


def test_kcc_channels_and_targets_in_both_forms_reach_the_desk() -> None:
    settings = parse_settings(
        BASE + "[kcc]\n"
        'extra_channels = ["WhatsApp", "chat"]\n'
        'forward_targets = ["afdeling: Vergunningen", { soort = "groep", naam = "Wmo-loket" },\n'
        '  "medewerker:J. de Boer"]\n'
        "default_norm_days = 5\n"
    )
    kcc = settings.kcc
    assert kcc.default_norm_days == 5
    # What the desk shows: the six standard channels, then the configured ones.
    assert ChannelList(kcc.extra_channels).names[-2:] == ("whatsapp", "chat")
    assert forward_targets(kcc.target_pairs) == (
        Toewijzing(ToewijzingSoort.AFDELING, "Vergunningen"),
        Toewijzing(ToewijzingSoort.GROEP, "Wmo-loket"),
        Toewijzing(ToewijzingSoort.MEDEWERKER, "J. de Boer"),
    )


def test_targets_as_an_array_of_tables() -> None:
    text = '[[kcc.forward_targets]]\nsoort = "afdeling"\nnaam = "Belastingen"\n'
    assert parse_settings(BASE + text).kcc.target_pairs == (("afdeling", "Belastingen"),)


@pytest.mark.parametrize(
    ("table", "key", "words"),
    [
        ('forward_targets = ["Vergunningen"]', "kcc.forward_targets", '"soort:naam"'),
        ('forward_targets = ["afdelin:Vergunningen"]', "kcc.forward_targets[1].soort", "kies uit: afdeling, groep"),
        ('forward_targets = ["afdeling:"]', "kcc.forward_targets", "naam van 1 tot 200"),
        ('forward_targets = ["groep:Wmo", "groep:wmo "]', "kcc.forward_targets", "staat er twee keer in"),
        ("forward_targets = [3]", "kcc.forward_targets", "tabel met soort en naam"),
        ('forward_targets = [{ soort = "groep" }]', "kcc.forward_targets[1].naam", "ontbreekt"),
        ('extra_channels = "WhatsApp"', "kcc.extra_channels", "moet een lijst zijn"),
        ("extra_channels = [7]", "kcc.extra_channels[1]", "moet tekst zijn"),
        ('extra_channels = ["  "]', "kcc.extra_channels", "1 tot 50 tekens"),
        ("default_norm_days = 0", "kcc.default_norm_days", "tussen 1 en 365"),
        ("kanalen = []", "kcc.kanalen", "toegestaan zijn"),
    ],
)
def test_kcc_mistakes_name_key_and_line(table: str, key: str, words: str) -> None:
    error = _error(f"[kcc]\n{table}\n")
    assert error.key == key
    assert error.line == 9
    assert words in error.message


def test_the_desk_looks_up_in_the_brp_the_file_names(tmp_path: Path) -> None:
    # The whole path IT sets up: the file, the key file, the desk's registry, one real HTTP lookup.
    key_file = tmp_path / "brp.key"
    key_file.write_text("sleutel-van-de-gemeente\n", encoding="utf-8")
    registry = LocalPersonRegistry(load_persons(FIXTURE.read_text(encoding="utf-8")))
    with BrpStandIn(registry, api_key="sleutel-van-de-gemeente") as brp:
        config = tmp_path / "loket.toml"
        config.write_text(BASE + f'[brp]\nurl = "{brp.url}"\napi_key_file = "{key_file}"\ntimeout_seconds = 5\n')
        person = person_registry(load_settings(config).brp).by_bsn("999993653")
    assert person is not None
    assert person.naam.geslachtsnaam == "Moulin"


def test_the_example_files_brp_and_kcc_settings_work_when_uncommented() -> None:
    # IT enables these by removing the '# ' in front; the example must then be a valid file.
    example = Path(__file__).parents[2] / "installer" / "loket.example.toml"
    text = example.read_text(encoding="utf-8")
    head, tail = text.split("# Klantcontactcentrum", 1)
    enabled = "\n".join(
        line[2:]
        if line.startswith(
            ("# [", "# url =", "# api_key_file", "# timeout", "# ca_file", "# extra", "# forward", "# default")
        )
        else line
        for line in tail.splitlines()
    )
    settings = parse_settings(head + "# Klantcontactcentrum" + enabled)
    assert settings.brp == BrpSettings(
        url="https://brp.gemeente.local/haalcentraal/api/brp",
        api_key_file="C:/ProgramData/Loket/geheim/brp-sleutel.txt",
        timeout_seconds=10.0,
        ca_file="C:/ProgramData/Loket/brp-ca.pem",
    )
    assert settings.kcc.extra_channels == ("WhatsApp", "chat")
    assert settings.kcc.target_pairs == (
        ("afdeling", "Burgerzaken backoffice"),
        ("afdeling", "Vergunningen"),
        ("groep", "Wmo-loket"),
    )
