"""What IT staff type for `loket devices idcard`, and the step record, against the in-process chip."""

from __future__ import annotations

import pytest

from app.core.identity.errors import MrzInvalid
from app.hardware.idcard.diagnostics import check_card, mrz_key
from app.hardware.idcard.fake_chip import FakeEmrtdChip
from app.hardware.idcard.reader import DG1, AccessControl
from app.hardware.idcard.virtual_card import dg1_for
from tests.unit.icao_vectors import vectors


def test_the_key_from_the_whole_mrz_or_from_number_and_dates() -> None:
    bac = vectors()["bac"]
    assert mrz_key(" ".join(bac["mrz_specimen"])) == bac["mrz_information"]
    assert mrz_key(bac["mrz_information"].lower()) == bac["mrz_information"]
    with pytest.raises(MrzInvalid):
        mrz_key(bac["mrz_information"][:-1] + "0")  # expiry check digit wrong
    with pytest.raises(MrzInvalid):
        mrz_key("L898902C")


def test_dg1_built_from_the_mrz_is_the_published_one() -> None:
    example = vectors()["dg1_td1_nld_example"]
    assert dg1_for(example["mrz_lines"]).hex().upper() == example["dg1"]


@pytest.mark.parametrize(("pace", "commands"), [(True, 12), (False, 7)])
def test_every_command_is_recorded_with_its_status_word(pace: bool, commands: int) -> None:
    bac = vectors()["bac"]
    chip = FakeEmrtdChip(bac["mrz_information"], {DG1: dg1_for(bac["mrz_specimen"])}, pace=pace)
    result = check_card(chip, bac["mrz_information"])
    assert result.error is None and result.dg1_matches
    assert result.access_control is (AccessControl.PACE if pace else AccessControl.BAC)
    assert len(result.steps) == commands == chip.commands
    assert result.steps[-1].status_word == 0x9000
