"""Issue 13, item 5: wherever care staff act on a patient (their page, an alert, the outreach
queue, the intake summary, the case review), the patient's phone and email are one tap away,
read through one audited door; peer supporters never see them."""

from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client

from tests.factories import UserFactory
from tether.access import contact_details
from tether.accounts.models import Role
from tether.audit.models import AuditEvent
from tether.care.tests.test_case_review import REVIEW, WEDNESDAY, _in_treatment
from tether.crisis.models import AlertEvent
from tether.crisis.services import raise_risk_alert
from tether.engagement.models import OutreachTask
from tether.notifications.models import NotificationPreference

PHONE = "+12025550123"
EMAIL = "alex.rivera@example.com"


@pytest.fixture(autouse=True)
def _wednesday():
    with time_machine.travel(WEDNESDAY):
        yield


@pytest.fixture
def world(people):
    """Alex (people.patient) in treatment and not improving (on the case review), with an
    open risk alert, an outreach task for the coordinator and one routed to the peer."""
    patient = people.patient
    patient.user.email = EMAIL
    patient.user.save(update_fields=["email"])
    NotificationPreference.objects.create(user=patient.user, phone=PHONE)
    _in_treatment(people, patient, started_on=date(2025, 1, 1), scores=[18, 17])
    alert = raise_risk_alert(
        patient=patient, reason="staff_raised", raised_by=people.coordinator, detail="Call them."
    )
    now = WEDNESDAY
    OutreachTask.objects.create(
        patient=patient,
        kind=OutreachTask.Kind.ALERT_FOLLOW_UP,
        risk_alert=alert,
        assigned_to=people.coordinator,
        due_at=now + timedelta(days=1),
        created_at=now,
    )
    OutreachTask.objects.create(
        patient=patient,
        kind=OutreachTask.Kind.MISSED_SESSION,
        route=OutreachTask.Route.PEER_SUPPORTER,
        assigned_to=people.peer,
        due_at=now + timedelta(days=1),
        created_at=now,
    )
    return alert


def _pages(people, alert) -> dict[str, str]:
    patient = people.patient.pk
    return {
        "patient page": f"/staff/patients/{patient}/",
        "alert page": f"/staff/alerts/{alert.pk}/",
        "outreach queue": "/staff/outreach/",
        "intake summary": f"/staff/patients/{patient}/intake-summary/",
        "case review": REVIEW,
    }


def _get(user, url: str):
    client = Client()
    client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize(
    "page", ["patient page", "alert page", "outreach queue", "intake summary", "case review"]
)
def test_it_shows_care_staff_how_to_reach_the_patient_on_each_page(people, world, page):
    url = _pages(people, world)[page]

    response = _get(people.clinician, url)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="tel:{PHONE}"' in html
    assert f'href="sms:{PHONE}"' in html
    assert f'href="mailto:{EMAIL}"' in html
    # Reading them is recorded, as every read of a patient's data is.
    assert AuditEvent.objects.filter(
        request_id=response["X-Request-ID"],
        actor=people.clinician,
        patient=people.patient,
        what="contact details",
    ).exists()


def test_it_says_plainly_when_no_phone_is_on_file(people, world):
    NotificationPreference.objects.filter(user=people.patient.user).update(phone="")

    html = _get(people.coordinator, f"/staff/alerts/{world.pk}/").content.decode()

    assert "No phone number on file" in html
    assert "tel:" not in html and "sms:" not in html
    assert f'href="mailto:{EMAIL}"' in html


def test_a_peer_supporter_sees_no_contact_details_in_their_outreach_queue(people, world):
    response = _get(people.peer, "/staff/outreach/")

    assert response.status_code == 200
    html = response.content.decode()
    assert people.patient.called in html  # the task routed to them is there
    for hidden in (PHONE, EMAIL, "tel:", "sms:", "mailto:", "No phone number on file"):
        assert hidden not in html
    assert not AuditEvent.objects.filter(
        request_id=response["X-Request-ID"], what="contact details"
    ).exists()


def test_the_door_gives_peers_patients_and_strangers_nothing(people, world):
    patient_id = people.patient.pk
    assert set(contact_details(people.clinician, [patient_id])) == {patient_id}
    assert contact_details(people.admin, [patient_id])[patient_id].phone == PHONE
    for nobody in (people.peer, people.patient.user, people.outside_admin):
        assert contact_details(nobody, [patient_id]) == {}
    # A coordinator off the care team sees nothing, until paged about the patient's alert.
    assert contact_details(people.other_coordinator, [patient_id]) == {}
    AlertEvent.objects.create(
        alert=world, kind=AlertEvent.Kind.NOTIFIED, recipient=people.other_coordinator, at=WEDNESDAY
    )
    assert contact_details(people.other_coordinator, [patient_id])[patient_id].email == EMAIL


def test_an_inactive_staff_account_reads_nothing(people, world):
    people.clinician.is_active = False
    people.clinician.save(update_fields=["is_active"])

    assert contact_details(people.clinician, [people.patient.pk]) == {}


def test_staff_with_no_patient_in_view_get_no_block(people, world):
    stranger = UserFactory(practice=people.practice, role=Role.COORDINATOR)

    html = _get(stranger, "/staff/outreach/").content.decode()

    assert "tel:" not in html
