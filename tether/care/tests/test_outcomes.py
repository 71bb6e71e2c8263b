"""The practice's outcomes: the selector's figures on small synthetic practices, the page's
access rules, its benchmarks and caveat, the charts, and a constant number of queries."""

import uuid
import xml.etree.ElementTree as ET
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from statsmodels.stats.proportion import proportion_confint

from tests.factories import make_patient
from tether.assessments.models import Assessment
from tether.care.models import TreatmentEpisode
from tether.care.outcome_charts import caseload_chart, dropout_chart, response_chart
from tether.care.outcomes import Band, practice_outcomes
from tether.care.statistics import hedges_g_between, hedges_g_pre_post
from tether.engagement.models import Appointment, Enrollment, Program

ZONE = ZoneInfo("America/New_York")
TODAY = date(2026, 6, 30)
START, END = date(2025, 7, 1), date(2026, 6, 30)
SVG = "{http://www.w3.org/2000/svg}"


class Practice:
    """Builds synthetic episodes in `people.practice`: rows created directly, as the brief of
    these tests is the arithmetic, not the services that write them."""

    def __init__(self, people):
        self.people = people
        self.count = 0
        self.guided = Program.objects.create(practice=people.practice, name="Guided CBT")
        self.unguided = Program.objects.create(
            practice=people.practice, name="Self-paced CBT", guided=False
        )

    def patient(self):
        self.count += 1
        return make_patient(
            practice=self.people.practice,
            coordinator=self.people.coordinator,
            clinicians=[self.people.clinician],
            with_account=False,
            first_name=f"Synthetic{self.count}",
            last_name="Patient",
        )

    def score(self, patient, on, total, instrument="phq9"):
        return Assessment.objects.create(
            patient=patient,
            instrument=instrument,
            answers=[0] * (9 if instrument == "phq9" else 7),
            total=total,
            severity="-",
            source=Assessment.Source.SELF_REPORT,
            entered_by=self.people.clinician,
            completed_at=datetime.combine(on, time(12), tzinfo=ZONE),
        )

    def episode(self, *, scores=(), started_on=date(2025, 9, 1), ended_on=None, program=None):
        """A new patient's episode with PHQ-9 `scores` a fortnight apart from its start."""
        patient = self.patient()
        episode = TreatmentEpisode.objects.create(
            patient=patient,
            started_on=started_on,
            ended_on=ended_on,
            end_reason=TreatmentEpisode.EndReason.COMPLETED if ended_on else "",
            program=program,
            started_by=self.people.clinician,
        )
        for i, total in enumerate(scores):
            self.score(patient, started_on + timedelta(days=14 * i), total)
        return episode

    def intake(self, patient, on, program=None):
        moment = datetime.combine(on, time(10), tzinfo=ZONE)
        return Enrollment.objects.create(
            patient=patient,
            program=program or self.guided,
            status=Enrollment.Status.ACTIVE,
            enrolled_at=moment,
            enrolled_by=self.people.coordinator,
            intake_by=self.people.coordinator,
            intake_at=moment,
        )

    def attended(self, patient, on):
        starts = datetime.combine(on, time(15), tzinfo=ZONE)
        return Appointment.objects.create(
            patient=patient,
            kind=Appointment.Kind.SESSION,
            mode=Appointment.Mode.VIDEO,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=50),
            attendance=Appointment.Attendance.ATTENDED,
        )


@pytest.fixture
def world(people):
    return Practice(people)


def _outcomes(user, **kwargs):
    return practice_outcomes(user, start=START, end=END, today=TODAY, **kwargs)


def _phq9(outcomes):
    return outcomes.instruments[0]


def test_it_shows_counts_only_for_fewer_than_ten_patients(world, people):
    for _ in range(9):
        world.episode(scores=[16, 6])

    outcomes = _outcomes(people.clinician)

    phq9 = _phq9(outcomes)
    assert (outcomes.episodes, outcomes.patients, phq9.eligible) == (9, 9, 9)
    for figure in (phq9.response, phq9.remission):
        assert figure.suppressed
        assert (figure.total, figure.count, figure.rate) == (9, None, None)
    assert phq9.change.suppressed
    assert (phq9.change.n, phq9.change.mean, phq9.change.effect) == (9, None, None)
    assert outcomes.suppressed


