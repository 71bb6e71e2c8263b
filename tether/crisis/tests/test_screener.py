"""The Columbia screener through its service and pages: what is stored, the triage it sets on
the alert, urgent paging on high triage, and who may enter it."""

import html
from datetime import timedelta

import pytest
from django.utils import timezone

from tether.assessments.services import submit_assessment
from tether.crisis.models import AlertEvent, OnCallShift, RiskAlert, RiskScreen
from tether.crisis.screener import record_risk_screen
from tether.crisis.triage import ScreenInvalid
from tether.notifications.models import Notification

ALL_NO = {"wish_dead": False, "thoughts": False, "behavior": False}
WISH_ONLY = ALL_NO | {"wish_dead": True}
METHOD = {"wish_dead": True, "thoughts": True, "method": True, "intent": False, "plan": False}
METHOD |= {"behavior": False}
INTENT = METHOD | {"intent": True}
RECENT_ATTEMPT = ALL_NO | {"behavior": True, "behavior_recent": True}

WEB_ALL_NO = {"wish_dead": "no", "thoughts": "no", "behavior": "no"}
WEB_INTENT = {"wish_dead": "yes", "thoughts": "yes", "method": "yes", "intent": "yes"}
WEB_INTENT |= {"plan": "no", "behavior": "no"}


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def on_call(people):
    now = timezone.now()
    return OnCallShift.objects.create(
        practice=people.practice,
        clinician=people.clinician,
        backup=people.other_clinician,
        starts_at=now - timedelta(hours=4),
        ends_at=now + timedelta(hours=4),
    )


def _item9_alert(people) -> RiskAlert:
    submitted = submit_assessment(
        patient=people.patient,
        instrument="phq9",
        answers=[1, 1, 1, 1, 1, 1, 1, 1, 2],
        entered_by=people.patient.user,
    )
    return submitted.alert


# --- The service ------------------------------------------------------------------------------


def test_a_screen_sets_the_triage_of_the_alert_it_follows(people):
    alert = _item9_alert(people)

    screen = record_risk_screen(
        patient=people.patient, answers=METHOD, entered_by=people.patient.user, alert=alert
    )

    alert.refresh_from_db()
    assert alert.triage == RiskAlert.Triage.MODERATE
    assert screen.alert == alert
    assert screen.triage == "moderate"
    assert screen.answers == METHOD
    assert RiskAlert.objects.count() == 1
    event = alert.events.get(kind=AlertEvent.Kind.TRIAGED)
    assert event.actor == people.patient.user
    assert event.note.startswith("Triage moderate (1 yes, 2 yes, 3 yes, 4 no, 5 no, 6 no)")


def test_all_no_after_a_positive_item_9_gives_low_and_leaves_the_alert_open(people):
    alert = _item9_alert(people)

    record_risk_screen(
        patient=people.patient, answers=ALL_NO, entered_by=people.patient.user, alert=alert
    )

    alert.refresh_from_db()
    assert alert.triage == "low"
    assert alert.status == RiskAlert.Status.OPEN


def test_a_screen_on_its_own_with_a_yes_raises_an_alert(people):
    screen = record_risk_screen(
        patient=people.patient, answers=WISH_ONLY, entered_by=people.patient.user, alert=None
    )

    alert = RiskAlert.objects.get()
    assert screen.alert == alert
    assert alert.reason == RiskAlert.Reason.CSSRS_POSITIVE
    assert alert.triage == "low"
    assert "1 yes, 2 no, 6 no" in alert.detail


def test_a_screen_on_its_own_with_all_no_is_kept_without_an_alert(people):
    screen = record_risk_screen(
        patient=people.patient, answers=ALL_NO, entered_by=people.patient.user, alert=None
    )

    assert screen.alert is None
    assert screen.triage == "low"
    assert not RiskAlert.objects.exists()


def test_a_patients_own_screen_never_lowers_the_triage(people):
    alert = _item9_alert(people)
    record_risk_screen(
        patient=people.patient, answers=INTENT, entered_by=people.patient.user, alert=alert
    )

    record_risk_screen(
        patient=people.patient, answers=ALL_NO, entered_by=people.patient.user, alert=alert
    )

    alert.refresh_from_db()
    assert alert.triage == "high"
    assert alert.screens.count() == 2
    last = alert.events.filter(kind=AlertEvent.Kind.TRIAGED).last()
    assert "never lowers it" in last.note


