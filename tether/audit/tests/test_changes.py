"""Clinical records keep who changed what and when; changes() reads it back for one practice."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tether.audit.changes import AUTOMATIC, SAFETY_PLAN, TRACKED, changes
from tether.crisis.models import RiskAlert
from tether.crisis.services import raise_risk_alert
from tether.engagement.models import Appointment
from tether.engagement.services import book_appointment
from tether.engagement.sweeps import sweep_missed_appointments
from tether.network.models import Consent, ConsentScope, SupportContact
from tether.network.services import set_consent
from tether.network.steps import SAFETY_PLAN_STEPS

MONDAY = datetime(2026, 11, 16, 15, tzinfo=UTC)


def _raise(people, patient=None) -> RiskAlert:
    return raise_risk_alert(
        patient=patient or people.patient,
        reason=RiskAlert.Reason.STAFF_RAISED,
        raised_by=people.coordinator,
        detail="Said on the phone they could not keep themselves safe tonight.",
    )


def _plan_form(**steps: str) -> dict[str, str]:
    return {step.field: steps.get(step.field, "") for step in SAFETY_PLAN_STEPS}


def test_it_names_the_patient_who_saved_their_safety_plan_and_the_steps_that_changed(
    client, people
):
    client.force_login(people.patient.user)
    first = _plan_form(warning_signs="Not sleeping", reasons_for_living="My dog")
    assert client.post("/me/safety-plan/edit/", first).status_code == 302
    second = {**first, "reasons_for_living": "My dog\nMy sister's wedding in June"}
    assert client.post("/me/safety-plan/edit/", second).status_code == 302

    [changed, created] = changes(practice=people.practice, patient=people.patient)[:2]

    assert (changed.what, changed.change, changed.who) == (
        "Safety plan",
        "changed",
        people.patient.user,
    )
    assert changed.patient == people.patient
    assert changed.fields == ("reasons for living",)
    assert (created.what, created.change, created.who) == (
        "Safety plan",
        "created",
        people.patient.user,
    )


def test_it_names_the_clinician_who_acknowledged_an_alert_on_its_page(client, people):
    alert = _raise(people)
    client.force_login(people.clinician)

    assert client.post(f"/staff/alerts/{alert.pk}/acknowledge/").status_code == 302

    latest = alert.history.latest()
    assert latest.history_user == people.clinician
    assert latest.history_type == "~"
    change = changes(practice=people.practice, patient=people.patient)[0]
    assert (change.what, change.change, change.who) == ("Risk alert", "changed", people.clinician)
    assert {"status", "acknowledged at", "acknowledged by"} <= set(change.fields)
    # The names of what changed, never what the notes say.
    assert not any(
        "phone" in field for c in changes(practice=people.practice) for field in c.fields
    )


def test_it_names_the_owner_of_the_api_token_that_acknowledged_an_alert(people):
    out = StringIO()
    call_command("create_api_token", people.clinician.username, stdout=out)
    alert = _raise(people)

    response = Client().post(
        f"/api/v1/alerts/{alert.pk}/acknowledge",
        HTTP_AUTHORIZATION=f"Bearer {out.getvalue().strip()}",
    )

    assert response.status_code == 200
    assert alert.history.latest().history_user == people.clinician


def test_a_change_made_by_a_sweep_is_made_by_tether(people):
    appointment = book_appointment(
        patient=people.patient,
        kind=Appointment.Kind.CHECK_IN,
        mode=Appointment.Mode.PHONE,
        staff=people.coordinator,
        starts_at=MONDAY - timedelta(hours=2),
        ends_at=MONDAY - timedelta(hours=1, minutes=30),
        booked_by=people.coordinator,
    )

    assert sweep_missed_appointments(now=MONDAY) == 1

    latest = appointment.history.latest()
    assert latest.history_user is None
    assert latest.attendance == Appointment.Attendance.MISSED
    missed = next(c for c in changes(practice=people.practice) if c.what == "Appointment")
    assert (missed.change, missed.who, missed.who_label) == ("changed", None, AUTOMATIC)
    assert "attendance" in missed.fields


def test_withdrawing_several_consents_at_once_keeps_each_ones_history(people):
    contact = SupportContact.objects.create(
        patient=people.patient,
        kind=SupportContact.Kind.TRUSTED_PERSON,
        name="Maria",
        email="maria@example.org",
        invitation="accepted",
        created_by=people.patient.user,
    )
    both = [ConsentScope.MISSED_SESSION, ConsentScope.SEE_SAFETY_PLAN]
    set_consent(contact=contact, scopes=both, by=people.patient.user)

    set_consent(contact=contact, scopes=[], by=people.coordinator)

    for consent in Consent.objects.filter(contact=contact):
        assert consent.withdrawn_by == people.coordinator
        latest = consent.history.latest()
        assert (latest.history_type, latest.withdrawn_at) == ("~", consent.withdrawn_at)
    withdrawals = [
        c for c in changes(practice=people.practice) if c.what == "What a trusted person may see"
    ]
    assert [c.change for c in withdrawals] == ["changed", "changed", "created", "created"]
    assert {"withdrawn at", "withdrawn by"} <= set(withdrawals[0].fields)


def _acknowledge_on_the_page(client, alert: RiskAlert, by) -> None:
    client.force_login(by)
    assert client.post(f"/staff/alerts/{alert.pk}/acknowledge/").status_code == 302


def test_it_filters_by_patient_staff_and_date_and_keeps_to_one_practice(client, people):
    with time_machine.travel(MONDAY, tick=False):
        ours = _raise(people)
        theirs = _raise(people, patient=people.outside_patient)
    with time_machine.travel(MONDAY + timedelta(days=1), tick=False):
        _acknowledge_on_the_page(client, ours, people.clinician)
        _acknowledge_on_the_page(client, theirs, people.outside_clinician)
    with time_machine.travel(MONDAY + timedelta(days=2), tick=False):
        other = _raise(people, patient=people.other_patient)
        _acknowledge_on_the_page(client, other, people.other_clinician)

    everything = changes(practice=people.practice)
    about_patients = [c for c in everything if c.patient is not None]
    assert {c.patient for c in about_patients} == {people.patient, people.other_patient}
    # The rest is the practice's own settings (made with the practice), never another's.
    assert {c.what for c in everything if c.patient is None} <= {"Practice settings"}
    assert all(c.who != people.outside_clinician for c in everything)
    assert changes(practice=people.practice, patient=people.outside_patient) == []
    assert changes(practice=people.practice, staff=people.outside_clinician) == []

    by_clinician = changes(practice=people.practice, staff=people.clinician)
    assert [(c.patient, c.change) for c in by_clinician] == [(people.patient, "changed")]
    day_two = changes(
        practice=people.practice, start=MONDAY + timedelta(days=1), end=MONDAY + timedelta(days=2)
    )
    assert [(c.patient, c.who) for c in day_two] == [(people.patient, people.clinician)]
    about_other = changes(practice=people.practice, patient=people.other_patient)
    alert_rows = [c for c in about_other if c.what == "Risk alert"]
    # Raised (and its paging started: a second save), then acknowledged.
    assert [c.change for c in alert_rows] == ["changed", "changed", "created"]
    assert alert_rows[0].who == people.other_clinician
    assert {c.patient for c in about_other} == {people.other_patient}
    assert [c.at for c in about_other] == sorted((c.at for c in about_other), reverse=True)
    assert len(changes(practice=people.practice, limit=1)) == 1

    # The other practice sees its own, and nothing of ours.
    outside = changes(practice=people.outside_practice)
    assert {c.patient for c in outside if c.patient} == {people.outside_patient}


def test_every_model_with_a_history_is_in_the_report():
    with_history = {
        model._meta.label
        for model in apps.get_models()
        if hasattr(model._meta, "simple_history_manager_attribute")
    }

    assert with_history == {tracked.model for tracked in TRACKED}
    assert SAFETY_PLAN not in with_history  # it keeps its own versions


def _queries(run) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured)


def test_history_costs_one_insert_per_save_on_a_page(client, people, settings):
    first, second = _raise(people), _raise(people, patient=people.other_patient)
    client.force_login(people.admin)
    settings.SIMPLE_HISTORY_ENABLED = False
    without = _queries(lambda: client.post(f"/staff/alerts/{first.pk}/acknowledge/"))
    settings.SIMPLE_HISTORY_ENABLED = True
    with_history = _queries(lambda: client.post(f"/staff/alerts/{second.pk}/acknowledge/"))

    assert with_history == without + 1


def test_history_costs_two_inserts_per_appointment_a_sweep_marks_missed(people, settings):
    def book(patient, hours_ago: int) -> None:
        starts_at = MONDAY - timedelta(hours=hours_ago)
        book_appointment(
            patient=patient,
            kind=Appointment.Kind.CHECK_IN,
            mode=Appointment.Mode.PHONE,
            staff=people.coordinator,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=30),
            booked_by=people.coordinator,
        )

    for hours_ago in (12, 13, 14):
        book(people.patient, hours_ago)
    for hours_ago in (2, 3, 4):
        book(people.other_patient, hours_ago)
    # Three due rows each time: the first sweep without history, the second with.
    settings.SIMPLE_HISTORY_ENABLED = False
    without = _queries(lambda: sweep_missed_appointments(now=MONDAY - timedelta(hours=10)))
    settings.SIMPLE_HISTORY_ENABLED = True
    with_history = _queries(lambda: sweep_missed_appointments(now=MONDAY))

    # The appointment's change and its new outreach task's creation, each one INSERT.
    assert Appointment.objects.filter(attendance=Appointment.Attendance.MISSED).count() == 6
    assert with_history == without + 2 * 3
