"""The admins' audit report shows changes to clinical records beside the reads: who, what kind
of record, which fields by name (never what they say), under the same filters, in the page
and in the CSV, for one practice only, at a query count that does not grow with the rows."""

import csv
import io
from datetime import UTC, datetime, timedelta

import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_patient
from tether.access.audit import practice_changes
from tether.audit_views import views
from tether.crisis.models import RiskAlert
from tether.crisis.services import raise_risk_alert
from tether.network.steps import SAFETY_PLAN_STEPS

MONDAY = datetime(2026, 11, 16, 15, tzinfo=UTC)
SECRET_DETAIL = "Said on the phone they could not keep themselves safe tonight."
SECRET_NOTE = "Called back; sister staying over until Friday."
SECRET_REASON = "My dog Biscuit"


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _raise(people, patient) -> RiskAlert:
    return raise_risk_alert(
        patient=patient,
        reason=RiskAlert.Reason.STAFF_RAISED,
        raised_by=people.coordinator,
        detail=SECRET_DETAIL,
    )


def _acknowledge(by, alert: RiskAlert) -> None:
    response = _as(by).post(reverse("alert_acknowledge", args=[alert.pk]))
    assert response.status_code == 302


def _look_at(by, patient) -> None:
    assert _as(by).get(reverse("staff_patient", args=[patient.pk])).status_code == 200


def _report(client: Client, **query) -> tuple[str, str]:
    """Return the report's two halves: the reads and account events, and the changes."""
    response = client.get(reverse("audit_report"), query)
    assert response.status_code == 200, response.content[:300]
    page = response.content.decode()
    reads, _, changes = page.partition('id="changes"')
    return reads.partition('id="looked-at"')[2], changes


def _csv(client: Client, **query) -> list[dict[str, str]]:
    response = client.get(reverse("audit_report_csv"), query)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_it_shows_changes_made_on_real_pages_by_name_never_their_words(people):
    alert = _raise(people, people.patient)
    _acknowledge(people.clinician, alert)
    resolved = _as(people.clinician).post(
        reverse("alert_resolve", args=[alert.pk]), {"note": SECRET_NOTE}
    )
    assert resolved.status_code == 302
    plan = {step.field: "" for step in SAFETY_PLAN_STEPS}
    mine = _as(people.patient.user)
    assert mine.post("/me/safety-plan/edit/", {**plan, "warning_signs": "x"}).status_code == 302
    saved = mine.post(
        "/me/safety-plan/edit/", {**plan, "warning_signs": "x", "reasons_for_living": SECRET_REASON}
    )
    assert saved.status_code == 302

    _, changes = _report(_as(people.admin))

    clinician = f"{people.clinician.get_full_name()} (clinician)"
    patient = f"{people.patient.last_name}, {people.patient.first_name}"
    assert clinician in changes
    assert "Changed: Risk alert" in changes
    assert "acknowledged by" in changes
    assert "resolution note" in changes
    assert f"{people.patient.user.get_full_name()} (patient)" in changes
    assert "Created: Safety plan" in changes
    assert "fields: reasons for living" in changes
    assert patient in changes
    for words in (SECRET_DETAIL, SECRET_NOTE, SECRET_REASON):
        assert words not in changes


def _two_days(people) -> None:
    """Day one: the clinician looks at and acknowledges Alex's alert. Day two: the other
    clinician does the same for Sam. Outside, Jo's clinician does it too."""
    with time_machine.travel(MONDAY, tick=False):
        ours, others = _raise(people, people.patient), _raise(people, people.other_patient)
        outside = _raise(people, people.outside_patient)
        _look_at(people.clinician, people.patient)
        _acknowledge(people.clinician, ours)
        _look_at(people.outside_clinician, people.outside_patient)
        _acknowledge(people.outside_clinician, outside)
    with time_machine.travel(MONDAY + timedelta(days=1), tick=False):
        _look_at(people.other_clinician, people.other_patient)
        _acknowledge(people.other_clinician, others)


