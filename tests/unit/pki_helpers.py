"""Specimen PKIs shared by the passive authentication tests: generated once per test session
(RSA key generation is the slow part), never written to disk."""

from __future__ import annotations

import functools

from app.hardware.idcard.specimen_pki import KeyKind, SpecimenPki, generate_pki


def specimen_pki(kind: KeyKind = KeyKind.EC_P256, name: str = "issuer") -> SpecimenPki:
    """One PKI per (kind, name): a different `name` is another country signing CA with the same
    distinguished name, as a forger would make."""
    return _cached(kind, name)


@functools.cache
def _cached(kind: KeyKind, name: str) -> SpecimenPki:
    del name  # only part of the cache key
    return generate_pki(kind)