def test_a_screen_staff_enter_during_a_call_sets_the_level_even_lower(people):
    alert = _item9_alert(people)
    record_risk_screen(
        patient=people.patient, answers=INTENT, entered_by=people.patient.user, alert=alert
    )

    record_risk_screen(
        patient=people.patient, answers=METHOD, entered_by=people.clinician, alert=alert
    )

    alert.refresh_from_db()
    assert alert.triage == "moderate"
    assert alert.status == RiskAlert.Status.OPEN


@pytest.mark.parametrize(
    "answers",
    [
        {"wish_dead": True},
        ALL_NO | {"method": True},
        ALL_NO | {"behavior_recent": True},
        {**METHOD, "intent": None},
        "yes",
    ],
)
def test_bad_answers_store_nothing(people, answers):
    alert = _item9_alert(people)
    events = AlertEvent.objects.count()

    with pytest.raises(ScreenInvalid):
        record_risk_screen(
            patient=people.patient, answers=answers, entered_by=people.patient.user, alert=alert
        )

    assert not RiskScreen.objects.exists()
    assert AlertEvent.objects.count() == events
    alert.refresh_from_db()
    assert alert.triage == ""


def test_another_patients_alert_is_refused(people):
    alert = _item9_alert(people)

    with pytest.raises(ScreenInvalid):
        record_risk_screen(
            patient=people.other_patient,
            answers=WISH_ONLY,
            entered_by=people.other_patient.user,
            alert=alert,
        )

    assert not RiskScreen.objects.exists()


# --- High triage pages at once ------------------------------------------------------------------


@pytest.mark.parametrize("answers", [INTENT, METHOD | {"plan": True}, RECENT_ATTEMPT])
def test_high_triage_pages_the_holder_the_on_call_team_and_admins_at_once(people, on_call, answers):
    alert = _item9_alert(people)
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"clinician"}

    record_risk_screen(
        patient=people.patient, answers=answers, entered_by=people.patient.user, alert=alert
    )

    alert.refresh_from_db()
    assert alert.triage == "high"
    paged = set(Notification.objects.values_list("user__username", flat=True))
    assert {"clinician", "other_clinician", "admin"} <= paged
    # The clinician on call (who holds it) is paged again, not only the others.
    assert Notification.objects.filter(user=people.clinician).count() == 2
    recipients = set(
        alert.events.filter(recipient__isnull=False).values_list("recipient__username", flat=True)
    )
    assert {"clinician", "other_clinician", "admin"} <= recipients


def test_a_high_screen_on_its_own_raises_an_urgent_alert(people, on_call):
    record_risk_screen(
        patient=people.patient, answers=RECENT_ATTEMPT, entered_by=people.patient.user, alert=None
    )

    alert = RiskAlert.objects.get()
    assert alert.reason == RiskAlert.Reason.CSSRS_POSITIVE
    assert alert.triage == "high"
    paged = set(Notification.objects.values_list("user__username", flat=True))
    assert {"clinician", "other_clinician", "admin"} <= paged


def test_moderate_triage_pages_nobody_new(people, on_call):
    alert = _item9_alert(people)
    before = Notification.objects.count()

    record_risk_screen(
        patient=people.patient, answers=METHOD, entered_by=people.patient.user, alert=alert
    )

    assert Notification.objects.count() == before


# --- The patient's pages --------------------------------------------------------------------


@pytest.fixture
def patient_client(client, people):
    client.force_login(people.patient.user)
    return client


def test_the_result_page_offers_the_screener_after_the_crisis_resources(patient_client):
    response = patient_client.post(
        "/me/check-in/phq9/", {f"item_{n}": "1" for n in range(1, 10)}, follow=True
    )

    page = response.content.decode()
    assert page.index('id="crisis-resources"') < page.index('id="screener-offer"')
    assert 'href="/me/screener/"' in page


