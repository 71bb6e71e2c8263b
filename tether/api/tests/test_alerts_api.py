"""GET /api/v1/alerts and POST /api/v1/alerts/{id}/acknowledge and /resolve."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import make_patient
from tether.crisis.models import AlertEvent, RiskAlert
from tether.crisis.services import acknowledge_alert, raise_risk_alert


@pytest.fixture
def client(people) -> Client:
    client = Client()
    client.force_login(people.coordinator)
    return client


def _raise(people, *, hours_ago: float, patient=None, detail: str = "") -> RiskAlert:
    return raise_risk_alert(
        patient=patient or people.patient,
        reason=RiskAlert.Reason.STAFF_RAISED,
        raised_by=people.clinician,
        detail=detail,
        at=timezone.now() - timedelta(hours=hours_ago),
    )


def _patients_in_care(people, n: int) -> list:
    """n patients on the coordinator's caseload: a patient holds one unresolved alert at a
    time (a further signal joins it), so a list of alerts needs a patient each."""
    return [
        make_patient(
            practice=people.practice,
            coordinator=people.coordinator,
            clinicians=[people.clinician],
            first_name=f"Pat{i}",
        )
        for i in range(n)
    ]


def _resolve(client: Client, alert: RiskAlert, body) -> object:
    return client.post(
        f"/api/v1/alerts/{alert.pk}/resolve", json.dumps(body), content_type="application/json"
    )


def _acknowledge(client: Client, alert: RiskAlert) -> object:
    return client.post(f"/api/v1/alerts/{alert.pk}/acknowledge")


def test_it_lists_an_alert_with_its_details(people, client):
    alert = _raise(people, hours_ago=1, detail="Said on the phone they feel unsafe.")

    response = client.get("/api/v1/alerts")

    assert response.status_code == 200
    assert response.json()["count"] == 1
    (item,) = response.json()["items"]
    assert item["id"] == str(alert.pk)
    assert item["patient_id"] == str(people.patient.pk)
    assert item["reason"] == "staff_raised"
    assert item["status"] == "open"
    assert item["detail"] == "Said on the phone they feel unsafe."
    assert item["acknowledged_at"] is None
    assert item["resolved_at"] is None
    assert item["resolution_note"] == ""


def test_it_lists_unacknowledged_first_then_newest_first(people, client):
    p = _patients_in_care(people, 5)
    old_open = _raise(people, hours_ago=30, patient=p[0])
    new_ack = _raise(people, hours_ago=1, patient=p[1])
    new_open = _raise(people, hours_ago=2, patient=p[2])
    old_ack = _raise(people, hours_ago=40, patient=p[3])
    mid_open = _raise(people, hours_ago=10, patient=p[4])
    for alert in (new_ack, old_ack):
        acknowledge_alert(alert=alert, by=people.clinician)

    response = client.get("/api/v1/alerts")

    ids = [item["id"] for item in response.json()["items"]]
    expected = [new_open, mid_open, old_open, new_ack, old_ack]
    assert ids == [str(a.pk) for a in expected]
    statuses = [item["status"] for item in response.json()["items"]]
    assert statuses == ["open"] * 3 + ["acknowledged"] * 2


def test_it_pages_the_alert_list(people, client):
    alerts = [
        _raise(people, hours_ago=h, patient=patient)
        for h, patient in enumerate(_patients_in_care(people, 5))
    ]

    first = client.get("/api/v1/alerts", {"limit": 3}).json()
    rest = client.get("/api/v1/alerts", {"limit": 3, "offset": 3}).json()

    assert first["count"] == rest["count"] == 5
    ids = [item["id"] for item in first["items"] + rest["items"]]
    assert ids == [str(a.pk) for a in alerts]


def test_it_acknowledges_once_then_answers_409(people, client):
    alert = _raise(people, hours_ago=1)

    first = _acknowledge(client, alert)

    assert first.status_code == 200
    assert first.json()["status"] == "acknowledged"
    assert first.json()["acknowledged_at"] is not None
    alert.refresh_from_db()
    assert alert.status == RiskAlert.Status.ACKNOWLEDGED
    assert alert.acknowledged_by == people.coordinator
    acknowledged_at = alert.acknowledged_at

    again = _acknowledge(client, alert)

    assert again.status_code == 409
    assert "already acknowledged" in again.json()["detail"]
    alert.refresh_from_db()
    assert alert.acknowledged_at == acknowledged_at
    kinds = list(alert.events.exclude(actor=None).values_list("kind", flat=True))
    assert kinds == [AlertEvent.Kind.RAISED, AlertEvent.Kind.ACKNOWLEDGED]


def test_it_keeps_an_acknowledged_alert_in_the_list(people, client):
    alert = _raise(people, hours_ago=1)
    _acknowledge(client, alert)

    items = client.get("/api/v1/alerts").json()["items"]

    assert [(i["id"], i["status"]) for i in items] == [(str(alert.pk), "acknowledged")]


def test_it_resolves_with_a_note(people, client):
    alert = _raise(people, hours_ago=1)

    response = _resolve(client, alert, {"note": "  Called; made a safety plan.  "})

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "resolved"
    assert body["resolution_note"] == "Called; made a safety plan."
    assert body["resolved_at"] is not None
    assert body["acknowledged_at"] is not None
    alert.refresh_from_db()
    assert alert.status == RiskAlert.Status.RESOLVED
    assert alert.resolved_by == people.coordinator
    kinds = list(alert.events.exclude(actor=None).values_list("kind", flat=True))
    assert kinds == [AlertEvent.Kind.RAISED, AlertEvent.Kind.ACKNOWLEDGED, AlertEvent.Kind.RESOLVED]


def test_it_resolves_an_acknowledged_alert(people, client):
    alert = _raise(people, hours_ago=1)
    acknowledge_alert(alert=alert, by=people.clinician)

    response = _resolve(client, alert, {"note": "Seen in clinic."})

    assert response.status_code == 200
    alert.refresh_from_db()
    assert alert.acknowledged_by == people.clinician
    assert alert.resolved_by == people.coordinator


def test_it_answers_409_when_resolving_twice(people, client):
    alert = _raise(people, hours_ago=1)
    _resolve(client, alert, {"note": "Called."})

    again = _resolve(client, alert, {"note": "Called again."})

    assert again.status_code == 409
    assert again.json()["detail"]
    alert.refresh_from_db()
    assert alert.resolution_note == "Called."
    assert _acknowledge(client, alert).status_code == 409


@pytest.mark.parametrize(
    "body",
    [{"note": ""}, {"note": "   "}, {"note": "\n\t "}, {}, {"note": None}, {"note": 5}, []],
    ids=["empty", "spaces", "whitespace", "missing", "null", "number", "list"],
)
def test_it_refuses_to_resolve_without_a_note(people, client, body):
    alert = _raise(people, hours_ago=1)
    events = alert.events.count()

    response = _resolve(client, alert, body)

    assert response.status_code == 400
    assert response.json()["detail"]
    alert.refresh_from_db()
    assert alert.status == RiskAlert.Status.OPEN
    assert alert.resolution_note == ""
    assert alert.acknowledged_at is None
    assert alert.events.count() == events


def test_it_drops_resolved_alerts_from_the_list(people, client):
    first, second = _patients_in_care(people, 2)
    kept = _raise(people, hours_ago=2, patient=first)
    gone = _raise(people, hours_ago=1, patient=second)

    _resolve(client, gone, {"note": "Called."})

    response = client.get("/api/v1/alerts")
    assert [item["id"] for item in response.json()["items"]] == [str(kept.pk)]
    assert response.json()["count"] == 1


def test_it_lists_only_alerts_of_the_callers_patients(people, client):
    mine = _raise(people, hours_ago=1)
    _raise(people, hours_ago=1, patient=people.other_patient)
    _raise(people, hours_ago=1, patient=people.outside_patient)

    response = client.get("/api/v1/alerts")

    assert [item["id"] for item in response.json()["items"]] == [str(mine.pk)]


@pytest.mark.parametrize("name", ["other_patient", "outside_patient"])
def test_it_answers_404_for_an_alert_of_someone_elses_patient(people, client, name):
    alert = _raise(people, hours_ago=1, patient=getattr(people, name))

    acknowledged = _acknowledge(client, alert)
    resolved = _resolve(client, alert, {"note": "Called."})

    assert acknowledged.status_code == 404
    assert resolved.status_code == 404
    alert.refresh_from_db()
    assert alert.status == RiskAlert.Status.OPEN


def test_it_does_not_let_a_patient_act_on_their_own_alert(people):
    alert = _raise(people, hours_ago=1)
    client = Client()
    client.force_login(people.patient.user)

    listed = client.get("/api/v1/alerts").json()["items"]
    acknowledged = _acknowledge(client, alert)
    resolved = _resolve(client, alert, {"note": "I'm fine now."})

    assert [item["id"] for item in listed] == [str(alert.pk)]
    assert acknowledged.status_code == 404
    assert resolved.status_code == 404
    alert.refresh_from_db()
    assert alert.status == RiskAlert.Status.OPEN


def test_it_shows_a_peer_supporter_no_alerts(people):
    _raise(people, hours_ago=1)
    client = Client()
    client.force_login(people.peer)

    response = client.get("/api/v1/alerts")

    assert response.json() == {"items": [], "count": 0}
