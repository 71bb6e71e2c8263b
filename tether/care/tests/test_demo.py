"""The demo's measurement-based care: a registry with every kind of row, and a case review."""

from django.core.management import call_command
from django.utils import timezone

from tether.accounts.models import User
from tether.care.models import CaseReview, Recommendation, TreatmentEpisode
from tether.care.registry import registry
from tether.care.targets import Flag


def test_it_gives_the_registry_realistic_flags(db):
    call_command("load_demo", "--i-know-this-is-not-production", stdout=None)

    rows = list(registry(User.objects.get(username="demo-coordinator"), now=timezone.now()).rows)
    flags = [f for row in rows for f in row.flags]

    assert flags.count(Flag.CHANGE_PLAN) == 1
    assert flags.count(Flag.NOT_IMPROVING) >= 2
    assert Flag.RELAPSE in flags
    assert Flag.REASSESSMENT_OVERDUE in flags
    courses = [row.phq9 for row in rows if row.phq9]
    assert sum(c.response for c in courses) >= 3
    assert sum(c.remission for c in courses) >= 2
    # Ordered by need: "change the plan" comes before "not improving" (after open alerts).
    ranked = [row for row in rows if Flag.OPEN_ALERT not in row.flags]
    assert Flag.CHANGE_PLAN in ranked[0].flags


def test_it_gives_outcomes_enough_episodes(db):
    call_command("load_demo", "--i-know-this-is-not-production", stdout=None)

    episodes = TreatmentEpisode.objects.all()
    assert episodes.count() >= 12
    assert episodes.filter(ended_on__isnull=False).count() >= 8
    assert episodes.filter(end_reason=TreatmentEpisode.EndReason.STOPPED).count() == 2
    assert episodes.filter(program__guided=False).exists()
    assert episodes.filter(program__guided=True).exists()
    assert episodes.filter(program__isnull=True).exists()


def test_it_holds_last_weeks_case_review(db):
    call_command("load_demo", "--i-know-this-is-not-production", stdout=None)

    review = CaseReview.objects.get()
    assert review.consultant.username == "demo-clinician"
    assert (timezone.localdate() - review.week_of).days >= 7
    statuses = sorted(review.recommendations.values_list("status", flat=True))
    assert statuses == [Recommendation.Status.DONE, Recommendation.Status.OPEN]


def test_it_stays_idempotent(db):
    call_command("load_demo", "--i-know-this-is-not-production", stdout=None)
    counts = (TreatmentEpisode.objects.count(), Recommendation.objects.count())

    call_command("load_demo", "--i-know-this-is-not-production", stdout=None)

    assert (TreatmentEpisode.objects.count(), Recommendation.objects.count()) == counts


def test_it_shows_outcome_rates_not_only_counts(db):
    from tether.care.outcomes import practice_outcomes

    call_command("load_demo", "--i-know-this-is-not-production", stdout=None)
    today = timezone.localdate()

    found = practice_outcomes(
        User.objects.get(username="demo-admin"),
        start=today.replace(year=today.year - 1),
        end=today,
        today=today,
    )

    phq9 = found.instruments[0]
    assert phq9.eligible >= 12
    assert phq9.response.rate is not None
    assert phq9.remission.rate is not None
    assert found.dropout.total >= 10
    assert found.dropout.count is None or found.dropout.count >= 2
