"""The rota and the practice's ability to page someone: gaps in the next 14 days (a pure
function tested at its edges), who may be on call, problems refused at configuration time
(admin form), shown in red (on-call page), warned by `manage.py check`, and the daily email
of gaps to the admins (once a day)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.checks import run_checks
from django.test import Client

from tests.factories import UserFactory
from tether.accounts.models import Role
from tether.crisis.admin import PracticeAdminForm
from tether.crisis.models import OnCallShift
from tether.crisis.rota import (
    NO_ACTIVE_ADMIN,
    NO_AFTER_HOURS_PHONE,
    ShiftInvalid,
    add_shift,
    practice_paging_problems,
    rota_gaps,
    uncovered,
)
from tether.crisis.sweeps import email_rota_gaps
from tether.notifications.models import Delivery

T0 = datetime(2026, 11, 10, 14, 0, tzinfo=UTC)  # 09:00 in New York
H = timedelta(hours=1)
DAY = timedelta(days=1)


def _at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


# --- uncovered(): pure -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spans", "gaps"),
    [
        ([], [(0, 10)]),
        ([(0, 10)], []),
        ([(-5, 15)], []),
        ([(-5, 0)], [(0, 10)]),  # ends exactly at the start: covers nothing
        ([(10, 15)], [(0, 10)]),  # starts exactly at the end: covers nothing
        ([(0, 4)], [(4, 10)]),
        ([(6, 10)], [(0, 6)]),
        ([(2, 4)], [(0, 2), (4, 10)]),
        ([(0, 4), (4, 10)], []),  # back to back: no gap at the seam
        ([(0, 4), (5, 10)], [(4, 5)]),
        ([(5, 10), (0, 4)], [(4, 5)]),  # unsorted input
        ([(0, 6), (3, 8)], [(8, 10)]),  # overlapping
        ([(0, 8), (2, 3)], [(8, 10)]),  # nested
        ([(1, 2), (3, 4), (5, 6)], [(0, 1), (2, 3), (4, 5), (6, 10)]),
        ([(-3, 1), (9, 12)], [(1, 9)]),
        ([(0, 10), (0, 10)], []),
    ],
)
def test_uncovered_time_at_every_boundary(spans, gaps):
    as_times = [(_at(a), _at(b)) for a, b in spans]
    assert uncovered(as_times, start=_at(0), end=_at(10)) == [(_at(a), _at(b)) for a, b in gaps]


def test_an_empty_or_backwards_window_has_no_gaps():
    assert uncovered([], start=_at(5), end=_at(5)) == []
    assert uncovered([], start=_at(5), end=_at(4)) == []


# --- rota_gaps(): over the database ----------------------------------------------------------


def _shift(people, start, end, clinician=None, backup=None, practice=None):
    return OnCallShift.objects.create(
        practice=practice or people.practice,
        clinician=clinician or people.clinician,
        backup=backup,
        starts_at=start,
        ends_at=end,
    )


def test_rota_gaps_over_the_next_14_days(people):
    assert rota_gaps(people.practice, now=T0) == [(T0, T0 + 14 * DAY)]
    _shift(people, T0 - H, T0 + DAY)
    _shift(people, T0 + DAY, T0 + 2 * DAY)  # back to back
    _shift(people, T0 + 3 * DAY, T0 + 20 * DAY)  # runs past the window
    _shift(people, T0 - H, T0 + 30 * DAY, practice=people.outside_practice,
           clinician=people.outside_clinician)  # fmt: skip
    assert rota_gaps(people.practice, now=T0) == [(T0 + 2 * DAY, T0 + 3 * DAY)]
    assert rota_gaps(people.practice, now=T0, days=2) == []


def test_a_shift_of_inactive_people_is_a_gap_unless_its_backup_is_active(people):
    _shift(people, T0, T0 + 14 * DAY, backup=people.other_clinician)
    people.clinician.is_active = False
    people.clinician.save(update_fields=["is_active"])
    assert rota_gaps(people.practice, now=T0) == []  # the backup is paged at once
    people.other_clinician.is_active = False
    people.other_clinician.save(update_fields=["is_active"])
    assert rota_gaps(people.practice, now=T0) == [(T0, T0 + 14 * DAY)]


# --- Who may be on call ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["coordinator", "peer"])
@pytest.mark.parametrize("as_", ["clinician", "backup"])
def test_only_clinicians_and_admins_may_be_on_call_or_backup(people, who, as_):
    kwargs = {"clinician": people.clinician, "backup": None, as_: getattr(people, who)}
    with pytest.raises(ShiftInvalid, match="must be a clinician \\(or a practice admin\\)"):
        add_shift(practice=people.practice, by=people.admin, starts_at=T0, ends_at=T0 + H, **kwargs)
    assert not OnCallShift.objects.exists()


def test_an_inactive_clinician_cannot_be_put_on_call(people):
    people.other_clinician.is_active = False
    people.other_clinician.save(update_fields=["is_active"])
    with pytest.raises(ShiftInvalid, match="active account"):
        add_shift(
            practice=people.practice,
            by=people.admin,
            clinician=people.clinician,
            backup=people.other_clinician,
            starts_at=T0,
            ends_at=T0 + H,
        )


def test_an_admin_may_be_on_call_or_backup(people):
    add_shift(
        practice=people.practice,
        by=people.admin,
        clinician=people.admin,
        backup=people.clinician,
        starts_at=T0,
        ends_at=T0 + H,
    )
    add_shift(
        practice=people.practice,
        by=people.admin,
        clinician=people.clinician,
        backup=people.admin,
        starts_at=T0 + H,
        ends_at=T0 + 2 * H,
    )
    assert OnCallShift.objects.count() == 2


def test_the_on_call_page_refuses_a_peer_supporter_with_a_clear_message(people):
    client = Client()
    client.force_login(people.admin)
    response = client.post(
        "/staff/on-call/",
        {
            "clinician": people.peer.pk,
            "starts_at": "2026-11-12T08:00",
            "ends_at": "2026-11-12T20:00",
        },
    )
    assert response.status_code == 400
    assert "must be a clinician (or a practice admin)" in response.content.decode()


# --- Can the practice page anyone? -----------------------------------------------------------


def _configure(practice, phone="+12025550199"):
    practice.after_hours_phone = phone
    practice.after_hours_name = "Answering service"
    practice.save(update_fields=["after_hours_phone", "after_hours_name"])


def test_practice_paging_problems(people):
    practice = people.practice
    assert practice_paging_problems(practice) == [NO_AFTER_HOURS_PHONE]
    _configure(practice, phone="12345")
    (problem,) = practice_paging_problems(practice)
    assert "after-hours phone" in problem and "isn't a valid phone number" in problem
    _configure(practice)
    assert practice_paging_problems(practice) == []
    people.admin.is_active = False
    people.admin.save(update_fields=["is_active"])
    assert practice_paging_problems(practice) == [NO_ACTIVE_ADMIN]


def _form_data(**change):
    data = {
        "name": "Lakeside",
        "slug": "lakeside",
        "country": "US",
        "time_zone": "America/New_York",
        "alert_ack_minutes": 5,
        "repage_minutes": 15,
        "after_hours_name": "Lakeside answering service",
        "after_hours_phone": "(202) 555-0199",
        "follow_up_hours": 48,
    }
    return {**data, **change}


def test_the_practice_admin_form_refuses_a_practice_that_cannot_page_anyone(db):
    form = PracticeAdminForm(data=_form_data(after_hours_phone=""))
    assert not form.is_valid()
    assert form.errors["after_hours_phone"] == [NO_AFTER_HOURS_PHONE]
    bad = PracticeAdminForm(data=_form_data(after_hours_phone="555"))
    assert not bad.is_valid() and "after_hours_phone" in bad.errors


@pytest.mark.parametrize(
    ("field", "value"),
    [("repage_minutes", 0), ("alert_ack_minutes", 0), ("follow_up_hours", 23),
     ("follow_up_hours", 73)],
)  # fmt: skip
def test_the_practice_admin_form_refuses_timings_that_break_the_promise(db, field, value):
    form = PracticeAdminForm(data=_form_data(**{field: value}))
    assert not form.is_valid() and field in form.errors


def test_the_practice_admin_form_saves_the_after_hours_phone_in_e164(db):
    form = PracticeAdminForm(data=_form_data())
    assert form.is_valid(), form.errors
    assert form.save().after_hours_phone == "+12025550199"


def test_the_admin_site_refuses_to_save_a_practice_without_an_after_hours_contact(people):
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(superuser)
    url = f"/django-admin/accounts/practice/{people.practice.pk}/change/"
    data = _form_data(name="Riverside Psychiatry", slug="riverside", after_hours_phone="")
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    assert "There is no after-hours contact" in response.content.decode()
    people.practice.refresh_from_db()
    assert people.practice.after_hours_phone == ""
    assert client.post(url, {**data, "after_hours_phone": "+1 202 555 0199"}).status_code == 302
    people.practice.refresh_from_db()
    assert people.practice.after_hours_phone == "+12025550199"


def test_manage_py_check_warns_about_practices_that_cannot_page_anyone(people):
    def warned():
        return {m.obj.slug for m in run_checks(databases=["default"]) if m.id == "tether.W001"}

    assert warned() == {"riverside", "hillside"}
    _configure(people.practice)
    _configure(people.outside_practice)
    assert warned() == set()


def test_the_on_call_page_shows_the_admin_paging_problems_in_red_and_everyone_the_gaps(people):
    _shift(people, T0 - H, T0 + DAY)
    admin, coordinator = Client(), Client()
    admin.force_login(people.admin)
    coordinator.force_login(people.coordinator)
    with time_machine.travel(T0, tick=False):
        page = admin.get("/staff/on-call/").content.decode()
        staff_page = coordinator.get("/staff/on-call/").content.decode()
        alerts = admin.get("/staff/alerts/").content.decode()
        staff_alerts = coordinator.get("/staff/alerts/").content.decode()
    assert '<div class="errors paging-problems" role="alert" id="paging-problems">' in page
    assert "There is no after-hours contact" in page
    assert 'id="paging-problems"' not in staff_page
    # New York time: the shift ends Wed 11 Nov 09:00; the window ends Tue 24 Nov 09:00.
    assert "Wed 11 Nov 09:00 to Tue 24 Nov 09:00" in page
    assert 'id="rota-gaps"' in staff_page
    assert 'id="rota-gaps"' in alerts and 'id="paging-problems"' in alerts
    assert 'id="rota-gaps"' not in staff_alerts


# --- The daily email -------------------------------------------------------------------------


def _run_email(at):
    with time_machine.travel(at, tick=False):
        return email_rota_gaps(now=at)


def test_the_admins_get_one_email_a_day_listing_the_gaps(people):
    people.admin.email = "admin@riverside.example"
    people.admin.save(update_fields=["email"])
    second = UserFactory(
        practice=people.practice, role=Role.ADMIN, username="admin2", email="a2@riverside.example"
    )
    _configure(people.practice)
    _configure(people.outside_practice)
    _shift(people, T0 - H, T0 + 14 * DAY - 2 * H)
    _shift(people, T0 - H, T0 + 15 * DAY, practice=people.outside_practice,
           clinician=people.outside_clinician)  # fmt: skip
    early = T0 - 3 * H  # 06:00 in New York: not yet
    assert _run_email(early) == 0
    assert _run_email(T0) == 2
    assert _run_email(T0 + H) == 0  # the same day: nothing more
    emails = Delivery.objects.filter(purpose="rota-gaps")
    assert {e.to for e in emails} == {"admin@riverside.example", "a2@riverside.example"}
    body = emails.first().body
    assert "Tue 24 Nov 07:00 to 09:00" in body
    assert "/staff/on-call/" in body
    assert not emails.filter(user=people.outside_admin).exists()  # fully covered
    assert _run_email(T0 + DAY) == 2  # the next day, again
    second.is_active = False
    second.save(update_fields=["is_active"])
    assert _run_email(T0 + 2 * DAY) == 1


def test_a_practice_fully_covered_and_configured_gets_no_email(people):
    people.admin.email = "admin@riverside.example"
    people.admin.save(update_fields=["email"])
    _configure(people.practice)
    _configure(people.outside_practice)
    _shift(people, T0 - H, T0 + 30 * DAY)
    _shift(people, T0 - H, T0 + 30 * DAY, practice=people.outside_practice,
           clinician=people.outside_clinician)  # fmt: skip
    assert _run_email(T0) == 0
