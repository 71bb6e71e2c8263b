"""The registry's flags and need order in SQL (care.need over care.entries) equal the pure rules
(targets.episode_status, targets.need_rank) for a varied caseload on every day of a quarter,
with the default thresholds and with a practice's own; and the entries stay current through
the writes that change them, in the same transaction."""

import random
from datetime import date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction

from tests.factories import make_patient
from tether.assessments.models import Assessment
from tether.assessments.services import submit_assessment
from tether.care.entries import judged, patient_facts
from tether.care.models import (
    CareSettings,
    RegistryCourse,
    RegistryEntry,
    TreatmentEpisode,
    thresholds_for,
)
from tether.care.need import MISSED_WINDOW
from tether.care.registry import registry
from tether.care.targets import NEED_ORDER, Flag, need_rank
from tether.crisis.models import RiskAlert
from tether.engagement.models import Appointment

ZONE = ZoneInfo("America/New_York")  # the factory practice's time zone
# The caseload is built as it stood on DAY and judged from DAY to 100 days later.
DAY = date(2025, 6, 2)


def _at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZONE)


def _score(patient, by, code: str, total: int, on: date, hour: int = 12) -> None:
    items = 9 if code == "phq9" else 7
    answers = [min(3, max(0, total - 3 * i)) for i in range(items)]
    Assessment.objects.create(
        patient=patient,
        instrument=code,
        answers=answers,
        total=sum(answers),
        severity="moderate",
        source="self_report",
        entered_by=by,
        completed_at=_at(on, hour),
    )


def _appointment(patient, on: date, attendance: str) -> None:
    Appointment.objects.create(
        patient=patient,
        kind=Appointment.Kind.CHECK_IN,
        mode=Appointment.Mode.PHONE,
        starts_at=_at(on, 10),
        ends_at=_at(on, 10) + timedelta(minutes=30),
        attendance=attendance,
    )


def _course(rng: random.Random, start: int, n: int) -> list[int]:
    shape = rng.choice(["respond", "remit", "flat", "worse", "relapse", "small_remit"])
    totals = []
    for k in range(n):
        if shape == "respond":
            total = start - k * rng.randint(2, 5)
        elif shape == "remit":
            total = start - k * 6
        elif shape == "flat":
            total = start + rng.randint(-2, 2)
        elif shape == "worse":
            total = start + k * 2
        elif shape == "relapse":
            total = (2 if k == n - 2 else start) if k else start
        else:  # a small baseline down to remission with a drop under 50%
            total = min(start, 7) - (3 if k else 0)
        totals.append(max(0, min(21 if rng.random() < 0.9 else 27, total)))
    return totals


def _caseload(people, rng: random.Random, count: int) -> None:
    """`count` patients of people.coordinator, each with a random history up to DAY."""
    for n in range(count):
        patient = make_patient(
            practice=people.practice,
            coordinator=people.coordinator,
            clinicians=[people.clinician],
            with_account=False,
            first_name=f"Pat{n:02d}",
            last_name=rng.choice(["Adams", "Brown", "Cho"]),
        )
        by = people.coordinator
        has_episode = rng.random() < 0.85
        started = DAY - timedelta(days=rng.randint(0, 120))
        if has_episode:
            TreatmentEpisode.objects.create(patient=patient, started_on=started, started_by=by)
        for code in ("phq9", "gad7"):
            if rng.random() < 0.15:
                continue  # never measured
            first = started - timedelta(days=rng.choice([0, 0, 3, 13, 14, 15, 40]))
            span = range((DAY - first).days + 1)
            days = sorted(rng.sample(span, min(len(span), rng.randint(1, 6))))
            for day, total in zip(days, _course(rng, rng.randint(4, 25), len(days)), strict=True):
                on = first + timedelta(days=day)
                if on <= DAY:
                    _score(patient, by, code, total, on, hour=rng.randint(0, 23))
        for _ in range(rng.randint(0, 3)):
            on = DAY - timedelta(days=rng.randint(0, 150))
            kind = rng.choice([Appointment.Attendance.ATTENDED, Appointment.Attendance.MISSED])
            _appointment(patient, on, kind)
        if rng.random() < 0.2:
            RiskAlert.objects.create(
                patient=patient,
                reason=RiskAlert.Reason.STAFF_RAISED,
                raised_by=by,
                created_at=_at(DAY - timedelta(days=1)),
                triage=rng.choice(["", "low", "moderate", "high"]),
                status=rng.choice([RiskAlert.Status.OPEN, RiskAlert.Status.RESOLVED]),
            )


