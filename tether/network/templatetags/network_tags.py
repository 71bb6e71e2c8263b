"""Template tags that bring the support network onto pages other apps own: the staff patient
page and the crisis panel. Both take a patient the caller already got through the access
module, or the signed-in patient themself."""

from django import template
from django.http import Http404

from tether.access import get_own_patient
from tether.access.links import patient_plan_link
from tether.accounts.models import Patient
from tether.network.display import network_context

register = template.Library()


@register.inclusion_tag("network/_staff_section.html")
def staff_network_section(patient: Patient) -> dict:
    """Render the map, plan and safety plan status for care staff on the patient page."""
    return network_context(patient, staff=True)


@register.simple_tag(takes_context=True)
def own_plan_link(context) -> str:
    """Return the signed-in patient's 24-hour plan link, or "" when they have no plan yet."""
    request = context.get("request")
    if request is None:
        return ""
    try:
        patient = get_own_patient(request.user)
    except Http404:
        return ""
    if not patient.safety_plans.exists():
        return ""
    return patient_plan_link(patient)
