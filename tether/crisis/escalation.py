"""Who is paged about a risk alert, and when: the on-call clinician, then the backup, then
the practice admins; after that the whole chain again every Practice.repage_minutes until
somebody acknowledges. When the chain is exhausted (the admin step, or nobody at all) the
practice's after-hours contact is texted too, on every round. Inactive users are never
paged. Escalation never ends in silence: an open alert always has a next step due.

Each step is claimed with a conditional UPDATE; the sweep takes due alerts in batches
(tether.lib.claims), each alert in its own savepoint, so any number of concurrent sweeps page
each step exactly once, and an alert whose step fails does not hold up the others."""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, QuerySet
from django.urls import reverse

from tether.accounts.models import Practice, User
from tether.accounts.selectors import practice_admins
from tether.crisis.models import AlertEvent, OnCallShift, RiskAlert
from tether.crisis.rota import ON_CALL_ROLES
from tether.lib.claims import CLAIM_BATCH, claim_due
from tether.lib.history import record_update
from tether.lib.urls import absolute_url
from tether.notifications.services import notify, queue_sms

log = logging.getLogger(__name__)

LEVEL_ON_CALL, LEVEL_BACKUP, LEVEL_ADMIN = 0, 1, 2
NOBODY_ON_CALL = "Nobody was on call, so the practice admin was alerted at once."
ON_CALL_INACTIVE = "The on-call clinician's account is inactive, so the backup was paged at once."
NOBODY_ACTIVE_ON_CALL = (
    "Nobody on the on-call shift has an active account, so the practice admin was alerted at once."
)
NO_BACKUP = "The on-call shift had no backup, so the practice admin was alerted."
NO_ADMIN = "The practice has no active admin to escalate to."
NO_AFTER_HOURS = "The practice has no after-hours contact, so nobody outside the rota was texted."
URGENT = "Urgent (high risk on the Columbia screener): the on-call team and admins paged at once."

ALERT_SUBJECT = "A risk alert needs you"
ALERT_BODY = "A risk alert needs you — open Tether."
ALERT_PURPOSE = "risk-alert"
AFTER_HOURS_PURPOSE = "risk-alert-after-hours"

# Events that mean a staff member was paged (the patient's message depends on it).
PAGE_KINDS = (AlertEvent.Kind.NOTIFIED, AlertEvent.Kind.ESCALATED, AlertEvent.Kind.REPAGED)


def on_call_at(practice: Practice, at: datetime) -> OnCallShift | None:
    """Return the shift covering `at` (the latest-starting one, should shifts overlap)."""
    return (
        OnCallShift.objects.filter(practice=practice, starts_at__lte=at, ends_at__gt=at)
        .select_related("clinician", "backup")
        .order_by("-starts_at")
        .first()
    )


def _on_call(*users: User | None) -> list[User]:
    """The people among a shift's `users` who may answer a risk alert: active clinicians and
    admins (rota.ON_CALL_ROLES). A peer supporter or coordinator put on a shift before that
    rule, or through the Django admin, is not paged: they cannot open the alert, and paging
    them would let the alert wait on someone who cannot act. The chain goes on without them."""
    return [user for user in _active(*users) if user.role in ON_CALL_ROLES]


def _active(*users: User | None) -> list[User]:
    """The active users among `users`, each once, in order."""
    seen: set[int] = set()
    people = []
    for user in users:
        if user is not None and user.is_active and user.pk not in seen:
            seen.add(user.pk)
            people.append(user)
    return people


def whole_chain(alert: RiskAlert, *, now: datetime) -> list[User]:
    """Return everyone who answers for the alert now: the on-call clinician and backup of the
    shift covering `now` and of the shift the alert was raised in, then the practice admins;
    active accounts only, each once."""
    practice = alert.patient.practice
    current = on_call_at(practice, now)
    raised_in = alert.on_call_shift
    return _active(
        *_on_call(
            current.clinician if current else None,
            current.backup if current else None,
            raised_in.clinician if raised_in else None,
            raised_in.backup if raised_in else None,
        ),
        *practice_admins(practice.pk),
    )


def current_holders(alert: RiskAlert) -> list[User]:
    """Return whoever holds the alert now: the person who acknowledged it (if still active),
    else the people paged at its current escalation level."""
    if alert.status == RiskAlert.Status.ACKNOWLEDGED:
        holder = _active(alert.acknowledged_by)
        if holder:
            return holder
    shift = alert.on_call_shift
    if alert.escalation_level == LEVEL_ON_CALL and shift is not None:
        people = _on_call(shift.clinician)
    elif alert.escalation_level == LEVEL_BACKUP and shift is not None:
        people = _on_call(shift.backup)
    else:
        people = []
    return people or list(practice_admins(alert.patient.practice_id))


def _ack_limit(practice: Practice) -> timedelta:
    return timedelta(minutes=practice.alert_ack_minutes)


def _repage_every(practice: Practice) -> timedelta:
    return timedelta(minutes=max(1, practice.repage_minutes))


