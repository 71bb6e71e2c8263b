from django.http import HttpRequest

from tether.crisis.models import RiskAlert
from tether.crisis.resources import directory, resources_for


def crisis_resources(request: HttpRequest) -> dict:
    """Put the crisis resources for the signed-in person's practice on every page, and tell
    patient pages whether to show them first (while the patient has an unresolved alert)."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    practice = user.practice if signed_in else None
    if practice is not None:
        resources = resources_for(country=practice.country, practice_slug=practice.slug)
    else:
        resources = resources_for()
    crisis_first = (
        signed_in
        and user.is_patient
        and RiskAlert.objects.filter(patient__user=user)
        .exclude(status=RiskAlert.Status.RESOLVED)
        .exists()
    )
    return {
        "crisis_resources": resources,
        "crisis_reviewed_on": directory().reviewed_on,
        "crisis_first": crisis_first,
    }