def test_it_gives_rates_with_wilson_intervals_from_ten_patients(world, people):
    # 12 eligible: 3 remitted (20 → 4), 3 more responded (20 → 9), 6 did not (20 → 15).
    for latest in [4] * 3 + [9] * 3 + [15] * 6:
        world.episode(scores=[20, 17, latest])
    world.episode(scores=[8, 3])  # baseline below 10: treated, not eligible
    world.episode(scores=[18])  # no follow-up yet: not eligible

    phq9 = _phq9(_outcomes(people.admin))

    assert (phq9.with_baseline, phq9.eligible) == (14, 12)
    response = phq9.response
    assert not response.suppressed
    assert (response.count, response.total) == (6, 12)
    low, high = proportion_confint(6, 12, alpha=0.05, method="wilson")
    assert (response.rate.low, response.rate.high) == pytest.approx((low, high))
    assert (round(response.rate.low, 4), round(response.rate.high, 4)) == (0.2538, 0.7462)
    assert (phq9.remission.count, phq9.remission.total) == (3, 12)
    changes = [16] * 3 + [11] * 3 + [5] * 6
    assert phq9.change.mean == pytest.approx(sum(changes) / 12)
    expected = hedges_g_pre_post([20] * 12, [4] * 3 + [9] * 3 + [15] * 6)
    # Every baseline is 20, so there is no spread at baseline and no pre-post g.
    assert expected is None and phq9.change.effect is None


def test_it_gives_the_pre_post_g_when_baselines_vary(world, people):
    before = [12, 14, 15, 16, 18, 19, 20, 21, 22, 24]
    after = [6, 10, 7, 12, 9, 15, 8, 14, 11, 10]
    for b, a in zip(before, after, strict=True):
        world.episode(scores=[b, a])

    change = _phq9(_outcomes(people.clinician)).change

    expected = hedges_g_pre_post(before, after)
    assert change.effect.g == pytest.approx(expected.g)
    assert change.effect.low < change.effect.g < change.effect.high
    assert change.mean == pytest.approx(sum(before) / 10 - sum(after) / 10)


def test_it_compares_guided_and_unguided_programs(world, people):
    guided_changes, unguided_changes = [], []
    for i in range(10):
        world.episode(scores=[20, 6 + i % 4], program=world.guided)
        guided_changes.append(20 - (6 + i % 4))
        # No program on the episode: the patient's active enrollment decides.
        episode = world.episode(scores=[20, 12 + i % 3])
        world.intake(episode.patient, date(2025, 9, 2), program=world.unguided)
        unguided_changes.append(20 - (12 + i % 3))

    phq9 = _phq9(_outcomes(people.clinician))

    guided = phq9.guided
    assert not guided.suppressed
    assert (guided.first.n, guided.second.n) == (10, 10)
    expected = hedges_g_between(guided_changes, unguided_changes)
    assert guided.effect.g == pytest.approx(expected.g)
    assert guided.effect.g > 0
    # The unguided patients are also the ones with an intake call.
    assert phq9.intake.effect.g == pytest.approx(-expected.g)


def test_it_suppresses_a_comparison_when_one_group_is_small(world, people):
    for _ in range(12):
        world.episode(scores=[20, 8], program=world.guided)
    for _ in range(3):
        world.episode(scores=[20, 15], program=world.unguided)

    phq9 = _phq9(_outcomes(people.clinician))

    assert not phq9.response.suppressed  # 15 eligible overall
    assert phq9.guided.suppressed
    assert (phq9.guided.first.n, phq9.guided.second.n) == (12, 3)
    assert phq9.guided.effect is None and phq9.guided.second.mean is None


