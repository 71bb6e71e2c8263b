"""Beyond who may open what (tests/test_access_matrix.py, generated from the routes): what
the allowed people see in the lists, that writes land on the right patient, that unknown and
malformed ids answer like forbidden ones, and the access module's own doors.
"""

import json
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import Client
from django.utils import timezone

from tests.access_world import CARE_STAFF, PATIENTS, SIGNED_IN
from tether import access
from tether.accounts.models import Patient, User
from tether.assessments.models import Assessment
from tether.assessments.services import submit_assessment
from tether.crisis.models import AlertEvent, RiskAlert
from tether.crisis.services import raise_risk_alert

PERSONAS = sorted(SIGNED_IN) + ["anonymous"]
# The people who may see `patient`'s records: the patient, their care team and the admin.
PATIENT_TEAM = frozenset({"coordinator", "clinician", "admin"})

# Which of the three patients each persona may see.
VISIBLE = {
    "anonymous": set(),
    "peer": set(),
    "patient": {"patient"},
    "other_patient": {"other_patient"},
    "outside_patient": {"outside_patient"},
    "coordinator": {"patient"},
    "clinician": {"patient"},
    "other_coordinator": {"other_patient"},
    "other_clinician": {"other_patient"},
    "admin": {"patient", "other_patient"},
    "outside_admin": {"outside_patient"},
    "outside_coordinator": {"outside_patient"},
    "outside_clinician": {"outside_patient"},
}
NAMES = {
    "patient": "Rivera, Alex",
    "other_patient": "Okafor, Sam",
    "outside_patient": "Lindqvist, Jo",
}
FULL_NAMES = {
    "patient": "Alex Rivera",
    "other_patient": "Sam Okafor",
    "outside_patient": "Jo Lindqvist",
}

PHQ9_FORM = {f"item_{n}": "1" for n in range(1, 10)} | {"item_9": "0"}
PHQ9_JSON = {"instrument": "phq9", "answers": [1, 1, 1, 1, 1, 1, 1, 1, 0]}


@dataclass
class World:
    people: object
    result: Assessment  # a PHQ-9 that `patient` took
    alert: RiskAlert  # an open alert for `patient`
    alerts: dict[str, RiskAlert] = field(default_factory=dict)  # one per patient

    def user(self, persona: str) -> User | None:
        if persona == "anonymous":
            return None
        found = getattr(self.people, persona)
        return found.user if isinstance(found, Patient) else found

    def patient(self, name: str) -> Patient:
        return getattr(self.people, name)

    def client(self, persona: str, **kwargs) -> Client:
        client = Client(**kwargs)
        user = self.user(persona)
        if user is not None:
            client.force_login(user)
        return client

    def url(self, template: str) -> str:
        return template.format(
            patient=self.people.patient.pk, result=self.result.pk, alert=self.alert.pk
        )


@pytest.fixture
def world(people) -> World:
    earlier = timezone.now() - timedelta(days=1)
    result = submit_assessment(
        patient=people.patient,
        instrument="phq9",
        answers=[2, 2, 1, 1, 1, 0, 0, 0, 0],
        entered_by=people.patient.user,
        completed_at=earlier,
    ).assessment
    alerts = {
        name: raise_risk_alert(
            patient=getattr(people, name),
            reason=RiskAlert.Reason.STAFF_RAISED,
            raised_by=people.admin if name != "outside_patient" else people.outside_admin,
            detail=f"Worried about {name}.",
            at=earlier,
        )
        for name in sorted(PATIENTS)
    }
    return World(people=people, result=result, alert=alerts["patient"], alerts=alerts)


def snapshot() -> tuple:
    """Return everything a request in this file could write."""
    return (
        Assessment.objects.count(),
        RiskAlert.objects.count(),
        AlertEvent.objects.count(),
        sorted(RiskAlert.objects.values_list("pk", "status", "resolution_note")),
    )


# What the allowed people see, and that the writes land where they should.


@pytest.mark.parametrize("persona", sorted(CARE_STAFF))
def test_it_shows_only_visible_patients_in_the_caseload_page(world, persona):
    # The caseload's old address leads to the registry, a coordinator's own caseload.
    response = world.client(persona).get("/staff/caseload/", follow=True)

    page = response.content.decode()
    shown = {name for name, text in NAMES.items() if text in page}
    assert shown == VISIBLE[persona]


@pytest.mark.parametrize("persona", sorted(CARE_STAFF))
def test_it_shows_only_visible_patients_in_the_alert_page(world, persona):
    response = world.client(persona).get("/staff/alerts/")

    page = response.content.decode()
    shown = {name for name, text in FULL_NAMES.items() if text in page}
    assert shown == VISIBLE[persona]


@pytest.mark.parametrize("persona", sorted(SIGNED_IN))
def test_it_lists_only_alerts_of_visible_patients(world, persona):
    response = world.client(persona).get("/api/v1/alerts")

    assert response.status_code == 200
    ids = {item["patient_id"] for item in response.json()["items"]}
    assert ids == {str(world.patient(name).pk) for name in VISIBLE[persona]}
    assert response.json()["count"] == len(VISIBLE[persona])


