"""PACE on every standardized curve of ICAO 9303 part 11 we offer (Brainpool and NIST).

The curve constants are checked against `cryptography`/OpenSSL, an independent implementation:
k*G with our arithmetic must equal the public key OpenSSL derives from k, and n*G must be the
point at infinity. Then a full PACE run with a chip offering that curve reads DG1."""

from __future__ import annotations

import secrets

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from app.hardware.idcard.ec import STANDARD_CURVES
from app.hardware.idcard.fake_chip import FakeEmrtdChip
from app.hardware.idcard.reader import DG1, AccessControl, open_document
from tests.unit.test_document_reader import dutch_dg1, dutch_mrz_information

OPENSSL_CURVES: dict[int, ec.EllipticCurve] = {
    10: ec.SECP224R1(),
    12: ec.SECP256R1(),
    13: ec.BrainpoolP256R1(),
    15: ec.SECP384R1(),
    16: ec.BrainpoolP384R1(),
    17: ec.BrainpoolP512R1(),
    18: ec.SECP521R1(),
}


@pytest.mark.parametrize("parameter_id", sorted(STANDARD_CURVES))
def test_curve_constants_agree_with_openssl(parameter_id: int) -> None:
    curve = STANDARD_CURVES[parameter_id]
    assert curve.contains(curve.generator)
    assert curve.multiply(curve.order, curve.generator) is None
    reference = OPENSSL_CURVES.get(parameter_id)
    if reference is None:
        return  # brainpoolP224r1/P320r1: OpenSSL has them, `cryptography` does not name them
    scalar = 1 + secrets.randbelow(curve.order - 1)
    public = ec.derive_private_key(scalar, reference).public_key().public_numbers()
    assert curve.multiply(scalar, curve.generator) == (public.x, public.y)


@pytest.mark.parametrize("parameter_id", [12, 15, 16])
def test_pace_reads_dg1_on_nist_and_larger_brainpool_curves(parameter_id: int) -> None:
    chip = FakeEmrtdChip(dutch_mrz_information(), {DG1: dutch_dg1()}, parameter_id=parameter_id)
    document = open_document(chip, dutch_mrz_information())
    assert document.access_control is AccessControl.PACE
    assert document.read_dg1().primary_identifier == "VAN DER STEEN"
