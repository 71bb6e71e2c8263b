"""Crisis alert escalation: the on-call clinician is paged at once, an unacknowledged alert
moves to the backup and then the admin, each step exactly once. Time is controlled with
time_machine; nothing sleeps."""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError, OperationalError, connection, transaction
from django.test import Client
from django_tasks_db.utils import is_locked_database_exception

from tests.factories import PracticeFactory, UserFactory, make_patient
from tether.accounts.models import Role
from tether.crisis import escalation
from tether.crisis.models import AlertEvent, OnCallShift, RiskAlert
from tether.crisis.selectors import format_duration, median, percentile, response_times
from tether.crisis.services import (
    ALERT_BODY,
    NO_AFTER_HOURS,
    NO_BACKUP,
    NOBODY_ON_CALL,
    ShiftInvalid,
    acknowledge_alert,
    add_shift,
    escalate_unacknowledged_alerts,
    raise_risk_alert,
    resolve_alert,
)
from tether.notifications.models import Delivery, Notification

T0 = datetime(2026, 11, 10, 14, 0, tzinfo=UTC)
LIMIT = timedelta(minutes=5)
REPAGE = timedelta(minutes=15)
SECOND = timedelta(seconds=1)


@pytest.fixture
def rota(people):
    """people.clinician on call around T0, people.other_clinician the backup; everyone has
    an email address."""
    for user in (people.admin, people.clinician, people.other_clinician, people.coordinator):
        user.email = f"{user.username}@riverside.example"
        user.save(update_fields=["email"])
    return OnCallShift.objects.create(
        practice=people.practice,
        clinician=people.clinician,
        backup=people.other_clinician,
        starts_at=T0 - timedelta(hours=8),
        ends_at=T0 + timedelta(hours=8),
    )


def _raise(people, at=T0, patient=None):
    return raise_risk_alert(
        patient=patient or people.patient,
        reason=RiskAlert.Reason.PATIENT_NOT_SAFE,
        raised_by=(patient or people.patient).user,
        detail="Said they have a plan to end their life tonight.",
        at=at,
    )


def _after_hours(people, phone="+12025550199", name="Night line"):
    people.practice.after_hours_phone = phone
    people.practice.after_hours_name = name
    people.practice.save(update_fields=["after_hours_phone", "after_hours_name"])


def _steps(alert):
    """(kind, recipient username, at) of the events Tether recorded itself."""
    return [
        (e.kind, e.recipient.username if e.recipient else None, e.at)
        for e in AlertEvent.objects.filter(alert=alert, actor=None).select_related("recipient")
    ]


def _sweep(at):
    with time_machine.travel(at, tick=False):
        return escalate_unacknowledged_alerts(now=at)


# --- Paging the on-call clinician ------------------------------------------------------------


