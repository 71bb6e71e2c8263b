"""No signed-link token and no contact detail reaches a log: Django's request warnings, the
development server's lines and gunicorn's access log (tether.lib.log_redaction)."""

import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core import signing
from gunicorn.config import Config

from tether.access.links import make_patient_plan_token
from tether.engagement.calendar import make_feed_token
from tether.lib.gunicorn_logging import RedactingLogger
from tether.lib.log_redaction import mask_contacts, redact_path

FORGED = signing.dumps({"c": "nobody"}, salt="not-ours", compress=True)


def test_it_masks_emails_and_phone_numbers():
    text = "to jamie.patel@example.org and +12015550123 failed"

    assert mask_contacts(text) == "to j***@example.org and +1******0123 failed"


@pytest.mark.parametrize(
    "path",
    [
        f"/trusted/invitation/{FORGED}/",
        f"/trusted/check-in/{FORGED}/thanks/",
        f"/plan/{FORGED}/",
        f"/calendar/{FORGED}.ics",
        f"/no-such-route/{FORGED}/",  # no route: the token's shape gives it away
    ],
)
def test_it_redacts_the_token_of_every_signed_link(path):
    redacted = redact_path(path + "?x=1")

    assert FORGED not in redacted
    assert "[redacted]" in redacted and redacted.endswith("?x=1")


def test_it_leaves_an_ordinary_path_alone():
    path = "/staff/patients/5c0e8f3a-1b2c-4d5e-8f9a-0b1c2d3e4f5a/?page=2"

    assert redact_path(path) == path


@pytest.mark.django_db
def test_a_request_to_a_signed_link_logs_no_token(client, caplog, people):
    tokens = [make_patient_plan_token(people.patient), FORGED]
    caplog.set_level(logging.WARNING, logger="django.request")

    with pytest.MonkeyPatch.context() as patch:
        # A link a day old: the plan link lives 24 hours, so the page answers 404 and Django
        # logs the path ("Not Found: …"), as it does for any expired or forged link.
        patch.setattr("tether.access.links.PATIENT_PLAN_MAX_AGE", timedelta(seconds=-1))
        for token in tokens:
            assert client.get(f"/plan/{token}/").status_code == 404
        assert client.get(f"/trusted/invitation/{FORGED}/").status_code == 404

    logged = [r for r in caplog.records if r.name == "django.request"]
    assert len(logged) == 3
    for record in logged:
        assert "[redacted]" in record.getMessage()
        for token in tokens:
            assert token not in record.getMessage()


def test_the_development_server_log_redacts_the_request_line():
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(record.getMessage())

    logger = logging.getLogger("django.server")
    keep = Keep()
    logger.addHandler(keep)
    try:
        logger.info('"%s" %s %s', f"GET /trusted/safety-plan/{FORGED}/ HTTP/1.1", "200", "512")
    finally:
        logger.removeHandler(keep)

    assert lines == ['"GET /trusted/safety-plan/[redacted]/ HTTP/1.1" 200 512']


@pytest.mark.django_db
def test_gunicorns_access_log_redacts_the_path_and_the_referer(people, capsys):
    feed = make_feed_token(people.patient)
    config = Config()
    config.set("accesslog", "-")
    config.set("logger_class", "tether.lib.gunicorn_logging.RedactingLogger")
    logger = config.logger_class(config)
    assert isinstance(logger, RedactingLogger)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/calendar/{feed}.ics",
        "PATH_INFO": f"/calendar/{feed}.ics",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_REFERER": f"https://tether.example.org/plan/{FORGED}/",
    }
    response = SimpleNamespace(status="200 OK", sent=100, headers=[])
    request = SimpleNamespace(headers=[])

    logger.access(response, request, environ, timedelta(milliseconds=12))

    line = capsys.readouterr().out
    assert "GET /calendar/[redacted].ics HTTP/1.1" in line
    assert "https://tether.example.org/plan/[redacted]/" in line
    assert feed not in line and FORGED not in line
