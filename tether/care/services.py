"""Writes for measurement-based care: treatment episodes, the weekly case review and the
consultant's recommendations (tasks for the treating clinician)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from tether.access import may_consult, may_manage_episodes, may_recommend
from tether.accounts.models import Patient, Practice, User
from tether.accounts.selectors import treating_clinician
from tether.care.models import CaseReview, Recommendation, TreatmentEpisode
from tether.engagement.models import Program
from tether.lib.errors import PleaseCheck
from tether.notifications.services import notify


class CareInvalid(PleaseCheck):
    """Input that cannot be saved; `problems` maps each field to what is wrong with it."""


def _care_staff_only(user: User, patient: Patient) -> None:
    # The view found the patient through access already; a service called any other way
    # still changes nothing for someone who may not.
    if not may_manage_episodes(user, patient):
        raise Http404("No such patient.")


def start_episode(
    *,
    patient: Patient,
    started_on: date,
    by: User,
    program: Program | None = None,
    today: date | None = None,
) -> TreatmentEpisode:
    """Start a treatment episode. Its baseline is the first PHQ-9/GAD-7 on or after the start."""
    _care_staff_only(by, patient)
    today = today or timezone.localdate()
    if started_on > today:
        raise CareInvalid({"started_on": "An episode cannot start in the future."})
    if program is not None and program.practice_id != patient.practice_id:
        raise CareInvalid({"program": "That program is not one of this practice's."})
    try:
        with transaction.atomic():
            return TreatmentEpisode.objects.create(
                patient=patient, started_on=started_on, program=program, started_by=by
            )
    except IntegrityError:
        raise CareInvalid(
            {"started_on": "This patient already has an open episode; end it first."}
        ) from None


def end_episode(
    *, episode: TreatmentEpisode, ended_on: date, reason: str, by: User
) -> TreatmentEpisode:
    _care_staff_only(by, episode.patient)
    if not episode.is_open:
        raise CareInvalid({"ended_on": "This episode has already ended."})
    if reason not in TreatmentEpisode.EndReason.values:
        raise CareInvalid({"end_reason": "Please choose why the episode ended."})
    if ended_on < episode.started_on:
        raise CareInvalid({"ended_on": "An episode cannot end before it started."})
    if ended_on > timezone.localdate():
        raise CareInvalid({"ended_on": "An episode cannot end in the future."})
    episode.ended_on, episode.end_reason = ended_on, reason
    episode.save(update_fields=["ended_on", "end_reason"])
    return episode


def week_of(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def review_for_week(*, practice: Practice, day: date, consultant: User) -> CaseReview:
    """This week's case review of the practice (created on first use)."""
    if not may_consult(consultant, practice.pk):
        raise Http404("No such review.")
    review, _ = CaseReview.objects.get_or_create(
        practice=practice, week_of=week_of(day), defaults={"consultant": consultant}
    )
    return review


@transaction.atomic
def recommend(
    *,
    review: CaseReview,
    episode: TreatmentEpisode,
    kind: str,
    text: str,
    by: User,
    now: datetime | None = None,
) -> Recommendation:
    """Record the consultant's recommendation for one patient; it becomes a task for the
    treating clinician (told in the app)."""
    now = now or timezone.now()
    if (
        not may_recommend(by, review.practice_id)
        or episode.patient.practice_id != review.practice_id
    ):
        raise Http404("No such patient.")
    problems: dict[str, str] = {}
    if kind not in Recommendation.Kind.values:
        problems["kind"] = "Please choose a recommendation."
    text = (text or "").strip()
    if not text:
        problems["text"] = "Please say in a sentence what you recommend."
    elif len(text) > 2000:
        problems["text"] = "Please keep it to 2,000 characters."
    if not episode.is_open:
        problems["episode"] = "This episode has ended."
    clinician = treating_clinician(episode.patient)
    if clinician is None:
        problems["assigned_to"] = "This patient has no treating clinician on their care team."
    if problems or clinician is None:
        raise CareInvalid(problems)
    try:
        with transaction.atomic():
            recommendation = Recommendation.objects.create(
                review=review,
                episode=episode,
                kind=kind,
                text=text,
                assigned_to=clinician,
                recommended_by=by,
                created_at=now,
            )
    except IntegrityError:
        raise CareInvalid(
            {"episode": "This review already has a recommendation for this patient."}
        ) from None
    notify(
        user=clinician,
        subject="A case-review recommendation for one of your patients",
        body="The psychiatric consultant made a recommendation. Open Tether.",
        link=reverse("my_recommendations"),
        purpose="case-review",
        channels=("in_app",),
    )
    return recommendation


@transaction.atomic
def close_recommendation(
    *,
    recommendation: Recommendation,
    done: bool,
    note: str = "",
    by: User,
    now: datetime | None = None,
) -> Recommendation:
    """The treating clinician (or the consultant) marks it carried out, or not, with a note."""
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if by.pk not in (recommendation.assigned_to_id, recommendation.recommended_by_id):
        raise Http404("No such recommendation.")
    if recommendation.status != Recommendation.Status.OPEN:
        raise CareInvalid({"status": "This recommendation is already closed."})
    note = (note or "").strip()
    if not done and not note:
        raise CareInvalid({"note": "Please say why it was not carried out."})
    recommendation.status = Recommendation.Status.DONE if done else Recommendation.Status.NOT_DONE
    recommendation.closed_at = now or timezone.now()
    recommendation.closed_by = by
    recommendation.closing_note = note
    recommendation.save(update_fields=["status", "closed_at", "closed_by", "closing_note"])
    return recommendation