# --- Paging ----------------------------------------------------------------------------------


def send_alert_notice(*, alert: RiskAlert, user: User) -> None:
    """THE single call site that pages a staff member about a risk alert: in-app, email and
    SMS. Only "A risk alert needs you" and a link: no name, no reason, no clinical detail,
    since email and text are not private channels."""
    try:
        # A savepoint: a failure to page must never undo the alert (nor the assessment that
        # raised it). The escalation clock keeps running either way.
        with transaction.atomic():
            notify(
                user=user,
                subject=ALERT_SUBJECT,
                body=ALERT_BODY,
                link=reverse("alert_detail", args=[alert.pk]),
                purpose=ALERT_PURPOSE,
                channels=("in_app", "email", "sms"),
            )
    except Exception:  # noqa: BLE001  (logged; escalation still moves the alert on)
        log.exception("Could not page %s about risk alert %s", user.pk, alert.pk)


def _record_and_send(
    alert: RiskAlert, *, recipients: list[User], kind: str, at: datetime, note: str
) -> None:
    # Called inside the transaction that claimed the step. The events, the in-app notices
    # and the delivery records commit together with the claim, or not at all: a step is
    # never recorded without its messages, nor its messages queued twice. The sends happen
    # on commit, and one that fails is retried by the notifications retry sweep.
    for user in recipients:
        AlertEvent.objects.create(alert=alert, kind=kind, recipient=user, at=at, note=note)
        send_alert_notice(alert=alert, user=user)
    if not recipients:
        AlertEvent.objects.create(alert=alert, kind=kind, at=at, note=note)


def text_after_hours_contact(alert: RiskAlert, *, at: datetime) -> bool:
    """Text the practice's after-hours contact that nobody on the rota has acknowledged the
    alert, and record it (AFTER_HOURS, the number in the note). Nothing clinical and no name
    travels by text. Return whether a text was queued; when it could not be, say why on the
    alert's history."""
    practice = alert.patient.practice
    phone = practice.after_hours_phone.strip()
    if not phone:
        AlertEvent.objects.create(
            alert=alert, kind=AlertEvent.Kind.NOTE, at=at, note=NO_AFTER_HOURS
        )
        return False
    link = absolute_url(reverse("alert_detail", args=[alert.pk]))
    body = (
        f"Tether: {practice.name} has a risk alert that nobody on its on-call rota has "
        f"acknowledged. Please follow the practice's after-hours procedure now and reach a "
        f"clinician. Ref {str(alert.pk)[:8]} {link}"
    )
    try:
        with transaction.atomic():
            delivery = queue_sms(
                to=phone, body=body, purpose=AFTER_HOURS_PURPOSE, country=practice.country
            )
    except Exception as error:  # noqa: BLE001  (a bad number must not stop escalation)
        log.exception("Could not text the after-hours contact about risk alert %s", alert.pk)
        AlertEvent.objects.create(
            alert=alert,
            kind=AlertEvent.Kind.NOTE,
            at=at,
            note=f"Could not text the after-hours contact ({phone}): {error}",
        )
        return False
    who = practice.after_hours_name.strip() or "After-hours contact"
    AlertEvent.objects.create(
        alert=alert, kind=AlertEvent.Kind.AFTER_HOURS, at=at, note=f"{who}: {delivery.to}"
    )
    return True


# --- Starting and moving the chain -----------------------------------------------------------


def start_escalation(alert: RiskAlert, *, at: datetime, urgent: bool = False) -> None:
    """Page the first person of the chain for a new alert and start its clock. Runs inside
    raise_risk_alert's transaction: the alert, its first events and its clock are saved
    together; the messages go out once that commits. An urgent alert also pages the rest of
    the on-call team and the admins at once."""
    practice = alert.patient.practice
    shift = on_call_at(practice, at)
    alert.on_call_shift = shift
    clinician = _on_call(shift.clinician) if shift else []
    backup = _on_call(shift.backup) if shift else []
    if clinician:
        level, recipients, kind, note = LEVEL_ON_CALL, clinician, AlertEvent.Kind.NOTIFIED, ""
    elif backup:
        level, recipients, kind = LEVEL_BACKUP, backup, AlertEvent.Kind.ESCALATED
        note = ON_CALL_INACTIVE
    else:
        level, recipients, kind = (
            LEVEL_ADMIN,
            list(practice_admins(practice.pk)),
            AlertEvent.Kind.ESCALATED,
        )
        note = NOBODY_ON_CALL if shift is None else NOBODY_ACTIVE_ON_CALL
        if not recipients:
            note = f"{note} {NO_ADMIN}"
    alert.escalation_level = level
    alert.escalation_note = note[:200]
    alert.next_escalation_at = at + (
        _repage_every(practice) if level == LEVEL_ADMIN else _ack_limit(practice)
    )
    alert.save(
        update_fields=["on_call_shift", "escalation_level", "escalation_note", "next_escalation_at"]
    )
    _record_and_send(alert, recipients=recipients, kind=kind, at=at, note=note)
    if urgent:
        paged = {u.pk for u in recipients}
        rest = [u for u in whole_chain(alert, now=at) if u.pk not in paged]
        if rest:
            _record_and_send(
                alert, recipients=rest, kind=AlertEvent.Kind.ESCALATED, at=at, note=URGENT
            )
    if level == LEVEL_ADMIN:
        text_after_hours_contact(alert, at=at)


