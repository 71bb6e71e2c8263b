"""Reads about a staff member's work: their caseload, the open work that must move to a
colleague before their account can be closed, and every caseload of a practice against its
limit."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tether.accounts.models import CARE_TEAM_ROLES, CareTeamMember, Patient, Practice, User
from tether.crisis.models import OnCallShift, RiskAlert
from tether.engagement.models import OutreachTask


def caseload(staff: User) -> QuerySet[CareTeamMember]:
    """Return `staff`'s care-team places (one per patient), the patient loaded."""
    return (
        CareTeamMember.objects.filter(staff=staff)
        .select_related("patient")
        .order_by("patient__last_name", "patient__first_name", "pk")
    )


def open_alerts_held(staff: User) -> QuerySet[RiskAlert]:
    """Return the risk alerts not yet resolved that `staff` holds: acknowledged by them, or
    paged to them as the on-call clinician or backup of the alert's shift."""
    return RiskAlert.objects.exclude(status=RiskAlert.Status.RESOLVED).filter(
        Q(acknowledged_by=staff)
        | Q(on_call_shift__clinician=staff)
        | Q(on_call_shift__backup=staff)
    )


def open_tasks_held(staff: User) -> QuerySet[OutreachTask]:
    """Return the open outreach tasks assigned to `staff`."""
    return OutreachTask.objects.filter(assigned_to=staff, status=OutreachTask.Status.OPEN)


def shifts_ahead(staff: User) -> QuerySet[OnCallShift]:
    """Return the on-call shifts, current or to come, where `staff` is on call or backup."""
    return OnCallShift.objects.filter(Q(clinician=staff) | Q(backup=staff)).filter(
        ends_at__gt=timezone.now()
    )


@dataclass
class OpenWork:
    """What a staff member still holds; their account may be closed only when it is empty."""

    patients: int = 0
    alerts: int = 0
    tasks: int = 0
    shifts: int = 0
    lines: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.patients or self.alerts or self.tasks or self.shifts)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def open_work(staff: User) -> OpenWork:
    """Return what `staff` holds that a colleague must take first, with a line for each kind."""
    work = OpenWork(
        patients=caseload(staff).count(),
        alerts=open_alerts_held(staff).count(),
        tasks=open_tasks_held(staff).count(),
        shifts=shifts_ahead(staff).count(),
    )
    if work.patients:
        work.lines.append(
            _plural(work.patients, "patient's care team", "patients' care teams")
            + " (move them to a colleague below)"
        )
    if work.alerts:
        work.lines.append(
            _plural(work.alerts, "open risk alert", "open risk alerts")
            + " (resolve, or have a colleague acknowledge them)"
        )
    if work.tasks:
        work.lines.append(
            _plural(work.tasks, "open outreach task", "open outreach tasks")
            + " (complete them or pass them on from the outreach queue)"
        )
    if work.shifts:
        work.lines.append(
            _plural(work.shifts, "on-call shift", "on-call shifts")
            + " now or to come (change them on the on-call rota)"
        )
    return work


@dataclass(frozen=True)
class Caseload:
    staff: User
    patients: int
    limit: int

    @property
    def over(self) -> bool:
        return self.patients > self.limit

    @property
    def percent(self) -> int:
        return round(100 * self.patients / self.limit) if self.limit else 0


def caseloads(practice: Practice) -> list[Caseload]:
    """Return each active coordinator's and clinician's caseload against the practice's limit,
    largest first."""
    staff = (
        User.objects.filter(practice=practice, role__in=CARE_TEAM_ROLES, is_active=True)
        .annotate(patients=Count("care_teams"))
        .order_by("-patients", "last_name", "first_name", "pk")
    )
    return [Caseload(staff=s, patients=s.patients, limit=practice.caseload_limit) for s in staff]


@dataclass(frozen=True)
class CareTeam:
    coordinator: User | None
    clinicians: list[User]


def care_team_of(patient: Patient) -> CareTeam:
    """Return `patient`'s coordinator and clinicians (a patient already let through access)."""
    members = list(patient.care_team.select_related("staff").order_by("added_at", "pk"))
    return CareTeam(
        coordinator=next(
            (m.staff for m in members if m.team_role == CareTeamMember.TeamRole.COORDINATOR),
            None,
        ),
        clinicians=[m.staff for m in members if m.team_role == CareTeamMember.TeamRole.CLINICIAN],
    )


def team_history(patient: Patient, *, limit: int = 20) -> QuerySet:
    """Return the latest recorded changes of `patient`'s care team, newest first."""
    return (
        CareTeamMember.history.filter(patient_id=patient.pk)
        .select_related("staff", "history_user")
        .order_by("-history_date", "-pk")[:limit]
    )
