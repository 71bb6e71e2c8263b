"""The belonging check (Postmes, Haslam & Jans 2013: "I identify with [this group]", 1 to 7),
asked two weeks after joining and then monthly, and the gentle note to members who have not
visited for a while. The sweeps that ask and send them are in sweeps.py."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tether.notifications.services import notify
from tether.peers.errors import PeerInvalid
from tether.peers.models import BelongingCheck

FIRST_BELONGING_CHECK = timedelta(weeks=2)
BELONGING_EVERY = timedelta(days=30)
NO_VISIT = timedelta(weeks=3)
# The single item is answered 1 (strongly disagree) .. 7 (strongly agree); 4 is "neither".
# Anything on the disagree side is "low": the group is not (yet) people like me.
LOW_BELONGING = 3
BELONGING_QUESTION = "I identify with {group}."
BELONGING_OPTIONS = (
    (1, "Strongly disagree"),
    (2, "Disagree"),
    (3, "Somewhat disagree"),
    (4, "Neither agree nor disagree"),
    (5, "Somewhat agree"),
    (6, "Agree"),
    (7, "Strongly agree"),
)


def is_low(score: int | None) -> bool:
    """Return whether an answer says the member does not feel they belong; no answer is not
    low."""
    return score is not None and score <= LOW_BELONGING


@transaction.atomic
def answer_belonging(
    *, check: BelongingCheck, score: int, tell_supporter: bool = False, now=None
) -> BelongingCheck:
    """Record the answer. A low answer leads the page to fresh suggestions; if the member
    agrees, the group's peer supporter hears (by pseudonym only) that it is not fitting."""
    now = now or timezone.now()
    try:
        score = int(score)
    except (TypeError, ValueError):
        raise PeerInvalid({"score": "Please choose one of the seven answers."}) from None
    if not 1 <= score <= 7:
        raise PeerInvalid({"score": "Please choose one of the seven answers."})
    check = BelongingCheck.objects.select_for_update().get(pk=check.pk)
    if check.answered_at is not None:
        raise PeerInvalid({"score": "You have already answered this one. Thank you."})
    check.score, check.answered_at = score, now
    check.tell_supporter = bool(tell_supporter) and is_low(score)
    check.save(update_fields=["score", "answered_at", "tell_supporter"])
    membership = check.membership
    if check.tell_supporter:
        notify(
            user=membership.group.moderator,
            subject=f"{membership.pseudonym} may not be feeling at home in {membership.group.name}",
            body="A member said the group is not feeling like a fit yet and would welcome a "
            "word from you. Open Tether.",
            link=reverse("moderation_queue"),
            purpose="peer-belonging-low",
            channels=("in_app",),
        )
    return check
