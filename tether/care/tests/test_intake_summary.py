"""The first conversation: an email to the care team after a patient's first check-in (no
health data in it), and the one-page intake summary it links to."""

import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tether.accounts.services import add_clinician
from tether.assessments.scoring import AnswersInvalid
from tether.assessments.services import submit_assessment
from tether.crisis.models import RiskAlert
from tether.crisis.services import raise_risk_alert
from tether.network.models import ConsentScope, SupportContact
from tether.network.services import (
    add_support,
    record_trusted_check_in,
    respond_to_invitation,
    save_safety_plan,
    set_consent,
    set_help_wanted,
)
from tether.notifications.models import Delivery

# PHQ-9 total 17 ("moderately severe") with question 9 answered 1; GAD-7 total 16 ("severe").
PHQ9_RISK = [3, 3, 2, 2, 2, 2, 1, 1, 1]
PHQ9_NO_RISK = [2, 2, 1, 1, 1, 1, 1, 1, 0]  # total 10, moderate
GAD7_SEVERE = [3, 3, 2, 2, 2, 2, 2]
# MSPSS: someone special 6.0, family 2.0 (low), friends 5.0.
MSPSS_LOW_FAMILY = [6, 6, 2, 2, 6, 5, 5, 2, 5, 6, 2, 5]


@pytest.fixture
def team(people):
    """Give every member of staff an email address, as a real practice would."""
    for user in (
        people.admin,
        people.coordinator,
        people.clinician,
        people.peer,
        people.other_coordinator,
        people.other_clinician,
        people.outside_coordinator,
        people.outside_clinician,
    ):
        user.email = f"{user.username}@riverside.example"
        user.save(update_fields=["email"])
    return people


def _submit(people, answers=PHQ9_RISK, instrument="phq9", by=None, days_ago=0):
    return submit_assessment(
        patient=people.patient,
        instrument=instrument,
        answers=answers,
        entered_by=by or people.patient.user,
        completed_at=timezone.now() - timedelta(days=days_ago),
    )


def _intake_emails():
    return Delivery.objects.filter(purpose="intake-summary")


def _url(patient) -> str:
    return reverse("intake_summary", args=[patient.pk])


def _page(user, patient) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(_url(patient))
    assert response.status_code == 200
    return response.content.decode()


# The email.


