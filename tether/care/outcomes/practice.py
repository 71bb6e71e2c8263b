"""practice_outcomes: a practice's outcome figures for a period, for its clinicians and
admins (the rules are in the package docstring)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.http import Http404

from tether.access import can_see_outcomes
from tether.accounts.models import User
from tether.care.models import thresholds_for
from tether.care.outcomes.cohort import caseload_bands, load_cohort
from tether.care.outcomes.figures import Outcomes
from tether.care.outcomes.measures import dropped_out, instrument_outcome, phq9_by_month, proportion
from tether.care.targets import episode_scores, progress
from tether.engagement.models import Program

INSTRUMENTS = (("phq9", "PHQ-9"), ("gad7", "GAD-7"))


def practice_outcomes(
    user: User, *, start: date, end: date, program: Program | None = None, today: date
) -> Outcomes:
    """Return the outcome figures of `user`'s practice for episodes started in [start, end].
    Raise Http404 for anyone but its clinicians and admins, or for another practice's
    program."""
    if not can_see_outcomes(user):
        raise Http404("Outcomes are for clinicians and admins.")
    if program is not None and program.practice_id != user.practice_id:
        raise Http404("No such program.")
    practice = user.practice
    if practice is None:
        raise Http404("Outcomes are for clinicians and admins.")
    zone = ZoneInfo(practice.time_zone)
    thresholds = thresholds_for(practice)
    episodes = load_cohort(
        practice.pk,
        start=start,
        end=end,
        program=program,
        today=today,
        zone=zone,
        thresholds=thresholds,
    )
    for episode in episodes:
        for code, _ in INSTRUMENTS:
            scores = episode_scores(
                episode.scores[code],
                started_on=episode.started_on,
                today=episode.ended_on or today,
                t=thresholds,
            )
            episode.progress[code] = progress(scores, thresholds)

    ended = [e for e in episodes if e.ended_on is not None]
    dropped = [e for e in ended if dropped_out(e, thresholds)]
    bands, unscored = caseload_bands(practice.pk, program=program)
    return Outcomes(
        start=start,
        end=end,
        program=program,
        small_cohort=thresholds.small_cohort,
        dropout_days=thresholds.dropout_days,
        episodes=len(episodes),
        patients=len({e.patient_id for e in episodes}),
        instruments=tuple(
            instrument_outcome(code, name, episodes, thresholds) for code, name in INSTRUMENTS
        ),
        months=phq9_by_month(start, end, episodes, thresholds),
        dropout=proportion(ended, dropped, thresholds),
        dropout_intake=proportion(
            [e for e in ended if e.intake], [e for e in dropped if e.intake], thresholds
        ),
        dropout_no_intake=proportion(
            [e for e in ended if not e.intake], [e for e in dropped if not e.intake], thresholds
        ),
        caseload_bands=bands,
        caseload_unscored=unscored,
    )
