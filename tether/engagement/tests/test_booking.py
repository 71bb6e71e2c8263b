"""Booking from published hours through the services, the pages and the API: only free slots,
no double booking (the database says no), the 24-hour notice, and the coordinator told when
no intake slot is free."""

import json
import threading
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from tether.engagement.models import Appointment, OutreachTask
from tether.engagement.services import (
    EngagementInvalid,
    SlotTaken,
    add_exception,
    book_intake_call,
    book_slot,
    cancel_appointment,
    create_program,
    enroll_patient,
    intake_slots,
    reschedule_appointment,
    set_weekly_hours,
)
from tether.notifications.models import Notification

# Monday 23 November 2026, 08:00 in New York.
NOW = datetime(2026, 11, 23, 13, tzinfo=UTC)
# Tuesday 24 November 2026, 09:00 and 09:20 in New York.
TUESDAY_9 = datetime(2026, 11, 24, 14, tzinfo=UTC)
TUESDAY_920 = TUESDAY_9 + timedelta(minutes=20)


@pytest.fixture
def hours(people):
    """The patient's coordinator takes calls weekdays 09:00-11:00 (New York)."""
    set_weekly_hours(staff=people.coordinator, hours=[(d, time(9), time(11)) for d in range(5)])


@pytest.fixture
def enrollment(people):
    program = create_program(practice=people.practice, name="Guided CBT")
    return enroll_patient(patient=people.patient, program=program, by=people.coordinator)


def _book_intake(enrollment, starts_at, by):
    return book_intake_call(enrollment=enrollment, starts_at=starts_at, booked_by=by, now=NOW)


def test_it_books_the_intake_call_in_an_offered_slot_for_the_standard_length(
    people, hours, enrollment
):
    offered = intake_slots(people.patient, now=NOW)
    assert offered[0] == datetime(2026, 11, 23, 14, tzinfo=UTC)  # today 09:00
    # Within the practice's target days (7), weekdays only, 6 a day.
    assert max(offered) <= NOW + timedelta(days=people.practice.intake_target_days)
    assert all(s.astimezone(UTC).weekday() < 5 for s in offered)
    call = _book_intake(enrollment, TUESDAY_9, people.patient.user)
    assert call.staff == people.coordinator
    assert call.ends_at - call.starts_at == timedelta(minutes=20)
    assert TUESDAY_9 not in intake_slots(people.patient, now=NOW)


def test_sunday_3am_is_refused_unless_published(people, hours, enrollment):
    sunday_3am = datetime(2026, 11, 29, 8, tzinfo=UTC)
    with pytest.raises(SlotTaken):
        _book_intake(enrollment, sunday_3am, people.patient.user)
    assert not Appointment.objects.exists()
    add_exception(
        staff=people.coordinator, kind="extra", on=date(2026, 11, 29), starts=time(3), ends=time(4)
    )
    assert _book_intake(enrollment, sunday_3am, people.patient.user).starts_at == sunday_3am


def test_a_time_between_slots_and_a_day_off_are_refused(people, hours, enrollment):
    with pytest.raises(SlotTaken):
        _book_intake(enrollment, TUESDAY_9 + timedelta(minutes=5), people.patient.user)
    add_exception(staff=people.coordinator, kind="off", on=date(2026, 11, 24))
    with pytest.raises(SlotTaken):
        _book_intake(enrollment, TUESDAY_9, people.patient.user)


def test_a_booked_slot_is_refused_to_the_next_patient(people, hours):
    book_slot(
        patient=people.patient,
        staff=people.coordinator,
        kind="check_in",
        starts_at=TUESDAY_9,
        mode="phone",
        booked_by=people.coordinator,
        now=NOW,
    )
    with pytest.raises(SlotTaken) as caught:
        book_slot(
            patient=people.other_patient,
            staff=people.coordinator,
            kind="check_in",
            starts_at=TUESDAY_9,
            mode="phone",
            booked_by=people.coordinator,
            now=NOW,
        )
    assert "just taken" in caught.value.problems["starts_at"]
    assert Appointment.objects.count() == 1


