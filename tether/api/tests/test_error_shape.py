"""Every API error, ours or the framework's, has the same JSON shape."""

import uuid


def test_not_signed_in_is_401_with_detail_and_problems(client, db):
    response = client.get("/api/v1/alerts")

    assert response.status_code == 401
    assert set(response.json()) == {"detail", "problems"}


def test_unknown_and_forbidden_patients_read_the_same(client, people):
    client.force_login(people.coordinator)

    unknown = client.get(f"/api/v1/patients/{uuid.uuid4()}/assessments")
    forbidden = client.get(f"/api/v1/patients/{people.other_patient.pk}/assessments")

    assert unknown.status_code == forbidden.status_code == 404
    assert unknown.json() == forbidden.json() == {"detail": "Not found.", "problems": []}


def test_a_body_that_is_not_json_gets_a_plain_message(client, people):
    client.force_login(people.patient.user)

    response = client.post(
        f"/api/v1/patients/{people.patient.pk}/assessments",
        "{not json",
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "The request body is not valid JSON.", "problems": []}
