"""Risk alerts: raising, acknowledging and resolving, through the services and the web pages."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from tests.factories import make_patient
from tether.crisis.models import AlertEvent, RiskAlert
from tether.crisis.services import (
    AlertStateError,
    acknowledge_alert,
    raise_risk_alert,
    resolve_alert,
)


def _raise(people, *, patient=None, at=None, detail="Said they are struggling on the phone."):
    return raise_risk_alert(
        patient=patient or people.patient,
        reason=RiskAlert.Reason.STAFF_RAISED,
        raised_by=people.coordinator,
        detail=detail,
        at=at,
    )


def _kinds(alert: RiskAlert) -> list[str]:
    return list(
        AlertEvent.objects.filter(alert=alert).exclude(actor=None).values_list("kind", flat=True)
    )


# --- Services -------------------------------------------------------------------------------


def test_raising_an_alert_records_who_and_when(people):
    before = timezone.now()
    alert = _raise(people)
    after = timezone.now()

    alert.refresh_from_db()
    assert alert.status == RiskAlert.Status.OPEN
    assert alert.is_active
    assert alert.raised_by == people.coordinator
    assert before <= alert.created_at <= after
    (event,) = alert.events.exclude(actor=None)
    assert event.kind == AlertEvent.Kind.RAISED
    assert event.actor == people.coordinator
    assert event.at == alert.created_at
    assert event.note == "Said they are struggling on the phone."


def test_acknowledging_an_open_alert_records_who_and_when(people):
    alert = _raise(people)
    before = timezone.now()

    returned = acknowledge_alert(alert=alert, by=people.clinician, note="Calling now.")

    after = timezone.now()
    alert.refresh_from_db()
    assert returned.status == alert.status == RiskAlert.Status.ACKNOWLEDGED
    assert alert.acknowledged_by == people.clinician
    assert before <= alert.acknowledged_at <= after
    assert alert.resolved_at is None
    assert alert.is_active
    event = alert.events.get(kind=AlertEvent.Kind.ACKNOWLEDGED)
    assert event.actor == people.clinician
    assert event.at == alert.acknowledged_at
    assert event.note == "Calling now."


def test_acknowledging_twice_is_refused_and_keeps_the_first_acknowledgement(people):
    alert = _raise(people)
    acknowledge_alert(alert=alert, by=people.clinician)
    first = RiskAlert.objects.get(pk=alert.pk).acknowledged_at

    with pytest.raises(AlertStateError, match="already acknowledged"):
        acknowledge_alert(alert=alert, by=people.coordinator)

    alert.refresh_from_db()
    assert alert.acknowledged_by == people.clinician
    assert alert.acknowledged_at == first
    assert _kinds(alert) == ["raised", "acknowledged"]


def test_acknowledging_a_resolved_alert_is_refused(people):
    alert = _raise(people)
    resolve_alert(alert=alert, by=people.coordinator, note="Spoke with them; safe at home.")

    with pytest.raises(AlertStateError, match="already resolved"):
        acknowledge_alert(alert=alert, by=people.clinician)

    alert.refresh_from_db()
    assert alert.status == RiskAlert.Status.RESOLVED
    assert _kinds(alert) == ["raised", "acknowledged", "resolved"]


@pytest.mark.parametrize("note", ["", "   ", "\n\t"])
def test_resolving_needs_a_note(people, note):
    alert = _raise(people)

    with pytest.raises(AlertStateError, match="note"):
        resolve_alert(alert=alert, by=people.coordinator, note=note)

    alert.refresh_from_db()
    assert alert.status == RiskAlert.Status.OPEN
    assert alert.resolved_at is None
    assert _kinds(alert) == ["raised"]


def test_resolving_an_open_alert_records_both_steps(people):
    alert = _raise(people)
    before = timezone.now()

    resolve_alert(alert=alert, by=people.clinician, note="  Safety plan reviewed by phone.  ")

    after = timezone.now()
    alert.refresh_from_db()
    assert alert.status == RiskAlert.Status.RESOLVED
    assert not alert.is_active
    assert alert.acknowledged_by == alert.resolved_by == people.clinician
    assert before <= alert.acknowledged_at <= alert.resolved_at <= after
    assert alert.resolution_note == "Safety plan reviewed by phone."
    events = list(alert.events.exclude(actor=None))
    assert [e.kind for e in events] == ["raised", "acknowledged", "resolved"]
    assert events[1].actor == events[2].actor == people.clinician
    assert events[2].note == "Safety plan reviewed by phone."


def test_resolving_an_acknowledged_alert_keeps_who_acknowledged_it(people):
    alert = _raise(people)
    acknowledge_alert(alert=alert, by=people.clinician)
    acknowledged_at = RiskAlert.objects.get(pk=alert.pk).acknowledged_at

    resolve_alert(alert=alert, by=people.coordinator, note="Seen in clinic today.")

    alert.refresh_from_db()
    assert alert.acknowledged_by == people.clinician
    assert alert.acknowledged_at == acknowledged_at
    assert alert.resolved_by == people.coordinator
    assert _kinds(alert) == ["raised", "acknowledged", "resolved"]


def test_resolving_twice_is_refused(people):
    alert = _raise(people)
    resolve_alert(alert=alert, by=people.clinician, note="First note.")

    with pytest.raises(AlertStateError, match="already resolved"):
        resolve_alert(alert=alert, by=people.coordinator, note="Second note.")

    alert.refresh_from_db()
    assert alert.resolved_by == people.clinician
    assert alert.resolution_note == "First note."
    assert _kinds(alert) == ["raised", "acknowledged", "resolved"]


def test_every_state_change_is_kept_with_actor_and_time(people):
    alert = _raise(people)
    acknowledge_alert(alert=alert, by=people.clinician, note="On it.")
    resolve_alert(alert=alert, by=people.admin, note="Closed after follow-up call.")

    alert.refresh_from_db()
    events = list(alert.events.exclude(actor=None))
    assert [(e.kind, e.actor) for e in events] == [
        ("raised", people.coordinator),
        ("acknowledged", people.clinician),
        ("resolved", people.admin),
    ]
    assert [e.at for e in events] == [alert.created_at, alert.acknowledged_at, alert.resolved_at]
    assert events[0].at <= events[1].at <= events[2].at


def test_an_acknowledgement_from_a_stale_copy_is_refused(people):
    # Two staff open the same alert; the second to act must not overwrite the first.
    alert = _raise(people)
    stale = RiskAlert.objects.get(pk=alert.pk)
    acknowledge_alert(alert=alert, by=people.clinician)

    with pytest.raises(AlertStateError):
        acknowledge_alert(alert=stale, by=people.coordinator)

    assert RiskAlert.objects.get(pk=alert.pk).acknowledged_by == people.clinician


# --- Web: the patient says they are not safe ------------------------------------------------


def test_a_patient_saying_they_are_not_safe_alerts_the_team_and_sees_help(client, people):
    client.force_login(people.patient.user)

    response = client.post("/me/not-safe/")

    assert response.status_code == 302
    assert response["Location"] == "/help/"
    alert = RiskAlert.objects.get()
    assert alert.patient == people.patient
    assert alert.reason == RiskAlert.Reason.PATIENT_NOT_SAFE
    assert alert.status == RiskAlert.Status.OPEN
    assert alert.raised_by == people.patient.user
    assert _kinds(alert) == ["raised"]

    page = client.get("/help/").content.decode()
    assert page.count('id="crisis-resources"') == 1
    assert page.index('id="crisis-resources"') < page.index("<main")
    assert 'href="tel:988"' in page
    # Nobody is on call in this practice, but its admin was paged: the page says what
    # happens next, and when to call the crisis line.
    assert (
        "We&#x27;ve let your care team know. If you haven&#x27;t heard from us in 5 minutes, "
        "please contact 988 Suicide &amp; Crisis Lifeline: call 988 or text 988." in page
    )
    assert "has been alerted" not in page


def test_not_safe_needs_a_post(client, people):
    client.force_login(people.patient.user)

    assert client.get("/me/not-safe/").status_code == 405
    assert RiskAlert.objects.count() == 0


def test_only_patients_can_press_not_safe(client, people):
    client.force_login(people.coordinator)

    assert client.post("/me/not-safe/").status_code == 404
    assert RiskAlert.objects.count() == 0


def test_the_help_page_offers_the_not_safe_button_to_patients(client, people):
    client.force_login(people.patient.user)

    page = client.get("/help/").content.decode()

    assert 'action="/me/not-safe/"' in page
    assert 'id="not-safe"' in page


# --- Web: staff raise an alert by hand ------------------------------------------------------


def _raise_url(patient) -> str:
    return f"/staff/patients/{patient.pk}/raise-alert/"


def test_staff_can_raise_an_alert_by_hand(client, people):
    client.force_login(people.clinician)

    response = client.post(_raise_url(people.patient), {"detail": "Worrying voicemail."})

    alert = RiskAlert.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/alerts/{alert.pk}/"
    assert alert.patient == people.patient
    assert alert.reason == RiskAlert.Reason.STAFF_RAISED
    assert alert.raised_by == people.clinician
    assert alert.detail == "Worrying voicemail."
    assert alert.assessment is None
    assert [(e.kind, e.actor) for e in alert.events.exclude(actor=None)] == [
        ("raised", people.clinician)
    ]


@pytest.mark.parametrize("who", ["coordinator", "clinician", "admin"])
def test_the_patient_page_always_offers_staff_a_way_to_raise_an_alert(client, people, who):
    client.force_login(getattr(people, who))

    page = client.get(f"/staff/patients/{people.patient.pk}/").content.decode()

    assert f'action="{_raise_url(people.patient)}"' in page


@pytest.mark.parametrize("detail", ["", "   "])
def test_raising_an_alert_needs_a_reason(client, people, detail):
    client.force_login(people.clinician)

    response = client.post(_raise_url(people.patient), {"detail": detail}, follow=True)

    assert RiskAlert.objects.count() == 0
    assert response.redirect_chain[0] == (f"/staff/patients/{people.patient.pk}/", 302)
    assert "Please say briefly why" in response.content.decode()


@pytest.mark.parametrize("who", ["outside_coordinator", "other_coordinator", "peer"])
def test_staff_who_cannot_see_the_patient_cannot_raise_an_alert(client, people, who):
    client.force_login(getattr(people, who))

    response = client.post(_raise_url(people.patient), {"detail": "Test."})

    assert response.status_code == 404
    assert RiskAlert.objects.count() == 0


# --- Web: the alert queue and working an alert ----------------------------------------------


def test_the_queue_lists_open_alerts_newest_first_above_acknowledged_ones(client, people):
    # One patient has one unresolved alert at a time, so each alert here is another patient's.
    third, fourth = (
        make_patient(
            practice=people.practice,
            coordinator=people.coordinator,
            clinicians=[people.clinician],
            username=name,
        )
        for name in ("third", "fourth")
    )
    now = timezone.now()
    older_open = _raise(people, at=now - timedelta(hours=3))
    newer_open = _raise(people, patient=people.other_patient, at=now - timedelta(hours=1))
    # Acknowledged most recently raised, yet it still goes below every open alert.
    acknowledged = _raise(people, patient=third, at=now - timedelta(minutes=5))
    acknowledge_alert(alert=acknowledged, by=people.clinician)
    resolved = _raise(people, patient=fourth, at=now)
    resolve_alert(alert=resolved, by=people.clinician, note="Done.")
    outside = raise_risk_alert(
        patient=people.outside_patient,
        reason=RiskAlert.Reason.STAFF_RAISED,
        raised_by=people.outside_coordinator,
    )
    client.force_login(people.admin)

    response = client.get("/staff/alerts/")

    assert response.status_code == 200
    page = response.content.decode()
    positions = [
        page.index(f'href="/staff/alerts/{a.pk}/"') for a in (newer_open, older_open, acknowledged)
    ]
    assert positions == sorted(positions)
    assert f"/staff/alerts/{resolved.pk}/" not in page
    assert f"/staff/alerts/{outside.pk}/" not in page


def test_the_queue_puts_high_triage_first_among_open_alerts_and_links_words_to_read(client, people):
    now = timezone.now()
    newer = _raise(people, at=now - timedelta(minutes=5))
    high = _raise(people, patient=people.other_patient, at=now - timedelta(hours=2))
    RiskAlert.objects.filter(pk=high.pk).update(triage=RiskAlert.Triage.HIGH)
    client.force_login(people.admin)

    page = client.get("/staff/alerts/").content.decode()

    assert page.index(f"/staff/alerts/{high.pk}/") < page.index(f"/staff/alerts/{newer.pk}/")
    assert "C-SSRS triage: high" in page
    assert 'href="/staff/screened/"' in page


def test_the_queue_shows_only_alerts_of_the_staff_members_patients(client, people):
    mine = _raise(people)
    not_mine = _raise(people, patient=people.other_patient)
    client.force_login(people.coordinator)

    page = client.get("/staff/alerts/").content.decode()

    assert f"/staff/alerts/{mine.pk}/" in page
    assert f"/staff/alerts/{not_mine.pk}/" not in page


def test_patients_cannot_see_the_queue(client, people):
    _raise(people)
    client.force_login(people.patient.user)

    assert client.get("/staff/alerts/").status_code == 404


def test_the_alert_page_shows_the_alert_and_its_history(client, people):
    alert = _raise(people, detail="Missed two calls.")
    client.force_login(people.coordinator)

    response = client.get(f"/staff/alerts/{alert.pk}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Risk alert for" in page and "Alex Rivera" in page
    assert "Missed two calls." in page
    assert 'id="acknowledge"' in page
    assert 'id="resolve"' in page


def test_staff_acknowledge_an_alert_on_its_page(client, people):
    alert = _raise(people)
    client.force_login(people.clinician)

    response = client.post(f"/staff/alerts/{alert.pk}/acknowledge/")

    assert response.status_code == 302
    assert response["Location"] == f"/staff/alerts/{alert.pk}/"
    alert.refresh_from_db()
    assert alert.status == RiskAlert.Status.ACKNOWLEDGED
    assert alert.acknowledged_by == people.clinician
    page = client.get(f"/staff/alerts/{alert.pk}/").content.decode()
    assert 'id="acknowledge"' not in page
    assert "Acknowledged by" in page


def test_acknowledging_again_on_the_web_tells_the_user_and_changes_nothing(client, people):
    alert = _raise(people)
    acknowledge_alert(alert=alert, by=people.clinician)
    client.force_login(people.coordinator)

    response = client.post(f"/staff/alerts/{alert.pk}/acknowledge/", follow=True)

    assert "already acknowledged" in response.content.decode()
    alert.refresh_from_db()
    assert alert.acknowledged_by == people.clinician


def test_staff_resolve_an_alert_on_its_page(client, people):
    alert = _raise(people)
    client.force_login(people.coordinator)

    response = client.post(f"/staff/alerts/{alert.pk}/resolve/", {"note": "Called; safe."})

    assert response.status_code == 302
    assert response["Location"] == "/staff/alerts/"
    alert.refresh_from_db()
    assert alert.status == RiskAlert.Status.RESOLVED
    assert alert.resolved_by == people.coordinator
    assert alert.resolution_note == "Called; safe."
    assert _kinds(alert) == ["raised", "acknowledged", "resolved"]


@pytest.mark.parametrize("note", ["", "   "])
def test_resolving_with_an_empty_note_on_the_web_is_refused(client, people, note):
    alert = _raise(people)
    acknowledge_alert(alert=alert, by=people.clinician)
    client.force_login(people.coordinator)

    response = client.post(f"/staff/alerts/{alert.pk}/resolve/", {"note": note})

    assert response.status_code == 400
    assert "Please write a note saying what was done." in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == RiskAlert.Status.ACKNOWLEDGED
    assert alert.resolved_at is None
    assert _kinds(alert) == ["raised", "acknowledged"]


def test_resolving_a_resolved_alert_on_the_web_changes_nothing(client, people):
    alert = _raise(people)
    resolve_alert(alert=alert, by=people.clinician, note="First.")
    client.force_login(people.coordinator)

    response = client.post(f"/staff/alerts/{alert.pk}/resolve/", {"note": "Second."}, follow=True)

    assert "already resolved" in response.content.decode()
    alert.refresh_from_db()
    assert alert.resolution_note == "First."
    assert alert.resolved_by == people.clinician


@pytest.mark.parametrize("who", ["outside_coordinator", "other_coordinator", "peer"])
@pytest.mark.parametrize("action", ["acknowledge/", "resolve/", ""])
def test_staff_who_cannot_see_the_patient_cannot_touch_the_alert(client, people, who, action):
    alert = _raise(people)
    client.force_login(getattr(people, who))
    url = f"/staff/alerts/{alert.pk}/{action}"

    response = client.post(url, {"note": "x"}) if action else client.get(url)

    assert response.status_code == 404
    alert.refresh_from_db()
    assert alert.status == RiskAlert.Status.OPEN


def test_a_patient_cannot_acknowledge_their_own_alert(client, people):
    client.force_login(people.patient.user)
    client.post("/me/not-safe/")
    alert = RiskAlert.objects.get()

    assert client.post(f"/staff/alerts/{alert.pk}/acknowledge/").status_code == 404
    assert client.post(f"/staff/alerts/{alert.pk}/resolve/", {"note": "ok"}).status_code == 404
    alert.refresh_from_db()
    assert alert.status == RiskAlert.Status.OPEN


def test_it_shows_alert_times_in_the_practice_time_zone(people, client):
    people.practice.time_zone = "America/Los_Angeles"
    people.practice.save(update_fields=["time_zone"])
    alert = raise_risk_alert(
        patient=people.patient,
        reason=RiskAlert.Reason.STAFF_RAISED,
        raised_by=people.clinician,
        detail="Worried after call",
        at=datetime(2026, 7, 1, 3, 30, tzinfo=UTC),
    )
    client.force_login(people.clinician)

    page = client.get(f"/staff/alerts/{alert.pk}/").content.decode()

    assert "30 Jun 2026 20:30" in page  # 03:30 UTC is 20:30 the day before in Los Angeles
