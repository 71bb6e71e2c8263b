"""Email through a real SMTP server: the trusted person's invitation and check-in nudges,
each recorded as a Delivery, with failures kept rather than lost."""

import re
from datetime import timedelta
from io import StringIO
from urllib.parse import urlsplit

import time_machine
from django.core.management import call_command
from django.utils import timezone

from tests.smtp import free_port
from tether.network import sweeps as network_sweeps
from tether.network.models import ConsentScope, SupportContact
from tether.network.services import (
    add_support,
    invite_trusted_person,
    respond_to_invitation,
    set_consent,
)
from tether.network.sweeps import send_due_nudges
from tether.notifications.models import Delivery

ALL_SCOPES = tuple(ConsentScope.values)
LINK = re.compile(r"https?://\S+")


def _trusted_person(people, name: str, email: str) -> SupportContact:
    patient = people.patient
    return add_support(
        patient=patient,
        kind=SupportContact.Kind.TRUSTED_PERSON,
        name=name,
        email=email,
        by=patient.user,
    )


def _invite(people, capture, contact, scopes=ALL_SCOPES, every=7) -> SupportContact:
    with capture(execute=True):
        return invite_trusted_person(
            contact=contact, scopes=scopes, by=people.patient.user, check_in_every_days=every
        )


def _accepted(people, capture, name, email, scopes=ALL_SCOPES, every=7) -> SupportContact:
    contact = _invite(people, capture, _trusted_person(people, name, email), scopes, every)
    return respond_to_invitation(contact=contact, accept=True)


# --- The invitation ---------------------------------------------------------------------------


def test_it_emails_the_invitation_with_a_link_that_opens_it(
    client, people, smtp_server, django_capture_on_commit_callbacks
):
    contact = _trusted_person(people, "Maria", "maria@example.org")

    _invite(people, django_capture_on_commit_callbacks, contact)

    [message] = smtp_server.to("maria@example.org")
    assert message["Subject"] == "Someone you know would like you in their corner"
    body = smtp_server.body(message)
    assert body.startswith("Hello,")
    for name in ("Alex", "Rivera", "Maria", people.practice.name):
        assert name not in message["Subject"] + body  # the page behind the link says who
    [link] = [url for url in LINK.findall(body) if "/trusted/" in url]
    response = client.get(urlsplit(link).path)
    assert response.status_code == 200
    assert "Alex Rivera would like you in their corner" in response.content.decode()
    delivery = Delivery.objects.get(purpose="trusted-invitation")
    assert delivery.to == "maria@example.org"
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 1
    assert delivery.sent_at is not None
    assert delivery.error == ""


def test_a_delivery_is_queued_until_the_transaction_commits(
    people, smtp_server, django_capture_on_commit_callbacks
):
    contact = _trusted_person(people, "Maria", "maria@example.org")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invite_trusted_person(contact=contact, scopes=ALL_SCOPES, by=people.patient.user)

    assert Delivery.objects.get().status == Delivery.Status.QUEUED
    assert smtp_server.messages == []
    assert len(callbacks) == 1


