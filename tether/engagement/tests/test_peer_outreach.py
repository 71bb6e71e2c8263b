"""Outreach after a missed session goes to a peer supporter only when the patient agreed."""

import pytest

from tether.access import visible_outreach_tasks
from tether.engagement.models import Appointment, OutreachTask
from tether.engagement.schedule import Invalid
from tether.engagement.services import record_attendance, set_peer_outreach

from .conftest import FRIDAY


def _missed(book, people):
    appointment = book()
    record_attendance(
        appointment=appointment,
        attendance=Appointment.Attendance.MISSED,
        by=people.coordinator,
        at=FRIDAY,
    )
    return OutreachTask.objects.get(appointment=appointment)


def test_without_consent_the_coordinator_gets_the_task(book, people):
    task = _missed(book, people)

    assert task.assigned_to == people.coordinator
    assert task.route == OutreachTask.Route.COORDINATOR
    assert not visible_outreach_tasks(people.peer).exists()


def test_with_consent_the_named_peer_supporter_gets_it_and_the_coordinator_still_sees_it(
    book, people
):
    set_peer_outreach(patient=people.patient, peer_supporter=people.peer)

    task = _missed(book, people)

    assert task.assigned_to == people.peer
    assert task.route == OutreachTask.Route.PEER_SUPPORTER
    assert list(visible_outreach_tasks(people.peer)) == [task]
    assert task in visible_outreach_tasks(people.coordinator)


def test_withdrawing_consent_routes_the_next_missed_session_back(book, people):
    set_peer_outreach(patient=people.patient, peer_supporter=people.peer)
    set_peer_outreach(patient=people.patient, peer_supporter=None)

    task = _missed(book, people)

    assert task.assigned_to == people.coordinator


def test_only_a_peer_supporter_of_the_same_practice_can_be_chosen(people):
    for wrong in (people.clinician, people.outside_coordinator):
        with pytest.raises(Invalid):
            set_peer_outreach(patient=people.patient, peer_supporter=wrong)
    assert not people.patient.peer_outreach_consents.exists()


def test_the_patient_chooses_on_their_appointments_page_and_the_peer_works_the_queue(
    client, book, people
):
    client.force_login(people.patient.user)
    page = client.get("/me/appointments/").content.decode()
    assert people.peer.display_name in page

    response = client.post("/me/appointments/peer-outreach/", {"peer_supporter": people.peer.pk})
    assert response.status_code == 302
    task = _missed(book, people)

    client.force_login(people.peer)
    queue = client.get("/staff/outreach/")
    assert queue.status_code == 200
    assert people.patient.called in queue.content.decode()
    assert people.patient.last_name not in queue.content.decode()  # no full record for peers
    response = client.post(
        f"/staff/outreach/{task.pk}/attempts/", {"method": "called", "outcome": "reached"}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == OutreachTask.Status.DONE


def test_a_peer_cannot_work_a_task_not_routed_to_them(client, book, people):
    task = _missed(book, people)
    client.force_login(people.peer)

    response = client.post(
        f"/staff/outreach/{task.pk}/attempts/", {"method": "called", "outcome": "reached"}
    )

    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == OutreachTask.Status.OPEN


def test_a_patient_cannot_pick_someone_who_is_not_a_peer_supporter(client, people):
    client.force_login(people.patient.user)

    client.post("/me/appointments/peer-outreach/", {"peer_supporter": people.clinician.pk})

    assert not people.patient.peer_outreach_consents.exists()
