"""notify(): in-app, email and SMS as the person chose; the in-app list and its count in the
nav; the preferences page, where a bad phone number saves nothing."""

import pytest
from django.core import mail

from tether.notifications.models import Delivery, Notification, NotificationPreference
from tether.notifications.services import notify, save_preferences

pytestmark = pytest.mark.django_db


def _alert(user, **kwargs):
    return notify(
        user=user,
        subject="New risk alert for a patient on your rota",
        body="Please open Tether to see and acknowledge it.",
        link="/staff/alerts/",
        purpose="on-call-alert",
        **kwargs,
    )


def test_notify_reaches_every_channel_the_person_set_up(
    people, twilio, django_capture_on_commit_callbacks
):
    clinician = people.clinician
    clinician.email = "hannah@example.org"
    clinician.save()
    save_preferences(
        user=clinician,
        email_enabled=True,
        sms_enabled=True,
        phone="201-555-0199",
        quiet_hours_start=None,
        quiet_hours_end=None,
    )

    with django_capture_on_commit_callbacks(execute=True):
        result = _alert(clinician, patient=people.patient)

    assert result.notification.user == clinician
    assert result.notification.read_at is None
    assert {d.channel for d in result.deliveries} == {"email", "sms"}
    [message] = mail.outbox
    assert message.to == ["hannah@example.org"]
    assert "http://127.0.0.1:8000/staff/alerts/" in message.body
    [(to, text)] = twilio.texts
    assert to == "+12015550199"
    assert text.startswith("Tether: New risk alert")
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert set(Delivery.objects.values_list("user", flat=True)) == {clinician.pk}


def test_notify_without_email_or_phone_is_in_app_only(people, twilio):
    result = _alert(people.coordinator)  # no email address, no preferences

    assert result.notification is not None
    assert result.deliveries == []
    assert Delivery.objects.count() == 0


def test_notify_on_chosen_channels_only(people):
    people.coordinator.email = "priya@example.org"
    people.coordinator.save()

    result = _alert(people.coordinator, channels=("email",))

    assert result.notification is None
    assert [d.channel for d in result.deliveries] == ["email"]
    with pytest.raises(ValueError, match="pigeon"):
        _alert(people.coordinator, channels=("pigeon",))


def test_the_nav_counts_unread_notifications_and_the_list_marks_them_read(client, people):
    _alert(people.coordinator)
    _alert(people.coordinator)
    _alert(people.clinician)
    client.force_login(people.coordinator)

    page = client.get("/notifications/").content.decode()
    assert 'aria-label="2 unread"' in page
    assert page.count("New risk alert for a patient on your rota") == 2

    response = client.post("/notifications/read/")
    assert response.status_code == 302
    page = client.get("/notifications/").content.decode()
    assert "unread" not in page.split("<main")[0]
    assert Notification.objects.filter(user=people.clinician, read_at__isnull=True).count() == 1


def test_the_preferences_page_saves_a_phone_in_e164(client, people):
    client.force_login(people.patient.user)

    response = client.post(
        "/me/notifications/",
        {
            "email_enabled": "on",
            "sms_enabled": "on",
            "phone": "(201) 555-0123",
            "quiet_hours_start": "21:30",
            "quiet_hours_end": "07:00",
        },
    )

    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=people.patient.user)
    assert preference.phone == "+12015550123"
    assert preference.sms_enabled
    assert str(preference.quiet_hours_start) == "21:30:00"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"sms_enabled": "on", "phone": "12345"}, "valid phone number"),
        ({"sms_enabled": "on", "phone": "call me"}, "look like a phone number"),
        ({"sms_enabled": "on", "phone": ""}, "Add a mobile number"),
        ({"quiet_hours_start": "22:00"}, "both a start and an end"),
    ],
)
def test_bad_preferences_get_a_clear_error_and_nothing_is_saved(client, people, data, problem):
    client.force_login(people.patient.user)

    response = client.post("/me/notifications/", data)

    assert response.status_code == 400
    assert problem in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_the_preferences_page_needs_a_sign_in(client):
    response = client.get("/me/notifications/")
    assert response.status_code == 302
