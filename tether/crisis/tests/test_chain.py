"""THE chain test (issue 10, "Must hold"): a patient presses "I'm not safe" at 03:00 on a
Sunday with nobody (active) on call and nobody answering. The after-hours contact is texted
(seen at the HTTP boundary: a fake Twilio), the whole chain is paged again every
repage_minutes until an acknowledgement stops it, and every step is an AlertEvent. Also:
inactive users are never paged, and the patient is told only what is true."""

from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from tests.factories import UserFactory
from tether.accounts.models import Role
from tether.crisis.escalation import (
    NO_ADMIN,
    NOBODY_ACTIVE_ON_CALL,
    NOBODY_ON_CALL,
    ON_CALL_INACTIVE,
)
from tether.crisis.models import AlertEvent, OnCallShift, RiskAlert
from tether.crisis.services import escalate_unacknowledged_alerts
from tether.notifications.models import Notification
from tether.notifications.tests.fake_twilio import twilio  # noqa: F401  (a fixture)

NEW_YORK = ZoneInfo("America/New_York")
SUNDAY_3AM = datetime(2026, 11, 15, 3, 0, tzinfo=NEW_YORK)  # 15 Nov 2026 is a Sunday
REPAGE = timedelta(minutes=15)
AFTER_HOURS = "+12025550199"


@pytest.fixture
def night(people):
    """The practice's answering service is its after-hours contact; its admin has email."""
    people.practice.after_hours_phone = AFTER_HOURS
    people.practice.after_hours_name = "Riverside answering service"
    people.practice.save(update_fields=["after_hours_phone", "after_hours_name"])
    people.admin.email = "admin@riverside.example"
    people.admin.save(update_fields=["email"])
    return people


def _press_not_safe(people, capture):
    client = Client()
    client.force_login(people.patient.user)
    with time_machine.travel(SUNDAY_3AM, tick=False), capture(execute=True):
        response = client.post("/me/not-safe/", follow=True)
    assert response.status_code == 200
    return RiskAlert.objects.get(), unescape(response.content.decode())


def _sweep(at, capture):
    with time_machine.travel(at, tick=False), capture(execute=True):
        return escalate_unacknowledged_alerts(now=at)


def _history(alert):
    return [
        (e.kind, e.recipient.username if e.recipient else None, e.at.astimezone(NEW_YORK))
        for e in AlertEvent.objects.filter(alert=alert).select_related("recipient")
    ]


def _inactive_on_call(people):
    """A shift covering the night whose clinician left the practice after it was set."""
    OnCallShift.objects.create(
        practice=people.practice,
        clinician=people.clinician,
        starts_at=SUNDAY_3AM - timedelta(hours=12),
        ends_at=SUNDAY_3AM + timedelta(hours=12),
    )
    people.clinician.is_active = False
    people.clinician.save(update_fields=["is_active"])
    return NOBODY_ACTIVE_ON_CALL


