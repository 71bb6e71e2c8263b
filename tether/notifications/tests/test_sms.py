"""Text messages through Twilio (a fake Twilio on 127.0.0.1 plays its HTTP API), each with a
Delivery record; failures are kept with the reason and retried with backoff."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tether.notifications import services
from tether.notifications.models import MAX_ATTEMPTS, Delivery
from tether.notifications.services import deliver, queue_sms
from tether.notifications.sms import SmsError, TwilioBackend, send_sms
from tether.notifications.sweeps import retry_failed_deliveries
from tether.notifications.tests.fake_twilio import FROM, SID, TOKEN

pytestmark = pytest.mark.django_db


def _text(capture, to="(201) 555-0123", body="Hello from Tether", **kwargs) -> Delivery:
    with capture(execute=True):
        delivery = queue_sms(to=to, body=body, purpose="test", **kwargs)
    delivery.refresh_from_db()
    return delivery


def test_a_201_from_twilio_marks_the_text_sent(twilio, django_capture_on_commit_callbacks):
    delivery = _text(django_capture_on_commit_callbacks, to="+1 201 555 0123")

    assert delivery.channel == Delivery.Channel.SMS
    assert delivery.to == "+12015550123"
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 1
    assert delivery.sent_at is not None
    assert delivery.next_attempt_at is None
    [request] = twilio.requests
    assert request.path == f"/2010-04-01/Accounts/{SID}/Messages.json"
    assert request.auth == (SID, TOKEN)
    assert request.form == {"To": "+12015550123", "From": FROM, "Body": "Hello from Tether"}


def test_a_500_fails_with_the_reason_then_the_retry_after_backoff_sends_it(
    twilio, django_capture_on_commit_callbacks
):
    twilio.status = 500
    start = timezone.now()
    delivery = _text(django_capture_on_commit_callbacks, to="+12015550123")

    assert delivery.status == Delivery.Status.FAILED
    assert "HTTP 500" in delivery.error
    assert "Internal Server Error" in delivery.error
    assert delivery.attempts == 1
    assert start + timedelta(minutes=1) <= delivery.next_attempt_at
    assert delivery.next_attempt_at <= timezone.now() + timedelta(minutes=1)

    # Not yet due: nothing is tried.
    assert retry_failed_deliveries(now=start + timedelta(seconds=30)) == 0
    assert len(twilio.requests) == 1

    twilio.status = 201
    assert retry_failed_deliveries(now=start + timedelta(minutes=2)) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 2
    assert delivery.error == ""
    assert len(twilio.requests) == 2
    # Sent is sent: another sweep does nothing.
    assert retry_failed_deliveries(now=start + timedelta(hours=5)) == 0
    assert len(twilio.requests) == 2


def test_backoff_is_1_5_15_60_minutes_then_it_stays_failed_and_visible(
    twilio, django_capture_on_commit_callbacks, client, people
):
    twilio.status = 500
    delivery = _text(django_capture_on_commit_callbacks, patient=people.patient)
    now = delivery.next_attempt_at - timedelta(minutes=1)
    gaps = [delivery.next_attempt_at - now]
    for _ in range(MAX_ATTEMPTS - 1):
        now = delivery.next_attempt_at
        assert retry_failed_deliveries(now=now) == 0
        delivery.refresh_from_db()
        if delivery.next_attempt_at:
            gaps.append(delivery.next_attempt_at - now)

    assert [g.total_seconds() / 60 for g in gaps] == [1, 5, 15, 60]
    assert delivery.attempts == MAX_ATTEMPTS == 5
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.next_attempt_at is None
    assert delivery.gave_up
    assert len(twilio.requests) == 5
    assert retry_failed_deliveries(now=now + timedelta(days=1)) == 0
    assert len(twilio.requests) == 5

    client.force_login(people.coordinator)
    page = client.get("/staff/deliveries/").content.decode()
    assert "Gave up" in page
    assert "HTTP 500" in page
    client.force_login(people.outside_coordinator)
    assert "HTTP 500" not in client.get("/staff/deliveries/").content.decode()
    client.force_login(people.patient.user)
    assert client.get("/staff/deliveries/").status_code == 404


def test_a_claimed_attempt_is_sent_by_one_worker_only(twilio, django_capture_on_commit_callbacks):
    twilio.status = 500
    delivery = _text(django_capture_on_commit_callbacks)
    twilio.status = 201
    due = delivery.next_attempt_at
    stale = Delivery.objects.get(pk=delivery.pk)  # what a second worker read earlier

    assert retry_failed_deliveries(now=due) == 1
    # The second worker tries to claim the same attempt from its stale copy: the conditional
    # UPDATE matches nothing, so it sends nothing.
    from tether.notifications.services import claim

    assert claim(stale, now=due) is False
    assert deliver(delivery.pk, now=due).status == Delivery.Status.SENT
    assert len(twilio.requests) == 2  # the failed one and the one retry


def test_the_retry_sweep_claims_its_batch_before_sending_any(
    twilio, django_capture_on_commit_callbacks, monkeypatch
):
    twilio.status = 500
    failed = [_text(django_capture_on_commit_callbacks, body=f"Text {n}") for n in range(3)]
    twilio.status = 201
    due = max(d.next_attempt_at for d in failed)
    attempts_when_sending = []
    real_send = services._send

    def send(delivery):
        attempts_when_sending.append(
            sorted(
                Delivery.objects.filter(pk__in=[d.pk for d in failed]).values_list(
                    "attempts", flat=True
                )
            )
        )
        real_send(delivery)

    monkeypatch.setattr(services, "_send", send)
    assert retry_failed_deliveries(now=due, batch=2) == 2  # a batch of two, the third waits
    # Both claims (attempt 2, next try booked) were made before the first text went out.
    assert attempts_when_sending == [[1, 2, 2], [1, 2, 2]]
    assert retry_failed_deliveries(now=due) == 1
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 3


def test_a_worker_killed_mid_send_leaves_the_delivery_for_the_sweep(
    twilio, django_capture_on_commit_callbacks
):
    # The on-commit send never runs (the process died before or during it).
    with django_capture_on_commit_callbacks(execute=False):
        delivery = queue_sms(to="+12015550123", body="Hi", purpose="test")
    assert twilio.requests == []
    assert retry_failed_deliveries(now=timezone.now()) == 0  # within the grace period
    assert retry_failed_deliveries(now=timezone.now() + timedelta(minutes=2)) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert len(twilio.requests) == 1


@pytest.mark.parametrize("phone", ["not a number", "12", "+1 555 000"])
def test_a_bad_phone_number_is_refused_and_nothing_is_recorded(phone):
    with pytest.raises(ValueError, match="phone number|valid"):
        queue_sms(to=phone, body="Hi", purpose="test")
    assert Delivery.objects.count() == 0


def test_twilio_unconfigured_fails_clearly_without_a_request(settings):
    settings.TWILIO_ACCOUNT_SID = ""
    with pytest.raises(SmsError, match="TWILIO_ACCOUNT_SID"):
        TwilioBackend().send("+12015550123", "Hi")


def test_unreachable_twilio_is_a_clear_error(twilio, settings):
    from tests.smtp import free_port

    settings.TWILIO_API_BASE = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(SmsError, match="Could not reach Twilio"):
        send_sms("+12015550123", "Hi")


def test_the_console_backend_prints_the_text(settings, capsys):
    settings.SMS_BACKEND = "tether.notifications.sms.ConsoleBackend"
    send_sms("+12015550123", "See you Tuesday")
    out = capsys.readouterr().out
    assert "SMS to +12015550123" in out
    assert "See you Tuesday" in out
