"""Writes for running a practice: adding, changing and closing staff accounts, changing a
patient's care team, moving a departing colleague's patients, and the practice's settings.

Each care-team move is a change of a CareTeamMember row, so its simple-history records who
moved whom and when; the patient is told in plain words, with no names (the message may
travel by email or text)."""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify

from tether.accounts.models import (
    CARE_TEAM_ROLES,
    STAFF_ROLES,
    CareTeamMember,
    Patient,
    Practice,
    Role,
    User,
)
from tether.accounts.services import CareTeamError, add_clinician
from tether.lib.errors import Invalid
from tether.notifications.services import notify
from tether.staffing.work import OpenWork, caseload, open_work

TEAM_CHANGED_SUBJECT = "Your care team has changed"
TEAM_CHANGED_BODY = "Your care team has changed. Sign in to see who is caring for you."


class StaffInvalid(Invalid):
    """A staff change that cannot be made; `problems` says why, by field."""


class StillHoldsWork(ValueError):
    """Deactivation refused: the staff member still holds work a colleague must take first."""

    def __init__(self, work: OpenWork):
        self.work = work
        super().__init__("Reassign first: " + "; ".join(work.lines))


@dataclass(frozen=True)
class StaffDetails:
    role: str
    first_name: str
    last_name: str
    email: str
    phone: str = ""


def _free_username(first_name: str, last_name: str) -> str:
    base = slugify(f"{first_name[:1]}{last_name}")[:30] or "staff"
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def _check(details: StaffDetails) -> None:
    problems = {}
    if details.role not in STAFF_ROLES:
        problems["role"] = "Please choose one of the staff roles."
    if not details.email:
        problems["email"] = "Please give an email address: the set-password link goes there."
    if problems:
        raise StaffInvalid(problems)


def send_password_link(*, staff: User) -> None:
    """Email `staff` a link to choose their password (Django's password-reset token: single
    use, it dies when the password changes, and expires after PASSWORD_RESET_TIMEOUT). Sent
    once the current transaction commits; the link is never stored."""

    def send() -> None:
        path = reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(staff.pk)),
                "token": default_token_generator.make_token(staff),
            },
        )
        body = render_to_string(
            "staffing/password_link_email.txt",
            {
                "link": settings.SITE_URL.rstrip("/") + path,
                "username": staff.get_username(),
                "valid_hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600),
            },
        )
        send_mail("Your Tether account", body, None, [staff.email])

    transaction.on_commit(send, robust=True)


@transaction.atomic
def add_staff(*, practice: Practice, details: StaffDetails) -> User:
    """Create a staff account of `practice` and email them a link to set their password. The
    account gets a random password nobody knows, so "forgot password" works for them too."""
    _check(details)
    staff = User(
        practice=practice,
        username=_free_username(details.first_name, details.last_name),
        role=details.role,
        first_name=details.first_name,
        last_name=details.last_name,
        email=details.email,
        phone=details.phone,
    )
    staff.set_password(secrets.token_urlsafe(32))
    staff.full_clean()
    staff.save()
    send_password_link(staff=staff)
    return staff


@transaction.atomic
def update_staff(*, staff: User, by: User, details: StaffDetails) -> User:
    """Change a staff member's role, name, email or phone. A role held on care teams (and an
    admin's own role) is not changed here: their patients would keep a coordinator or
    clinician who no longer is one."""
    _check(details)
    if details.role != staff.role:
        if staff.pk == by.pk:
            raise StaffInvalid({"role": "You cannot change your own role."})
        if caseload(staff).exists():
            raise StaffInvalid(
                {"role": "Move their patients to a colleague before changing their role."}
            )
    staff.role = details.role
    staff.first_name = details.first_name
    staff.last_name = details.last_name
    staff.email = details.email
    staff.phone = details.phone
    staff.full_clean()
    staff.save(update_fields=["role", "first_name", "last_name", "email", "phone"])
    return staff


@transaction.atomic
def deactivate_staff(*, staff: User, by: User) -> None:
    """Close a staff member's account (it can be reopened). Refused while they hold patients,
    open risk alerts, open outreach tasks or on-call shifts (StillHoldsWork says which), so
    nothing is left without an owner; their API tokens die with the account."""
    if staff.pk == by.pk:
        raise StaffInvalid({"__all__": "You cannot close your own account."})
    # Lock the row so two admins closing and assigning at once see one another's work.
    User.objects.select_for_update().filter(pk=staff.pk).first()
    work = open_work(staff)
    if not work.empty:
        raise StillHoldsWork(work)
    staff.is_active = False
    staff.save(update_fields=["is_active"])