def test_the_database_refuses_a_second_pending_appointment_at_the_same_start(people):
    fields = dict(
        kind="check_in",
        mode="phone",
        staff=people.coordinator,
        starts_at=TUESDAY_9,
        ends_at=TUESDAY_920,
    )
    Appointment.objects.create(patient=people.patient, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(patient=people.other_patient, **fields)
    # A cancelled one no longer holds the time.
    Appointment.objects.update(attendance=Appointment.Attendance.CANCELLED_BY_PATIENT)
    Appointment.objects.create(patient=people.other_patient, **fields)


def test_a_video_link_must_be_https(people, hours):
    with pytest.raises(EngagementInvalid) as caught:
        book_slot(
            patient=people.patient,
            staff=people.coordinator,
            kind="check_in",
            starts_at=TUESDAY_9,
            mode="video",
            video_link="http://meet.example.org/x",
            booked_by=people.coordinator,
            now=NOW,
        )
    assert "video_link" in caught.value.problems
    ok = book_slot(
        patient=people.patient,
        staff=people.coordinator,
        kind="check_in",
        starts_at=TUESDAY_9,
        mode="video",
        video_link="https://meet.example.org/x",
        booked_by=people.coordinator,
        now=NOW,
    )
    assert ok.video_link == "https://meet.example.org/x"


def test_staff_book_into_a_colleagues_slot_but_not_another_practices(people):
    set_weekly_hours(staff=people.other_clinician, hours=[(1, time(9), time(10))])
    a = book_slot(
        patient=people.patient,
        staff=people.other_clinician,
        kind="check_in",
        starts_at=TUESDAY_9,
        mode="phone",
        booked_by=people.coordinator,
        now=NOW,
    )
    assert a.ends_at - a.starts_at == timedelta(minutes=15)
    set_weekly_hours(staff=people.outside_coordinator, hours=[(1, time(9), time(10))])
    with pytest.raises(EngagementInvalid):
        book_slot(
            patient=people.patient,
            staff=people.outside_coordinator,
            kind="check_in",
            starts_at=TUESDAY_9,
            mode="phone",
            booked_by=people.coordinator,
            now=NOW,
        )


@pytest.mark.django_db(transaction=True)
def test_two_patients_booking_one_slot_at_once_get_exactly_one_booking(people, hours):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's in-memory test database is not shared between threads.")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def run(patient) -> None:
        try:
            start.wait()
            book_slot(
                patient=patient,
                staff=people.coordinator,
                kind="check_in",
                starts_at=TUESDAY_9,
                mode="phone",
                booked_by=patient.user,
                now=NOW,
            )
            outcomes.append("booked")
        except SlotTaken:
            outcomes.append("taken")
        except BaseException as error:  # noqa: BLE001 (reported by the assertion below)
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(p,)) for p in (people.patient, people.other_patient)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["booked", "taken"]
    assert Appointment.objects.filter(starts_at=TUESDAY_9).count() == 1


def test_a_patient_cancels_up_to_24_hours_before_and_the_staff_member_is_told(
    people, hours, enrollment, django_capture_on_commit_callbacks
):
    call = _book_intake(enrollment, TUESDAY_9, people.patient.user)
    with pytest.raises(EngagementInvalid):
        cancel_appointment(
            appointment=call, by=people.patient.user, now=TUESDAY_9 - timedelta(hours=23)
        )
    with django_capture_on_commit_callbacks(execute=True):
        cancel_appointment(appointment=call, by=people.patient.user, now=NOW)
    call.refresh_from_db()
    assert call.attendance == Appointment.Attendance.CANCELLED_BY_PATIENT
    assert TUESDAY_9 in intake_slots(people.patient, now=NOW)
    told = Notification.objects.get(user=people.coordinator)
    assert "cancelled" in told.text
    sent = [m for m in mail.outbox if people.coordinator.email in m.to] if mail.outbox else []
    for message in sent:
        assert "Alex" not in message.body and "Rivera" not in message.body


def test_a_patient_reschedules_to_another_free_slot_all_or_nothing(people, hours, enrollment):
    call = _book_intake(enrollment, TUESDAY_9, people.patient.user)
    with pytest.raises(SlotTaken):
        reschedule_appointment(
            appointment=call,
            starts_at=TUESDAY_9 + timedelta(minutes=7),
            by=people.patient.user,
            now=NOW,
        )
    call.refresh_from_db()
    assert call.attendance == Appointment.Attendance.PENDING  # nothing half-done
    moved = reschedule_appointment(
        appointment=call, starts_at=TUESDAY_920, by=people.patient.user, now=NOW
    )
    assert moved.starts_at == TUESDAY_920 and moved.enrollment == enrollment
    call.refresh_from_db()
    assert call.attendance == Appointment.Attendance.CANCELLED_BY_PATIENT


# --- Pages ------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_patient_picks_from_offered_slots_with_no_duration_to_edit(
    client, people, hours, enrollment
):
    client.force_login(people.patient.user)
    page = client.get(reverse("my_programs")).content.decode()
    assert 'name="slot"' in page and "duration" not in page
    assert 'value="2026-11-24T14:00:00+00:00"' in page
    assert "Sunday" not in page  # nothing offered at the weekend
    url = reverse("book_my_intake", args=[enrollment.pk])
    sunday_3am = "2026-11-29T08:00:00+00:00"
    response = client.post(url, {"slot": sunday_3am, "mode": "phone"}, follow=True)
    assert "just taken" in response.content.decode()
    assert not Appointment.objects.exists()
    client.post(url, {"slot": "2026-11-24T14:00:00+00:00", "mode": "phone"})
    assert Appointment.objects.get().starts_at == TUESDAY_9


@time_machine.travel(NOW, tick=False)
def test_with_no_slot_the_patient_is_told_and_the_coordinator_gets_a_task(
    client, people, enrollment
):
    client.force_login(people.patient.user)
    page = client.get(reverse("my_programs")).content.decode()
    assert "We'll call you to find a time" in page
    client.get(reverse("my_programs"))
    task = OutreachTask.objects.get()
    assert task.kind == OutreachTask.Kind.INTAKE_NO_SLOT
    assert task.assigned_to == people.coordinator


