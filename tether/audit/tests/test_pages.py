"""The patient's "Who has seen my record" and the admins' audit report."""

import csv
import io

from django.test import Client
from django.urls import reverse

from tests.second_factor import pass_second_factor
from tether.audit.models import AuditEvent
from tether.audit.services import record_account_event


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    pass_second_factor(session, user)
    session.save()
    return client


def _page(client, url, **query) -> str:
    response = client.get(url, query)
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


def test_the_patient_sees_who_on_staff_looked_and_not_their_own_visits(people):
    patient = people.patient
    _page(_client(people.clinician), reverse("staff_patient", args=[patient.pk]))
    mine = _client(patient.user)
    _page(mine, reverse("my_progress"))

    page = _page(mine, reverse("who_has_seen_my_record"))

    clinician = people.clinician.get_full_name()
    assert f"{clinician} (clinician)</strong> looked at your record" in page
    assert page.count("<li>") >= 1
    assert f"{patient.user.get_full_name()} (patient)" not in page


def test_the_patient_page_explains_itself_when_nobody_has_looked(people):
    page = _page(_client(people.patient.user), reverse("who_has_seen_my_record"))

    assert "Nobody has opened your records yet" in page


def test_another_patients_reads_are_not_shown(people):
    _page(_client(people.clinician), reverse("staff_patient", args=[people.patient.pk]))

    page = _page(_client(people.other_patient.user), reverse("who_has_seen_my_record"))

    assert "Nobody has opened your records yet" in page


def _table(page: str) -> str:
    """The report's rows (the staff filter above them names every staff member)."""
    return page.partition("<tbody>")[2]


def test_the_report_filters_by_patient_staff_and_date(people):
    _page(_client(people.clinician), reverse("staff_patient", args=[people.patient.pk]))
    _page(
        _client(people.other_coordinator), reverse("staff_patient", args=[people.other_patient.pk])
    )
    admin = _client(people.admin)
    url = reverse("audit_report")

    by_patient = _table(_page(admin, url, patient=people.patient.last_name))
    by_staff = _table(_page(admin, url, staff=people.other_coordinator.pk))
    nothing = _page(admin, url, start="2000-01-01", end="2000-01-02")

    assert people.clinician.get_full_name() in by_patient
    assert people.other_coordinator.get_full_name() not in by_patient
    assert people.other_coordinator.get_full_name() in by_staff
    assert people.clinician.get_full_name() not in by_staff
    assert "Nothing recorded matches these filters" in nothing


def test_bad_filters_are_form_errors_not_server_errors(people):
    admin = _client(people.admin)
    url = reverse("audit_report")
    cases = [
        {"start": "0001-01-01", "end": "9999-12-31"},
        {"start": "2026-03-05", "end": "2026-03-01"},
        {"start": "not a date"},
        {"staff": "12345678901234567890123"},
        {"staff": people.outside_admin.pk},
        {"patient": "a\x00b"},
    ]
    for query in cases:
        page = admin.get(url, query)
        assert page.status_code == 400, query
        assert "Please check the filters above" in page.content.decode()
        assert admin.get(reverse("audit_report_csv"), query).status_code == 400


def test_the_report_shows_account_events_and_only_its_own_practice(people):
    record_account_event(
        actor=people.admin, subject=people.clinician, action=AuditEvent.Action.ACCOUNT_UNLOCKED
    )
    record_account_event(
        actor=people.outside_admin,
        subject=people.outside_coordinator,
        action=AuditEvent.Action.FACTOR_RESET,
    )

    page = _page(_client(people.admin), reverse("audit_report"))

    assert "Lifted a sign-in lockout" in page
    assert "Reset the second sign-in step" not in page


def test_the_csv_has_the_filtered_rows_with_formulas_defused(people):
    people.clinician.first_name = "=HYPERLINK(1)"
    people.clinician.save(update_fields=["first_name"])
    _page(_client(people.clinician), reverse("staff_patient", args=[people.patient.pk]))

    response = _client(people.admin).get(
        reverse("audit_report_csv"), {"patient": people.patient.last_name}
    )

    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["when", "kind", "who", "action"]
    reads = [row for row in rows[1:] if row[1] == "read"]
    assert len(reads) >= 1
    assert all(row[2].startswith("'=HYPERLINK") for row in reads)
    assert {row[6] for row in rows[1:]} == {
        f"{people.patient.last_name}, {people.patient.first_name}"
    }


def test_one_persons_reads_in_a_row_are_one_line_with_how_many_times(people):
    patient = people.patient
    clinician = _client(people.clinician)
    for _ in range(3):
        _page(clinician, reverse("staff_patient", args=[patient.pk]))

    page = _page(_client(patient.user), reverse("who_has_seen_my_record"))

    name = people.clinician.get_full_name()
    assert page.count(f"{name} (clinician)</strong> looked at your record") == 1
    assert f"{name} (clinician)</strong> looked at your record 3 times on" in page