def test_it_splits_dropout_by_intake_call(world, people):
    ended_on = date(2026, 3, 1)
    # With an intake call: 12 ended, 4 dropped out (last score 70 days before the end).
    for i in range(12):
        last = ended_on - timedelta(days=70 if i < 4 else 10)
        episode = world.episode(scores=[15], started_on=date(2025, 9, 1), ended_on=ended_on)
        world.score(episode.patient, last, 9)
        world.intake(episode.patient, date(2025, 9, 3))
    # Without: 5 ended, 2 dropped out; one more kept in touch by an attended appointment.
    for i in range(5):
        episode = world.episode(scores=[15], started_on=date(2025, 9, 1), ended_on=ended_on)
        if i >= 2:
            world.attended(episode.patient, ended_on - timedelta(days=20))
    # Exactly 56 days without contact counts as dropout; an open episode never does.
    world.episode(scores=[15], started_on=ended_on - timedelta(days=56), ended_on=ended_on)
    world.episode(scores=[15], started_on=date(2025, 9, 1))

    outcomes = _outcomes(people.clinician)

    assert (outcomes.dropout_intake.count, outcomes.dropout_intake.total) == (4, 12)
    low, high = proportion_confint(4, 12, method="wilson")
    assert outcomes.dropout_intake.rate.low == pytest.approx(low)
    assert outcomes.dropout_intake.rate.high == pytest.approx(high)
    no_intake = outcomes.dropout_no_intake
    assert no_intake.suppressed and (no_intake.total, no_intake.count) == (6, None)
    assert (outcomes.dropout.count, outcomes.dropout.total) == (7, 18)


def test_it_counts_the_open_caseload_by_latest_phq9(world, people):
    world.episode(scores=[22, 12], started_on=date(2026, 5, 1))  # latest 12
    world.episode(scores=[3], started_on=date(2026, 5, 1))
    world.episode(scores=[], started_on=date(2026, 5, 1))
    world.episode(scores=[25, 20], started_on=date(2026, 5, 1), ended_on=date(2026, 6, 1))

    outcomes = _outcomes(people.clinician)

    assert [(b.label, b.count) for b in outcomes.caseload_bands] == [
        ("0–4", 1),
        ("5–9", 0),
        ("10–14", 1),
        ("15–19", 0),
        ("20–27", 0),
    ]
    assert outcomes.caseload_unscored == 1


def test_it_limits_the_cohort_to_the_dates_and_program(world, people):
    world.episode(scores=[15, 5], started_on=date(2025, 6, 30))  # before the start
    world.episode(scores=[15, 5], started_on=START, program=world.guided)
    world.episode(scores=[15, 5], started_on=END, program=world.unguided)

    assert _outcomes(people.clinician).episodes == 2
    assert _outcomes(people.clinician, program=world.guided).episodes == 1


@pytest.mark.parametrize("who", ["coordinator", "peer", "outside_admin"])
def test_it_refuses_everyone_else_in_the_selector(world, people, who):
    user = getattr(people, who)
    if who == "outside_admin":
        # An admin elsewhere may not ask about this practice's program.
        with pytest.raises(Http404):
            _outcomes(user, program=world.guided)
        return
    with pytest.raises(Http404):
        _outcomes(user)


def test_it_refuses_patients_in_the_selector(people):
    with pytest.raises(Http404):
        _outcomes(people.patient.user)


def _get(user, **params):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(reverse("outcomes"), params)


@pytest.mark.parametrize("who", ["coordinator", "peer", "other_coordinator"])
def test_it_is_not_found_for_other_staff(people, who):
    assert _get(getattr(people, who)).status_code == 404


def test_it_is_not_found_for_patients(people):
    assert _get(people.patient.user).status_code == 404


def test_it_sends_strangers_to_sign_in(people):
    assert _get(None).status_code == 302


def test_it_shows_another_practice_only_its_own_figures(world, people):
    for _ in range(3):
        world.episode(scores=[15, 5], started_on=date(2026, 1, 5))

    mine = _get(people.clinician, start="2025-07-01", end="2026-06-30")
    theirs = _get(people.outside_admin, start="2025-07-01", end="2026-06-30")

    assert "3 episodes of 3 patients treated" in mine.content.decode()
    assert "0 episodes of 0 patients treated" in theirs.content.decode()
    # Their program filter cannot reach this practice's programs either.
    other = _get(people.outside_clinician, program=str(world.guided.pk)).content.decode()
    assert "That program was not found" in other


@pytest.mark.parametrize("who", ["clinician", "other_clinician", "admin"])
def test_it_renders_with_benchmarks_and_the_caveat(world, people, who):
    for _ in range(4):
        world.episode(scores=[15, 5], started_on=date(2026, 1, 5))

    response = _get(getattr(people, who), start="2025-07-01", end="2026-06-30")

    assert response.status_code == 200
    page = response.content.decode()
    assert "g = 0.42" in page
    assert "primary source to verify" in page
    assert "SMD −0.28 (95% CI −0.42 to −0.14)" in page
    assert "29 studies, 5,825 participants" in page
    assert "cannot be compared like for like" in page
    assert "counts only, so nobody can be singled out" in page
    assert "Synthetic" not in page  # never a patient's name


