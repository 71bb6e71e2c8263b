"""The weekly case review and the clinician's tasks that come out of it, through HTTP."""

from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory, make_patient
from tether.accounts.models import Role
from tether.accounts.services import add_clinician
from tether.assessments.models import Assessment
from tether.care.models import Recommendation
from tether.care.services import start_episode
from tether.notifications.models import Notification

# A Wednesday afternoon in New York (the practice's time zone); its review is the week of
# Monday 3 March 2025.
WEDNESDAY = datetime(2025, 3, 5, 17, 0, tzinfo=UTC)
NEXT_WEDNESDAY = datetime(2025, 3, 12, 17, 0, tzinfo=UTC)
REVIEW = "/staff/case-review/"
TASKS = "/staff/recommendations/"


@pytest.fixture(autouse=True)
def _wednesday():
    with time_machine.travel(WEDNESDAY):
        yield


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _phq9(patient, on: date, total: int, by) -> None:
    Assessment.objects.create(
        patient=patient,
        instrument="phq9",
        answers=[min(3, total // 9 + (i < total % 9)) for i in range(9)],
        total=total,
        severity="moderate",
        source="self_report",
        entered_by=by,
        completed_at=datetime.combine(on, time(15), tzinfo=UTC),
    )


def _in_treatment(people, patient, *, started_on: date, scores: list[int]):
    """An open episode with a PHQ-9 at its start and, if given, a follow-up on 26 Feb."""
    episode = start_episode(patient=patient, started_on=started_on, by=people.coordinator)
    for on, total in zip((started_on, date(2025, 2, 26)), scores, strict=False):
        _phq9(patient, on, total, people.coordinator)
    return episode


def _patient(people, first: str, last: str):
    return make_patient(
        practice=people.practice,
        coordinator=people.coordinator,
        clinicians=[people.clinician],
        first_name=first,
        last_name=last,
    )


@pytest.fixture
def world(people):
    """On the clinician's caseload: Rivera not improving at 9 weeks, Zed still not improving
    at 11 weeks, Well a responder, Early only 4 weeks in. A consultant (a clinician on
    Rivera's and Zed's care teams) leads the review; the treating clinician is people.clinician.
    """
    consultant = UserFactory(
        username="consultant",
        practice=people.practice,
        role=Role.CLINICIAN,
        first_name="Dana",
        last_name="Consult",
    )
    zed = _patient(people, "Cy", "Zed")
    well = _patient(people, "Pat", "Well")
    early = _patient(people, "Eli", "Early")
    people.rivera_episode = _in_treatment(
        people, people.patient, started_on=date(2025, 1, 1), scores=[18, 16]
    )
    people.zed_episode = _in_treatment(people, zed, started_on=date(2024, 12, 18), scores=[20, 18])
    _in_treatment(people, well, started_on=date(2025, 1, 1), scores=[20, 8])
    _in_treatment(people, early, started_on=date(2025, 2, 1), scores=[18, 17])
    for patient in (people.patient, zed):
        add_clinician(patient=patient, clinician=consultant)
    people.consultant = consultant
    return people


def _recommend(client, episode, kind="increase_dose", text="Increase sertraline to 100 mg."):
    return client.post(
        f"/staff/case-review/episodes/{episode.pk}/recommend/", {"kind": kind, "text": text}
    )


def _page(user, url=REVIEW) -> str:
    response = _client(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_it_lists_patients_not_improving_with_change_the_plan_first(world):
    page = _page(world.clinician)

    assert "Case review, week of 3 Mar 2025" in page
    zed, rivera = page.index("Zed, Cy"), page.index("Rivera, Alex")
    assert zed < rivera
    assert "Still not improving: change the plan" in page[zed:rivera]
    assert "Not improving at 8 weeks: case review" in page[rivera:]
    assert "18 → 16 (11% better)" in page[rivera:]
    assert "Well, Pat" not in page  # a responder
    assert "Early, Eli" not in page  # not yet 8 weeks
    assert "Okafor" not in page  # not on this clinician's care teams


def test_it_shows_weeks_in_treatment_and_a_link_to_the_patient(world):
    page = _page(world.clinician)
    row = page[page.index(f'id="episode-{world.rivera_episode.pk}"') :]

    assert f'href="/staff/patients/{world.patient.pk}/"' in row
    assert "<td>9</td>" in row


def test_it_lists_no_baseline_and_overdue_reassessment_after_not_improving(world):
    late = _patient(world, "Lou", "Late")
    _in_treatment(world, late, started_on=date(2025, 2, 3), scores=[])
    page = _page(world.clinician)

    assert page.index("Rivera, Alex") < page.index("Late, Lou")
    assert "No baseline score" in page


def test_a_clinician_records_a_recommendation_as_a_task_for_the_treating_clinician(world):
    response = _recommend(_client(world.consultant), world.rivera_episode)

    assert response.status_code == 302
    assert response["Location"] == REVIEW
    recommendation = Recommendation.objects.get()
    assert recommendation.episode == world.rivera_episode
    assert recommendation.assigned_to == world.clinician
    assert recommendation.recommended_by == world.consultant
    assert recommendation.review.week_of == date(2025, 3, 3)
    assert recommendation.review.consultant == world.consultant
    assert Notification.objects.filter(user=world.clinician, purpose="case-review").count() == 1
    page = _page(world.consultant)
    row = page[page.index(f'id="episode-{world.rivera_episode.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Increase the dose" in row and "Increase sertraline to 100 mg." in row
    assert "Status: To do" in row
    assert "Dana Consult" in row
    # Recommended already: the recommendation replaces the form.
    assert f"/episodes/{world.rivera_episode.pk}/recommend/" not in page
    assert f"/episodes/{world.zed_episode.pk}/recommend/" in page


def test_a_second_recommendation_in_the_same_week_is_refused(world):
    client = _client(world.consultant)
    _recommend(client, world.rivera_episode)

    response = _recommend(client, world.rivera_episode, kind="refer", text="Refer.")

    assert response.status_code == 302
    assert Recommendation.objects.count() == 1
    page = client.get(REVIEW).content.decode()
    assert "This review already has a recommendation for this patient." in page


def test_a_recommendation_needs_a_kind_and_a_sentence(world):
    client = _client(world.consultant)

    _recommend(client, world.rivera_episode, kind="", text=" ")

    assert not Recommendation.objects.exists()
    page = client.get(REVIEW).content.decode()
    assert "Please choose a recommendation." in page
    assert "Please say in a sentence what you recommend." in page


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_only_clinicians_recommend(world, role):
    user = getattr(world, role)
    page = _page(user)
    assert "Rivera, Alex" in page
    assert "/recommend/" not in page

    assert _recommend(_client(user), world.rivera_episode).status_code == 404
    assert not Recommendation.objects.exists()


def test_a_clinician_cannot_recommend_for_a_patient_off_their_care_teams(world):
    other = start_episode(
        patient=world.other_patient, started_on=date(2025, 1, 1), by=world.other_coordinator
    )
    assert _recommend(_client(world.consultant), other).status_code == 404
    assert not Recommendation.objects.exists()


def test_the_next_review_shows_whether_the_recommendation_was_carried_out(world):
    consultant = _client(world.consultant)
    _recommend(consultant, world.rivera_episode)
    _recommend(consultant, world.zed_episode, kind="refer", text="Refer to the mood clinic.")

    with time_machine.travel(NEXT_WEDNESDAY):
        page = _page(world.consultant)
        assert page.count("Not yet carried out") == 2

        treating = _client(world.clinician)
        rivera, zed = Recommendation.objects.order_by("created_at")
        treating.post(f"{TASKS}{rivera.pk}/close/", {"outcome": "done"})
        treating.post(
            f"{TASKS}{zed.pk}/close/",
            {"outcome": "not_done", "note": "Patient declined the referral."},
        )

        page = _page(world.consultant)
        assert "Case review, week of 10 Mar 2025" in page
        rivera_row = page[page.index(f'id="episode-{world.rivera_episode.pk}"') :]
        assert "Carried out by this review" in rivera_row[: rivera_row.index("</tr>")]
        zed_row = page[page.index(f'id="episode-{world.zed_episode.pk}"') :]
        zed_row = zed_row[: zed_row.index("</tr>")]
        assert "Not carried out: Patient declined the referral." in zed_row
        # This week's review has no recommendations yet: a form for each patient.
        assert f"/episodes/{world.rivera_episode.pk}/recommend/" in page

        # Last week's review, read-only, with its recommendations.
        past = _page(world.consultant, f"{REVIEW}?week=2025-03-05")
        assert "Case review, week of 3 Mar 2025" in past
        assert "It cannot be changed." in past
        assert "Increase sertraline to 100 mg." in past
        assert "/recommend/" not in past


def test_a_recommendation_closed_after_its_review_was_not_yet_carried_out_then(world):
    _recommend(_client(world.consultant), world.rivera_episode)
    with time_machine.travel(datetime(2025, 3, 19, 17, 0, tzinfo=UTC)):
        rec = Recommendation.objects.get()
        _client(world.clinician).post(f"{TASKS}{rec.pk}/close/", {"outcome": "done"})

        as_it_was = _page(world.consultant, f"{REVIEW}?week=2025-03-10")
        assert "Not yet carried out" in as_it_was
        assert "Carried out by this review" in _page(world.consultant)


def test_an_invalid_or_future_week_shows_this_week_with_a_message(world):
    page = _page(world.clinician, f"{REVIEW}?week=not-a-date")
    assert "That is not a date" in page
    assert "Case review, week of 3 Mar 2025" in page

    page = _page(world.clinician, f"{REVIEW}?week=2025-04-01")
    assert "That week has not come yet" in page
    assert "Case review, week of 3 Mar 2025" in page


def test_the_treating_clinician_sees_open_tasks_first_then_closed_ones(world):
    consultant = _client(world.consultant)
    _recommend(consultant, world.rivera_episode)
    _recommend(consultant, world.zed_episode, kind="refer", text="Refer to the mood clinic.")
    zed = Recommendation.objects.get(episode=world.zed_episode)
    _client(world.clinician).post(f"{TASKS}{zed.pk}/close/", {"outcome": "done", "note": "Sent."})

    page = _page(world.clinician, TASKS)

    assert page.index("Rivera, Alex") < page.index("Recently closed") < page.index("Zed, Cy")
    assert "Increase sertraline to 100 mg." in page
    assert "Dana Consult" in page
    assert f'href="/staff/patients/{world.patient.pk}/"' in page
    assert page.count('value="not_done"') == 1  # buttons only on the open task


def test_not_carried_out_needs_a_note(world):
    _recommend(_client(world.consultant), world.rivera_episode)
    rec = Recommendation.objects.get()
    treating = _client(world.clinician)

    response = treating.post(f"{TASKS}{rec.pk}/close/", {"outcome": "not_done", "note": " "})

    assert response.status_code == 302
    rec.refresh_from_db()
    assert rec.status == Recommendation.Status.OPEN
    assert "Please say why it was not carried out." in treating.get(TASKS).content.decode()

    treating.post(f"{TASKS}{rec.pk}/close/", {"outcome": "not_done", "note": "Side effects."})
    rec.refresh_from_db()
    assert rec.status == Recommendation.Status.NOT_DONE
    assert rec.closing_note == "Side effects."
    assert rec.closed_by == world.clinician


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_coordinators_and_admins_have_no_tasks(world, role):
    _recommend(_client(world.consultant), world.rivera_episode)

    page = _page(getattr(world, role), TASKS)

    assert "tasks for the patient's treating clinician" in page
    assert "Increase sertraline" not in page


def test_another_clinician_cannot_close_the_task(world):
    _recommend(_client(world.consultant), world.rivera_episode)
    rec = Recommendation.objects.get()

    for user in (world.other_clinician, world.coordinator, world.outside_clinician):
        response = _client(user).post(f"{TASKS}{rec.pk}/close/", {"outcome": "done"})
        assert response.status_code == 404
    rec.refresh_from_db()
    assert rec.status == Recommendation.Status.OPEN


@pytest.mark.parametrize("persona", ["patient", "peer", "outside"])
def test_it_is_404_for_patients_peers_and_other_practices(world, persona):
    _recommend(_client(world.consultant), world.rivera_episode)
    rec = Recommendation.objects.get()
    users = {
        "patient": [world.patient.user],
        "peer": [world.peer],
        "outside": [world.outside_admin, world.outside_coordinator, world.outside_clinician],
    }[persona]

    for user in users:
        client = _client(user)
        recommend = _recommend(client, world.zed_episode)
        close = client.post(f"{TASKS}{rec.pk}/close/", {"outcome": "done"})
        assert recommend.status_code == 404
        assert close.status_code == 404
        if persona == "outside":
            # Their own practice's review and tasks: none of practice A's patients.
            assert "Rivera" not in _page(user) and "Rivera" not in _page(user, TASKS)
        else:
            assert client.get(REVIEW).status_code == 404
            assert client.get(TASKS).status_code == 404
    assert Recommendation.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(world):
    response = Client().get(REVIEW)
    assert response.status_code == 302
    assert "login" in response["Location"]


def _flagged_patients(people, count: int) -> None:
    consultant = UserFactory(practice=people.practice, role=Role.CLINICIAN)
    client = _client(consultant)
    for n in range(count):
        patient = _patient(people, f"P{n}", f"Flagged{n}")
        add_clinician(patient=patient, clinician=consultant)
        episode = _in_treatment(people, patient, started_on=date(2025, 1, 1), scores=[18, 17])
        _recommend(client, episode)


def _review_queries(user) -> int:
    with time_machine.travel(NEXT_WEDNESDAY):
        client = _client(user)
        client.get(REVIEW)  # warm the session and content types
        with CaptureQueriesContext(connection) as queries:
            response = client.get(REVIEW)
    assert response.status_code == 200
    return len(queries)


def test_the_review_costs_the_same_queries_for_2_or_12_patients(people):
    _flagged_patients(people, 2)
    few = _review_queries(people.clinician)

    _flagged_patients(people, 10)
    many = _review_queries(people.clinician)

    assert Recommendation.objects.count() == 12
    assert many == few


def test_the_task_list_costs_the_same_queries_for_2_or_12_tasks(people):
    _flagged_patients(people, 2)
    client = _client(people.clinician)
    client.get(TASKS)
    with CaptureQueriesContext(connection) as few:
        client.get(TASKS)

    _flagged_patients(people, 10)
    with CaptureQueriesContext(connection) as many:
        page = client.get(TASKS).content.decode()

    assert page.count('value="not_done"') == 12
    assert len(many) == len(few)