def test_a_new_alert_pages_the_on_call_clinician_once_the_transaction_commits(
    people, rota, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        alert = _raise(people)
        assert mailoutbox == []  # nothing leaves before the alert is saved
    for callback in callbacks:
        callback()

    alert.refresh_from_db()
    assert alert.next_escalation_at == T0 + LIMIT
    assert alert.escalation_level == 0
    assert alert.on_call_shift == rota
    assert _steps(alert) == [("notified", "clinician", T0)]
    (notice,) = Notification.objects.filter(user=people.clinician)
    assert notice.link == f"/staff/alerts/{alert.pk}/"
    (email,) = [m for m in mailoutbox if m.to == ["clinician@riverside.example"]]
    assert email.subject == "A risk alert needs you"
    assert ALERT_BODY in email.body
    assert f"/staff/alerts/{alert.pk}/" in email.body
    # Nothing clinical travels by email: no name, no reason, no detail.
    for secret in ("Alex", "Rivera", "plan to end", "safe", "PHQ"):
        assert secret not in email.subject + email.body
    sent = Delivery.objects.get(to="clinician@riverside.example")
    assert sent.status == Delivery.Status.SENT


def test_an_alert_rolled_back_with_its_transaction_pages_nobody(people, rota, mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        _raise(people)
        raise RuntimeError("the assessment that raised it failed to save")
    assert not RiskAlert.objects.exists()
    assert not Notification.objects.exists()
    assert not Delivery.objects.filter(purpose="risk-alert").exists()
    assert mailoutbox == []


def test_the_page_goes_by_text_too_when_the_clinician_takes_texts(people, rota):
    from tether.notifications.models import NotificationPreference

    NotificationPreference.objects.create(
        user=people.clinician, sms_enabled=True, phone="+12025550143"
    )
    alert = _raise(people)
    (sms,) = Delivery.objects.filter(channel=Delivery.Channel.SMS, to="+12025550143")
    assert "A risk alert needs you" in sms.body
    assert "Alex" not in sms.body and str(alert.pk) in sms.body


def test_with_nobody_on_call_the_admin_and_after_hours_contact_are_reached_at_once(people):
    _after_hours(people)
    alert = _raise(people)
    alert.refresh_from_db()
    assert alert.escalation_level == 2
    # The chain is exhausted at once, so it is paged again after repage_minutes.
    assert alert.next_escalation_at == T0 + REPAGE
    assert alert.escalation_note == NOBODY_ON_CALL
    assert _steps(alert) == [("escalated", "admin", T0), ("after_hours", None, T0)]
    assert Notification.objects.filter(user=people.admin).count() == 1
    (text,) = Delivery.objects.filter(purpose="risk-alert-after-hours")
    assert text.to == "+12025550199"
    assert alert.events.get(kind="after_hours").note == "Night line: +12025550199"


# --- Escalating ----------------------------------------------------------------------------


def test_escalation_happens_at_exactly_the_limit_and_not_a_second_before(people, rota):
    alert = _raise(people)
    assert _sweep(T0 + LIMIT - SECOND) == 0
    assert _steps(alert) == [("notified", "clinician", T0)]
    assert _sweep(T0 + LIMIT) == 1
    assert _steps(alert)[-1] == ("escalated", "other_clinician", T0 + LIMIT)
    alert.refresh_from_db()
    assert alert.escalation_level == 1
    assert alert.next_escalation_at == T0 + 2 * LIMIT


def test_unacknowledged_it_goes_to_the_backup_then_the_admin_then_the_whole_chain_again(
    people, rota
):
    _after_hours(people)
    alert = _raise(people)
    assert _sweep(T0 + LIMIT) == 1
    assert _sweep(T0 + 2 * LIMIT - SECOND) == 0
    assert _sweep(T0 + 2 * LIMIT) == 1
    assert _sweep(T0 + 2 * LIMIT + REPAGE - SECOND) == 0
    assert _sweep(T0 + 2 * LIMIT + REPAGE) == 1
    assert _sweep(T0 + 2 * LIMIT + REPAGE) == 0  # the same round twice: once
    assert _sweep(T0 + 2 * LIMIT + 2 * REPAGE) == 1
    first, second = T0 + 2 * LIMIT + REPAGE, T0 + 2 * LIMIT + 2 * REPAGE
    assert _steps(alert) == [
        ("notified", "clinician", T0),
        ("escalated", "other_clinician", T0 + LIMIT),
        ("escalated", "admin", T0 + 2 * LIMIT),
        ("after_hours", None, T0 + 2 * LIMIT),
        ("repaged", "clinician", first),
        ("repaged", "other_clinician", first),
        ("repaged", "admin", first),
        ("after_hours", None, first),
        ("repaged", "clinician", second),
        ("repaged", "other_clinician", second),
        ("repaged", "admin", second),
        ("after_hours", None, second),
    ]
    alert.refresh_from_db()
    assert alert.escalation_level == 2 and alert.repage_count == 2
    assert alert.next_escalation_at == second + REPAGE
    for user in (people.clinician, people.other_clinician, people.admin):
        assert Notification.objects.filter(user=user).count() == 3
    assert Delivery.objects.filter(purpose="risk-alert-after-hours").count() == 3


def test_every_practice_admin_is_paged_at_the_last_step(people, rota):
    second_admin = UserFactory(practice=people.practice, role=Role.ADMIN, username="admin2")
    alert = _raise(people)
    _sweep(T0 + LIMIT)
    _sweep(T0 + 2 * LIMIT)
    assert {r for k, r, _ in _steps(alert) if k == "escalated"} == {
        "other_clinician",
        "admin",
        "admin2",
    }
    assert Notification.objects.filter(user=second_admin).count() == 1


def test_the_practice_limit_decides_when(people, rota):
    people.practice.alert_ack_minutes = 2
    people.practice.save()
    alert = _raise(people)
    alert.refresh_from_db()
    assert alert.next_escalation_at == T0 + timedelta(minutes=2)
    assert _sweep(T0 + timedelta(minutes=2)) == 1


def test_a_shift_without_backup_escalates_to_the_admin_and_says_why(people, rota):
    rota.backup = None
    rota.save()
    alert = _raise(people)
    assert _sweep(T0 + LIMIT) == 1
    alert.refresh_from_db()
    assert alert.escalation_level == 2 and alert.escalation_note == NO_BACKUP
    assert ("escalated", "admin", T0 + LIMIT) in _steps(alert)
    # No after-hours contact set: the history says so rather than staying silent.
    assert _steps(alert)[-1] == ("note", None, T0 + LIMIT)
    assert alert.events.get(kind="note").note == NO_AFTER_HOURS


def test_acknowledging_stops_escalation(people, rota):
    alert = _raise(people)
    with time_machine.travel(T0 + timedelta(minutes=3), tick=False):
        acknowledge_alert(alert=alert, by=people.clinician)
    alert.refresh_from_db()
    assert alert.next_escalation_at is None
    assert _sweep(T0 + 10 * LIMIT) == 0
    assert _steps(alert) == [("notified", "clinician", T0)]


def test_acknowledging_after_the_first_step_stops_the_second(people, rota):
    alert = _raise(people)
    _sweep(T0 + LIMIT)
    with time_machine.travel(T0 + LIMIT + timedelta(minutes=1), tick=False):
        acknowledge_alert(alert=alert, by=people.other_clinician)
    assert _sweep(T0 + 3 * LIMIT) == 0
    assert [r for _, r, _ in _steps(alert)] == ["clinician", "other_clinician"]


def test_resolving_stops_escalation(people, rota):
    alert = _raise(people)
    with time_machine.travel(T0 + SECOND, tick=False):
        resolve_alert(alert=alert, by=people.clinician, note="Called; safe with family.")
    assert _sweep(T0 + 10 * LIMIT) == 0


def test_running_the_sweep_twice_at_the_same_instant_escalates_once(people, rota):
    alert = _raise(people)
    other = _raise(people, patient=people.other_patient)
    assert _sweep(T0 + LIMIT) == 2
    assert _sweep(T0 + LIMIT) == 0
    for a in (alert, other):
        assert len([s for s in _steps(a) if s[0] == "escalated"]) == 1
    assert Notification.objects.filter(user=people.other_clinician).count() == 2


def test_the_sweep_reads_only_due_alerts_through_the_partial_index(people, rota):
    _raise(people)
    sql = str(
        RiskAlert.objects.filter(
            status=RiskAlert.Status.OPEN,
            next_escalation_at__isnull=False,
            next_escalation_at__lte=T0,
        ).query
    )
    assert "next_escalation_at" in sql
    index = next(i for i in RiskAlert._meta.indexes if i.name == "crisis_alert_escalation_due")
    assert index.fields == ["next_escalation_at"] and index.condition is not None


def _sweep_until_not_locked(now):
    """Run the sweep as a worker would. The SQLite test database lives in shared-cache
    memory, where a writer that meets another's lock fails at once ("database table is
    locked") instead of waiting; like db_worker, we try again, a moment later (a batch holds
    the lock until it commits, and four workers retrying at once can starve one of them).
    Every try runs the whole sweep, which makes the test stricter, not looser. PostgreSQL
    simply waits on the lock."""
    for attempt in range(200):
        try:
            return escalate_unacknowledged_alerts(now=now)
        except OperationalError as error:
            if not is_locked_database_exception(error):
                raise
        time.sleep(min(0.002 * (attempt + 1), 0.05))
    raise AssertionError("the database stayed locked")


def test_an_alert_whose_step_fails_does_not_hold_up_the_others(people, rota, monkeypatch):
    # The sweep claims alerts in batches; one alert's failure rolls back that alert alone,
    # the others escalate, and the failed one is tried again the next minute.
    first, second = _raise(people), _raise(people, patient=people.other_patient)
    real = escalation._record_and_send

    def fails_for_the_first(alert, **kwargs):
        if alert.pk == first.pk:
            raise RuntimeError("the SMS gateway refused the request")
        real(alert, **kwargs)

    monkeypatch.setattr(escalation, "_record_and_send", fails_for_the_first)
    assert _sweep(T0 + LIMIT) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.escalation_level, second.escalation_level) == (0, 1)
    assert [s[0] for s in _steps(first)] == ["notified"]  # its step left no trace

    monkeypatch.setattr(escalation, "_record_and_send", real)
    assert _sweep(T0 + LIMIT + timedelta(minutes=1)) == 1
    first.refresh_from_db()
    assert first.escalation_level == 1
    assert [s[0] for s in _steps(first)] == ["notified", "escalated"]


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_escalate_each_alert_once(people, rota):
    alerts = [_raise(people), _raise(people, patient=people.other_patient)]
    start = threading.Barrier(4)
    moved, errors = [], []

    def worker():
        try:
            start.wait()
            moved.append(_sweep_until_not_locked(T0 + LIMIT))
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    # (A try cut short by a lock returns no count, so the events are the evidence.)
    assert sum(moved) <= 2
    for alert in alerts:
        assert len([s for s in _steps(alert) if s[0] == "escalated"]) == 1
    assert Notification.objects.filter(user=people.other_clinician).count() == 2


# --- The alert page, response times -----------------------------------------------------------


def test_the_alert_page_shows_each_step_and_the_time_to_acknowledgement(people, rota):
    alert = _raise(people)
    _sweep(T0 + LIMIT)
    with time_machine.travel(T0 + timedelta(minutes=7, seconds=30), tick=False):
        acknowledge_alert(alert=alert, by=people.other_clinician)
    client = Client()
    client.force_login(people.clinician)
    page = client.get(f"/staff/alerts/{alert.pk}/").content.decode()
    assert "Time to acknowledgement: <strong>7 min 30 s</strong>" in page
    assert "On-call clinician notified" in page
    assert "Escalated" in page


def test_percentile_and_median_with_known_values():
    assert median([]) is None
    assert median([7]) == 7
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 3, 2]) == 2.5
    values = list(range(1, 11))  # 1..10
    assert percentile(values, 90) == pytest.approx(9.1)
    assert percentile(values, 0) == 1 and percentile(values, 100) == 10
    assert percentile([10, 20, 30, 40], 90) == pytest.approx(37)
    with pytest.raises(ValueError):
        percentile([1], 101)


