"""Staff sign-in: slow salted password hashes, lockout after repeated failures, account management.

Passwords are stored as `scrypt$n=16384$r=8$p=1$<salt b64>$<hash b64>` (RFC 7914). The cost
parameters travel with the hash, so they can be raised later: `needs_rehash` tells the sign-in
to store a stronger hash the next time the password is known.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Protocol

from app.core.clock import Clock
from app.core.errors import LoketError
from app.core.staff import Actor, Permission, Role, require

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScryptParams:
    n: int
    r: int
    p: int


CURRENT_PARAMS = ScryptParams(n=2**14, r=8, p=1)
# Accepted on verify: weak enough to read old or test hashes (RFC 7914's own example uses
# N=1024), bounded above so a tampered hash cannot make one sign-in eat the machine.
_MIN_N, _MAX_N, _MAX_R, _MAX_P = 2**10, 2**20, 32, 16
_SALT_BYTES = 16
_KEY_BYTES = 32
_FORMAT = re.compile(r"scrypt\$n=(\d{1,8})\$r=(\d{1,3})\$p=(\d{1,3})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)")

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
MAX_FAILED_ATTEMPTS = 5
LOCK_DURATION = timedelta(minutes=15)
_MAX_UNKNOWN_TRACKED = 1000
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")


class AuthError(LoketError):
    code = "auth.error"


class SignInFailed(AuthError):
    """Unknown user, wrong password or inactive account: one message, so nobody learns which."""

    code = "auth.sign_in_failed"


class AccountLocked(AuthError):
    code = "auth.account_locked"

    def __init__(self, until: datetime) -> None:
        super().__init__(
            "Dit account is tijdelijk geblokkeerd na te veel mislukte pogingen. "
            "Probeer het over een kwartier opnieuw of vraag de beheerder.",
            until=until.isoformat(),
        )
        self.until = until


class PasswordTooWeak(AuthError):
    code = "auth.password_too_weak"


class UsernameInvalid(AuthError):
    code = "auth.username_invalid"


class UsernameTaken(AuthError):
    code = "auth.username_taken"


class AccountNotFound(AuthError):
    code = "auth.account_not_found"


def _scrypt(password: str, salt: bytes, params: ScryptParams, length: int) -> bytes:
    # maxmem: scrypt needs 128*r*N*p bytes; Python's default cap (32 MiB) is too small above N=2**15.
    maxmem = 128 * params.r * params.n * (params.p + 2) + 1024 * 1024
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=params.n, r=params.r, p=params.p, maxmem=maxmem, dklen=length
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, params: ScryptParams = CURRENT_PARAMS) -> str:
    """A new salted scrypt hash of `password` in the self-describing stored format."""
    salt = secrets.token_bytes(_SALT_BYTES)
    key = _scrypt(password, salt, params, _KEY_BYTES)
    return f"scrypt$n={params.n}$r={params.r}$p={params.p}${_b64(salt)}${_b64(key)}"


def _parse(stored: str) -> tuple[ScryptParams, bytes, bytes] | None:
    match = _FORMAT.fullmatch(stored)
    if match is None:
        return None
    params = ScryptParams(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    if not (_MIN_N <= params.n <= _MAX_N and params.n & (params.n - 1) == 0):
        return None
    if not (1 <= params.r <= _MAX_R and 1 <= params.p <= _MAX_P):
        return None
    try:
        salt = base64.b64decode(match.group(4), validate=True)
        key = base64.b64decode(match.group(5), validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(salt) < 4 or len(key) < _KEY_BYTES:
        return None
    return params, salt, key


def verify_password(password: str, stored: str) -> bool:
    """True when `password` matches; a malformed or out-of-bounds stored string never matches."""
    parsed = _parse(stored)
    if parsed is None:
        log.warning("stored password hash is malformed or has parameters out of bounds; refused")
        return False
    params, salt, expected = parsed
    actual = _scrypt(password, salt, params, len(expected))
    return hmac.compare_digest(actual, expected)


def needs_rehash(stored: str) -> bool:
    """True when the hash was made with other parameters (or salt/key size) than today's."""
    parsed = _parse(stored)
    if parsed is None:
        return True
    params, salt, key = parsed
    return params != CURRENT_PARAMS or len(salt) != _SALT_BYTES or len(key) != _KEY_BYTES


