"""The audit trail is append-only, and account events can be recorded by other apps."""

import pytest

from tether.audit.models import AppendOnlyError, AuditEvent
from tether.audit.services import record_account_event


def test_it_records_an_account_event_outside_a_request(people):
    event = record_account_event(
        actor=people.admin,
        subject=people.clinician,
        action=AuditEvent.Action.ACCOUNT_UNLOCKED,
        detail="after 10 failed sign-ins",
    )
    event.refresh_from_db()
    assert event.actor == people.admin
    assert event.subject == people.clinician
    assert event.patient is None
    assert event.practice == people.practice
    assert event.channel == AuditEvent.Channel.SYSTEM
    assert event.request_id == ""


def test_it_refuses_to_change_or_delete_a_row(people):
    event = record_account_event(
        actor=people.admin, subject=people.clinician, action=AuditEvent.Action.FACTOR_RESET
    )
    event.detail = "nothing happened"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    event.refresh_from_db()
    assert event.detail == ""


def test_the_admin_shows_the_trail_read_only(admin_client):
    from django.contrib import admin

    model_admin = admin.site._registry[AuditEvent]
    request = type("R", (), {"user": None})()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
