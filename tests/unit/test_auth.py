"""Password hashing and staff sign-in: salted slow hashes, no account enumeration, lockout."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

from app.core.auth import (
    CURRENT_PARAMS,
    LOCK_DURATION,
    AccountLocked,
    InMemoryStaffDirectory,
    PasswordTooWeak,
    ScryptParams,
    SignInFailed,
    SignInService,
    UsernameInvalid,
    UsernameTaken,
    hash_password,
    needs_rehash,
    verify_password,
)
from app.core.clock import FakeClock
from app.core.staff import Actor, PermissionDenied, Role

ADMIN = Actor(staff_id=None, username="installer", display_name="Installatie", roles=frozenset({Role.BEHEERDER}))
CLERK = Actor(staff_id=None, username="clerk", display_name="Balie", roles=frozenset({Role.BALIEMEDEWERKER}))
PASSWORD = "correct paard batterij"

# RFC 7914 section 12, the third test vector: scrypt(P="password", S="NaCl", N=1024, r=8, p=16, dkLen=64).
RFC7914_VECTOR = bytes.fromhex(
    "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
    "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"
)


def test_scrypt_matches_rfc_7914_vector_through_the_stored_format() -> None:
    # A stored string in our format with the RFC's salt and key: verify must compute exactly the
    # RFC's scrypt, which proves the primitive and how n, r and p are read from the string.
    salt = base64.b64encode(b"NaCl").decode()
    key = base64.b64encode(RFC7914_VECTOR).decode()
    stored = f"scrypt$n=1024$r=8$p=16${salt}${key}"
    assert verify_password("password", stored)
    assert not verify_password("Password", stored)
    assert needs_rehash(stored)  # weaker than what we use now


def test_same_password_twice_gives_different_salted_hashes() -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second
    assert first.startswith(f"scrypt$n={CURRENT_PARAMS.n}$r={CURRENT_PARAMS.r}$p={CURRENT_PARAMS.p}$")
    salt = base64.b64decode(first.split("$")[4])
    assert len(salt) == 16
    assert verify_password(PASSWORD, first) and verify_password(PASSWORD, second)
    assert not verify_password(PASSWORD + "!", first)
    assert not needs_rehash(first)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda s: s.replace("n=16384", "n=8192"),  # weaker cost: the key no longer matches
        lambda s: s.replace("r=8", "r=9"),
        lambda s: s.replace("p=1$", "p=2$"),
        lambda s: s.replace("n=16384", "n=16000"),  # not a power of two
        lambda s: s.replace("n=16384", "n=4"),  # far below the floor
        lambda s: s.replace("n=16384", "n=67108864"),  # would eat the machine
        lambda s: s.replace("scrypt$", "md5$"),
        lambda s: s[:-8],  # truncated key
        lambda s: s + "$extra",
        lambda s: "",
    ],
)
def test_tampered_stored_hash_is_refused(tamper: object) -> None:
    stored = hash_password(PASSWORD)
    assert callable(tamper)
    assert not verify_password(PASSWORD, tamper(stored))


def test_old_parameters_still_verify_and_ask_for_rehash() -> None:
    old = hash_password(PASSWORD, ScryptParams(n=2**11, r=8, p=1))
    assert verify_password(PASSWORD, old)
    assert needs_rehash(old)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))


@pytest.fixture
def service(clock: FakeClock) -> SignInService:
    svc = SignInService(InMemoryStaffDirectory(), clock)
    svc.add_account(ADMIN, "Anna.Balie", "Anna de Balie", [Role.BALIEMEDEWERKER], PASSWORD)
    return svc


def test_sign_in_gives_actor_with_roles(service: SignInService) -> None:
    actor = service.sign_in("  anna.balie ", PASSWORD)
    assert actor.username == "anna.balie"
    assert actor.display_name == "Anna de Balie"
    assert actor.roles == frozenset({Role.BALIEMEDEWERKER})
    assert actor.staff_id is not None


def test_unknown_user_and_wrong_password_get_the_same_message(service: SignInService) -> None:
    with pytest.raises(SignInFailed) as unknown:
        service.sign_in("niemand", PASSWORD)
    with pytest.raises(SignInFailed) as wrong:
        service.sign_in("anna.balie", "verkeerd wachtwoord")
    with pytest.raises(SignInFailed) as invalid_name:
        service.sign_in("!!", PASSWORD)
    assert unknown.value.message == wrong.value.message == invalid_name.value.message
    assert unknown.value.code == wrong.value.code == "auth.sign_in_failed"


def test_five_failures_lock_for_fifteen_minutes(service: SignInService, clock: FakeClock) -> None:
    for _ in range(4):
        with pytest.raises(SignInFailed):
            service.sign_in("anna.balie", "fout wachtwoord 1")
    with pytest.raises(AccountLocked) as locked:
        service.sign_in("anna.balie", "fout wachtwoord 1")
    assert locked.value.until == clock.now() + timedelta(minutes=15) == clock.now() + LOCK_DURATION
    # Even the right password does not open a locked account.
    clock.advance(timedelta(minutes=14, seconds=59))
    with pytest.raises(AccountLocked):
        service.sign_in("anna.balie", PASSWORD)
    clock.advance(timedelta(seconds=1))
    assert service.sign_in("anna.balie", PASSWORD).username == "anna.balie"


def test_success_resets_the_failure_count(service: SignInService) -> None:
    for _ in range(4):
        with pytest.raises(SignInFailed):
            service.sign_in("anna.balie", "fout wachtwoord 1")
    service.sign_in("anna.balie", PASSWORD)
    for _ in range(4):
        with pytest.raises(SignInFailed):
            service.sign_in("anna.balie", "fout wachtwoord 1")
    assert service.sign_in("anna.balie", PASSWORD).username == "anna.balie"


def test_inactive_account_cannot_sign_in(service: SignInService) -> None:
    service.set_active(ADMIN, "anna.balie", False)
    with pytest.raises(SignInFailed):
        service.sign_in("anna.balie", PASSWORD)


def test_only_staff_managers_add_accounts(service: SignInService) -> None:
    with pytest.raises(PermissionDenied):
        service.add_account(CLERK, "nieuw", "Nieuw", [Role.BALIEMEDEWERKER], PASSWORD)
    with pytest.raises(UsernameTaken):
        service.add_account(ADMIN, "anna.balie", "Anna", [Role.BALIEMEDEWERKER], PASSWORD)
    with pytest.raises(UsernameInvalid):
        service.add_account(ADMIN, "a b", "A B", [Role.BALIEMEDEWERKER], PASSWORD)


@pytest.mark.parametrize("weak", ["kort", "elf tekens!", "aaaaaaaaaaaaaaaa", "xx-piet.pan-xx"])
def test_password_policy_refuses_clearly(service: SignInService, weak: str) -> None:
    with pytest.raises(PasswordTooWeak) as refused:
        service.add_account(ADMIN, "piet.pan", "Piet", [Role.GASTHEER], weak)
    assert refused.value.code == "auth.password_too_weak"
    assert weak not in refused.value.message


def test_change_password_needs_current_one(service: SignInService) -> None:
    anna = service.sign_in("anna.balie", PASSWORD)
    with pytest.raises(SignInFailed):
        service.change_password(anna, "niet het huidige", "een nieuw lang wachtwoord")
    service.change_password(anna, PASSWORD, "een nieuw lang wachtwoord")
    with pytest.raises(SignInFailed):
        service.sign_in("anna.balie", PASSWORD)
    assert service.sign_in("anna.balie", "een nieuw lang wachtwoord") == anna


def test_old_hash_is_upgraded_at_sign_in(clock: FakeClock) -> None:
    directory = InMemoryStaffDirectory()
    svc = SignInService(directory, clock)
    account = svc.add_account(ADMIN, "oud", "Oud", [Role.GASTHEER], PASSWORD)
    from dataclasses import replace

    directory.save(replace(account, password_hash=hash_password(PASSWORD, ScryptParams(n=2**11, r=8, p=1))))
    svc.sign_in("oud", PASSWORD)
    stored = directory.by_username("oud")
    assert stored is not None and not needs_rehash(stored.password_hash)
    assert PASSWORD not in repr(stored) and stored.password_hash not in repr(stored)


def test_unknown_names_lock_like_real_ones(service: SignInService, clock: FakeClock) -> None:
    # Otherwise five tries would reveal which user names exist.
    for name in ("anna.balie", "niemand"):
        for _ in range(4):
            with pytest.raises(SignInFailed):
                service.sign_in(name, "fout wachtwoord 1")
        with pytest.raises(AccountLocked) as locked:
            service.sign_in(name, "fout wachtwoord 1")
        assert locked.value.until == clock.now() + LOCK_DURATION
    clock.advance(LOCK_DURATION)
    with pytest.raises(SignInFailed):
        service.sign_in("niemand", "fout wachtwoord 1")