def test_the_patient_sees_every_question(patient_client):
    response = patient_client.get("/me/screener/")

    assert response.status_code == 200
    page = _text(response)
    for text in ("go to sleep and not wake up", "how you might do this", "past 3 months"):
        assert text in page


def test_a_patients_screen_sets_the_triage_of_their_open_alert(patient_client, people):
    alert = _item9_alert(people)

    response = patient_client.post("/me/screener/", WEB_ALL_NO | {"wish_dead": "yes"})

    screen = RiskScreen.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/me/screener/{screen.pk}/"
    assert screen.alert == alert
    alert.refresh_from_db()
    assert alert.triage == "low"
    done = _text(patient_client.get(response["Location"]))
    assert "Thank you for answering" in done
    assert 'id="call-first"' not in done


def test_follow_ups_answered_after_a_no_are_dropped_on_the_web(patient_client, people):
    # The page hides them; a stale "yes" left behind must not be held against the patient.
    patient_client.post("/me/screener/", WEB_ALL_NO | {"method": "yes", "behavior_recent": "yes"})

    screen = RiskScreen.objects.get()
    assert screen.answers == ALL_NO
    assert screen.triage == "low"


def test_a_missing_answer_is_named_and_nothing_is_stored(patient_client, people):
    response = patient_client.post("/me/screener/", {"wish_dead": "yes", "thoughts": "yes"})

    assert response.status_code == 400
    page = _text(response)
    assert "Please answer question 3." in page
    assert "Please answer question 6." in page
    assert not RiskScreen.objects.exists()
    assert not RiskAlert.objects.exists()


def test_high_triage_shows_the_call_button_first(patient_client, people, on_call):
    _item9_alert(people)

    response = patient_client.post("/me/screener/", WEB_INTENT, follow=True)

    page = response.content.decode()
    assert 'id="call-first"' in page
    assert 'href="tel:988"' in page
    call = page.index('id="call-first"')
    assert call < page.index('id="crisis-resources"')
    assert call < page.index("<h1")
    assert page.count('id="crisis-resources"') == 1


def test_a_patient_cannot_open_another_patients_screen(client, people):
    other = record_risk_screen(
        patient=people.other_patient,
        answers=ALL_NO,
        entered_by=people.other_patient.user,
        alert=None,
    )
    client.force_login(people.patient.user)

    assert client.get(f"/me/screener/{other.pk}/").status_code == 404


def test_staff_cannot_use_the_patients_screener_page(client, people):
    client.force_login(people.clinician)

    assert client.get("/me/screener/").status_code == 404
    assert client.post("/me/screener/", WEB_ALL_NO).status_code == 404


# --- Staff entering a screener during a call, and the alert page --------------------------------


def _staff_url(patient) -> str:
    return f"/staff/patients/{patient.pk}/screener/"


def test_staff_enter_a_screener_and_see_it_on_the_alert(client, people):
    alert = _item9_alert(people)
    client.force_login(people.clinician)

    response = client.post(_staff_url(people.patient), WEB_INTENT, follow=True)

    assert response.redirect_chain[-1][0] == f"/staff/alerts/{alert.pk}/"
    page = _text(response)
    assert "Triage (Columbia screener): <strong>High</strong>" in page
    assert "entered by" in page
    assert "4. Have you had these thoughts and had some intention of acting on them?" in page
    screen = RiskScreen.objects.get()
    assert screen.entered_by == people.clinician


def test_the_alert_page_says_when_nobody_has_screened_yet(client, people):
    alert = _item9_alert(people)
    client.force_login(people.coordinator)

    page = _text(client.get(f"/staff/alerts/{alert.pk}/"))

    assert "Triage (Columbia screener): <strong>not screened yet</strong>" in page
    assert _staff_url(people.patient) in page


@pytest.mark.parametrize("who", ["other_coordinator", "outside_coordinator", "peer"])
def test_staff_who_may_not_see_the_patient_get_404(client, people, who):
    client.force_login(getattr(people, who))

    assert client.get(_staff_url(people.patient)).status_code == 404
    assert client.post(_staff_url(people.patient), WEB_INTENT).status_code == 404
    assert not RiskScreen.objects.exists()
