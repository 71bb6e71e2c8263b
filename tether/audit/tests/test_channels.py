"""The trail on real pages: a list page's query count does not grow with the patients listed,
and the channel says how records left (web page, API, CSV download); the pseudonym look-up is
still recorded, with the request id."""

import csv
import io

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tether.accounts.tokens import issue_token
from tether.audit.models import AuditEvent
from tether.care.tests.test_registry import _caseload_of, _client


def _queries(client, url) -> tuple[int, str]:
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response["X-Request-ID"]


def test_a_list_page_runs_the_same_queries_for_1_and_20_patients(people):
    client = _client(people.coordinator)
    url = reverse("registry")
    _caseload_of(people, 1)
    one, one_id = _queries(client, url)
    _caseload_of(people, 19)
    twenty, twenty_id = _queries(client, url)

    assert one == twenty
    listed = AuditEvent.objects.filter(request_id=twenty_id, what="record")
    assert listed.count() >= 20  # the coordinator's caseload: 20 new patients and the fixture's
    assert AuditEvent.objects.filter(request_id=one_id).count() < listed.count()


def test_the_csv_download_is_recorded_as_an_export_after_its_last_row(people):
    _caseload_of(people, 3)
    response = _client(people.coordinator).get(reverse("registry_csv"))
    request_id = response["X-Request-ID"]
    assert not AuditEvent.objects.filter(request_id=request_id).exists()  # not streamed yet

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    recorded = AuditEvent.objects.filter(request_id=request_id)
    assert recorded.count() >= len(rows) - 1 >= 3
    assert set(recorded.values_list("channel", "action")) == {
        (AuditEvent.Channel.EXPORT, AuditEvent.Action.EXPORTED)
    }


def test_the_api_is_recorded_as_api(people):
    _caseload_of(people, 2)
    secret = issue_token(user=people.coordinator, name="EHR").secret
    response = Client().get(
        "/api/v1/registry",
        headers={"Authorization": f"Bearer {secret}", "X-Request-ID": "ehr-sync-0001"},
    )

    assert response.status_code == 200
    assert response["X-Request-ID"] == "ehr-sync-0001"
    recorded = AuditEvent.objects.filter(request_id="ehr-sync-0001")
    assert recorded.count() >= 2
    assert set(recorded.values_list("channel", flat=True)) == {AuditEvent.Channel.API}
    assert set(recorded.values_list("actor", flat=True)) == {people.coordinator.pk}


def test_a_request_id_that_is_not_sane_is_replaced(people):
    response = _client(people.coordinator).get(
        reverse("registry"), headers={"X-Request-ID": "bad id\r\nwith newline"}
    )

    assert response["X-Request-ID"] != "bad id\r\nwith newline"
    assert len(response["X-Request-ID"]) == 32


def test_the_pseudonym_look_up_is_recorded_with_the_request(client, peer_world):
    client.force_login(peer_world.people.clinician)

    response = client.post(reverse("reveal_member", args=[peer_world.willow.pk]))

    event = AuditEvent.objects.get(action=AuditEvent.Action.PSEUDONYM_REVEALED)
    assert event.request_id == response["X-Request-ID"]
    assert event.channel == AuditEvent.Channel.WEB
    assert event.patient == peer_world.people.patient


def test_a_refused_request_records_nothing_but_a_refused_form_records_what_it_showed(people):
    """A door may hand the view a record before a later check refuses (here the patient's own
    record, then another patient's contact): the person saw the 404, not the record. A form
    refused with its errors (400) is shown beside the records, so that is recorded."""
    from tether.network.models import SupportContact
    from tether.network.services import add_support

    theirs = add_support(
        patient=people.other_patient,
        kind=SupportContact.Kind.TRUSTED_PERSON,
        name="Not yours",
        by=people.other_patient.user,
    )
    mine = add_support(
        patient=people.patient,
        kind=SupportContact.Kind.TRUSTED_PERSON,
        name="Maria",
        by=people.patient.user,
    )
    client = Client()
    client.force_login(people.patient.user)

    refused = client.post(f"/me/support/{theirs.pk}/edit/", {"name": "x"})
    assert refused.status_code == 404
    assert not AuditEvent.objects.filter(request_id=refused["X-Request-ID"]).exists()

    bad_form = client.post(f"/me/support/{mine.pk}/edit/", {"name": ""})
    assert bad_form.status_code == 400
    shown = AuditEvent.objects.filter(request_id=bad_form["X-Request-ID"])
    assert set(shown.values_list("patient", flat=True)) == {people.patient.pk}