def due_alerts(*, now: datetime) -> QuerySet[RiskAlert]:
    """Return open alerts whose next step is due (index: crisis_alert_escalation_due)."""
    return RiskAlert.objects.filter(
        status=RiskAlert.Status.OPEN,
        next_escalation_at__isnull=False,
        next_escalation_at__lte=now,
    )


def escalate_unacknowledged_alerts(*, now: datetime, batch: int = CLAIM_BATCH) -> int:
    """Move every open alert whose next step is due: on-call → backup → admins, then the
    whole chain again every repage_minutes. Returns how many alerts moved.

    Idempotent and safe with any number of concurrent runs: each step is claimed with a
    conditional UPDATE on (pk, escalation_level, repage_count), so a second run or worker
    never pages a step twice. Alerts are taken `batch` to a transaction, each in its own
    savepoint: an alert whose step fails rolls back alone and is tried again next minute;
    a run that dies half-way leaves its batch, uncommitted and unsent, due for the next."""
    return claim_due(
        due_alerts(now=now),
        order_by=["next_escalation_at", "pk"],
        claim=lambda alert: escalate_alert(
            alert_id=alert.pk,
            from_level=alert.escalation_level,
            now=now,
            repage_count=alert.repage_count,
        ),
        batch=batch,
    )


@transaction.atomic
def escalate_alert(
    *, alert_id, from_level: int, now: datetime, repage_count: int | None = None
) -> bool:
    """Claim and perform one escalation step (from the admin level: one re-page round).
    False when another run got there first, or the alert was acknowledged meanwhile."""
    alert = (
        RiskAlert.objects.select_related(
            "patient__practice", "on_call_shift__clinician", "on_call_shift__backup"
        )
        .filter(pk=alert_id)
        .first()
    )
    if alert is None:
        return False
    if repage_count is None:
        repage_count = alert.repage_count
    practice = alert.patient.practice
    claim = RiskAlert.objects.filter(
        pk=alert_id,
        escalation_level=from_level,
        repage_count=repage_count,
        status=RiskAlert.Status.OPEN,
        next_escalation_at__lte=now,
    )
    if from_level >= LEVEL_ADMIN:
        if (
            claim.update(
                repage_count=F("repage_count") + 1, next_escalation_at=now + _repage_every(practice)
            )
            != 1
        ):
            return False
        record_update(RiskAlert.objects.filter(pk=alert_id))
        recipients = whole_chain(alert, now=now)
        note = f"Round {repage_count + 1}: nobody has acknowledged yet."
        if not recipients:
            note = f"{note} Nobody active could be paged."
        _record_and_send(
            alert, recipients=recipients, kind=AlertEvent.Kind.REPAGED, at=now, note=note
        )
        text_after_hours_contact(alert, at=now)
        return True

    backup = _on_call(alert.on_call_shift.backup) if alert.on_call_shift else []
    note = ""
    if from_level == LEVEL_ON_CALL and backup:
        to_level, recipients = LEVEL_BACKUP, backup
        next_at = now + _ack_limit(practice)
    else:
        to_level, recipients = LEVEL_ADMIN, list(practice_admins(practice.pk))
        next_at = now + _repage_every(practice)
        if from_level == LEVEL_ON_CALL:
            note = NO_BACKUP
        if not recipients:
            note = f"{note} {NO_ADMIN}".strip()
    if (
        claim.update(
            escalation_level=to_level,
            next_escalation_at=next_at,
            **({"escalation_note": note[:200]} if note else {}),
        )
        != 1
    ):
        return False
    record_update(RiskAlert.objects.filter(pk=alert_id))
    _record_and_send(
        alert, recipients=recipients, kind=AlertEvent.Kind.ESCALATED, at=now, note=note
    )
    if to_level == LEVEL_ADMIN:
        text_after_hours_contact(alert, at=now)
    return True


def page_again_for_signal(
    alert: RiskAlert, *, at: datetime, urgent: bool = False, note: str = ""
) -> list[User]:
    """A further risk signal on an unresolved alert: page whoever holds it now again (and,
    when urgent, the whole chain). With nobody to page, the after-hours contact is texted.
    Return who was paged."""
    recipients = current_holders(alert)
    if urgent:
        recipients = _active(*recipients, *whole_chain(alert, now=at))
    _record_and_send(alert, recipients=recipients, kind=AlertEvent.Kind.REPAGED, at=at, note=note)
    if not recipients:
        text_after_hours_contact(alert, at=at)
    return recipients