def _rng(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311  (reproducible test data, not a secret)


def _pure(user, patients, *, now: datetime) -> dict:
    """Each patient's flags as targets.episode_status judges them from their facts."""
    t = thresholds_for(user.practice)
    today = now.astimezone(ZONE).date()
    facts = patient_facts([p.pk for p in patients], zone=ZONE)
    found = {}
    for p in patients:
        f = facts[p.pk]
        if f.episode is not None:
            flags = judged(f, today=today, now=now, zone=ZONE, t=t).flags
        else:
            present = {
                Flag.OPEN_ALERT: f.open_alert,
                Flag.MISSED_SESSION: f.missed_since(now - MISSED_WINDOW),
            }
            flags = tuple(flag for flag in NEED_ORDER if present.get(flag))
        found[p.pk] = flags
    return found


def _compare(people, days) -> int:
    user = people.coordinator
    compared = 0
    for offset in days:
        now = _at(DAY + timedelta(days=offset), 15)
        rows = list(registry(user, now=now).rows)
        pure = _pure(user, [r.patient for r in rows], now=now)
        for row in rows:
            assert row.flags == pure[row.patient.pk], (offset, row.patient, row.flags)
        needs = [need_rank(pure[r.patient.pk]) for r in rows]
        assert needs == sorted(needs), offset  # the SQL order is the rules' need order
        compared += len(rows)
    return compared


@pytest.mark.parametrize("seed", [1, 2])
def test_sql_flags_equal_the_pure_rules_every_day(people, seed):
    _caseload(people, _rng(seed), 40)
    days = range(0, 100, 3)
    assert _compare(people, days) >= 40 * len(days)


def test_sql_flags_equal_the_pure_rules_with_a_practices_own_thresholds(people):
    _caseload(people, _rng(3), 30)
    CareSettings.objects.create(
        practice=people.practice,
        response_percent=40,
        remission_below=6,
        relapse_at=12,
        not_improving_weeks=6,
        change_plan_weeks=9,
        reassess_due_days=10,
        reassess_overdue_days=21,
        first_contact_days=14,
        contact_overdue_days=21,
    )
    _compare(people, range(0, 80, 2))


def test_every_flag_is_met_in_the_varied_caseload(people):
    _caseload(people, _rng(1), 40)
    seen = set()
    for offset in (0, 20, 60):
        for row in registry(people.coordinator, now=_at(DAY + timedelta(days=offset))).rows:
            seen.update(row.flags)
    assert seen == set(Flag)  # the comparison above covered each rule


# --- Kept current ----------------------------------------------------------------------------


def _entry(patient) -> RegistryEntry:
    return RegistryEntry.objects.get(patient=patient)


def test_a_score_updates_the_entry_in_the_same_transaction(people):
    patient = people.patient
    TreatmentEpisode.objects.create(
        patient=patient, started_on=DAY - timedelta(days=10), started_by=people.coordinator
    )
    assert _entry(patient).no_baseline

    with transaction.atomic():
        submit_assessment(
            patient=patient,
            instrument="phq9",
            answers=[3, 3, 3, 3, 3, 3, 3, 0, 0],
            entered_by=people.coordinator,
            completed_at=_at(DAY),
        )
        inside = _entry(patient)
        assert not inside.no_baseline and inside.severe
        course = RegistryCourse.objects.get(patient=patient).phq9
        assert course["latest"] == {"on": DAY.isoformat(), "total": 21}
        transaction.set_rollback(True)
    assert _entry(patient).no_baseline  # rolled back with the score


def test_an_alert_and_its_resolution_update_the_entry(people):
    alert = RiskAlert.objects.create(
        patient=people.patient,
        reason=RiskAlert.Reason.STAFF_RAISED,
        raised_by=people.clinician,
        created_at=_at(DAY),
        triage=RiskAlert.Triage.MODERATE,
    )
    entry = _entry(people.patient)
    assert (entry.open_alert, entry.triage, entry.triage_rank) == (True, "moderate", 2)
    alert.status = RiskAlert.Status.RESOLVED
    alert.save(update_fields=["status"])
    entry = _entry(people.patient)
    assert (entry.open_alert, entry.triage, entry.triage_rank) == (False, "", 0)


def test_new_thresholds_rebuild_the_practices_entries(people):
    TreatmentEpisode.objects.create(
        patient=people.patient, started_on=DAY - timedelta(days=70), started_by=people.coordinator
    )
    _score(people.patient, people.coordinator, "phq9", 16, DAY - timedelta(days=70))
    _score(people.patient, people.coordinator, "phq9", 9, DAY)  # 44% better: not a response
    assert _entry(people.patient).not_improving_from == DAY - timedelta(days=14)

    CareSettings.objects.create(practice=people.practice, response_percent=40)

    assert _entry(people.patient).not_improving_from is None


def test_a_new_time_zone_rebuilds_the_practices_entries(people):
    _appointment(people.patient, DAY, Appointment.Attendance.ATTENDED)
    TreatmentEpisode.objects.create(
        patient=people.patient, started_on=DAY - timedelta(days=3), started_by=people.coordinator
    )
    before = _entry(people.patient).contact_overdue_from
    practice = people.practice
    practice.time_zone = "Pacific/Kiritimati"  # UTC+14: 10:00 in New York is the next day
    practice.save()
    assert _entry(people.patient).contact_overdue_from == before + timedelta(days=1)


def test_the_entries_can_be_rebuilt_from_the_records_with_a_command(people):
    _score(people.patient, people.coordinator, "phq9", 12, DAY)
    TreatmentEpisode.objects.create(
        patient=people.patient, started_on=DAY, started_by=people.coordinator
    )
    kept = _entry(people.patient)
    kept_course = RegistryCourse.objects.get(patient=people.patient).phq9
    RegistryEntry.objects.all().delete()
    RegistryCourse.objects.all().delete()

    out = StringIO()
    call_command("rebuild_registry", stdout=out)
    assert "Rebuilt the registry entries of" in out.getvalue()

    rebuilt = _entry(people.patient)
    rebuilt_course = RegistryCourse.objects.get(patient=people.patient).phq9
    assert rebuilt_course == kept_course and rebuilt_course is not None
    assert (rebuilt.started_on, rebuilt.reassessment_due_from) == (
        kept.started_on,
        kept.reassessment_due_from,
    )


def test_the_first_migrate_after_upgrading_builds_the_entries(people):
    TreatmentEpisode.objects.create(
        patient=people.patient, started_on=DAY, started_by=people.coordinator
    )
    RegistryEntry.objects.all().delete()  # as before migration 0002

    call_command("migrate", verbosity=0)  # post_migrate: a database with patients, no entries

    assert _entry(people.patient).started_on == DAY
