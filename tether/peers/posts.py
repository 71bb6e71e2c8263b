"""Posts and replies in a peer group, and members' reports of them.

Every post is screened (crisis.screening) in the transaction that saves it:
- crisis: saved as HELD. Its author and the group's moderator see it at once (top of the
  queue, with what the detector saw); other members see it once a moderator has reviewed it.
  The author is shown the crisis resources, and the care team gets a risk alert (or a
  further signal on the one already open).
- concern: saved visible, and put in the moderator's queue.
- none: saved visible.
Nothing is refused or deleted for what it says, and a possible crisis is never refused by the
rate limit. A group the practice has archived takes no new posts at all (its page shows no
form and says so); its members keep reading what was shared.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from tether.crisis import screening
from tether.crisis.models import ScreenedText
from tether.crisis.screening import Screening, screen_text
from tether.notifications.services import notify
from tether.peers.errors import PeerInvalid
from tether.peers.models import POST_MAX_CHARS, Membership, Post, PostReport

# Rate limit for posts: enough for a real conversation, not enough to flood a group.
POSTS_PER_WINDOW = 5
POST_WINDOW = timedelta(minutes=10)
POSTS_PER_DAY = 40
# Said on an archived group's page, and to a post sent to it anyway.
ARCHIVED = (
    "This group has closed, so it takes no new posts. What was shared here stays for you to "
    "read. If you would like someone to talk to, your care team is there, and the crisis "
    "lines below are open day and night."
)


@dataclass(frozen=True)
class PostResult:
    post: Post
    screening: Screening

    @property
    def show_crisis_resources(self) -> bool:
        return self.screening.is_crisis

    @property
    def held(self) -> bool:
        return self.post.status == Post.Status.HELD


def _check_rate(membership: Membership, now: datetime) -> None:
    recent = Post.objects.filter(author__patient_id=membership.patient_id)
    if recent.filter(created_at__gt=now - POST_WINDOW).count() >= POSTS_PER_WINDOW:
        raise PeerInvalid(
            {
                "body": "You have posted a lot in the last few minutes. Please wait a little "
                "before posting again. If you need someone now, the crisis lines are below."
            }
        )
    if recent.filter(created_at__gt=now - timedelta(days=1)).count() >= POSTS_PER_DAY:
        raise PeerInvalid(
            {
                "body": "You have reached today's limit for posts. Please come back tomorrow. "
                "If you need someone now, the crisis lines are below."
            }
        )


def _queue_link() -> str:
    return reverse("moderation_queue")


def create_post(
    *,
    membership: Membership,
    body: str,
    parent: Post | None = None,
    now: datetime | None = None,
) -> PostResult:
    """Post in the member's group (a reply when `parent` is given). The words are screened in
    the transaction that saves them; see the module docstring for what each result does."""
    now = now or timezone.now()
    if membership.status != Membership.Status.ACTIVE:
        raise PeerInvalid({"group": "You are no longer a member of this group."})
    if membership.group.archived_at is not None:
        raise PeerInvalid({"body": ARCHIVED})
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise PeerInvalid({"body": "Please write something before posting."})
    if len(body) > POST_MAX_CHARS:
        raise PeerInvalid(
            {"body": f"Please keep a post to {POST_MAX_CHARS:,} characters (it has {len(body):,})."}
        )
    if parent is not None and (parent.group_id != membership.group_id or parent.parent_id):
        raise PeerInvalid({"parent": "You can reply only to a post in this group."})
    # Detect before the transaction (reading takes a few milliseconds), and before the
    # rate limit: a post that may show someone in crisis is never refused.
    signal = screening.detect(body)
    crisis = signal.tier == screening.CRISIS
    if not crisis:
        _check_rate(membership, now)
    group = membership.group
    patient = membership.patient
    with transaction.atomic():
        post = Post.objects.create(
            group=group,
            author=membership,
            parent=parent,
            body=body,
            created_at=now,
            status=Post.Status.HELD if crisis else Post.Status.VISIBLE,
        )
        result = screen_text(
            patient=patient,
            text=body,
            route=ScreenedText.Route.PEER_POST,
            written_by=patient.user,
            moderated=True,
            at=now,
            signal=signal,
        )
        if result.tier != screening.NONE:
            post.crisis_language = result.is_crisis
            post.crisis_reason = result.reason[:300]
            post.needs_review = True
            post.risk_alert = result.alert
            post.save(
                update_fields=["crisis_language", "crisis_reason", "needs_review", "risk_alert"]
            )
        if result.is_crisis:
            notify(
                user=group.moderator,
                subject="A post may need you now",
                body="Please sign in to Tether to see it.",
                link=_queue_link(),
                purpose="peer-crisis-post",
            )
        Membership.objects.filter(pk=membership.pk).update(
            last_visited_at=now, inactivity_nudged_at=None
        )
    return PostResult(post=post, screening=result)


@transaction.atomic
def report_post(
    *, post: Post, reporter: Membership, reason: str = "", now: datetime | None = None
) -> PostReport:
    """A member flags a post for the moderator. Reporting twice changes nothing.

    The reason is not screened: it is about another member's words, which are already on
    their way to the moderator, and an alert would fall on the wrong patient."""
    now = now or timezone.now()
    if reporter.group_id != post.group_id or reporter.status != Membership.Status.ACTIVE:
        raise Http404("No such post.")
    if post.author_id == reporter.pk:
        raise PeerInvalid({"post": "You cannot report your own post."})
    report, created = PostReport.objects.get_or_create(
        post=post, reporter=reporter, defaults={"reason": reason.strip()[:300], "created_at": now}
    )
    if created:
        Post.objects.filter(pk=post.pk).update(needs_review=True, reviewed_at=None)
        notify(
            user=post.group.moderator,
            subject="A post was reported",
            body="A member reported a post in one of your groups. Open Tether.",
            link=_queue_link(),
            purpose="peer-report",
            channels=("in_app",),
        )
    return report
