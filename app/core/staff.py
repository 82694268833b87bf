"""Staff roles and what each may do. The core checks these in every use case, not only the UI.

A role is a set of permissions; a signed-in staff member carries the union of their roles'
permissions. Use cases call `require(actor, Permission.X)` before touching data, so a screen that
forgets to hide a button (or a script driving the core) still cannot read persons or edit articles.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from app.core.errors import LoketError


class Role(StrEnum):
    BALIEMEDEWERKER = "baliemedewerker"
    GASTHEER = "gastheer"  # gastvrouw/-heer on the floor
    REDACTEUR = "redacteur"  # edits the knowledge base
    TEAMLEIDER = "teamleider"
    BEHEERDER = "beheerder"  # IT / functional administrator


class Permission(StrEnum):
    QUEUE_SERVE = "queue.serve"  # call, serve, transfer, finish at a desk
    QUEUE_STEER = "queue.steer"  # host: manual tickets, priorities, close a service
    PERSON_READ = "person.read"  # BRP lookup (audited)
    CONTACT_REGISTER = "contact.register"  # register klantcontacten, forward questions
    CONTACT_READ_ALL = "contact.read_all"  # see every contact and forwarded question, not only own
    CONTACT_EXPORT = "contact.export"
    TASK_HANDLE = "task.handle"  # record the back office's answer on a forwarded question
    KNOWLEDGE_READ = "knowledge.read"
    KNOWLEDGE_EDIT = "knowledge.edit"
    PAYMENT_TAKE = "payment.take"  # start a card payment, take cash
    PAYMENT_RESOLVE = "payment.resolve"  # decide an unknown payment outcome
    CASH_CLOSE = "cash.close"  # day closing of a kas
    REPORT_READ = "report.read"
    AUDIT_READ = "audit.read"
    STAFF_MANAGE = "staff.manage"
    CONFIG_MANAGE = "config.manage"


_DESK = frozenset(
    {
        Permission.QUEUE_SERVE,
        Permission.PERSON_READ,
        Permission.CONTACT_REGISTER,
        Permission.KNOWLEDGE_READ,
        Permission.PAYMENT_TAKE,
        Permission.CASH_CLOSE,
    }
)

ROLE_PERMISSIONS: MappingProxyType[Role, frozenset[Permission]] = MappingProxyType(
    {
        Role.BALIEMEDEWERKER: _DESK,
        # On the floor: steer the queue and answer simple questions; no person data.
        Role.GASTHEER: frozenset({Permission.QUEUE_STEER, Permission.KNOWLEDGE_READ, Permission.CONTACT_REGISTER}),
        Role.REDACTEUR: frozenset({Permission.KNOWLEDGE_READ, Permission.KNOWLEDGE_EDIT}),
        Role.TEAMLEIDER: _DESK
        | {
            Permission.QUEUE_STEER,
            Permission.CONTACT_READ_ALL,
            Permission.CONTACT_EXPORT,
            Permission.TASK_HANDLE,
            Permission.PAYMENT_RESOLVE,
            Permission.REPORT_READ,
            Permission.AUDIT_READ,
        },
        # Administrators manage accounts and configuration; reading persons is not their job.
        Role.BEHEERDER: frozenset(
            {Permission.STAFF_MANAGE, Permission.CONFIG_MANAGE, Permission.AUDIT_READ, Permission.KNOWLEDGE_READ}
        ),
    }
)


class PermissionDenied(LoketError):
    code = "staff.permission_denied"


class NotSignedIn(PermissionDenied):
    code = "staff.not_signed_in"


@dataclass(frozen=True)
class Actor:
    """Who does something: a signed-in staff member (or a system process with explicit roles)."""

    staff_id: int | None
    username: str
    display_name: str
    roles: frozenset[Role]

    @property
    def permissions(self) -> frozenset[Permission]:
        granted: frozenset[Permission] = frozenset()
        for role in self.roles:
            granted |= ROLE_PERMISSIONS[role]
        return granted

    def may(self, permission: Permission) -> bool:
        return permission in self.permissions


def require(actor: Actor | None, permission: Permission) -> Actor:
    """The actor, or PermissionDenied / NotSignedIn. Call at the top of every use case."""
    if actor is None:
        raise NotSignedIn("U bent niet aangemeld.", permission=permission.value)
    if not actor.may(permission):
        raise PermissionDenied(
            "U heeft geen recht om dit te doen.", permission=permission.value, username=actor.username
        )
    return actor