def test_it_emails_the_coordinator_and_clinician_after_the_first_check_in(
    team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _submit(team)

    emails = _intake_emails()
    assert sorted(e.to for e in emails) == [
        "clinician@riverside.example",
        "coordinator@riverside.example",
    ]
    assert {e.status for e in emails} == {Delivery.Status.SENT}
    assert {e.patient_id for e in emails} == {team.patient.pk}


def test_it_emails_every_clinician_on_the_team(team, django_capture_on_commit_callbacks):
    add_clinician(patient=team.patient, clinician=team.other_clinician)

    with django_capture_on_commit_callbacks(execute=True):
        _submit(team)

    assert sorted(e.to for e in _intake_emails()) == [
        "clinician@riverside.example",
        "coordinator@riverside.example",
        "other_clinician@riverside.example",
    ]


def test_it_emails_nobody_outside_the_care_team(team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _submit(team)

    recipients = {e.to for e in _intake_emails()}
    for outsider in (
        team.admin,
        team.peer,
        team.other_coordinator,
        team.other_clinician,
        team.outside_coordinator,
        team.outside_clinician,
    ):
        assert outsider.email not in recipients


def test_it_emails_only_after_the_first_assessment(team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _submit(team, PHQ9_NO_RISK, days_ago=14)
    first = set(_intake_emails().values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        _submit(team, GAD7_SEVERE, instrument="gad7")
        _submit(team, PHQ9_RISK)

    assert len(first) == 2
    assert set(_intake_emails().values_list("pk", flat=True)) == first


def test_a_first_questionnaire_entered_by_staff_counts_as_the_first(
    team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _submit(team, by=team.clinician)

    assert _intake_emails().count() == 2


def test_the_email_holds_no_health_data_and_no_name(team, django_capture_on_commit_callbacks):
    set_help_wanted(patient=team.patient, text="Sleeping again and getting back to work")

    with django_capture_on_commit_callbacks(execute=True):
        submitted = _submit(team)

    assert submitted.alert is not None  # the answers were as risky as they come
    for email in _intake_emails():
        text = f"{email.subject}\n{email.body}"
        assert "first check-in" in text
        assert "a new patient on your caseload" in text.lower()
        link = settings.SITE_URL.rstrip("/") + _url(team.patient)
        assert link in email.body
        # The score as a number on its own (not "17" inside a generated username or id).
        assert not re.search(r"\b17\b", text.replace(link, "")), text
        outside_link = text.replace(link, "").lower()
        for secret in ("severe", "PHQ", "question 9", "risk", "alert", "Sleeping"):
            assert secret.lower() not in outside_link, secret
        # Names as whole words: a generated staff name such as "Alexander" is not "Alex".
        for name in ("Alex", "Rivera"):
            assert not re.search(rf"\b{name.lower()}\b", outside_link), name


def test_the_email_goes_out_only_when_the_check_in_is_saved(
    team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _submit(team)

    # Recorded in the same transaction, sent only on commit.
    assert {e.status for e in _intake_emails()} == {Delivery.Status.QUEUED}
    # Two intake emails, plus the on-call page for the risk answer (tether.crisis).
    assert len(callbacks) == 2 + Delivery.objects.filter(purpose="risk-alert").count()


def test_invalid_answers_send_nothing(team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(AnswersInvalid):
        _submit(team, answers=[0] * 8)

    assert not _intake_emails().exists()


def test_staff_without_an_email_or_no_longer_active_are_skipped(
    team, django_capture_on_commit_callbacks
):
    team.coordinator.email = ""
    team.coordinator.save(update_fields=["email"])
    team.clinician.is_active = False
    team.clinician.save(update_fields=["is_active"])

    with django_capture_on_commit_callbacks(execute=True):
        _submit(team)

    assert not _intake_emails().exists()


def test_loading_past_questionnaires_can_skip_the_email(team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit_assessment(
            patient=team.patient,
            instrument="phq9",
            answers=PHQ9_NO_RISK,
            entered_by=team.patient.user,
            completed_at=timezone.now() - timedelta(days=200),
            send_intake_summary=False,
        )

    assert not _intake_emails().exists()


def test_a_patient_checking_in_on_the_web_sends_it(team, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(team.patient.user)
    answers = {f"item_{n + 1}": str(v) for n, v in enumerate(PHQ9_NO_RISK)}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("take_assessment", args=["phq9"]), answers)

    assert response.status_code == 302
    assert _intake_emails().count() == 2


def test_the_link_in_the_email_opens_the_summary_for_the_coordinator(
    team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _submit(team)
    email = _intake_emails().get(to=team.coordinator.email)
    path = next(
        line for line in email.body.splitlines() if line.startswith(settings.SITE_URL)
    ).removeprefix(settings.SITE_URL.rstrip("/"))

    client = Client()
    client.force_login(team.coordinator)

    assert client.get(path).status_code == 200


# The page.


def test_it_shows_scores_and_bands(people):
    _submit(people, PHQ9_RISK)
    _submit(people, GAD7_SEVERE, instrument="gad7")

    page = _page(people.coordinator, people.patient)

    assert "Intake summary: Alex Rivera" in page
    assert "17 / 27" in page and "Moderately severe" in page
    assert "16 / 21" in page and "Severe" in page


def test_it_says_when_there_are_no_scores_yet(people):
    page = _page(people.coordinator, people.patient)

    assert page.count("Not completed yet") == 2
    assert "Not asked yet: there is no PHQ-9." in page


def test_an_item_9_answer_above_0_shows_its_alert(people):
    _submit(people, PHQ9_RISK)

    page = _page(people.clinician, people.patient)

    assert "Answered “Several days” (1)" in page
    assert "This raised a risk alert, now open" in page
    alert = RiskAlert.objects.get(patient=people.patient)
    assert reverse("alert_detail", args=[alert.pk]) in page


def test_an_item_9_answer_of_0_is_not_called_safe(people):
    _submit(people, PHQ9_NO_RISK)

    page = _page(people.coordinator, people.patient)

    assert "Answered “Not at all” (0)" in page
    assert "no risk alert came from it" in page
    assert "does not rule out risk" in page
    assert "No unresolved risk alerts." in page


def test_an_alert_raised_by_hand_is_listed(people):
    _submit(people, PHQ9_NO_RISK)
    raise_risk_alert(
        patient=people.patient, reason=RiskAlert.Reason.STAFF_RAISED, raised_by=people.clinician
    )

    page = _page(people.coordinator, people.patient)

    assert "Unresolved risk alerts: Raised by staff (open" in page


def test_it_shows_the_network_map_and_its_gaps(people):
    patient = people.patient
    tom = add_support(
        patient=patient,
        kind=SupportContact.Kind.TRUSTED_PERSON,
        name="Tom Weller",
        relationship="friend",
        email="tom@example.org",
        by=patient.user,
    )
    set_consent(
        contact=tom, scopes=[ConsentScope.NUDGE_CHECK_IN], by=patient.user, check_in_every_days=7
    )
    respond_to_invitation(contact=tom, accept=True)
    for days in (40, 30, 20, 10, 3):
        record_trusted_check_in(contact=tom, at=timezone.now() - timedelta(days=days))
    declined = add_support(
        patient=patient,
        kind=SupportContact.Kind.TRUSTED_PERSON,
        name="Uncle Bo",
        relationship="family",
        email="bo@example.org",
        by=patient.user,
    )
    set_consent(contact=declined, scopes=[ConsentScope.NUDGE_CHECK_IN], by=patient.user)
    respond_to_invitation(contact=declined, accept=False)
    _submit(people, MSPSS_LOW_FAMILY, instrument="mspss")

    page = _page(people.coordinator, patient)

    # Relational (Tom) and professional (coordinator + clinician): Tom is a single point.
    assert "Support network: 2/5 layers, 1 single point" in page
    assert "Tom Weller" in page and "Uncle Bo (declined)" in page
    assert "Single point: held by one support" in page
    assert page.count("Gap: nothing here yet") == 3
    assert "Load: Tom Weller has done 5 of the last 5 check-ins." in page
    assert "Support from your family feels low right now" in page
    assert "Family</th><td>mean 2.0 / 7</td><td>Low</td>" in page.replace("· ", "")
    assert "Write your safety plan" in page  # the patient's own next step


def test_it_shows_the_safety_plan_status(people):
    assert "Not written yet." in _page(people.coordinator, people.patient)

    save_safety_plan(
        patient=people.patient,
        steps={"warning_signs": ["Not sleeping"]},
        written_by=people.patient.user,
        with_clinician=people.clinician,
    )
    save_safety_plan(
        patient=people.patient,
        steps={"warning_signs": ["Not sleeping", "Skipping meals"]},
        written_by=people.patient.user,
    )
    page = _page(people.coordinator, people.patient)

    assert "Not written yet." not in page
    assert "Version 2, saved" in page


def test_it_shows_what_the_patient_wants_help_with(people):
    assert "They haven't said yet" in _page(people.coordinator, people.patient)

    set_help_wanted(patient=people.patient, text="Sleeping again <and> getting back to work")

    page = _page(people.coordinator, people.patient)
    assert "Sleeping again &lt;and&gt; getting back to work" in page


def test_it_is_one_printable_page(people):
    page = _page(people.coordinator, people.patient)

    # The print rules live in the stylesheet (the Content-Security-Policy allows no inline
    # style): the page carries the class they apply to.
    assert '<article class="intake-summary">' in page
    stylesheet = Path(finders.find("tether.css")).read_text()
    assert ".intake-summary section { break-inside: avoid; }" in stylesheet


def test_the_staff_patient_page_links_to_it(people):
    client = Client()
    client.force_login(people.clinician)

    page = client.get(reverse("staff_patient", args=[people.patient.pk])).content.decode()

    assert f'href="{_url(people.patient)}"' in page


@pytest.mark.parametrize("who", ["coordinator", "clinician", "admin"])
def test_the_care_team_and_the_practice_admin_may_see_it(people, who):
    _page(getattr(people, who), people.patient)


@pytest.mark.parametrize(
    "who",
    [
        "other_coordinator",
        "other_clinician",
        "outside_admin",
        "outside_coordinator",
        "outside_clinician",
        "peer",
        "other_patient",
    ],
)
def test_everyone_else_gets_404(people, who):
    user = getattr(people, who)
    client = Client()
    client.force_login(user.user if who.endswith("patient") else user)

    assert client.get(_url(people.patient)).status_code == 404


def test_the_patient_themself_gets_404(people):
    client = Client()
    client.force_login(people.patient.user)

    assert client.get(_url(people.patient)).status_code == 404


def test_an_unknown_patient_gets_404(people):
    client = Client()
    client.force_login(people.admin)

    assert client.get(reverse("intake_summary", args=[uuid.uuid4()])).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(people):
    response = Client().get(_url(people.patient))

    assert response.status_code == 302
    assert "/login/" in response["Location"]
