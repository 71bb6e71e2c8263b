"""The support network's periodic sweep (listed in settings.SWEEPS, run every minute by the
scheduler; `manage.py send_nudges` runs it once by hand).

- send_due_nudges: remind each trusted person who agreed to check-in reminders, on the
  patient's schedule.

Due rows are claimed in batches (tether.lib.claims); each nudge is claimed by moving its due
time with a conditional UPDATE, so two runs or two workers never send the same one twice."""

from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from tether.access.links import Purpose
from tether.lib.claims import CLAIM_BATCH, claim_due
from tether.network.models import ConsentScope, SupportContact
from tether.network.services import trusted_link
from tether.notifications.services import queue_email

# When a contact has no schedule of their own (it was cleared after the nudge was set).
DEFAULT_EVERY_DAYS = 7


def due_nudges(*, now: datetime) -> QuerySet[SupportContact]:
    """Return trusted people whose check-in reminder is due (index: nudge_due), who accepted
    and still consent to reminders."""
    return SupportContact.objects.filter(
        next_nudge_at__lte=now,
        invitation=SupportContact.Invitation.ACCEPTED,
        state=SupportContact.State.ACTIVE,
        consents__scope=ConsentScope.NUDGE_CHECK_IN,
        consents__withdrawn_at__isnull=True,
    ).select_related("patient", "patient__practice")


def send_due_nudges(*, now: datetime | None = None, batch: int = CLAIM_BATCH) -> int:
    """Send the check-in reminders that are due and schedule the next ones. Return how many
    were sent."""
    at = now or timezone.now()
    return claim_due(
        due_nudges(now=at),
        order_by=["next_nudge_at", "pk"],
        claim=lambda contact: _nudge(contact, now=at),
        batch=batch,
    )


def _nudge(contact: SupportContact, *, now: datetime) -> bool:
    # The claim: move the due time on, only if nobody has since this row was read.
    following = now + timedelta(days=contact.check_in_every_days or DEFAULT_EVERY_DAYS)
    claimed = SupportContact.objects.filter(
        pk=contact.pk, next_nudge_at=contact.next_nudge_at
    ).update(next_nudge_at=following)
    if not claimed or not contact.email:
        return False
    queue_email(
        to=contact.email,
        subject="A moment to check in?",
        body=(
            "Hello,\n\n"
            "Here is the reminder you said yes to: a moment to check in with the person "
            "who asked for you. A message or a call is enough; you don't need to fix "
            "anything.\n\n"
            "This link is just for you. It shows who, and when you have checked in, you "
            f"can tell us there:\n{trusted_link(contact, Purpose.CHECK_IN)}\n"
        ),
        purpose="trusted-nudge",
        patient=contact.patient,
    )
    return True
