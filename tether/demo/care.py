"""Demo data for measurement-based care (called by load_demo): treatment episodes whose
scores give the registry every kind of row — responding, in remission, not improving at
8 weeks, one to change the plan at 10+, a relapse, an overdue reassessment — ended episodes
(some in a guided program after an intake call, some not, two who stopped coming) for the
outcome figures, and last week's case review with two recommendations.

demo.patients has already given every patient months of PHQ-9/GAD-7 history. Each episode here
adds its own baseline on its first day and, where the story needs it, a few more scores
(always a PHQ-9 and a GAD-7 together, as the demo patients answer them). The scores already
there inside an episode count too; the stories below were checked against them."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tether.accounts.models import Patient, Practice, User
from tether.assessments.instruments import GAD7, PHQ9, Instrument
from tether.assessments.models import Assessment
from tether.care.entries import refresh_entries
from tether.care.models import Recommendation, TreatmentEpisode
from tether.care.services import close_recommendation, recommend, review_for_week
from tether.engagement.models import Enrollment, Program
from tether.engagement.services import create_program, enroll_patient, record_intake_call

GUIDED = "8-week guided CBT for depression"  # created by tether.engagement.demo
SELF_PACED = "Mood tracker and self-help library (self-paced)"


@dataclass(frozen=True)
class Story:
    """One episode: its first day (days ago), baseline PHQ-9 and GAD-7, more scores as
    (days ago, PHQ-9, GAD-7), and for an ended episode the day it ended and why."""

    username: str
    start: int
    baseline: tuple[int, int]
    scores: tuple[tuple[int, int, int], ...] = ()
    ended: int | None = None
    reason: str = ""
    program: str = ""  # the program's name; the guided one comes with an intake call


C = TreatmentEpisode.EndReason

STORIES = (
    # --- Open: demo-coordinator's caseload -----------------------------------------------------
    # Responding: 14 -> 5 (scores already there at 77, 50 and 23 days ago).
    Story("demo-patient", 84, (14, 12)),
    # Remission: down to 3.
    Story("demo-patient-02", 100, (15, 11), scores=((2, 3, 4),), program=SELF_PACED),
    # Responding in the guided program: 21 -> 6.
    Story("demo-patient-08", 91, (21, 13), program=GUIDED),
    # Remission (GAD-7 below 10 at baseline: not a treatment target).
    Story("demo-patient-10", 125, (21, 9), program=GUIDED),
    Story("demo-patient-24", 155, (19, 8), program=GUIDED),
    # Not improving at 8-9 weeks: case review.
    Story("demo-patient-05", 60, (16, 14)),
    Story("demo-patient-15", 64, (15, 13), program=GUIDED),
    Story("demo-patient-19", 62, (17, 14), program=SELF_PACED),
    # Still not improving at 11 weeks: change the plan.
    Story("demo-patient-25", 80, (20, 15), program=GUIDED),
    # Relapse: in remission 38 days ago, then back to 13 and 11.
    Story("demo-patient-11", 50, (16, 9), scores=((38, 4, 3),), program=SELF_PACED),
    # Reassessment overdue: the last check-in was over four weeks ago (see _quiet).
    Story("demo-patient-22", 45, (11, 8), program=SELF_PACED),
    # --- Open: demo-coordinator-2's caseload ---------------------------------------------------
    Story("demo-patient-28", 125, (18, 9), program=GUIDED),  # responding: 18 -> 9, exactly half
    Story("demo-patient-29", 66, (19, 17), program=SELF_PACED),  # not improving
    Story("demo-patient-39", 125, (20, 9), program=GUIDED),  # responding
    # --- Ended ---------------------------------------------------------------------------------
    Story("demo-patient-14", 300, (20, 17), ended=180, reason=C.COMPLETED, program=GUIDED),
    Story("demo-patient-06", 275, (24, 14), ended=120, reason=C.COMPLETED, program=GUIDED),
    Story("demo-patient-26", 245, (22, 19), ended=90, reason=C.COMPLETED, program=GUIDED),
    Story("demo-patient-38", 300, (21, 19), ended=200, reason=C.COMPLETED, program=GUIDED),
    Story("demo-patient-32", 125, (16, 17), ended=15, reason=C.COMPLETED, program=SELF_PACED),
    Story("demo-patient-34", 125, (18, 15), ended=20, reason=C.DISCHARGED),
    Story("demo-patient-03", 275, (23, 12), ended=150, reason=C.TRANSFERRED, program=GUIDED),
    Story("demo-patient-04", 215, (13, 16), ended=100, reason=C.COMPLETED, program=GUIDED),
    Story("demo-patient-33", 200, (14, 16), ended=120, reason=C.DISCHARGED, program=SELF_PACED),
    Story("demo-patient-36", 215, (22, 18), ended=140, reason=C.TRANSFERRED, program=SELF_PACED),
    # Dropouts: stopped coming, no contact for 8 weeks or more before the episode was closed
    # (before their months of history in demo.patients begin).
    Story(
        "demo-patient-17",
        260,
        (16, 12),
        scores=((240, 15, 12),),
        ended=170,
        reason=C.STOPPED,
        program=SELF_PACED,
    ),
    Story(
        "demo-patient-35",
        250,
        (19, 14),
        scores=((236, 18, 13),),
        ended=160,
        reason=C.STOPPED,
        program=SELF_PACED,
    ),
)


def _answers(instrument: Instrument, total: int) -> list[int]:
    """Answers summing to `total`, spread evenly; PHQ-9 question 9 is always 0 here."""
    free = len(instrument.items) - (1 if instrument is PHQ9 else 0)
    answers = [total // free + (1 if i < total % free else 0) for i in range(free)]
    return answers + ([0] if instrument is PHQ9 else [])


def _score(patient: Patient, instrument: Instrument, total: int, at: datetime) -> Assessment:
    # Created directly, like a scored self-report: submit_assessment would send intake
    # summaries and run today's rules on months-old, synthetic answers.
    return Assessment(
        patient=patient,
        instrument=instrument.code,
        answers=_answers(instrument, total),
        total=total,
        severity=instrument.band_for(total).name,
        risk=False,
        source=Assessment.Source.SELF_REPORT,
        entered_by=patient.user,
        completed_at=at,
    )


def _quiet(patient: Patient, now: datetime, *, days: int = 33) -> None:
    """Move the patient's recent check-ins back, keeping their spacing, so that the newest is
    `days` days old: their reassessment is overdue."""
    recent = list(patient.assessments.filter(completed_at__gt=now - timedelta(days=days)))
    if not recent:
        return
    shift = max(a.completed_at for a in recent) - (now - timedelta(days=days))
    for assessment in recent:
        assessment.completed_at -= shift
        assessment.save(update_fields=["completed_at"])


def _programs(practice: Practice) -> dict[str, Program]:
    guided = Program.objects.filter(practice=practice, name=GUIDED).first() or create_program(
        practice=practice, name=GUIDED, description="Eight weekly modules with a coach."
    )
    self_paced = create_program(
        practice=practice,
        name=SELF_PACED,
        description="Track your mood and read at your own pace; no coach.",
        guided=False,
    )
    return {GUIDED: guided, SELF_PACED: self_paced}


def _enroll(patient: Patient, program: Program, coordinator: User, at: datetime) -> None:
    if Enrollment.objects.filter(patient=patient, program=program).exists():
        return
    enrollment = enroll_patient(patient=patient, program=program, by=coordinator, at=at)
    if program.guided:
        record_intake_call(
            enrollment=enrollment,
            by=coordinator,
            at=at + timedelta(days=2),
            duration_minutes=25,
            outcome="Went through how the program works; ready to start.",
        )


def load(*, practice: Practice, now: datetime) -> None:
    zone = ZoneInfo(practice.time_zone)
    today = now.astimezone(zone).date()
    coordinator = User.objects.get(username="demo-coordinator")
    consultant = User.objects.get(username="demo-clinician")
    programs = _programs(practice)
    patients = {
        p.user.username: p
        for p in Patient.objects.filter(practice=practice).select_related("user", "practice")
        if p.user is not None  # every demo patient has an account
    }

    def moment(days_ago: int, minutes: int = 0) -> datetime:
        day: date = today - timedelta(days=days_ago)
        return datetime.combine(day, time(0, 30), tzinfo=zone) + timedelta(minutes=minutes)

    _quiet(patients["demo-patient-22"], now)
    scores: list[Assessment] = []
    episodes: dict[str, TreatmentEpisode] = {}
    for story in STORIES:
        patient = patients[story.username]
        program = programs.get(story.program)
        # The baseline opens the day, before any other score of that day.
        for days_ago, phq, gad in ((story.start, *story.baseline), *story.scores):
            scores.append(_score(patient, PHQ9, phq, moment(days_ago)))
            scores.append(_score(patient, GAD7, gad, moment(days_ago, 4)))
        if program is not None:
            _enroll(patient, program, coordinator, moment(story.start + 7))
        episodes[story.username] = TreatmentEpisode(
            patient=patient,
            started_on=today - timedelta(days=story.start),
            ended_on=None if story.ended is None else today - timedelta(days=story.ended),
            end_reason=story.reason,
            program=program,
            started_by=coordinator,
        )
    Assessment.objects.bulk_create(scores)
    TreatmentEpisode.objects.bulk_create(episodes.values())
    # bulk_create skips the signals that keep registry entries current.
    refresh_entries(p.pk for p in patients.values())

    # Last week's case review: two recommendations, one carried out, one still open.
    review = review_for_week(
        practice=practice, day=today - timedelta(days=7), consultant=consultant
    )
    reviewed_at = moment(7) + timedelta(hours=14)
    recommend(
        review=review,
        episode=episodes["demo-patient-25"],
        kind=Recommendation.Kind.CHANGE_MEDICATION,
        text="Still not improving at 10 weeks: cross-taper to a different SSRI and "
        "reassess the PHQ-9 in four weeks.",
        by=consultant,
        now=reviewed_at,
    )
    therapy = recommend(
        review=review,
        episode=episodes["demo-patient-05"],
        kind=Recommendation.Kind.ADD_THERAPY,
        text="Add weekly behavioural activation with the care manager.",
        by=consultant,
        now=reviewed_at,
    )
    close_recommendation(
        recommendation=therapy,
        done=True,
        note="Behavioural activation started; first session booked.",
        by=therapy.assigned_to,
        now=reviewed_at + timedelta(days=2),
    )