def test_format_duration():
    assert format_duration(None) == "—"
    assert format_duration(42) == "42 s"
    assert format_duration(300) == "5 min"
    assert format_duration(450) == "7 min 30 s"
    assert format_duration(7500) == "2 h 5 min"


def _acknowledged_after(people, created, seconds, patient=None):
    # Closed again at once (resolved), so the patient's next signal opens a new alert.
    alert = _raise(people, at=created, patient=patient)
    RiskAlert.objects.filter(pk=alert.pk).update(
        status=RiskAlert.Status.RESOLVED,
        acknowledged_at=created + timedelta(seconds=seconds),
        resolved_at=created + timedelta(seconds=seconds),
        next_escalation_at=None,
    )


def test_response_times_this_month(people, rota):
    # Practice time zone America/New_York: November started at 04:00 UTC on the 1st.
    for seconds in (60, 120, 180, 240, 600):
        _acknowledged_after(people, T0, seconds)
    _acknowledged_after(people, datetime(2026, 11, 1, 3, 59, tzinfo=UTC), 9999)  # October there
    _raise(people, at=T0)  # still open
    summary = response_times(people.practice, now=T0 + timedelta(hours=1))
    assert summary.month_start == datetime(2026, 11, 1, 4, 0, tzinfo=UTC)
    assert summary.acknowledged == 5
    assert summary.unacknowledged == 1
    assert summary.median_seconds == 180
    assert summary.p90_seconds == pytest.approx(456)
    assert summary.longest_seconds == 600
    # Another practice's alerts never count.
    assert response_times(people.outside_practice, now=T0).acknowledged == 0


