"""Who may see and change what: the staff's scope, shared by the back office and the chat.

An admin sees every organisation; a curator his own (and changes them); a coordinator the
organisations he holds a coordinator membership in and, when invited for a municipality or
region, every organisation there (read-only). Only `load_scope` reads that coverage.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from mentoring.people.invites import INVITE_ROLES
from storage import coverage as coverage_store
from storage.db import Database
from storage.people import Person

__all__ = ["STAFF_ROLES", "Scope", "load_scope", "scope_of"]

STAFF_ROLES = ("curator", "coordinator", "admin")
CURATOR_INVITE_ROLES = ("mentee", "mentor", "curator")


@dataclass(frozen=True, slots=True)
class Scope:
    person_id: int
    is_admin: bool
    curated: frozenset[int]
    coordinated: frozenset[int]
    municipalities: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()

    @property
    def organisation_ids(self) -> frozenset[int] | None:
        """The organisations in scope; None means all of them (an admin)."""
        return None if self.is_admin else self.curated | self.coordinated

    @property
    def can_create_organisations(self) -> bool:
        return self.is_admin

    def sees(self, organisation_id: int | None) -> bool:
        if self.is_admin:
            return True
        return organisation_id is not None and organisation_id in self.curated | self.coordinated

    def manages(self, organisation_id: int | None) -> bool:
        """May change the organisation, invite to it and import people into it."""
        return self.is_admin or (organisation_id is not None and organisation_id in self.curated)

    def invite_roles(self, organisation_id: int) -> tuple[str, ...]:
        if self.is_admin:
            return INVITE_ROLES
        return CURATOR_INVITE_ROLES if organisation_id in self.curated else ()


def scope_of(person: Person | None) -> Scope | None:
    """The staff scope of a registered person, or None when he has no staff role."""
    if person is None or not person.registered or not person.roles & set(STAFF_ROLES):
        return None
    by_role: dict[str, set[int]] = {"curator": set(), "coordinator": set()}
    for membership in person.memberships:
        if membership.role in by_role and membership.organisation_id is not None:
            by_role[membership.role].add(membership.organisation_id)
    return Scope(
        person_id=person.id,
        is_admin="admin" in person.roles,
        curated=frozenset(by_role["curator"]),
        coordinated=frozenset(by_role["coordinator"]),
    )


async def load_scope(db: Database, person: Person | None) -> Scope | None:
    """`scope_of` plus the organisations of the coordinator's municipalities and regions,
    resolved afresh on every call so that a new school there is in scope at once."""
    scope = scope_of(person)
    if scope is None or person is None or scope.is_admin or "coordinator" not in person.roles:
        return scope
    async with db.connect() as conn:
        coverage = await coverage_store.coverage_of(conn, scope.person_id)
        covered = await coverage_store.covered_organisations(conn, coverage)
    return replace(
        scope,
        coordinated=scope.coordinated | covered,
        municipalities=coverage.municipalities,
        regions=coverage.regions,
    )
