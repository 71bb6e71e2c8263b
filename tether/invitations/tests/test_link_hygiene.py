"""The invitation link stays out of logs, and the demo's console mail prints it whole."""

import logging

import pytest
from django.core import mail
from django.core.mail.backends.console import EmailBackend

from tether.invitations import services
from tether.invitations.tests.helpers import LINK, latest_token, new_patient, path_of
from tether.lib.log_redaction import RedactingFilter, redact_path
from tether.notifications.models import Delivery


def test_the_token_is_redacted_from_a_logged_path(people):
    patient = new_patient(people)
    services.invite_patient(patient=patient, by=people.coordinator, email="r@example.org")
    token = latest_token(patient)
    redacted = redact_path(path_of(token))
    assert token not in redacted and "[redacted]" in redacted


def test_a_request_to_the_link_logs_no_token(client, people, caplog):
    patient = new_patient(people)
    services.invite_patient(patient=patient, by=people.coordinator, email="r@example.org")
    token = latest_token(patient)
    logger = logging.getLogger("django.request")
    logger.addFilter(RedactingFilter())
    try:
        with caplog.at_level(logging.WARNING, logger="django.request"):
            client.get(path_of(token) + "x/")  # an unknown path: Django logs it as "Not Found"
            client.get(path_of(token[:-3] + "abc"))  # a forged link: logged as 410 Gone
    finally:
        logger.filters.clear()
    assert caplog.records, "expected the requests to be logged"
    assert all(token[:40] not in r.getMessage() for r in caplog.records)


@pytest.mark.django_db(transaction=True)
def test_the_console_email_prints_the_whole_link(people, capsys, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    patient = new_patient(people)
    services.invite_patient(patient=patient, by=people.coordinator, email="r@example.org")
    delivery = Delivery.objects.get(patient=patient, channel="email")
    assert delivery.status == Delivery.Status.SENT
    printed = capsys.readouterr().out
    link = LINK.search(printed)
    assert link is not None, printed
    assert services.open_invitation(link.group("token")).patient == patient
    assert isinstance(mail.get_connection(), EmailBackend)
