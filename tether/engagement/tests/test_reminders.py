"""Appointment reminders and staff digests: exactly once, as the person chose, never in
their quiet hours."""

import threading
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core import mail
from django.db import connection

from tether.engagement.sweeps import send_due_reminders, send_outreach_digests
from tether.notifications.models import AppointmentReminder, Delivery, OutreachDigest
from tether.notifications.services import save_preferences
from tether.notifications.tests.helpers import appointment, outreach_task

# 15:00 UTC on a winter Tuesday = 10:00 in New York (the practice's zone).
NOW = datetime(2026, 1, 13, 15, 0, tzinfo=UTC)


def _patient(people, *, email=True, sms=False, quiet=None):
    user = people.patient.user
    user.email = "alex@example.org" if email else ""
    user.save(update_fields=["email"])
    save_preferences(
        user=user,
        email_enabled=email,
        sms_enabled=sms,
        phone="+12015550123" if sms else "",
        quiet_hours_start=quiet[0] if quiet else None,
        quiet_hours_end=quiet[1] if quiet else None,
    )
    return people.patient


@pytest.mark.django_db
def test_a_reminder_goes_by_email_and_sms_once_however_often_the_sweep_runs(
    people, smtp_server, twilio, django_capture_on_commit_callbacks
):
    patient = _patient(people, email=True, sms=True)
    people.coordinator.first_name = "Priya"
    people.coordinator.save()
    appointment(patient, people.coordinator, NOW + timedelta(hours=20))

    with django_capture_on_commit_callbacks(execute=True):
        first = send_due_reminders(now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        second = send_due_reminders(now=NOW + timedelta(minutes=1))

    assert (first, second) == (2, 0)
    [message] = smtp_server.to("alex@example.org")
    # The time, and nothing about who or what: the details are behind the sign-in.
    assert (
        message["Subject"] == "Reminder: your appointment on Wednesday 14 January at 6:00 AM (EST)"
    )
    body = smtp_server.body(message)
    assert "Wednesday 14 January at 6:00 AM (EST)" in body  # 11:00 UTC in New York
    [(to, text)] = twilio.texts
    assert to == "+12015550123"
    assert "Wednesday 14 January at 6:00 AM (EST)" in text and "/me/" in text
    for word in ("Alex", "Priya", "Check-in", "phone"):
        assert word not in message["Subject"] + body + text
    assert AppointmentReminder.objects.count() == 2
    assert set(Delivery.objects.values_list("channel", "status")) == {
        ("email", "sent"),
        ("sms", "sent"),
    }


@pytest.mark.django_db
def test_only_pending_appointments_in_the_next_24_hours_are_reminded(people):
    patient = _patient(people)
    appointment(patient, people.coordinator, NOW + timedelta(hours=25))
    appointment(patient, people.coordinator, NOW - timedelta(hours=1))
    appointment(
        patient,
        people.coordinator,
        NOW + timedelta(hours=3),
        attendance="cancelled_by_patient",
    )
    due = appointment(patient, people.coordinator, NOW + timedelta(hours=23))

    assert send_due_reminders(now=NOW) == 1
    assert AppointmentReminder.objects.get().appointment == due


@pytest.mark.django_db
def test_with_email_and_sms_off_nothing_is_sent(people, twilio):
    patient = _patient(people, email=False, sms=False)
    appointment(patient, people.coordinator, NOW + timedelta(hours=2))

    assert send_due_reminders(now=NOW) == 0
    assert Delivery.objects.count() == 0
    assert AppointmentReminder.objects.count() == 0
    assert mail.outbox == []
    assert twilio.requests == []


@pytest.mark.django_db
def test_in_quiet_hours_the_reminder_waits_until_they_end(
    people, twilio, django_capture_on_commit_callbacks
):
    # Quiet 21:00–08:00 New York time; it is 23:00 there (04:00 UTC).
    patient = _patient(people, email=True, sms=True, quiet=(time(21), time(8)))
    night = datetime(2026, 1, 14, 4, 0, tzinfo=UTC)
    appointment(patient, people.coordinator, night + timedelta(hours=12))

    assert send_due_reminders(now=night) == 0
    assert send_due_reminders(now=night + timedelta(hours=8, minutes=59)) == 0  # 07:59
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders(now=night + timedelta(hours=9)) == 2  # 08:00
    assert len(mail.outbox) == 1
    assert len(twilio.requests) == 1


@pytest.mark.django_db
def test_quiet_hours_follow_the_patients_own_time_zone(people):
    # Quiet 21:00–08:00; the patient lives in Los Angeles, where 15:00 UTC is 07:00.
    patient = _patient(people, quiet=(time(21), time(8)))
    patient.time_zone = "America/Los_Angeles"
    patient.save()
    appointment(patient, people.coordinator, NOW + timedelta(hours=5))

    assert send_due_reminders(now=NOW) == 0
    assert send_due_reminders(now=NOW + timedelta(hours=1)) == 1


@pytest.mark.django_db
def test_a_second_worker_starting_mid_sweep_never_duplicates_a_reminder(people, monkeypatch):
    # The second worker runs while the first is part-way through the same due list: the
    # first then finds each (appointment, channel) already claimed and sends nothing more.
    patient = _patient(people)
    for hours in (2, 4, 6):
        appointment(patient, people.coordinator, NOW + timedelta(hours=hours))
    import tether.engagement.sweeps as sweeps

    real_user_zone = sweeps.user_zone
    second = {}

    def user_zone_while_another_worker_runs(user):
        if "sent" not in second:
            second["sent"] = None
            second["sent"] = send_due_reminders(now=NOW)
        return real_user_zone(user)

    monkeypatch.setattr(sweeps, "user_zone", user_zone_while_another_worker_runs)
    first = send_due_reminders(now=NOW)

    assert (first, second["sent"]) == (0, 3)
    assert AppointmentReminder.objects.count() == 3
    assert Delivery.objects.filter(purpose="appointment-reminder").count() == 3


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's shared-cache test database answers concurrent writers with "
    "'table is locked' instead of waiting; the interleaved test above covers SQLite.",
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_reminder_exactly_once(people, settings, monkeypatch):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    patient = _patient(people)
    for hours in (2, 4, 6):
        appointment(patient, people.coordinator, NOW + timedelta(hours=hours))

    # Both workers read the same due list before either claims anything.
    import tether.engagement.sweeps as sweeps

    barrier = threading.Barrier(2, timeout=10)
    real_user_zone = sweeps.user_zone
    waited = threading.local()

    def user_zone_after_both_have_read(user):
        if not getattr(waited, "done", False):
            waited.done = True
            barrier.wait()
        return real_user_zone(user)

    monkeypatch.setattr(sweeps, "user_zone", user_zone_after_both_have_read)
    results, errors = [], []

    def worker():
        try:
            results.append(send_due_reminders(now=NOW))
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert sum(results) == 3
    assert AppointmentReminder.objects.count() == 3
    assert Delivery.objects.filter(purpose="appointment-reminder").count() == 3
    assert len(mail.outbox) == 3


# --- Staff digests -----------------------------------------------------------------------


@pytest.mark.django_db
def test_each_staff_member_gets_one_digest_per_local_day_without_patient_names(
    people, smtp_server, django_capture_on_commit_callbacks
):
    coordinator = people.coordinator
    coordinator.email = "priya@example.org"
    coordinator.save()
    seven_thirty = datetime(2026, 1, 13, 12, 30, tzinfo=UTC)  # 07:30 in New York
    outreach_task(
        people.patient,
        coordinator,
        due_at=seven_thirty - timedelta(hours=1),
        created_at=seven_thirty - timedelta(days=1),
    )
    outreach_task(
        people.patient,
        coordinator,
        due_at=seven_thirty + timedelta(hours=8),
        created_at=seven_thirty - timedelta(hours=3),
    )

    runs = []
    for moment in (
        seven_thirty - timedelta(hours=1),  # 06:30: too early
        seven_thirty,
        seven_thirty + timedelta(hours=2),
        seven_thirty + timedelta(hours=16),  # 23:30, same local day
        seven_thirty + timedelta(days=1),  # the next morning
    ):
        with django_capture_on_commit_callbacks(execute=True):
            runs.append(send_outreach_digests(now=moment))

    assert runs == [0, 1, 0, 0, 1]
    assert OutreachDigest.objects.filter(user=coordinator).count() == 2
    first, _ = smtp_server.to("priya@example.org")
    assert first["Subject"] == "Your outreach queue: 2 open, 1 overdue"
    body = smtp_server.body(first)
    assert "2 open task(s), 1 overdue" in body
    for name in ("Alex", "Rivera"):
        assert name not in body
        assert name not in first["Subject"]