@pytest.mark.parametrize("persona", sorted(CARE_STAFF))
def test_it_lists_only_visible_patients_in_the_caseload_api(world, persona):
    response = world.client(persona).get("/api/v1/caseload")

    ids = {row["patient_id"] for row in response.json()["items"]}
    assert ids == {str(world.patient(name).pk) for name in VISIBLE[persona]}


@pytest.mark.parametrize("persona", sorted(PATIENT_TEAM | {"patient"}))
def test_it_lists_the_patients_assessments_to_those_who_may_see_them(world, persona):
    response = world.client(persona).get(world.url("/api/v1/patients/{patient}/assessments"))

    assert [a["id"] for a in response.json()["items"]] == [str(world.result.pk)]


@pytest.mark.parametrize("persona", sorted(PATIENTS))
def test_it_alerts_only_the_patients_own_team_when_not_safe(world, persona):
    # Every patient here already has an open alert: the press joins their own, as a further
    # signal, and touches nobody else's.
    patient = world.patient(persona)
    open_alert = patient.risk_alerts.get(status=RiskAlert.Status.OPEN)

    response = world.client(persona).post("/me/not-safe/")

    assert response.status_code == 302
    assert response["Location"] == "/help/"
    assert RiskAlert.objects.count() == len(PATIENTS)
    signals = AlertEvent.objects.filter(kind=AlertEvent.Kind.FURTHER_SIGNAL)
    assert [e.alert_id for e in signals] == [open_alert.pk]


@pytest.mark.parametrize("persona", sorted(PATIENTS))
def test_it_stores_a_check_in_for_the_patient_themself(world, persona):
    patient = world.patient(persona)

    response = world.client(persona).post("/me/check-in/phq9/", PHQ9_FORM)

    assessment = Assessment.objects.order_by("-created_at").first()
    assert response["Location"] == f"/me/results/{assessment.pk}/"
    assert assessment.patient == patient
    assert assessment.source == Assessment.Source.SELF_REPORT


@pytest.mark.parametrize("persona", sorted(PATIENT_TEAM))
def test_it_acknowledges_and_resolves_from_the_alert_page(world, persona):
    client = world.client(persona)

    client.post(world.url("/staff/alerts/{alert}/acknowledge/"))
    world.alert.refresh_from_db()
    assert world.alert.status == RiskAlert.Status.ACKNOWLEDGED
    assert world.alert.acknowledged_by == world.user(persona)

    client.post(world.url("/staff/alerts/{alert}/resolve/"), {"note": "Called back."})
    world.alert.refresh_from_db()
    assert world.alert.status == RiskAlert.Status.RESOLVED
    assert world.alert.resolution_note == "Called back."


# Unknown and malformed ids.


UNKNOWN = uuid.uuid4()

PAGES_WITH_IDS = [
    ("get", "/me/results/{id}/", "patient"),
    ("get", "/staff/patients/{id}/", "admin"),
    ("get", "/staff/patients/{id}/enter/phq9/", "admin"),
    ("post", "/staff/patients/{id}/raise-alert/", "admin"),
    ("get", "/staff/alerts/{id}/", "admin"),
    ("post", "/staff/alerts/{id}/acknowledge/", "admin"),
    ("post", "/staff/alerts/{id}/resolve/", "admin"),
]


def _call_api(client: Client, method: str, url: str, body: dict | None):
    if method == "get":
        return client.get(url)
    return client.post(url, json.dumps(body or {}), content_type="application/json")


ENDPOINTS_WITH_IDS = [
    ("get", "/api/v1/patients/{id}/assessments"),
    ("post", "/api/v1/patients/{id}/assessments"),
    ("post", "/api/v1/alerts/{id}/acknowledge"),
    ("post", "/api/v1/alerts/{id}/resolve"),
]
BODIES = {
    "/api/v1/patients/{id}/assessments": PHQ9_JSON,
    "/api/v1/alerts/{id}/resolve": {"note": "Called back."},
}


@pytest.mark.parametrize("bad_id", [str(UNKNOWN), "not-a-uuid", "12345"])
@pytest.mark.parametrize(("method", "url", "persona"), PAGES_WITH_IDS)
def test_it_gives_404_for_unknown_or_malformed_ids_on_pages(world, method, url, persona, bad_id):
    before = snapshot()
    client = world.client(persona)

    response = getattr(client, method)(url.format(id=bad_id), {"detail": "x", "note": "x"})

    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(("method", "url"), ENDPOINTS_WITH_IDS)
def test_it_gives_404_for_an_unknown_id_in_the_api(world, method, url):
    before = snapshot()
    client = world.client("admin")

    response = _call_api(client, method, url.format(id=UNKNOWN), BODIES.get(url))

    assert response.status_code == 404
    assert response.json()["detail"]
    assert snapshot() == before