@pytest.mark.parametrize("rota", ["no shift", "inactive on-call clinician"])
def test_the_chain_at_3am_on_sunday_texts_after_hours_and_repages_until_acknowledged(
    night,
    twilio,  # noqa: F811  (the fixture imported above)
    django_capture_on_commit_callbacks,
    rota,
):
    people = night
    note = _inactive_on_call(people) if rota != "no shift" else NOBODY_ON_CALL
    capture = django_capture_on_commit_callbacks

    alert, page = _press_not_safe(people, capture)

    # The admin was paged and the answering service texted at once: the chain has nobody
    # before the admin tonight.
    alert.refresh_from_db()
    assert alert.escalation_level == 2 and alert.escalation_note == note
    assert alert.next_escalation_at == SUNDAY_3AM + REPAGE
    assert [to for to, _ in twilio.texts] == [AFTER_HOURS]
    text = twilio.texts[0][1]
    assert "Riverside Psychiatry" in text and f"/staff/alerts/{alert.pk}/" in text
    for secret in ("Alex", "Rivera", "safe", "suicid"):
        assert secret not in text  # a text is not a private channel
    # The patient is told the truth: the team knows, and when to call the crisis line.
    assert "We've let your care team know" in page
    assert "If you haven't heard from us in 5 minutes" in page

    # Nobody answers: every 15 minutes the chain is paged again and the service texted.
    for round_ in (1, 2, 3):
        assert _sweep(SUNDAY_3AM + round_ * REPAGE - timedelta(seconds=1), capture) == 0
        assert _sweep(SUNDAY_3AM + round_ * REPAGE, capture) == 1
        assert _sweep(SUNDAY_3AM + round_ * REPAGE, capture) == 0  # a second worker: nothing
    assert len(twilio.texts) == 4

    # The admin wakes and acknowledges at 03:50; re-paging stops.
    admin = Client()
    admin.force_login(people.admin)
    with time_machine.travel(SUNDAY_3AM + timedelta(minutes=50), tick=False):
        assert admin.post(f"/staff/alerts/{alert.pk}/acknowledge/").status_code == 302
    for later in (4, 5, 8, 40):
        assert _sweep(SUNDAY_3AM + later * REPAGE, capture) == 0
    assert len(twilio.texts) == 4

    t = [SUNDAY_3AM + n * REPAGE for n in range(4)]
    assert _history(alert) == [
        ("raised", None, t[0]),
        ("escalated", "admin", t[0]),
        ("after_hours", None, t[0]),
        ("repaged", "admin", t[1]),
        ("after_hours", None, t[1]),
        ("repaged", "admin", t[2]),
        ("after_hours", None, t[2]),
        ("repaged", "admin", t[3]),
        ("after_hours", None, t[3]),
        ("acknowledged", None, SUNDAY_3AM + timedelta(minutes=50)),
    ]
    assert set(alert.events.filter(kind="after_hours").values_list("note", flat=True)) == {
        f"Riverside answering service: {AFTER_HOURS}"
    }
    alert.refresh_from_db()
    assert alert.repage_count == 3 and alert.next_escalation_at is None
    # The inactive clinician was never paged; the admin four times.
    assert not Notification.objects.filter(user=people.clinician).exists()
    assert Notification.objects.filter(user=people.admin).count() == 4


def test_with_no_shift_and_no_admin_after_hours_is_texted_at_once_and_the_patient_told_to_call(
    night,
    twilio,  # noqa: F811  (the fixture imported above)
    django_capture_on_commit_callbacks,
):
    people = night
    people.admin.is_active = False
    people.admin.save(update_fields=["is_active"])
    capture = django_capture_on_commit_callbacks

    alert, page = _press_not_safe(people, capture)

    assert [to for to, _ in twilio.texts] == [AFTER_HOURS]
    assert _history(alert) == [
        ("raised", None, SUNDAY_3AM),
        ("escalated", None, SUNDAY_3AM),
        ("after_hours", None, SUNDAY_3AM),
    ]
    alert.refresh_from_db()
    assert alert.escalation_note == f"{NOBODY_ON_CALL} {NO_ADMIN}"
    # Never "your care team was alerted" when no staff member was paged.
    assert "let your care team know" not in page
    assert (
        "We couldn't reach anyone on your care team just now, so please contact "
        "988 Suicide & Crisis Lifeline: call 988 or text 988 now." in page
    )
    assert "If you are in danger right now, call 911." in page
    # Re-paging goes on (the after-hours contact again) until somebody acknowledges.
    assert _sweep(SUNDAY_3AM + REPAGE, capture) == 1
    assert len(twilio.texts) == 2
    assert alert.events.filter(kind="repaged", recipient=None).count() == 1
    assert not Notification.objects.filter(user=people.admin).exists()


