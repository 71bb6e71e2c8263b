"""Changing a patient's care team (web and API) and the practice settings page."""

import pytest
from django.test import Client
from django.urls import reverse

from tether.accounts.models import CareTeamMember, Practice
from tether.notifications.models import Notification


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def team(patient) -> set[tuple[str, str]]:
    return {
        (m.staff.username, m.team_role)
        for m in CareTeamMember.objects.filter(patient=patient).select_related("staff")
    }


@pytest.mark.parametrize("who", ["coordinator", "admin"])
def test_the_coordinator_or_admin_changes_a_care_team(people, who):
    url = reverse("care_team_edit", args=[people.patient.pk])
    response = as_user(getattr(people, who)).post(
        url,
        {
            "coordinator": people.other_coordinator.pk,
            "clinicians": [people.clinician.pk, people.other_clinician.pk],
        },
    )

    assert response.status_code == 302
    assert team(people.patient) == {
        ("other_coordinator", "coordinator"),
        ("clinician", "clinician"),
        ("other_clinician", "clinician"),
    }
    history = CareTeamMember.history.filter(patient_id=people.patient.pk)
    assert history.filter(history_type="-", history_user=getattr(people, who)).count() == 1
    assert history.filter(history_type="+", staff=people.other_clinician).exists()
    assert Notification.objects.filter(
        user=people.patient.user, purpose="care-team-changed"
    ).exists()


@pytest.mark.parametrize(
    "who", ["clinician", "other_coordinator", "outside_coordinator", "outside_admin", "peer"]
)
def test_others_get_404_and_nothing_changes(people, who):
    url = reverse("care_team_edit", args=[people.patient.pk])
    client = as_user(getattr(people, who))
    assert client.get(url).status_code == 404
    data = {"coordinator": people.other_coordinator.pk, "clinicians": [people.clinician.pk]}
    assert client.post(url, data).status_code == 404
    assert team(people.patient) == {("coordinator", "coordinator"), ("clinician", "clinician")}


def test_a_team_without_a_clinician_is_refused(people):
    url = reverse("care_team_edit", args=[people.patient.pk])
    response = as_user(people.admin).post(
        url, {"coordinator": people.coordinator.pk, "clinicians": []}
    )
    assert response.status_code == 400
    assert team(people.patient) == {("coordinator", "coordinator"), ("clinician", "clinician")}


SETTINGS = {
    "name": "Riverside Psychiatry",
    "country": "US",
    "time_zone": "America/Chicago",
    "business_hours_start": "08:30",
    "business_hours_end": "18:00",
    "after_hours_message": "We're closed. If you are in danger, call 988.",
    "after_hours_name": "Answering service",
    "after_hours_phone": "(617) 555-0199",
    "alert_ack_minutes": "10",
    "repage_minutes": "15",
    "follow_up_hours": "24",
    "caseload_limit": "45",
    "intake_target_days": "5",
}


def test_the_admin_changes_settings_and_the_change_is_recorded(people):
    client = as_user(people.admin)
    response = client.post(reverse("practice_settings"), SETTINGS)

    assert response.status_code == 302
    practice = Practice.objects.get(pk=people.practice.pk)
    assert (practice.time_zone, practice.caseload_limit, practice.after_hours_phone) == (
        "America/Chicago",
        45,
        "+16175550199",
    )
    latest = practice.history.latest()
    assert latest.history_user == people.admin
    # Saving again records a second version; the page lists what changed and by whom.
    client.post(reverse("practice_settings"), {**SETTINGS, "caseload_limit": "50"})
    page = client.get(reverse("practice_settings")).content.decode()
    assert "Caseload limit" in page and people.admin.display_name in page


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("time_zone", "Mars/Olympus", "a time zone we know"),
        ("time_zone", "../../etc/passwd", "a time zone we know"),
        ("business_hours_end", "08:00", "must end after they start"),
        ("country", "ZZ", "Select a valid choice"),
        ("caseload_limit", "0", "greater than or equal to 1"),
        ("follow_up_hours", "200", "between 24 and 72"),
        ("alert_ack_minutes", "0", "between 1 and 60"),
        ("after_hours_phone", "123", "phone number"),
        ("after_hours_phone", "", "There is no after-hours contact"),
        ("repage_minutes", "0", "between 1 and 60"),
    ],
)
def test_bad_settings_are_form_errors_and_nothing_is_saved(people, field, value, words):
    response = as_user(people.admin).post(reverse("practice_settings"), {**SETTINGS, field: value})

    assert response.status_code == 400
    assert words in response.content.decode()
    practice = Practice.objects.get(pk=people.practice.pk)
    assert practice.time_zone == people.practice.time_zone
    assert practice.caseload_limit == people.practice.caseload_limit


def test_the_api_lists_the_care_staff_of_ones_own_practice(people):
    page = as_user(people.coordinator).get("/api/v1/staff").json()
    body = page["items"]
    assert page["count"] == len(body)
    names = {s["id"] for s in body}
    assert people.clinician.pk in names and people.admin.pk in names
    assert people.outside_clinician.pk not in names and people.peer.pk not in names
    clinician = next(s for s in body if s["id"] == people.clinician.pk)
    assert clinician["caseload"] == 1
    assert as_user(people.patient.user).get("/api/v1/staff").status_code == 403
    assert as_user(people.peer).get("/api/v1/staff").status_code == 403


def test_the_api_changes_a_care_team(people):
    url = f"/api/v1/patients/{people.patient.pk}/care-team"
    body = {
        "coordinator_id": people.coordinator.pk,
        "clinician_ids": [people.other_clinician.pk],
    }
    response = as_user(people.coordinator).post(url, body, content_type="application/json")

    assert response.status_code == 200, response.content
    assert response.json()["changed"] is True
    assert response.json()["clinicians"] == [
        {"id": people.other_clinician.pk, "name": people.other_clinician.display_name}
    ]
    assert team(people.patient) == {
        ("coordinator", "coordinator"),
        ("other_clinician", "clinician"),
    }


@pytest.mark.parametrize(
    "who, status", [("clinician", 403), ("other_coordinator", 404), ("outside_admin", 404)]
)
def test_the_api_refuses_others(people, who, status):
    url = f"/api/v1/patients/{people.patient.pk}/care-team"
    body = {"coordinator_id": people.coordinator.pk, "clinician_ids": [people.other_clinician.pk]}
    response = as_user(getattr(people, who)).post(url, body, content_type="application/json")
    assert response.status_code == status
    assert team(people.patient) == {("coordinator", "coordinator"), ("clinician", "clinician")}


@pytest.mark.parametrize(
    "clinician_ids", [[], ["outside_clinician"], ["coordinator"]], ids=["none", "other", "role"]
)
def test_the_api_refuses_a_bad_team_with_400(people, clinician_ids):
    url = f"/api/v1/patients/{people.patient.pk}/care-team"
    body = {
        "coordinator_id": people.coordinator.pk,
        "clinician_ids": [getattr(people, c).pk for c in clinician_ids],
    }
    response = as_user(people.admin).post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]
    assert team(people.patient) == {("coordinator", "coordinator"), ("clinician", "clinician")}