def test_response_times_page_and_api(people, rota):
    for seconds in (60, 120, 180):
        _acknowledged_after(people, T0, seconds)
    client = Client()
    client.force_login(people.coordinator)
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        page = client.get("/staff/alerts/response-times/")
        api = client.get("/api/v1/alerts/response-times")
    assert page.status_code == 200
    text = page.content.decode()
    assert "<dd>2 min</dd>" in text and "<dd>3 min</dd>" in text
    assert api.status_code == 200
    body = api.json()
    assert body["median_seconds"] == 120 and body["longest_seconds"] == 180
    assert body["p90_seconds"] == pytest.approx(168)
    patient = Client()
    patient.force_login(people.patient.user)
    assert patient.get("/staff/alerts/response-times/").status_code == 404
    assert patient.get("/api/v1/alerts/response-times").status_code == 403


# --- The on-call rota --------------------------------------------------------------------------


def _form(clinician, starts="2026-11-12T08:00", ends="2026-11-12T20:00", backup=None):
    data = {"clinician": clinician.pk, "starts_at": starts, "ends_at": ends}
    if backup is not None:
        data["backup"] = backup.pk
    return data


def test_care_staff_see_the_rota_and_who_is_on_call_now(people, rota):
    client = Client()
    client.force_login(people.coordinator)
    with time_machine.travel(T0, tick=False):
        page = client.get("/staff/on-call/")
        text = page.content.decode()
        assert page.status_code == 200
        assert "On call now" in text and people.clinician.display_name in text
        assert "Add a shift" not in text  # only the admin changes the rota
        assert client.post("/staff/on-call/", _form(people.clinician)).status_code == 404
        assert client.post(f"/staff/on-call/{rota.pk}/remove/").status_code == 404
    assert OnCallShift.objects.count() == 1


