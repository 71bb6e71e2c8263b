"""Messages Tether sent (or failed to send) to patients and staff."""

from django.db.models import Q, QuerySet

from tether.access.patients import is_care_staff, visible_patients
from tether.accounts.models import Role, User
from tether.lib.reads import door
from tether.notifications.models import Delivery


@door("messages sent")
def visible_deliveries(user: User) -> QuerySet[Delivery]:
    """Return the deliveries care staff may review: those to the patients they may see and
    their own; an admin also those to anyone on the practice's staff. Others see none."""
    if not is_care_staff(user):
        return Delivery.objects.none()
    mine = Q(patient__in=visible_patients(user)) | Q(user=user)
    if user.role == Role.ADMIN and user.practice_id is not None:
        mine |= Q(user__practice_id=user.practice_id)
    return Delivery.objects.filter(mine)