@pytest.mark.parametrize(("method", "url"), ENDPOINTS_WITH_IDS)
@pytest.mark.parametrize("persona", ["other_coordinator", "outside_admin", "peer"])
def test_it_answers_a_forbidden_id_exactly_like_an_unknown_one(world, method, url, persona):
    client = world.client(persona)
    real = world.alert.pk if "alerts" in url else world.people.patient.pk

    forbidden = _call_api(client, method, url.format(id=real), BODIES.get(url))
    unknown = _call_api(client, method, url.format(id=UNKNOWN), BODIES.get(url))

    assert forbidden.status_code == unknown.status_code == 404
    assert forbidden.json() == unknown.json()


@pytest.mark.parametrize(
    "bad_id", ["not-a-uuid", "12345", "' OR 1=1 --", f"{UNKNOWN}x", "%00", "0" * 40]
)
@pytest.mark.parametrize(("method", "url"), ENDPOINTS_WITH_IDS)
def test_it_never_fails_on_a_malformed_id_in_the_api(world, method, url, bad_id):
    before = snapshot()
    client = world.client("admin")

    response = _call_api(client, method, url.format(id=bad_id), BODIES.get(url))

    assert response.status_code in (400, 404)
    assert response.json()["detail"]
    assert snapshot() == before


def test_it_asks_anonymous_callers_to_authenticate_before_reading_a_malformed_id(world):
    response = Client().get("/api/v1/patients/not-a-uuid/assessments")

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("url", "persona"),
    [("/me/check-in/phq10/", "patient"), ("/staff/patients/{patient}/enter/phq10/", "admin")],
)
def test_it_gives_404_for_an_unknown_questionnaire(world, url, persona):
    client = world.client(persona)

    assert client.get(world.url(url)).status_code == 404
    assert client.post(world.url(url), PHQ9_FORM).status_code == 404
    assert Assessment.objects.count() == 1


@pytest.mark.parametrize("note", ["", "   "])
def test_it_refuses_to_resolve_on_the_page_without_a_note(world, note):
    before = snapshot()

    response = world.client("coordinator").post(
        world.url("/staff/alerts/{alert}/resolve/"), {"note": note}
    )

    assert response.status_code == 400
    assert snapshot() == before


# The access module itself.


@pytest.mark.parametrize("persona", PERSONAS)
def test_visible_patients_follows_the_care_teams(world, persona):
    user = world.user(persona) or AnonymousUser()

    visible = set(access.visible_patients(user))

    assert visible == {world.patient(name) for name in VISIBLE[persona]}


@pytest.mark.parametrize("persona", PERSONAS)
def test_get_patient_returns_visible_patients_and_404s_the_rest(world, persona):
    user = world.user(persona) or AnonymousUser()

    for name in sorted(PATIENTS):
        patient = world.patient(name)
        if name in VISIBLE[persona]:
            assert access.get_patient(user, patient.pk) == patient
            assert access.get_patient(user, str(patient.pk)) == patient
        else:
            with pytest.raises(Http404):
                access.get_patient(user, patient.pk)


@pytest.mark.parametrize("bad_id", [UNKNOWN, str(UNKNOWN), "not-a-uuid", "", None, 42])
def test_get_patient_raises_404_for_unknown_and_malformed_ids(world, bad_id):
    with pytest.raises(Http404):
        access.get_patient(world.people.admin, bad_id)


@pytest.mark.parametrize("persona", PERSONAS)
def test_get_own_patient_is_only_for_patients(world, persona):
    user = world.user(persona) or AnonymousUser()

    if persona in PATIENTS:
        assert access.get_own_patient(user) == world.patient(persona)
    else:
        with pytest.raises(Http404):
            access.get_own_patient(user)


@pytest.mark.parametrize("persona", PERSONAS)
def test_get_alert_for_staff_lets_only_the_team_act(world, persona):
    user = world.user(persona) or AnonymousUser()

    for name, alert in world.alerts.items():
        if persona in CARE_STAFF and name in VISIBLE[persona]:
            assert access.get_alert_for_staff(user, alert.pk) == alert
        else:
            with pytest.raises(Http404):
                access.get_alert_for_staff(user, alert.pk)


@pytest.mark.parametrize("bad_id", [UNKNOWN, "not-a-uuid", None])
def test_get_alert_for_staff_raises_404_for_unknown_and_malformed_ids(world, bad_id):
    with pytest.raises(Http404):
        access.get_alert_for_staff(world.people.admin, bad_id)


@pytest.mark.parametrize("persona", PERSONAS)
def test_visible_alerts_follow_visible_patients(world, persona):
    user = world.user(persona) or AnonymousUser()

    alerts = set(access.visible_alerts(user))

    assert alerts == {world.alerts[name] for name in VISIBLE[persona]}


@pytest.mark.parametrize("persona", ["coordinator", "admin", "patient"])
def test_an_inactive_account_sees_nothing(world, persona):
    user = world.user(persona)
    user.is_active = False
    user.save(update_fields=["is_active"])

    assert not access.visible_patients(user).exists()
    assert not access.is_care_staff(user)


def test_a_staff_member_without_a_practice_sees_nothing(world):
    coordinator = world.people.coordinator
    coordinator.practice = None
    coordinator.save(update_fields=["practice"])

    assert not access.visible_patients(coordinator).exists()
