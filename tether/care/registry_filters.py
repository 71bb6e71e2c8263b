"""The registry's filters, read from the page's query string: what a member of staff may
narrow their registry by (program, clinician, coordinator for admins, flag)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tether.access import is_practice_admin, my_practice_staff, visible_programs
from tether.accounts.http import AuthenticatedRequest
from tether.accounts.models import Role, User
from tether.care.targets import Flag
from tether.engagement.models import Program

FLAG_VALUES = frozenset(f.value for f in Flag)


@dataclass
class Filters:
    """The registry's GET filters, checked against what the user may choose from."""

    programs: list[Program]
    clinicians: list[User]
    coordinators: list[User]  # empty unless the user is an admin
    program: Program | None = None
    clinician: User | None = None
    coordinator: User | None = None
    flag: Flag | None = None
    problems: list[str] = field(default_factory=list)

    def as_kwargs(self) -> dict:
        return {
            "program": self.program,
            "clinician": self.clinician,
            "coordinator": self.coordinator,
            "flag": self.flag,
        }

    @property
    def narrowed(self) -> bool:
        """Whether a filter other than the coordinator narrows the rows."""
        return any((self.program, self.clinician, self.flag))


def _staff(user: User, role: str) -> list[User]:
    return list(my_practice_staff(user, role).order_by("last_name", "first_name", "username"))


def pick(choices, value: str):
    """Return the choice whose id is `value`, else None."""
    return next((c for c in choices if str(c.pk) == value), None)


def read_filters(request: AuthenticatedRequest) -> Filters:
    """Return the filters of the request. An unknown value (or one this user may not use)
    is dropped with a message saying so, never an error."""
    user = request.user
    is_admin = is_practice_admin(user, user.practice_id)
    filters = Filters(
        programs=list(visible_programs(user)),
        clinicians=_staff(user, Role.CLINICIAN),
        coordinators=_staff(user, Role.COORDINATOR) if is_admin else [],
    )
    get = request.GET
    if value := get.get("program", "").strip():
        filters.program = pick(filters.programs, value)
        if filters.program is None:
            filters.problems.append("Unknown program: showing every program.")
    if value := get.get("clinician", "").strip():
        filters.clinician = pick(filters.clinicians, value)
        if filters.clinician is None:
            filters.problems.append("Unknown clinician: showing every clinician's patients.")
    if value := get.get("coordinator", "").strip():
        if not is_admin:
            filters.problems.append("Only practice admins can choose a coordinator.")
        else:
            filters.coordinator = pick(filters.coordinators, value)
            if filters.coordinator is None:
                filters.problems.append("Unknown coordinator: showing every coordinator.")
    if value := get.get("flag", "").strip():
        if value in FLAG_VALUES:
            filters.flag = Flag(value)
        else:
            filters.problems.append("Unknown flag: showing every patient.")
    return filters