@transaction.atomic
def reactivate_staff(*, staff: User) -> None:
    """Reopen a closed staff account."""
    staff.is_active = True
    staff.save(update_fields=["is_active"])


def _tell_patient(patient: Patient) -> None:
    if patient.user is None or not patient.user.is_active:
        return
    notify(
        user=patient.user,
        subject=TEAM_CHANGED_SUBJECT,
        body=TEAM_CHANGED_BODY,
        link=reverse("home"),
        purpose="care-team-changed",
        patient=patient,
    )


def _check_colleague(staff: User, practice_id: object, role: str) -> None:
    if staff.practice_id != practice_id or not staff.is_active:
        raise CareTeamError(f"{staff.display_name} is not active staff of this practice.")
    if staff.role != role:
        raise CareTeamError(f"{staff.display_name} is not a {Role(role).label.lower()}.")


@transaction.atomic
def change_care_team(
    *, patient: Patient, by: User, coordinator: User, clinicians: list[User]
) -> bool:
    """Give `patient` this coordinator and these clinicians (at least one; the practice's
    rules as in accounts.services). Each change is recorded in the care team's history with
    `by`; the patient is told when anything changed. Return whether anything changed."""
    if not clinicians:
        raise CareTeamError("A care team needs at least one clinician.")
    _check_colleague(coordinator, patient.practice_id, Role.COORDINATOR)
    for clinician in clinicians:
        _check_colleague(clinician, patient.practice_id, Role.CLINICIAN)
    reason = f"Care team changed by {by.display_name}"
    changed = False
    members = list(CareTeamMember.objects.select_for_update().filter(patient=patient))
    wanted = {c.pk for c in clinicians}
    for member in members:
        keep = (
            member.team_role == CareTeamMember.TeamRole.CLINICIAN and member.staff_id in wanted
        ) or (
            member.team_role == CareTeamMember.TeamRole.COORDINATOR
            and member.staff_id == coordinator.pk
        )
        if not keep:
            member._history_user = by  # type: ignore[attr-defined]
            member._change_reason = reason  # type: ignore[attr-defined]
            member.delete()
            changed = True
    present = {m.staff_id for m in members}
    if coordinator.pk not in present:
        member = CareTeamMember(
            patient=patient, staff=coordinator, team_role=CareTeamMember.TeamRole.COORDINATOR
        )
        member._history_user = by  # type: ignore[attr-defined]
        member._change_reason = reason  # type: ignore[attr-defined]
        member.save()
        changed = True
    for clinician in clinicians:
        if clinician.pk not in present:
            add_clinician(patient=patient, clinician=clinician)
            changed = True
    if changed:
        _tell_patient(patient)
    return changed


@transaction.atomic
def reassign_caseload(*, departing: User, to: User, by: User) -> int:
    """Move every patient of `departing` to `to` (a colleague of the same role, active, of the
    same practice) in one step; each move is recorded in the care team's history with `by`,
    and each patient is told. Where `to` already is on a patient's team, `departing` just
    leaves it. Return how many patients moved."""
    if departing.role not in CARE_TEAM_ROLES:
        raise CareTeamError(f"{departing.display_name} holds no caseload.")
    if to.pk == departing.pk:
        raise CareTeamError("Please choose a colleague other than the person leaving.")
    _check_colleague(to, departing.practice_id, departing.role)
    reason = f"Moved from {departing.display_name} to {to.display_name} by {by.display_name}"
    moved = 0
    for member in caseload(departing).select_for_update(of=("self",)):
        member._history_user = by  # type: ignore[attr-defined]
        member._change_reason = reason  # type: ignore[attr-defined]
        if CareTeamMember.objects.filter(patient=member.patient_id, staff=to).exists():
            member.delete()
        else:
            member.staff = to
            member.save(update_fields=["staff"])
        _tell_patient(member.patient)
        moved += 1
    return moved


@transaction.atomic
def save_practice_settings(*, practice: Practice, by: User) -> Practice:
    """Save `practice` (already changed and validated by the settings form); its history
    records the change with `by` and the time."""
    practice._history_user = by  # type: ignore[attr-defined]
    practice.full_clean()
    practice.save()
    return practice