def test_the_filters_narrow_both_halves(people):
    _two_days(people)
    admin = _as(people.admin)
    alex = f"{people.patient.last_name}, {people.patient.first_name}"
    sam = f"{people.other_patient.last_name}, {people.other_patient.first_name}"
    first = people.clinician.get_full_name()
    second = people.other_clinician.get_full_name()

    everything = _report(admin)
    by_patient = _report(admin, patient=people.other_patient.first_name)
    by_staff = _report(admin, staff=people.clinician.pk)
    by_date = _report(admin, start="2026-11-17", end="2026-11-17")

    for half in everything:
        assert alex in half and sam in half
    for half in by_patient:
        assert sam in half and alex not in half
    for half in by_staff:
        assert first in half and second not in half
    for half in by_date:
        assert second in half and first not in half
    assert "Changed: Risk alert" in by_date[1]


def test_another_practices_changes_never_appear(people):
    _two_days(people)
    admin = _as(people.admin)
    jo = people.outside_patient.last_name

    assert not any(jo in half for half in _report(admin))
    assert "No changes to records match these filters" in _report(admin, patient=jo)[1]
    assert not any(jo in row["patient"] for row in _csv(admin))
    assert [c.patient for c in practice_changes(people.outside_admin, limit=50)] != []
    assert {c.patient for c in practice_changes(people.outside_admin, limit=50) if c.patient} == {
        people.outside_patient
    }
    # Only admins read the changes at all.
    assert practice_changes(people.clinician, limit=50) == []


def test_the_csv_carries_reads_and_changes_newest_first_with_formulas_defused(people):
    people.clinician.first_name = "=HYPERLINK(1)"
    people.clinician.save(update_fields=["first_name"])
    _two_days(people)

    rows = _csv(_as(people.admin), staff=people.clinician.pk)

    assert {row["kind"] for row in rows} == {"read", "changed"}
    change = next(r for r in rows if r["kind"] == "changed" and r["what"] == "Risk alert")
    assert change["action"] == "Changed"
    assert "acknowledged by" in change["fields changed"]
    assert all(row["who"].startswith("'=HYPERLINK") for row in rows)
    assert [r["when"] for r in rows] == sorted((r["when"] for r in rows), reverse=True)
    assert not any(SECRET_DETAIL in value for row in rows for value in row.values())


def test_the_page_says_when_more_changes_match_than_it_shows(people, monkeypatch):
    _two_days(people)
    monkeypatch.setattr(views, "CHANGES_SHOWN", 1)
    monkeypatch.setattr(views, "CSV_CHANGES_CAP", 2)
    admin = _as(people.admin)

    _, changes = _report(admin)
    rows = _csv(admin)

    assert "These are the newest 1 changes; more match these filters" in changes
    assert changes.count("<tr>") == 2  # the heading and one change
    assert len([r for r in rows if r["kind"] == "changed"]) == 2
    assert rows[-1]["kind"] == "note"
    assert "newest 2" in rows[-1]["who"]


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        assert response.status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_changes(people):
    admin = _as(people.admin)
    _acknowledge(people.clinician, _raise(people, people.patient))
    one = {url: _queries(admin, reverse(url)) for url in ("audit_report", "audit_report_csv")}

    for number in range(19):
        patient = make_patient(
            practice=people.practice,
            coordinator=people.coordinator,
            clinicians=[people.clinician],
            with_account=False,
            first_name="Pat",
            last_name=f"Number{number}",
        )
        _acknowledge(people.clinician, _raise(people, patient))
    twenty = {url: _queries(admin, reverse(url)) for url in ("audit_report", "audit_report_csv")}

    everything = practice_changes(people.admin, limit=500)
    alerts = [c for c in everything if c.what == "Risk alert" and c.change == "changed"]
    assert len(alerts) == 40  # each alert's paging started, then it was acknowledged
    assert "more match these filters" in _report(admin)[1]  # the page shows the newest 50
    assert twenty == one