def test_an_inactive_on_call_clinician_is_skipped_for_an_active_backup(night):
    people = night
    OnCallShift.objects.create(
        practice=people.practice,
        clinician=people.clinician,
        backup=people.other_clinician,
        starts_at=SUNDAY_3AM - timedelta(hours=1),
        ends_at=SUNDAY_3AM + timedelta(hours=1),
    )
    people.clinician.is_active = False
    people.clinician.save(update_fields=["is_active"])
    from tether.crisis.services import raise_risk_alert

    alert = raise_risk_alert(
        patient=people.patient,
        reason=RiskAlert.Reason.PATIENT_NOT_SAFE,
        raised_by=people.patient.user,
        at=SUNDAY_3AM,
    )
    alert.refresh_from_db()
    assert alert.escalation_level == 1 and alert.escalation_note == ON_CALL_INACTIVE
    assert [(k, r) for k, r, _ in _history(alert)] == [
        ("raised", None),
        ("escalated", "other_clinician"),
    ]
    # The backup does not answer: the admins next, then the whole (active) chain again.
    escalate_unacknowledged_alerts(now=SUNDAY_3AM + timedelta(minutes=5))
    escalate_unacknowledged_alerts(now=SUNDAY_3AM + timedelta(minutes=20))
    assert [(k, r) for k, r, _ in _history(alert)][2:] == [
        ("escalated", "admin"),
        ("after_hours", None),
        ("repaged", "other_clinician"),
        ("repaged", "admin"),
        ("after_hours", None),
    ]
    assert not Notification.objects.filter(user=people.clinician).exists()


def test_inactive_admins_and_backups_are_never_paged(night):
    people = night
    retired = UserFactory(practice=people.practice, role=Role.ADMIN, username="retired")
    retired.is_active = False
    retired.save(update_fields=["is_active"])
    shift = OnCallShift.objects.create(
        practice=people.practice,
        clinician=people.clinician,
        backup=people.other_clinician,
        starts_at=SUNDAY_3AM - timedelta(hours=1),
        ends_at=SUNDAY_3AM + timedelta(hours=1),
    )
    from tether.crisis.services import raise_risk_alert

    alert = raise_risk_alert(
        patient=people.patient,
        reason=RiskAlert.Reason.STAFF_RAISED,
        raised_by=people.coordinator,
        at=SUNDAY_3AM,
    )
    shift.backup.is_active = False
    shift.backup.save(update_fields=["is_active"])
    escalate_unacknowledged_alerts(now=SUNDAY_3AM + timedelta(minutes=5))
    escalate_unacknowledged_alerts(now=SUNDAY_3AM + timedelta(minutes=20))
    paged = {r for _, r, _ in _history(alert) if r}
    assert paged == {"clinician", "admin"}
    for user in (retired, people.other_clinician):
        assert not Notification.objects.filter(user=user).exists()


def test_a_peer_supporter_left_on_a_shift_is_never_paged_and_the_backup_is_at_once(night):
    """A shift from before peer supporters were kept off the rota (or made in the Django
    admin): they cannot open the alert, so paging them would leave it waiting on nobody."""
    from tether.crisis.services import raise_risk_alert

    people = night
    OnCallShift.objects.create(
        practice=people.practice,
        clinician=people.peer,
        backup=people.other_clinician,
        starts_at=SUNDAY_3AM - timedelta(hours=1),
        ends_at=SUNDAY_3AM + timedelta(hours=1),
    )

    alert = raise_risk_alert(
        patient=people.patient,
        reason=RiskAlert.Reason.PATIENT_NOT_SAFE,
        raised_by=people.patient.user,
        at=SUNDAY_3AM,
    )
    escalate_unacknowledged_alerts(now=SUNDAY_3AM + timedelta(minutes=5))
    escalate_unacknowledged_alerts(now=SUNDAY_3AM + timedelta(minutes=20))

    paged = {r for _, r, _ in _history(alert) if r is not None}
    assert "other_clinician" in paged and "admin" in paged
    assert people.peer.username not in paged
    assert not Notification.objects.filter(user=people.peer).exists()


def test_a_shift_held_only_by_a_peer_supporter_is_a_gap_in_the_rota(people):
    from tether.crisis.rota import rota_gaps

    start = SUNDAY_3AM + timedelta(days=1)
    OnCallShift.objects.create(
        practice=people.practice,
        clinician=people.peer,
        starts_at=start,
        ends_at=start + timedelta(hours=12),
    )

    gaps = rota_gaps(people.practice, now=start, days=1)

    assert gaps and gaps[0][0] == start