def test_the_admin_adds_a_shift_in_the_practice_time_zone(people):
    client = Client()
    client.force_login(people.admin)
    response = client.post(
        "/staff/on-call/", _form(people.clinician, backup=people.other_clinician)
    )
    assert response.status_code == 302
    shift = OnCallShift.objects.get()
    # 08:00 in New York on 12 November is 13:00 UTC.
    assert shift.starts_at == datetime(2026, 11, 12, 13, 0, tzinfo=UTC)
    assert shift.backup == people.other_clinician and shift.created_by == people.admin


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ends": "2026-11-12T07:00"}, "The shift must end after it starts."),
        ({"ends": "2026-11-12T08:00"}, "The shift must end after it starts."),
        ({"clinician": "coordinator"}, "must be a clinician"),
        ({"backup": "coordinator"}, "must be a clinician"),
        ({"backup": "clinician"}, "someone other than the on-call clinician"),
        ({"clinician": "outside_clinician"}, "the on-call person must be a clinician"),
        ({"starts": "not a time"}, "Enter a valid date/time"),
    ],
)
def test_bad_shifts_get_a_clear_error_and_nothing_is_saved(people, change, message):
    client = Client()
    client.force_login(people.admin)
    clinician = getattr(people, change.get("clinician", "clinician"))
    backup = getattr(people, change["backup"]) if "backup" in change else None
    data = _form(
        clinician,
        starts=change.get("starts", "2026-11-12T08:00"),
        ends=change.get("ends", "2026-11-12T20:00"),
        backup=backup,
    )
    response = client.post("/staff/on-call/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not OnCallShift.objects.exists()


def test_overlapping_shifts_are_refused(people, rota):
    with pytest.raises(ShiftInvalid, match="overlaps"):
        add_shift(
            practice=people.practice,
            by=people.admin,
            clinician=people.other_clinician,
            starts_at=T0,
            ends_at=T0 + timedelta(hours=1),
        )
    assert OnCallShift.objects.count() == 1


def test_only_the_admin_of_the_practice_may_change_the_rota(people):
    for who in (people.clinician, people.outside_admin):
        with pytest.raises(ShiftInvalid, match="Only the practice admin"):
            add_shift(
                practice=people.practice,
                by=who,
                clinician=people.clinician,
                starts_at=T0,
                ends_at=T0 + LIMIT,
            )


def test_the_database_refuses_a_shift_ending_before_it_starts(people):
    with pytest.raises(IntegrityError), transaction.atomic():
        OnCallShift.objects.create(
            practice=people.practice, clinician=people.clinician, starts_at=T0, ends_at=T0
        )


def test_the_admin_removes_a_shift(people, rota):
    client = Client()
    client.force_login(people.admin)
    assert client.post(f"/staff/on-call/{rota.pk}/remove/").status_code == 302
    assert not OnCallShift.objects.exists()
    outsider = Client()
    outsider.force_login(people.outside_admin)
    shift = OnCallShift.objects.create(
        practice=people.practice, clinician=people.clinician, starts_at=T0, ends_at=T0 + LIMIT
    )
    assert outsider.post(f"/staff/on-call/{shift.pk}/remove/").status_code == 404
    assert OnCallShift.objects.filter(pk=shift.pk).exists()


def test_rota_api(people, rota):
    admin = Client()
    admin.force_login(people.admin)
    with time_machine.travel(T0, tick=False):
        listed = admin.get("/api/v1/on-call").json()["items"]  # paginated
        assert [s["clinician_id"] for s in listed] == [people.clinician.pk]
        created = admin.post(
            "/api/v1/on-call",
            {
                "clinician_id": people.other_clinician.pk,
                "backup_id": people.clinician.pk,
                "starts_at": "2026-11-11T00:00:00Z",
                "ends_at": "2026-11-11T12:00:00Z",
            },
            content_type="application/json",
        )
        assert created.status_code == 201, created.content
        bad = [
            {"ends_at": "2026-11-12T00:00:00Z", "starts_at": "2026-11-12T01:00:00Z"},
            {"clinician_id": people.outside_clinician.pk},
            {"clinician_id": people.coordinator.pk},
        ]
        for change in bad:
            payload = {
                "clinician_id": people.other_clinician.pk,
                "starts_at": "2026-11-13T00:00:00Z",
                "ends_at": "2026-11-13T12:00:00Z",
                **change,
            }
            response = admin.post("/api/v1/on-call", payload, content_type="application/json")
            assert response.status_code == 400, change
            assert response.json()["detail"]
        assert OnCallShift.objects.count() == 2
        coordinator = Client()
        coordinator.force_login(people.coordinator)
        assert coordinator.get("/api/v1/on-call").json()["count"] == 2
        refused = coordinator.post(
            "/api/v1/on-call",
            {
                "clinician_id": people.clinician.pk,
                "starts_at": "2026-11-14T00:00:00Z",
                "ends_at": "2026-11-14T01:00:00Z",
            },
            content_type="application/json",
        )
        assert refused.status_code == 403
        shift_id = created.json()["id"]
        assert coordinator.delete(f"/api/v1/on-call/{shift_id}").status_code == 403
        outsider = Client()
        outsider.force_login(people.outside_admin)
        assert outsider.delete(f"/api/v1/on-call/{shift_id}").status_code == 404
        assert admin.delete(f"/api/v1/on-call/{shift_id}").status_code == 204
    assert OnCallShift.objects.count() == 1


# --- The demo -------------------------------------------------------------------------------


def test_demo_loads_a_rota_and_an_alert_that_escalated(db):
    from tether.demo import crisis as demo

    practice = PracticeFactory(slug="demo-test")
    names = {
        "demo-admin": Role.ADMIN,
        "demo-coordinator": Role.COORDINATOR,
        "demo-clinician": Role.CLINICIAN,
        "demo-clinician-2": Role.CLINICIAN,
    }
    staff = {n: UserFactory(username=n, practice=practice, role=r) for n, r in names.items()}
    make_patient(
        practice=practice,
        coordinator=staff["demo-coordinator"],
        clinicians=[staff["demo-clinician"]],
        first_name="Demo",
        last_name="Patient",
    )
    now = T0
    demo.load(practice=practice, now=now)
    demo.load(practice=practice, now=now)  # a second run changes nothing
    current = OnCallShift.objects.get(starts_at__lte=now, ends_at__gt=now)
    assert current.clinician == staff["demo-clinician"]
    assert current.backup == staff["demo-clinician-2"]
    (alert,) = RiskAlert.objects.filter(patient__practice=practice)
    assert alert.escalation_level == 2 and alert.status == RiskAlert.Status.OPEN
    assert [(k, r) for k, r, _ in _steps(alert)] == [
        ("notified", "demo-clinician"),
        ("escalated", "demo-clinician-2"),
        ("escalated", "demo-admin"),
        ("note", None),  # this practice has no after-hours contact: said, not silent
    ]
    assert all(at < now for _, _, at in _steps(alert))


def test_a_paged_clinician_outside_the_care_team_can_open_the_alert(people, rota):
    alert = _raise(people)  # people.patient's team: coordinator and clinician
    _sweep(T0 + LIMIT)  # paged: other_clinician, who is not on that team
    client = Client()
    client.force_login(people.other_clinician)
    with time_machine.travel(T0 + LIMIT, tick=False):
        assert client.get(f"/staff/alerts/{alert.pk}/").status_code == 200
