"""An open risk alert changes missed-session outreach: urgent, to the treating clinician, due
within 2 hours, never to a peer supporter, and no "no need to worry" note to trusted people.
The queue shows urgent tasks first, and follow-up tasks that have no appointment."""

import json
from datetime import timedelta

import time_machine
from django.test import Client
from django.urls import reverse

from tether.crisis.models import RiskAlert
from tether.crisis.services import raise_risk_alert, resolve_alert
from tether.engagement.models import OutreachTask
from tether.engagement.services import record_outreach_attempt, set_peer_outreach
from tether.engagement.sweeps import sweep_missed_appointments, sweep_overdue_outreach
from tether.notifications.models import Delivery

from .conftest import FRIDAY
from .test_outreach import MONDAY_5PM, _trusted


def _alert(people, at=None):
    return raise_risk_alert(
        patient=people.patient,
        reason=RiskAlert.Reason.PATIENT_NOT_SAFE,
        raised_by=people.patient.user,
        at=at or FRIDAY - timedelta(hours=3),
    )


def test_it_makes_the_missed_session_urgent_for_the_clinician_while_an_alert_is_open(people, book):
    _trusted(people)
    set_peer_outreach(patient=people.patient, peer_supporter=people.peer)
    with time_machine.travel(FRIDAY - timedelta(hours=3), tick=False):
        _alert(people)
    book()
    with time_machine.travel(FRIDAY, tick=False):
        assert sweep_missed_appointments(now=FRIDAY) == 1
    task = OutreachTask.objects.get()
    assert task.urgent is True
    assert task.kind == OutreachTask.Kind.MISSED_SESSION
    assert task.route == OutreachTask.Route.CLINICIAN
    assert task.assigned_to == people.clinician  # never the consented peer supporter
    assert task.due_at == FRIDAY + timedelta(hours=2)
    assert task.trusted_contact is None
    # The trusted person is not told "there is no need to worry", nor anything else.
    assert not Delivery.objects.filter(purpose="missed-session-trusted").exists()


def test_the_peer_supporter_does_not_see_the_urgent_task(client, people, book):
    set_peer_outreach(patient=people.patient, peer_supporter=people.peer)
    _alert(people)
    book()
    sweep_missed_appointments(now=FRIDAY)
    client.force_login(people.peer)
    page = client.get(reverse("outreach_queue")).content.decode()
    assert people.patient.called not in page


def test_it_falls_back_to_the_coordinator_when_the_team_has_no_active_clinician(people, book):
    people.clinician.is_active = False
    people.clinician.save(update_fields=["is_active"])
    _alert(people)
    book()
    sweep_missed_appointments(now=FRIDAY)
    task = OutreachTask.objects.get()
    assert (task.urgent, task.assigned_to) == (True, people.coordinator)


def test_a_resolved_alert_leaves_outreach_routine_again(people, book, mailoutbox):
    _trusted(people)
    alert = _alert(people)
    resolve_alert(alert=alert, by=people.clinician, note="Spoke with them; safe at home.")
    book()
    sweep_missed_appointments(now=FRIDAY)
    task = OutreachTask.objects.filter(kind=OutreachTask.Kind.MISSED_SESSION).get()
    assert task.urgent is False
    assert task.route == OutreachTask.Route.TRUSTED_PERSON
    assert task.due_at == MONDAY_5PM
    assert Delivery.objects.filter(purpose="missed-session-trusted").count() == 1


def test_an_unreached_urgent_task_is_due_again_within_two_hours_and_escalates(
    people, book, mailoutbox
):
    people.admin.email = "admin@riverside.example"
    people.admin.save(update_fields=["email"])
    _alert(people)
    book()
    sweep_missed_appointments(now=FRIDAY)
    task = OutreachTask.objects.get()
    later = FRIDAY + timedelta(hours=1)
    record_outreach_attempt(
        task=task, by=people.clinician, method="called", outcome="not_reached", at=later
    )
    task.refresh_from_db()
    assert task.due_at == later + timedelta(hours=2)
    assert sweep_overdue_outreach(now=later + timedelta(hours=1)) == 0
    assert sweep_overdue_outreach(now=later + timedelta(hours=2, minutes=1)) == 1
    escalation = Delivery.objects.get(purpose="outreach-escalated")
    assert escalation.subject == "An urgent task in Tether needs you"
    patient = escalation.patient
    for word in (patient.first_name, patient.last_name, "alert", "missed"):
        assert word.lower() not in (escalation.subject + escalation.body).lower()


def _follow_up(people, *, due_at):
    """A follow-up task as the alert follow-up (another module) creates it: no appointment."""
    alert = _alert(people, at=FRIDAY - timedelta(days=2))
    resolve_alert(alert=alert, by=people.clinician, note="Safe; plan reviewed.")
    task, _ = OutreachTask.objects.update_or_create(
        risk_alert=alert,
        defaults={
            "kind": OutreachTask.Kind.ALERT_FOLLOW_UP,
            "appointment": None,
            "patient": people.patient,
            "assigned_to": people.clinician,
            "route": OutreachTask.Route.CLINICIAN,
            "due_at": due_at,
            "created_at": FRIDAY - timedelta(days=1),
        },
    )
    return task


def test_the_queue_shows_urgent_first_and_handles_tasks_without_an_appointment(
    client, people, book
):
    routine_appointment = book(starts_at=FRIDAY - timedelta(days=7))
    sweep_missed_appointments(now=FRIDAY - timedelta(days=7) + timedelta(hours=2))
    follow_up = _follow_up(people, due_at=FRIDAY + timedelta(days=1))
    _alert(people, at=FRIDAY - timedelta(hours=3))
    book()
    sweep_missed_appointments(now=FRIDAY)
    urgent = OutreachTask.objects.get(urgent=True)
    routine = OutreachTask.objects.get(appointment=routine_appointment)
    assert routine.due_at < urgent.due_at  # overdue routine work still comes second

    with time_machine.travel(FRIDAY + timedelta(minutes=5), tick=False):
        client.force_login(people.clinician)
        page = client.get(reverse("outreach_queue")).content.decode()
        api = Client()
        api.force_login(people.clinician)
        items = api.get("/api/v1/outreach").json()["items"]
    assert page.index(str(urgent.pk)) < page.index(str(routine.pk))
    assert page.index(str(urgent.pk)) < page.index(str(follow_up.pk))
    assert "Urgent" in page
    assert "Follow-up after a risk alert" in page
    assert [item["id"] for item in items] == [str(urgent.pk), str(routine.pk), str(follow_up.pk)]
    assert items[0]["urgent"] is True and items[0]["kind"] == "missed_session"
    assert items[2]["appointment_id"] is None and items[2]["kind"] == "alert_follow_up"


def test_an_attempt_on_a_follow_up_task_works_through_web_and_api(client, people):
    task = _follow_up(people, due_at=FRIDAY + timedelta(days=1))
    client.force_login(people.clinician)
    response = client.post(
        reverse("outreach_attempt", args=[task.pk]),
        {"method": "called", "outcome": "not_reached", "note": ""},
    )
    assert response.status_code == 302
    api = Client()
    api.force_login(people.clinician)
    response = api.post(
        f"/api/v1/outreach/{task.pk}/attempts",
        json.dumps({"method": "called", "outcome": "reached"}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "done"
    assert response.json()["appointment_id"] is None
