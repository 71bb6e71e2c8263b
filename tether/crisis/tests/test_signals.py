"""An open alert changes the engine: a further signal joins it (one alert, one event, a
re-page of whoever holds it), urgent signals page the whole chain at once; resolving an
alert plans a follow-up contact and invites a safety-plan review; the patient is told what
will actually happen, in the practice's own crisis line."""

from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
import time_machine
from django.test import Client

from tether.assessments.services import submit_assessment
from tether.crisis.models import AlertEvent, OnCallShift, RiskAlert
from tether.crisis.patient_message import patient_message_after_alert
from tether.crisis.services import acknowledge_alert, raise_risk_alert, resolve_alert
from tether.engagement.models import OutreachTask
from tether.notifications.models import Notification

T0 = datetime(2026, 11, 10, 14, 0, tzinfo=UTC)


@pytest.fixture
def shift(people):
    return OnCallShift.objects.create(
        practice=people.practice,
        clinician=people.clinician,
        backup=people.other_clinician,
        starts_at=T0 - timedelta(hours=8),
        ends_at=T0 + timedelta(hours=8),
    )


def _raise(people, at=T0, **kwargs):
    kwargs = {
        "patient": people.patient,
        "reason": RiskAlert.Reason.PATIENT_NOT_SAFE,
        "raised_by": people.patient.user,
        "detail": "Pressed the button.",
        **kwargs,
    }
    return raise_risk_alert(at=at, **kwargs)


def _events(alert, kind):
    return list(AlertEvent.objects.filter(alert=alert, kind=kind).select_related("recipient"))


# --- A further signal joins the open alert ---------------------------------------------------


def test_a_second_signal_joins_the_open_alert_and_pages_its_holder_again(people, shift):
    first = _raise(people)
    second = _raise(
        people,
        at=T0 + timedelta(minutes=2),
        reason=RiskAlert.Reason.CRISIS_LANGUAGE,
        raised_by=None,  # e.g. a trusted person's note: no account
        detail="Possible crisis language in a check-in note.",
    )
    assert second.pk == first.pk
    assert RiskAlert.objects.count() == 1
    (signal,) = _events(first, AlertEvent.Kind.FURTHER_SIGNAL)
    assert signal.note == "Possible crisis language in a check-in note." and signal.actor is None
    (repage,) = _events(first, AlertEvent.Kind.REPAGED)
    assert repage.recipient == people.clinician  # the on-call clinician holds it
    assert repage.at == T0 + timedelta(minutes=2)
    assert Notification.objects.filter(user=people.clinician).count() == 2
    first.refresh_from_db()
    # The chain goes on from where it was: nothing starts over.
    assert first.escalation_level == 0 and first.next_escalation_at == T0 + timedelta(minutes=5)


def test_pressing_not_safe_twice_makes_one_alert_and_one_further_signal(client, people, shift):
    client.force_login(people.patient.user)
    with time_machine.travel(T0, tick=False):
        client.post("/me/not-safe/")
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        page = unescape(client.post("/me/not-safe/", follow=True).content.decode())
    (alert,) = RiskAlert.objects.all()
    assert len(_events(alert, AlertEvent.Kind.FURTHER_SIGNAL)) == 1
    assert len(_events(alert, AlertEvent.Kind.RAISED)) == 1
    assert "We've let your care team know" in page


def test_an_acknowledged_alert_pages_the_person_who_acknowledged_it(people, shift):
    alert = _raise(people)
    acknowledge_alert(alert=alert, by=people.coordinator)
    _raise(people, at=T0 + timedelta(hours=1))
    (repage,) = _events(alert, AlertEvent.Kind.REPAGED)
    assert repage.recipient == people.coordinator


def test_a_holder_who_left_is_replaced_by_the_current_level(people, shift):
    alert = _raise(people)
    acknowledge_alert(alert=alert, by=people.coordinator)
    people.coordinator.is_active = False
    people.coordinator.save(update_fields=["is_active"])
    _raise(people, at=T0 + timedelta(hours=1))
    assert [e.recipient for e in _events(alert, AlertEvent.Kind.REPAGED)] == [people.clinician]


def test_an_urgent_signal_pages_the_holder_the_on_call_team_and_the_admins_at_once(people, shift):
    alert = _raise(people)
    acknowledge_alert(alert=alert, by=people.coordinator)
    _raise(people, at=T0 + timedelta(minutes=30), triage="high", urgent=True, detail="C-SSRS high.")
    paged = {e.recipient.username for e in _events(alert, AlertEvent.Kind.REPAGED)}
    assert paged == {"coordinator", "clinician", "other_clinician", "admin"}
    (signal,) = _events(alert, AlertEvent.Kind.FURTHER_SIGNAL)
    assert signal.note.startswith("C-SSRS high. Urgent")
    alert.refresh_from_db()
    assert alert.triage == "high"
    # A later, lower triage never lowers it.
    _raise(people, at=T0 + timedelta(minutes=40), triage="low")
    alert.refresh_from_db()
    assert alert.triage == "high"


def test_an_urgent_new_alert_pages_the_on_call_team_and_the_admins_at_once(people, shift):
    alert = _raise(people, urgent=True, triage="high")
    pages = [
        (e.kind, e.recipient.username)
        for e in AlertEvent.objects.filter(alert=alert, recipient__isnull=False)
    ]
    assert pages == [
        ("notified", "clinician"),
        ("escalated", "other_clinician"),
        ("escalated", "admin"),
    ]
    assert alert.triage == "high"
    assert "Urgent" in alert.events.get(kind="raised").note


