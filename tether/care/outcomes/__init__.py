"""A practice's outcome figures: how many were treated, how many responded or remitted, how
much scores changed, and how many dropped out, with their uncertainty.

Who sees them: clinicians and admins of the practice, for the whole practice. The figures are
aggregates only and never list a patient, so a clinician sees the practice's results, not just
their own caseload's; everyone else (coordinators included) gets a 404.

The cohort is every treatment episode of the practice that started within [start, end] (and in
`program` when one is given). Per instrument (PHQ-9 first, GAD-7 the same way):
- eligible: a baseline of 10 or more (Thresholds.target_from) and at least one later score,
  both within the episode; response, remission and change are over the eligible only;
- response and remission (targets.progress) as rates with 95% Wilson intervals;
- mean change (baseline − latest, positive = better) with the pre-post Hedges' g (paired);
- between cohorts, Hedges' g on the change scores: guided vs unguided program (the episode's
  program, else the patient's active enrollment's), and intake call held vs not (an enrollment
  whose intake_at is on or before the episode's end, or today for an open one).
Dropout: an ended episode whose last contact (an attended appointment or any assessment within
the episode, else its start) was Thresholds.dropout_days or more before it ended; as a rate,
split by whether a human intake call happened.

Small cohorts: a group with fewer than Thresholds.small_cohort distinct patients shows its size
only: no numerator, rate, mean, g or interval (those are None and `suppressed` is True), so
nobody can be singled out.

Queries: a fixed handful whatever the cohort's size (episodes, their assessments, enrollments,
attended appointments, the open caseload's latest PHQ-9, the thresholds).

- practice.py: practice_outcomes, the one entry point
- cohort.py: reading the cohort (the queries)
- measures.py: the figures computed from it (pure)
- figures.py: the shapes of the result, and the published benchmarks shown beside it
"""

from tether.care.outcomes.figures import (
    BENCHMARKS,
    CAVEAT,
    Band,
    Benchmark,
    Change,
    Comparison,
    InstrumentOutcome,
    Month,
    Outcomes,
    Proportion,
)
from tether.care.outcomes.practice import practice_outcomes

__all__ = [
    "BENCHMARKS",
    "CAVEAT",
    "Band",
    "Benchmark",
    "Change",
    "Comparison",
    "InstrumentOutcome",
    "Month",
    "Outcomes",
    "Proportion",
    "practice_outcomes",
]
