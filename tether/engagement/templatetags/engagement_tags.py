"""Template tags that bring engagement onto pages other apps own: the patient's calendar link
on the "How we contact you" page (notifications), so that app needs no engagement import."""

from django import template

from tether.access import get_own_patient
from tether.accounts.models import Role, User
from tether.engagement.calendar import feed_url

register = template.Library()


@register.inclusion_tag("engagement/_calendar_link.html")
def calendar_link(user: User) -> dict:
    """Render the signed-in patient's private calendar link and its reset button; nothing for
    staff."""
    if not user.is_authenticated or user.role != Role.PATIENT:
        return {"calendar_url": ""}
    return {"calendar_url": feed_url(get_own_patient(user))}
