"""The on-call rota: adding and removing shifts, the gaps in it, and whether a practice can
page anyone at all. Only clinicians and practice admins with active accounts may be on call
or backup for risk alerts."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from tether.access import may_change_rota
from tether.accounts.models import Practice, Role, User
from tether.accounts.selectors import practice_admins
from tether.crisis.models import OnCallShift
from tether.lib.phones import normalise_phone

ROTA_GAP_DAYS = 14
ON_CALL_ROLES = (Role.CLINICIAN, Role.ADMIN)

NO_AFTER_HOURS_PHONE = (
    "There is no after-hours contact: add the phone number of the practice's answering "
    "service (or whoever answers out of hours), so that a risk alert nobody on the rota "
    "acknowledges still reaches a person."
)
NO_ACTIVE_ADMIN = (
    "The practice has no active admin, so an alert nobody on call acknowledges has nobody "
    "on the staff to escalate to."
)


class ShiftInvalid(ValueError):
    """An on-call shift that cannot be saved, with a message fit to show the admin."""


# --- Can the practice page anyone? ----------------------------------------------------------


def after_hours_phone_problems(*, phone: str, country: str) -> list[str]:
    """Return what is wrong with an after-hours phone number (empty: nothing)."""
    phone = (phone or "").strip()
    if not phone:
        return [NO_AFTER_HOURS_PHONE]
    try:
        normalise_phone(phone, country=country)
    except ValueError as error:
        return [f"The after-hours phone: {error}"]
    return []


def practice_paging_problems(practice: Practice) -> list[str]:
    """Return, in plain words, each reason a risk alert at this practice might reach nobody:
    no valid after-hours contact, no active admin. Empty when escalation always ends with a
    person."""
    problems = after_hours_phone_problems(
        phone=practice.after_hours_phone, country=practice.country
    )
    if practice.pk is not None and not practice_admins(practice.pk).exists():
        problems.append(NO_ACTIVE_ADMIN)
    return problems


# --- Gaps -----------------------------------------------------------------------------------


def uncovered(
    spans: Iterable[tuple[datetime, datetime]], *, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """Return the parts of [start, end) that no span in `spans` covers, in order. Spans are
    half-open [from, to): a shift ending at 08:00 and the next starting at 08:00 leave no
    gap. Pure: no database."""
    if end <= start:
        return []
    gaps = []
    cursor = start
    for begins, ends in sorted(spans):
        if ends <= cursor:
            continue
        if begins >= end:
            break
        if begins > cursor:
            gaps.append((cursor, begins))
        cursor = max(cursor, ends)
        if cursor >= end:
            break
    if cursor < end:
        gaps.append((cursor, end))
    return gaps


def rota_gaps(
    practice: Practice, *, now: datetime, days: int = ROTA_GAP_DAYS
) -> list[tuple[datetime, datetime]]:
    """Return the stretches of the next `days` days when nobody active is on call, soonest
    first. A shift whose clinician's account is inactive still covers its time when its
    backup is active (the backup is paged at once); with neither, it is a gap. So is a shift
    held only by someone who may not answer alerts (a peer supporter or coordinator)."""
    end = now + timedelta(days=days)
    shifts = OnCallShift.objects.filter(
        practice=practice, starts_at__lt=end, ends_at__gt=now
    ).values_list(
        "starts_at",
        "ends_at",
        "clinician__is_active",
        "clinician__role",
        "backup__is_active",
        "backup__role",
    )
    # Covered only by someone who may answer: an active clinician or admin (ON_CALL_ROLES).
    spans = [
        (s, e)
        for s, e, on_call, on_call_role, backup, backup_role in shifts
        if (on_call and on_call_role in ON_CALL_ROLES) or (backup and backup_role in ON_CALL_ROLES)
    ]
    return uncovered(spans, start=now, end=end)


def shifts_held_by_others(practice: Practice, *, now: datetime) -> list[str]:
    """Return, in plain words, each current or upcoming shift whose on-call person or backup
    may not be on call (a peer supporter or coordinator, put there before the rule or through
    the Django admin). They are left on the rota for the admin to replace, not removed."""
    shifts = (
        OnCallShift.objects.filter(practice=practice, ends_at__gt=now)
        .select_related("clinician", "backup")
        .order_by("starts_at")
    )
    found = []
    for shift in shifts:
        for who, what in ((shift.clinician, "on call"), (shift.backup, "backup")):
            if who is not None and who.role not in ON_CALL_ROLES:
                when = timezone.localtime(shift.starts_at).strftime("%a %-d %b %H:%M")
                found.append(
                    f"{who.display_name} is {what} from {when} but is a "
                    f"{who.get_role_display().lower()}, who cannot answer risk alerts: "
                    "remove the shift and add it again with a clinician or admin."
                )
    return found


# --- Shifts ---------------------------------------------------------------------------------


def _check_on_call(user: User | None, practice: Practice, what: str) -> None:
    if user is None:
        return
    if user.practice_id != practice.pk:
        raise ShiftInvalid(f"The {what} must be a clinician of this practice.")
    if user.role not in ON_CALL_ROLES:
        raise ShiftInvalid(
            f"The {what} must be a clinician (or a practice admin); {user.display_name} is a "
            f"{user.get_role_display().lower()}."
        )
    if not user.is_active:
        raise ShiftInvalid(
            f"The {what} must have an active account; {user.display_name}'s is inactive."
        )


@transaction.atomic
def add_shift(
    *,
    practice: Practice,
    by: User,
    clinician: User,
    starts_at: datetime,
    ends_at: datetime,
    backup: User | None = None,
) -> OnCallShift:
    """Add an on-call shift. Only the practice's admin may; nothing is saved on bad input.
    A practice without an after-hours contact may still add shifts: a shift only adds
    people to page (the on-call page and the admin's settings say what is missing)."""
    if not may_change_rota(by, practice.pk):
        raise ShiftInvalid("Only the practice admin can change the on-call rota.")
    if starts_at is None or ends_at is None:
        raise ShiftInvalid("Please give both a start and an end time.")
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ShiftInvalid("Times must include a time zone.")
    if ends_at <= starts_at:
        raise ShiftInvalid("The shift must end after it starts.")
    _check_on_call(clinician, practice, "on-call clinician")
    _check_on_call(backup, practice, "backup")
    if backup is not None and backup.pk == clinician.pk:
        raise ShiftInvalid("The backup must be someone other than the on-call clinician.")
    # Serialise rota changes per practice, so two admins cannot create an overlap together.
    Practice.objects.select_for_update().filter(pk=practice.pk).first()
    if OnCallShift.objects.filter(
        practice=practice, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).exists():
        raise ShiftInvalid("This overlaps a shift already on the rota; remove that one first.")
    return OnCallShift.objects.create(
        practice=practice,
        clinician=clinician,
        backup=backup,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=by,
    )


@transaction.atomic
def remove_shift(*, shift: OnCallShift, by: User) -> None:
    """Remove a shift from the rota. Only the practice's admin may."""
    if not may_change_rota(by, shift.practice_id):
        raise ShiftInvalid("Only the practice admin can change the on-call rota.")
    shift.delete()
