from django.http import HttpRequest

from tether.accounts.models import User
from tether.crisis.models import RiskAlert
from tether.crisis.resources import directory, resources_for


def crisis_resources(request: HttpRequest) -> dict[str, object]:
    """Put the crisis resources for the signed-in person's practice on every page, and tell
    patient pages whether to show them first (while the patient has an unresolved alert)."""
    # A request that never passed the auth middleware has no user; a visitor has AnonymousUser.
    user = getattr(request, "user", None)
    person = user if isinstance(user, User) else None
    practice = person.practice if person is not None else None
    if practice is not None:
        resources = resources_for(country=practice.country, practice_slug=practice.slug)
    else:
        resources = resources_for()
    crisis_first = (
        person is not None
        and person.is_patient
        and RiskAlert.objects.filter(patient__user=person)
        .exclude(status=RiskAlert.Status.RESOLVED)
        .exists()
    )
    return {
        "crisis_resources": resources,
        "crisis_reviewed_on": directory().reviewed_on,
        "crisis_first": crisis_first,
    }