def test_an_unreachable_mail_server_fails_the_delivery_and_keeps_the_invitation(
    people, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_PORT = free_port()  # nothing listens there
    contact = _trusted_person(people, "Maria", "maria@example.org")

    _invite(people, django_capture_on_commit_callbacks, contact)

    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == 1
    assert "ConnectionRefusedError" in delivery.error
    assert delivery.sent_at is None
    assert delivery.body  # kept, so it can be sent again
    contact.refresh_from_db()
    assert contact.invitation == SupportContact.Invitation.INVITED
    assert contact.consents.filter(withdrawn_at__isnull=True).count() == len(ALL_SCOPES)
    assert smtp_server.messages == []


# --- Check-in nudges --------------------------------------------------------------------------


def test_it_nudges_each_due_trusted_person_once(
    client, people, smtp_server, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    _accepted(people, capture, "Due", "due@example.org", every=7)
    _accepted(people, capture, "Not yet", "later@example.org", every=14)
    _accepted(
        people, capture, "No nudges", "plan@example.org", scopes=[ConsentScope.SEE_SAFETY_PLAN]
    )
    withdrawn = _accepted(people, capture, "Withdrawn", "withdrawn@example.org", every=7)
    set_consent(contact=withdrawn, scopes=[ConsentScope.SEE_SAFETY_PLAN], by=people.patient.user)
    _invite(people, capture, _trusted_person(people, "Not accepted", "invited@example.org"))
    smtp_server.clear()
    in_eight_days = timezone.now() + timedelta(days=8)

    with capture(execute=True):
        sent = send_due_nudges(now=in_eight_days)

    assert sent == 1
    assert smtp_server.recipients == [["due@example.org"]]
    [message] = smtp_server.messages
    assert message["Subject"] == "A moment to check in?"
    assert "Alex" not in smtp_server.body(message)
    [link] = [url for url in LINK.findall(smtp_server.body(message)) if "/trusted/" in url]
    page = client.get(urlsplit(link).path)
    assert page.status_code == 200
    assert "Alex" in page.content.decode()  # the link, just for them, says who
    nudge = Delivery.objects.get(purpose="trusted-nudge")
    assert nudge.status == Delivery.Status.SENT


def test_running_the_nudges_twice_at_the_same_moment_sends_nothing_more(
    people, smtp_server, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    contact = _accepted(people, capture, "Maria", "maria@example.org", every=7)
    smtp_server.clear()
    in_eight_days = timezone.now() + timedelta(days=8)

    with capture(execute=True):
        first = send_due_nudges(now=in_eight_days)
    with capture(execute=True):
        second = send_due_nudges(now=in_eight_days)

    assert (first, second) == (1, 0)
    assert len(smtp_server.messages) == 1
    assert Delivery.objects.filter(purpose="trusted-nudge").count() == 1
    contact.refresh_from_db()
    assert contact.next_nudge_at == in_eight_days + timedelta(days=7)


def test_two_workers_at_once_never_send_the_same_nudge(
    people, smtp_server, django_capture_on_commit_callbacks, monkeypatch
):
    # The second worker starts while the first is part-way through the same due list: it
    # takes what the first has not claimed yet, and the first skips what it took.
    capture = django_capture_on_commit_callbacks
    _accepted(people, capture, "Maria", "maria@example.org", every=7)
    _accepted(people, capture, "Sam", "sam@example.org", every=7)
    smtp_server.clear()
    in_eight_days = timezone.now() + timedelta(days=8)
    real_queue_email = network_sweeps.queue_email
    second_worker = {}

    def queue_email_while_another_worker_runs(**kwargs):
        if "sent" not in second_worker:
            second_worker["sent"] = None  # it runs once, not again from inside itself
            second_worker["sent"] = send_due_nudges(now=in_eight_days)
        return real_queue_email(**kwargs)

    monkeypatch.setattr(network_sweeps, "queue_email", queue_email_while_another_worker_runs)
    with capture(execute=True):
        first_worker = send_due_nudges(now=in_eight_days)

    assert (first_worker, second_worker["sent"]) == (1, 1)
    assert sorted(r for [r] in smtp_server.recipients) == ["maria@example.org", "sam@example.org"]


def test_the_next_nudge_comes_on_the_patients_schedule(
    people, smtp_server, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    _accepted(people, capture, "Maria", "maria@example.org", every=7)
    start = timezone.now()

    sent = []
    for day in (8, 10, 15, 16):
        with capture(execute=True):
            sent.append(send_due_nudges(now=start + timedelta(days=day)))

    assert sent == [1, 0, 1, 0]


def test_the_send_nudges_command_prints_how_many_were_sent(
    people, smtp_server, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    _accepted(people, capture, "Maria", "maria@example.org", every=7)
    _accepted(people, capture, "Sam", "sam@example.org", every=7)
    smtp_server.clear()

    with time_machine.travel(timezone.now() + timedelta(days=8), tick=False):
        out = StringIO()
        with capture(execute=True):
            call_command("send_nudges", stdout=out)
        again = StringIO()
        with capture(execute=True):
            call_command("send_nudges", stdout=again)

    assert out.getvalue().strip() == "Sent 2 check-in reminders."
    assert again.getvalue().strip() == "Sent 0 check-in reminders."
    assert len(smtp_server.messages) == 2