def test_it_shows_rates_on_the_page_from_ten_patients(world, people):
    for latest in [4] * 6 + [15] * 6:
        world.episode(scores=[20, latest], started_on=date(2026, 1, 5))

    page = _get(people.clinician, start="2025-07-01", end="2026-06-30").content.decode()

    assert "6 of 12: 50% (95% CI 25% to 75%)" in page


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({"start": "yesterday"}, "The start date “yesterday” is not a date"),
        ({"end": "2026-13-01"}, "The end date “2026-13-01” is not a date"),
        ({"start": "2026-06-01", "end": "2026-01-01"}, "The start date is after the end date"),
        ({"program": "not-a-uuid"}, "That program was not found"),
        ({"program": str(uuid.uuid4())}, "That program was not found"),
    ],
)
def test_it_explains_bad_filters_and_uses_the_defaults(people, params, problem):
    response = _get(people.admin, **params)

    assert response.status_code == 200
    page = response.content.decode()
    assert problem in page
    assert response.context["outcomes"].end - response.context["outcomes"].start == timedelta(
        days=365
    )


def test_it_filters_by_a_program_of_the_practice(world, people):
    world.episode(scores=[15, 5], started_on=date(2026, 1, 5), program=world.guided)
    world.episode(scores=[15, 5], started_on=date(2026, 1, 5), program=world.unguided)

    response = _get(
        people.admin, start="2025-07-01", end="2026-06-30", program=str(world.guided.pk)
    )

    assert response.context["outcomes"].program == world.guided
    assert response.context["outcomes"].episodes == 1


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314  (our own output)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text
    assert root.find(f"{SVG}desc").text
    return root


def test_it_draws_valid_accessible_svg(world, people):
    for latest in [4] * 6 + [15] * 6:
        world.episode(scores=[20, latest], started_on=date(2026, 1, 5))
    world.episode(scores=[20, 4], started_on=date(2026, 2, 5))
    outcomes = _outcomes(people.clinician)

    _parse(caseload_chart(outcomes.caseload_bands, unscored=outcomes.caseload_unscored))
    response = _parse(response_chart(outcomes.months))
    desc = response.find(f"{SVG}desc").text
    assert "Jan 2026: 6 of 12 responded (50%)" in desc
    assert "Feb 2026: 1 eligible, counts only" in desc
    _parse(dropout_chart(intake=outcomes.dropout_intake, no_intake=outcomes.dropout_no_intake))
    assert len(outcomes.months) == 12


def test_it_escapes_text_in_charts():
    svg = caseload_chart([Band('<script>alert("x")</script> & more', 3)])

    assert "<script>" not in svg
    root = _parse(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert '<script>alert("x")</script> & more' in texts


def _add(world, n):
    for i in range(n):
        episode = world.episode(
            scores=[20, 8 + i % 7],
            started_on=date(2025, 9, 1) + timedelta(days=i),
            ended_on=date(2026, 3, 1) if i % 2 else None,
            program=world.guided if i % 3 else None,
        )
        world.score(episode.patient, date(2025, 9, 20), 9, instrument="gad7")
        world.attended(episode.patient, date(2025, 10, 1))
        world.intake(episode.patient, date(2025, 9, 2), program=world.unguided)


def _queries(people, expected):
    people.clinician.refresh_from_db()
    with CaptureQueriesContext(connection) as selector:
        outcomes = _outcomes(people.clinician)
    assert outcomes.episodes == expected
    client = Client()
    client.force_login(people.clinician)
    with CaptureQueriesContext(connection) as page:
        assert client.get(reverse("outcomes"), {"start": "2025-07-01"}).status_code == 200
    return len(selector), len(page)


def test_it_runs_a_constant_number_of_queries(world, people):
    _add(world, 12)
    small = _queries(people, 12)
    _add(world, 28)
    large = _queries(people, 40)

    assert small == large
    assert small[0] <= 8