@time_machine.travel(NOW, tick=False)
def test_a_coordinator_publishes_hours_and_a_day_off(client, people):
    client.force_login(people.coordinator)
    assert client.get(reverse("my_availability")).status_code == 200
    client.post(
        reverse("my_availability"),
        {"action": "hours", "day_0_starts": "09:00", "day_0_ends": "12:00"},
    )
    assert list(people.coordinator.weekly_hours.values_list("weekday", "starts")) == [(0, time(9))]
    bad = client.post(
        reverse("my_availability"),
        {"action": "hours", "day_1_starts": "12:00", "day_1_ends": "09:00"},
        follow=True,
    )
    assert "must end after" in bad.content.decode()
    assert people.coordinator.weekly_hours.count() == 1  # nothing half-saved
    client.post(
        reverse("my_availability"), {"action": "exception", "kind": "off", "on": "2026-11-30"}
    )
    assert people.coordinator.availability_exceptions.get().on == date(2026, 11, 30)


def test_a_patient_and_a_peer_cannot_open_the_hours_page(client, people):
    for user in (people.patient.user, people.peer):
        client.force_login(user)
        assert client.get(reverse("my_availability")).status_code == 404


# --- API --------------------------------------------------------------------------------------


def _api(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@time_machine.travel(NOW, tick=False)
def test_the_api_offers_books_and_cancels(people, hours, enrollment):
    patient = _api(people.patient.user)
    slots = patient.get("/api/v1/slots").json()["items"]
    assert slots[0]["starts_local"] == "2026-11-23T09:00:00-05:00"
    assert "staff_id" not in slots[0] or slots[0]["staff_id"] is None
    url = f"/api/v1/enrollments/{enrollment.pk}/intake-call"
    refused = patient.post(
        url, json.dumps({"starts_at": "2026-11-29T03:00:00-05:00"}), content_type="application/json"
    )
    assert refused.status_code == 400
    extra = patient.post(
        url,
        json.dumps({"starts_at": slots[1]["starts_at"], "duration_minutes": 90}),
        content_type="application/json",
    )
    assert extra.status_code == 400  # the length is not the caller's
    booked = patient.post(
        url, json.dumps({"starts_at": slots[1]["starts_at"]}), content_type="application/json"
    )
    assert booked.status_code == 201, booked.content
    appointment_id = booked.json()["id"]
    assert (
        _api(people.other_patient.user)
        .post(f"/api/v1/appointments/{appointment_id}/cancel")
        .status_code
        == 404
    )
    # Today 09:20 is less than 24 hours away: the patient is asked to call instead.
    too_late = patient.post(f"/api/v1/appointments/{appointment_id}/cancel")
    assert too_late.status_code == 400 and "24 hours" in too_late.json()["problems"][0]
    later = next(s for s in slots if s["starts_at"] >= "2026-11-25")
    moved = patient.post(
        f"/api/v1/appointments/{appointment_id}/reschedule",
        json.dumps({"starts_at": later["starts_at"]}),
        content_type="application/json",
    )
    assert moved.status_code == 400  # also too late to move
    Appointment.objects.update(attendance=Appointment.Attendance.CANCELLED_BY_PRACTICE)
    booked = patient.post(
        url, json.dumps({"starts_at": later["starts_at"]}), content_type="application/json"
    )
    cancelled = patient.post(f"/api/v1/appointments/{booked.json()['id']}/cancel")
    assert cancelled.json()["attendance"] == "cancelled_by_patient"


@time_machine.travel(NOW, tick=False)
def test_the_api_reads_and_replaces_own_availability_and_staff_book(people):
    coordinator = _api(people.coordinator)
    body = {"weekly": [{"weekday": 1, "starts": "09:00", "ends": "10:00"}], "exceptions": []}
    put = coordinator.put(
        "/api/v1/me/availability", json.dumps(body), content_type="application/json"
    )
    assert put.status_code == 200, put.content
    assert coordinator.get("/api/v1/me/availability").json()["weekly"][0]["starts"] == "09:00:00"
    assert _api(people.patient.user).get("/api/v1/me/availability").status_code == 404
    slots = (
        _api(people.clinician)
        .get(f"/api/v1/slots?kind=check_in&staff_id={people.coordinator.pk}")
        .json()
    )
    assert slots["count"] == 4 * 4  # four Tuesdays, 09:00-10:00 in 15 minutes
    slots = slots["items"]
    booked = _api(people.clinician).post(
        f"/api/v1/patients/{people.patient.pk}/bookings",
        json.dumps(
            {
                "staff_id": people.coordinator.pk,
                "starts_at": slots[0]["starts_at"],
                "kind": "check_in",
            }
        ),
        content_type="application/json",
    )
    assert booked.status_code == 201, booked.content
    outsider = _api(people.outside_coordinator).get(
        f"/api/v1/slots?kind=check_in&staff_id={people.coordinator.pk}"
    )
    assert outsider.status_code == 404
