"""Completed (and kept unfinished) questionnaires."""

from tether.access.lookup import one_or_404
from tether.access.patients import visible_patients
from tether.accounts.models import User
from tether.assessments.models import Assessment, AssessmentQuerySet
from tether.lib.reads import door


@door("check-in scores")
def visible_assessments(user: User) -> AssessmentQuerySet:
    """Return the questionnaires of the patients `user` may see (a patient: their own)."""
    return Assessment.objects.filter(patient__in=visible_patients(user))


@door("check-in scores")
def get_assessment(user: User, assessment_id: object) -> Assessment:
    """Return a questionnaire of a patient `user` may see, else raise Http404."""
    assessments = visible_assessments(user).select_related("patient", "risk_alert")
    return one_or_404(assessments, assessment_id, "questionnaire")