def check_password_policy(password: str, *, username: str = "") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordTooWeak(f"Een wachtwoord moet minstens {MIN_PASSWORD_LENGTH} tekens lang zijn.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordTooWeak(f"Een wachtwoord mag hoogstens {MAX_PASSWORD_LENGTH} tekens lang zijn.")
    if username and username.casefold() in password.casefold():
        raise PasswordTooWeak("Het wachtwoord mag de gebruikersnaam niet bevatten.")
    if len(set(password)) < 4:
        raise PasswordTooWeak("Het wachtwoord is te eenvoudig: gebruik meer verschillende tekens.")


def normalize_username(username: str) -> str:
    name = username.strip().lower()
    if not _USERNAME.fullmatch(name):
        raise UsernameInvalid(
            "Een gebruikersnaam heeft 2 tot 40 tekens: kleine letters, cijfers, punt, streepje of liggend streepje."
        )
    return name


@dataclass(frozen=True)
class StaffAccount:
    id: int | None
    username: str
    display_name: str
    roles: frozenset[Role]
    password_hash: str = field(repr=False)
    active: bool = True
    failed_attempts: int = 0
    locked_until: datetime | None = None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def as_actor(self) -> Actor:
        return Actor(staff_id=self.id, username=self.username, display_name=self.display_name, roles=self.roles)


class StaffDirectory(Protocol):
    """Where accounts live (the database in production)."""

    def by_username(self, username: str) -> StaffAccount | None: ...

    def add(self, account: StaffAccount) -> StaffAccount:
        """Store a new account and return it with its id; UsernameTaken when the name exists."""
        ...

    def save(self, account: StaffAccount) -> None:
        """Update display name, roles, password hash and active flag of an existing account."""
        ...

    def set_password_hash(self, account_id: int, password_hash: str) -> None:
        """Store a new hash only (a desk PC may do this; it may not change names or roles)."""
        ...

    def record_failure(self, account_id: int) -> int:
        """Add one failed attempt atomically; return the new count."""
        ...

    def lock(self, account_id: int, until: datetime) -> None:
        """Lock until `until` and start counting failures from zero again."""
        ...

    def record_success(self, account_id: int, at: datetime) -> None:
        """Clear failures and lock; remember the sign-in time."""
        ...

    def list_accounts(self) -> list[StaffAccount]: ...


class SignInService:
    """Sign-in and account management; every rule here, the screens only ask."""

    def __init__(self, directory: StaffDirectory, clock: Clock) -> None:
        self._directory = directory
        self._clock = clock
        # Made now, not on the first unknown name: that first refusal would otherwise take twice as long.
        self._dummy_hash = hash_password(secrets.token_hex(16))
        # Unknown names lock like real ones, or five tries would tell which accounts exist.
        self._unknown: dict[str, tuple[int, datetime | None]] = {}

    def _spend_hash_time(self, password: str) -> None:
        # An unknown user costs as much time as a known one, so timing does not reveal accounts.
        verify_password(password, self._dummy_hash)

    def _refuse_unknown(self, name: str, password: str, now: datetime) -> None:
        count, until = self._unknown.get(name, (0, None))
        if until is not None and now < until:
            raise AccountLocked(until)
        self._spend_hash_time(password)
        log.info("sign-in refused: unknown user")
        if len(self._unknown) >= _MAX_UNKNOWN_TRACKED:
            self._unknown.clear()  # bounded memory; forgetting only makes locking later
        if count + 1 >= MAX_FAILED_ATTEMPTS:
            self._unknown[name] = (0, now + LOCK_DURATION)
            raise AccountLocked(now + LOCK_DURATION)
        self._unknown[name] = (count + 1, None)

    def sign_in(self, username: str, password: str) -> Actor:
        failed = SignInFailed("Gebruikersnaam of wachtwoord klopt niet.")
        try:
            name = normalize_username(username)
        except UsernameInvalid:
            self._spend_hash_time(password)
            raise failed from None
        account = self._directory.by_username(name)
        now = self._clock.now()
        if account is None or account.id is None:
            self._refuse_unknown(name, password, now)
            raise failed
        if account.is_locked(now):
            assert account.locked_until is not None
            log.info("sign-in refused: account %d is locked", account.id)
            raise AccountLocked(account.locked_until)
        if not verify_password(password, account.password_hash) or not account.active:
            if account.active:
                count = self._directory.record_failure(account.id)
                if count >= MAX_FAILED_ATTEMPTS:
                    self._directory.lock(account.id, now + LOCK_DURATION)
                    log.warning("account %d locked after %d failed sign-ins", account.id, count)
                    raise AccountLocked(now + LOCK_DURATION)
            log.info("sign-in refused for account %d", account.id)
            raise failed
        self._directory.record_success(account.id, now)
        if needs_rehash(account.password_hash):
            self._directory.set_password_hash(account.id, hash_password(password))
            log.info("password hash of account %d upgraded to current parameters", account.id)
        log.info("account %d signed in", account.id)
        return account.as_actor()

    def add_account(
        self, actor: Actor | None, username: str, display_name: str, roles: Iterable[Role], password: str
    ) -> StaffAccount:
        require(actor, Permission.STAFF_MANAGE)
        name = normalize_username(username)
        role_set = frozenset(roles)
        if not role_set:
            raise AuthError("Kies minstens één rol.")
        if not display_name.strip():
            raise AuthError("Vul de naam van de medewerker in.")
        check_password_policy(password, username=name)
        if self._directory.by_username(name) is not None:
            raise UsernameTaken("Deze gebruikersnaam bestaat al.")
        account = StaffAccount(
            id=None,
            username=name,
            display_name=display_name.strip(),
            roles=role_set,
            password_hash=hash_password(password),
        )
        return self._directory.add(account)

    def change_password(self, actor: Actor | None, current_password: str, new_password: str) -> None:
        """A signed-in staff member changes their own password (the current one is asked again)."""
        if actor is None:
            require(actor, Permission.QUEUE_SERVE)  # raises NotSignedIn
        assert actor is not None
        account = self._account(actor.username)
        if not verify_password(current_password, account.password_hash):
            raise SignInFailed("Het huidige wachtwoord klopt niet.")
        check_password_policy(new_password, username=account.username)
        assert account.id is not None
        self._directory.set_password_hash(account.id, hash_password(new_password))
        log.info("account %s changed its password", account.id)

    def reset_password(self, actor: Actor | None, username: str, new_password: str) -> None:
        """An administrator sets a new password (and lifts a lock)."""
        require(actor, Permission.STAFF_MANAGE)
        account = self._account(username)
        check_password_policy(new_password, username=account.username)
        assert account.id is not None
        self._directory.set_password_hash(account.id, hash_password(new_password))
        self._directory.record_success(account.id, self._clock.now())

    def set_roles(self, actor: Actor | None, username: str, roles: Iterable[Role]) -> None:
        require(actor, Permission.STAFF_MANAGE)
        role_set = frozenset(roles)
        if not role_set:
            raise AuthError("Kies minstens één rol.")
        self._directory.save(replace(self._account(username), roles=role_set))

    def set_active(self, actor: Actor | None, username: str, active: bool) -> None:
        require(actor, Permission.STAFF_MANAGE)
        self._directory.save(replace(self._account(username), active=active))

    def accounts(self, actor: Actor | None) -> list[StaffAccount]:
        require(actor, Permission.STAFF_MANAGE)
        return self._directory.list_accounts()

    def _account(self, username: str) -> StaffAccount:
        account = self._directory.by_username(normalize_username(username))
        if account is None or account.id is None:
            raise AccountNotFound("Dit account bestaat niet.")
        return account


class InMemoryStaffDirectory:
    """A StaffDirectory in a dict: for the core's tests and tools that have no database."""

    def __init__(self) -> None:
        self._accounts: dict[str, StaffAccount] = {}
        self._last_sign_in: dict[int, datetime] = {}

    def by_username(self, username: str) -> StaffAccount | None:
        return self._accounts.get(username)

    def add(self, account: StaffAccount) -> StaffAccount:
        if account.username in self._accounts:
            raise UsernameTaken("Deze gebruikersnaam bestaat al.")
        stored = replace(account, id=len(self._accounts) + 1)
        self._accounts[stored.username] = stored
        return stored

    def save(self, account: StaffAccount) -> None:
        current = self._by_id(account.id)
        self._accounts[current.username] = replace(
            current,
            display_name=account.display_name,
            roles=account.roles,
            password_hash=account.password_hash,
            active=account.active,
        )

    def set_password_hash(self, account_id: int, password_hash: str) -> None:
        current = self._by_id(account_id)
        self._accounts[current.username] = replace(current, password_hash=password_hash)

    def record_failure(self, account_id: int) -> int:
        current = self._by_id(account_id)
        self._accounts[current.username] = replace(current, failed_attempts=current.failed_attempts + 1)
        return current.failed_attempts + 1

    def lock(self, account_id: int, until: datetime) -> None:
        current = self._by_id(account_id)
        self._accounts[current.username] = replace(current, failed_attempts=0, locked_until=until)

    def record_success(self, account_id: int, at: datetime) -> None:
        current = self._by_id(account_id)
        self._accounts[current.username] = replace(current, failed_attempts=0, locked_until=None)
        self._last_sign_in[account_id] = at

    def list_accounts(self) -> list[StaffAccount]:
        return sorted(self._accounts.values(), key=lambda a: a.username)

    def _by_id(self, account_id: int | None) -> StaffAccount:
        for account in self._accounts.values():
            if account.id == account_id:
                return account
        raise AccountNotFound("Dit account bestaat niet.")