def test_a_second_phq9_with_item_9_notes_its_assessment_on_the_open_alert(people, shift):
    answers = [1, 1, 1, 1, 1, 1, 1, 1, 2]
    first = submit_assessment(
        patient=people.patient, instrument="phq9", answers=answers, entered_by=people.patient.user
    )
    second = submit_assessment(
        patient=people.patient, instrument="phq9", answers=answers, entered_by=people.patient.user
    )
    assert second.alert.pk == first.alert.pk
    alert = RiskAlert.objects.get()
    assert alert.assessment == first.assessment  # one-to-one: the first keeps the link
    (signal,) = _events(alert, AlertEvent.Kind.FURTHER_SIGNAL)
    assert str(second.assessment.pk) in signal.note and "PHQ-9" in signal.note


def test_a_resolved_alert_does_not_absorb_the_next_signal(people, shift):
    first = _raise(people)
    resolve_alert(alert=first, by=people.clinician, note="Spoke with them.")
    second = _raise(people, at=T0 + timedelta(days=1))
    assert second.pk != first.pk and second.status == RiskAlert.Status.OPEN


# --- Follow-up after an alert ----------------------------------------------------------------


def test_resolving_plans_a_follow_up_for_the_treating_clinician_and_invites_a_plan_review(
    people, shift
):
    alert = _raise(people)
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        resolve_alert(alert=alert, by=people.coordinator, note="Called; safe with family.")
    resolved_at = T0 + timedelta(hours=1)
    (task,) = OutreachTask.objects.all()
    assert task.kind == OutreachTask.Kind.ALERT_FOLLOW_UP
    assert task.risk_alert == alert and task.appointment is None
    assert task.patient == people.patient
    assert task.assigned_to == people.clinician
    assert task.route == OutreachTask.Route.CLINICIAN
    assert task.created_at == resolved_at
    assert task.due_at == resolved_at + timedelta(hours=48)
    assert task.status == OutreachTask.Status.OPEN
    (event,) = _events(alert, AlertEvent.Kind.FOLLOW_UP)
    assert event.recipient == people.clinician
    assert "due 2026-11-12 10:00" in event.note  # New York time
    (invite,) = Notification.objects.filter(user=people.patient.user)
    assert invite.text == (
        "Would you like to look at your safety plan together with your care team?"
    )
    assert invite.link == "/me/safety-plan/"


@pytest.mark.parametrize(("hours", "due"), [(12, 24), (24, 24), (60, 60), (72, 72), (100, 72)])
def test_the_follow_up_is_due_within_24_to_72_hours(people, hours, due):
    people.practice.follow_up_hours = hours
    people.practice.save(update_fields=["follow_up_hours"])
    alert = _raise(people)
    resolve_alert(alert=alert, by=people.clinician, note="Done.")
    task = OutreachTask.objects.get()
    alert.refresh_from_db()
    assert task.due_at == alert.resolved_at + timedelta(hours=due)


def test_without_an_active_clinician_the_coordinator_follows_up(people):
    people.clinician.is_active = False
    people.clinician.save(update_fields=["is_active"])
    alert = _raise(people)
    resolve_alert(alert=alert, by=people.admin, note="Done.")
    task = OutreachTask.objects.get()
    assert (task.assigned_to, task.route) == (people.coordinator, OutreachTask.Route.COORDINATOR)


def test_a_failing_follow_up_leaves_the_alert_unresolved(people, monkeypatch):
    alert = _raise(people)

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("tether.engagement.follow_up.plan_alert_follow_up", broken)
    with pytest.raises(RuntimeError):
        resolve_alert(alert=alert, by=people.clinician, note="Done.")
    alert.refresh_from_db()
    assert alert.status == RiskAlert.Status.OPEN
    assert not OutreachTask.objects.exists()


def test_the_alert_page_shows_the_follow_up_and_when_it_is_due(people):
    alert = _raise(people)
    with time_machine.travel(T0, tick=False):
        resolve_alert(alert=alert, by=people.clinician, note="Done.")
    client = Client()
    client.force_login(people.coordinator)
    page = client.get(f"/staff/alerts/{alert.pk}/").content.decode()
    assert 'id="follow-up"' in page
    assert "Follow-up after a risk alert" in page and "Thu 12 Nov 2026 09:00" in page


# --- What the patient is told ----------------------------------------------------------------


def test_the_message_uses_the_practice_minutes_and_crisis_line(people, shift):
    people.practice.country = "GB"
    people.practice.alert_ack_minutes = 10
    people.practice.save(update_fields=["country", "alert_ack_minutes"])
    alert = _raise(people)
    message = patient_message_after_alert(alert)
    assert message == (
        "Thank you for telling us. We've let your care team know. If you haven't heard from "
        "us in 10 minutes, please contact Samaritans: call 116 123. If you are in danger "
        "right now, call 999."
    )
    assert "988" not in message


def test_the_help_page_promises_only_what_happens(client, people):
    client.force_login(people.patient.user)
    page = unescape(client.get("/help/").content.decode())
    assert (
        "press the button and we'll let your care team know straight away. If you haven't "
        "heard from us within 5 minutes, please contact 988 Suicide & Crisis Lifeline" in page
    )
    people.admin.is_active = False
    people.admin.save(update_fields=["is_active"])
    page = unescape(client.get("/help/").content.decode())
    assert "please contact 988 Suicide & Crisis Lifeline: call 988 or text 988 now" in page
    assert "nobody may see it straight away" in page
