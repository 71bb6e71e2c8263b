"""Issue 10, item 9, through the pages and services: same-day scores, the severe-score panel,
human contact only, and C-SSRS triage beside the open-alert marker."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tether.care.registry import registry
from tether.care.targets import Flag
from tether.crisis.models import RiskAlert
from tether.engagement.models import OutreachAttempt
from tether.engagement.services import book_appointment, record_attendance, record_outreach_attempt
from tether.engagement.sweeps import sweep_missed_appointments

from .test_registry import _at, _client, _in_treatment, _score


def _row(people, patient):
    rows = registry(people.coordinator, now=timezone.now()).rows
    return next(r for r in rows if r.patient == patient)


def test_the_later_of_two_scores_on_one_day_is_the_latest_in_the_registry_and_api(people):
    patient = _in_treatment(people, "Dayton", weeks=6, phq9=[(16, 42)])
    evening = _score(patient, people.coordinator, "phq9", 22, 3)
    morning = _score(patient, people.coordinator, "phq9", 3, 3)
    morning.completed_at = evening.completed_at - timedelta(hours=9)
    morning.save(update_fields=["completed_at"])

    assert _row(people, patient).latest_phq9 == 22
    api = _client(people.coordinator)
    [episode] = api.get(f"/api/v1/episodes?patient_id={patient.pk}").json()["items"]
    response = api.get(f"/api/v1/episodes/{episode['id']}")
    assert response.status_code == 200, response.content
    assert response.json()["phq9"]["latest"]["total"] == 22


def test_a_severe_score_shows_the_contact_panel_on_home_and_progress(client, people):
    _score(people.patient, people.patient.user, "phq9", 24, 1)
    client.force_login(people.patient.user)
    for url in (reverse("patient_home"), reverse("my_progress")):
        page = client.get(url).content.decode()
        assert "Please contact your care team" in page, url
        assert "24" in page
    assert not RiskAlert.objects.exists()


def test_no_contact_panel_for_a_moderate_score(client, people):
    _score(people.patient, people.patient.user, "phq9", 19, 1)
    client.force_login(people.patient.user)
    assert (
        "Please contact your care team" not in client.get(reverse("patient_home")).content.decode()
    )


def test_a_severe_latest_score_flags_the_registry(people):
    patient = _in_treatment(people, "Severe", weeks=3, phq9=[(14, 20), (21, 1)])
    assert Flag.SEVERE_SCORE in _row(people, patient).flags


def test_questionnaires_are_not_contact_but_a_reached_call_or_attended_session_is(people):
    patient = _in_treatment(people, "Forms", weeks=10, phq9=[(14, 70), (12, 14), (11, 2)])
    row = _row(people, patient)
    assert row.last_contact_on is None
    assert Flag.CONTACT_OVERDUE in row.flags

    starts = _at(3)
    session = book_appointment(
        patient=patient,
        kind="check_in",
        mode="phone",
        staff=people.coordinator,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=30),
        booked_by=people.coordinator,
    )
    record_attendance(appointment=session, attendance="attended", by=people.coordinator)
    row = _row(people, patient)
    assert row.last_contact_on == starts.date()
    assert Flag.CONTACT_OVERDUE not in row.flags


def test_an_outreach_attempt_counts_only_when_it_reached_them(people):
    patient = _in_treatment(people, "Reach", weeks=10, phq9=[(14, 70)])
    starts = _at(2)
    book_appointment(
        patient=patient,
        kind="check_in",
        mode="phone",
        staff=people.coordinator,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=30),
        booked_by=people.coordinator,
    )
    sweep_missed_appointments(now=starts + timedelta(hours=2))
    task = patient.outreach_tasks.get()
    record_outreach_attempt(
        task=task,
        by=people.coordinator,
        method="called",
        outcome=OutreachAttempt.Outcome.NOT_REACHED,
        at=starts + timedelta(hours=3),
    )
    assert _row(people, patient).last_contact_on is None
    record_outreach_attempt(
        task=task,
        by=people.coordinator,
        method="called",
        outcome=OutreachAttempt.Outcome.REACHED,
        at=starts + timedelta(hours=5),
    )
    assert _row(people, patient).last_contact_on == starts.date()


def _alert(patient, people, triage):
    return RiskAlert.objects.create(
        patient=patient,
        reason=RiskAlert.Reason.STAFF_RAISED,
        raised_by=people.coordinator,
        created_at=timezone.now(),
        triage=triage,
    )


def test_triage_shows_beside_the_open_alert_and_high_comes_first(people):
    low = _in_treatment(people, "Aaron", weeks=3, phq9=[(14, 20)])
    high = _in_treatment(people, "Zed", weeks=3, phq9=[(14, 20)])
    _alert(low, people, RiskAlert.Triage.LOW)
    _alert(high, people, RiskAlert.Triage.HIGH)
    _alert(high, people, "")

    rows = [r for r in registry(people.coordinator, now=timezone.now()).rows if r.triage]
    assert [(r.patient, r.triage) for r in rows] == [(high, "high"), (low, "low")]
    client = _client(people.coordinator)
    page = client.get(reverse("registry")).content.decode()
    assert page.index("C-SSRS triage: high") < page.index("C-SSRS triage: low")
    page = client.get(reverse("caseload"), follow=True).content.decode()  # now the registry
    assert page.index("Zed") < page.index("Aaron")
    assert 'data-triage="high"' in page and 'data-triage="low"' in page
