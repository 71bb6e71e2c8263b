"""Measurement-based care: treatment episodes, the case review and its recommendations, and
the practice's outcome figures."""

from django.db.models import Q, QuerySet
from django.http import Http404

from tether.access.lookup import one_or_404
from tether.access.patients import is_care_staff, is_care_staff_of, visible_patients
from tether.accounts.models import Patient, Role, User
from tether.care.models import Recommendation, TreatmentEpisode
from tether.lib.reads import door

# Outcome figures: aggregates over the whole practice, for its clinicians and admins.
OUTCOME_ROLES = frozenset({Role.CLINICIAN, Role.ADMIN})
# The week's case review is held by the psychiatric consultant (a clinician) or an admin.
CONSULTANT_ROLES = frozenset({Role.CLINICIAN, Role.ADMIN})


def _active_in_practice(user: User, roles: frozenset[str], practice_id: object) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and user.role in roles
        and user.practice_id is not None
        and user.practice_id == practice_id
    )


@door("treatment episodes")
def visible_episodes(user: User) -> QuerySet[TreatmentEpisode]:
    """Return the treatment episodes of the patients `user` may see (a patient: their own)."""
    return TreatmentEpisode.objects.filter(patient__in=visible_patients(user))


@door("treatment episodes")
def get_episode(user: User, episode_id: object) -> TreatmentEpisode:
    """Return a treatment episode of a patient `user` may see, else raise Http404."""
    episodes = visible_episodes(user).select_related("patient", "patient__practice")
    return one_or_404(episodes, episode_id, "episode")


@door("treatment episodes")
def get_episode_for_staff(user: User, episode_id: object) -> TreatmentEpisode:
    """Return an episode `user` may change (end it, recommend for it), else raise Http404:
    care staff only."""
    if not is_care_staff(user):
        raise Http404("No such episode.")
    return get_episode(user, episode_id)


def may_manage_episodes(user: User, patient: Patient) -> bool:
    """Return whether `user` may start or end the patient's treatment episodes: the care staff
    of the patient's practice (the service's own check, after the view's door)."""
    return is_care_staff_of(user, patient.practice_id)


def may_consult(user: User, practice_id: object) -> bool:
    """Return whether `user` may hold the practice's weekly case review: its active clinicians
    (the psychiatric consultant) and admins."""
    return _active_in_practice(user, CONSULTANT_ROLES, practice_id)


def may_recommend(user: User, practice_id: object) -> bool:
    """Return whether `user` may make case-review recommendations for the practice's
    patients: its active clinicians only."""
    return _active_in_practice(user, frozenset({Role.CLINICIAN}), practice_id)


@door("case-review recommendations", patient="episode__patient")
def visible_recommendations(user: User) -> QuerySet[Recommendation]:
    """Return the case-review recommendations for the patients `user` may see."""
    return Recommendation.objects.filter(episode__patient__in=visible_patients(user))


@door("case-review recommendations", patient="episode__patient")
def get_recommendation(user: User, recommendation_id: object) -> Recommendation:
    """Return a case-review recommendation assigned to or made by `user`, for a patient they
    may see, else raise Http404."""
    if not user.is_authenticated:
        raise Http404("No such recommendation.")
    mine = visible_recommendations(user).filter(Q(assigned_to=user) | Q(recommended_by=user))
    return one_or_404(mine.select_related("episode__patient"), recommendation_id, "recommendation")


def can_see_outcomes(user: User) -> bool:
    """Return whether `user` may see their practice's outcome figures: its active clinicians
    and admins only."""
    practice_id = user.practice_id if user.is_authenticated else None
    return _active_in_practice(user, OUTCOME_ROLES, practice_id)
