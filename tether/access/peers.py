"""Peer communities: members, moderators, and the care team's audited look-up of who is
behind a pseudonym."""

from dataclasses import dataclass
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from tether.access.crisis import visible_alerts
from tether.access.lookup import one_or_404
from tether.access.patients import visible_patients
from tether.accounts.models import CARE_TEAM_ROLES, CareTeamMember, Role, User
from tether.crisis.models import RiskAlert
from tether.lib.reads import door
from tether.peers.models import BelongingCheck, ExperienceProfile, Membership, PeerGroup, Post

# Peer supporters moderate their own groups; admins every group of their practice.
MODERATOR_ROLES = (Role.PEER_SUPPORTER, Role.ADMIN)


def _active_patient_user(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.PATIENT


# --- The member ------------------------------------------------------------------------------


@door("peer group memberships")
def my_memberships(user: User) -> QuerySet[Membership]:
    """Return the signed-in patient's active group memberships."""
    if not _active_patient_user(user):
        return Membership.objects.none()
    return Membership.objects.filter(
        patient__user=user, status=Membership.Status.ACTIVE
    ).select_related("group")


@door("peer group memberships")
def get_membership(user: User, group_id: object) -> Membership:
    """Return the signed-in patient's active membership of a group, else raise Http404: only
    members read and write a group's posts."""
    memberships = my_memberships(user).select_related("patient__practice")
    return one_or_404(memberships, group_id, "group", field="group_id")


def joinable_groups(user: User) -> QuerySet[PeerGroup]:
    """Return the open, unarchived groups of the signed-in patient's practice (to suggest and
    join)."""
    if not _active_patient_user(user) or user.practice_id is None:
        return PeerGroup.objects.none()
    return PeerGroup.objects.filter(practice_id=user.practice_id, is_open=True, archived_at=None)


def get_joinable_group(user: User, group_id: object) -> PeerGroup:
    """Return an open group of the signed-in patient's practice, else raise Http404."""
    return one_or_404(joinable_groups(user), group_id, "group")


@door("peer group posts", patient="author__patient")
def get_member_post(user: User, post_id: object) -> Post:
    """Return a visible post in a group the signed-in patient belongs to (to reply or report),
    else raise Http404."""
    posts = Post.objects.filter(
        status=Post.Status.VISIBLE, group__in=my_memberships(user).values("group")
    ).select_related("group")
    return one_or_404(posts, post_id, "post")


@door("peer group posts", patient="author__patient")
def get_own_post(user: User, post_id: object) -> Post:
    """Return a post the signed-in patient wrote in a group they still belong to, hidden or
    not, else raise Http404."""
    posts = Post.objects.filter(author__in=my_memberships(user))
    return one_or_404(posts.select_related("group", "risk_alert"), post_id, "post")


@door("peer group check-ins", patient="membership__patient")
def my_open_belonging_checks(user: User) -> QuerySet[BelongingCheck]:
    """Return the signed-in patient's unanswered belonging questions."""
    return BelongingCheck.objects.filter(
        membership__in=my_memberships(user), answered_at=None
    ).select_related("membership__group")


@door("peer group check-ins", patient="membership__patient")
def get_belonging_check(user: User, check_id: object) -> BelongingCheck:
    """Return one of the signed-in patient's own belonging questions (in a group they still
    belong to), else raise Http404."""
    checks = BelongingCheck.objects.filter(membership__in=my_memberships(user))
    return one_or_404(checks.select_related("membership__group"), check_id, "question")


@door("experience profile")
def own_experience(user: User) -> ExperienceProfile | None:
    """Return the signed-in patient's own experience profile, if they wrote one."""
    if not _active_patient_user(user):
        return None
    return ExperienceProfile.objects.filter(patient__user=user).first()


# --- The moderator ---------------------------------------------------------------------------


def can_moderate(user: User, group: PeerGroup) -> bool:
    """Return whether `user` moderates `group`: its own peer supporter, and the admins of its
    practice. Coordinators and clinicians do not moderate (they see alerts, not posts)."""
    if not user.is_authenticated or not user.is_active or user.practice_id != group.practice_id:
        return False
    if user.role == Role.PEER_SUPPORTER:
        return group.moderator_id == user.pk
    return user.role == Role.ADMIN


def moderated_groups(user: User) -> QuerySet[PeerGroup]:
    """Return the groups `user` moderates (the rule of can_moderate, as a query)."""
    if not user.is_authenticated or not user.is_active or user.practice_id is None:
        return PeerGroup.objects.none()
    groups = PeerGroup.objects.filter(practice_id=user.practice_id)
    if user.role == Role.PEER_SUPPORTER:
        return groups.filter(moderator=user)
    if user.role == Role.ADMIN:
        return groups
    return PeerGroup.objects.none()


def get_moderated_group(user: User, group_id: object) -> PeerGroup:
    """Return a group `user` moderates, else raise Http404."""
    return one_or_404(moderated_groups(user), group_id, "group")


def managed_groups(user: User) -> QuerySet[PeerGroup]:
    """Return the groups `user` manages (creates, changes, archives, sets meeting times for):
    every group of their own practice for an active admin; none for anyone else. A peer
    supporter moderates their groups' posts but does not change the groups."""
    if not user.is_authenticated or not user.is_active or user.role != Role.ADMIN:
        return PeerGroup.objects.none()
    if user.practice_id is None:
        return PeerGroup.objects.none()
    return PeerGroup.objects.filter(practice_id=user.practice_id)


def get_managed_group(user: User, group_id: object) -> PeerGroup:
    """Return a group `user` manages (managed_groups), else raise Http404."""
    return one_or_404(managed_groups(user), group_id, "group")


@door("peer group posts", patient="author__patient")
def get_post_for_moderator(user: User, post_id: object) -> Post:
    """Return a post in a group `user` moderates, whatever its state, else raise Http404."""
    posts = Post.objects.filter(group__in=moderated_groups(user))
    return one_or_404(posts.select_related("group", "author"), post_id, "post")


# --- The care team -----------------------------------------------------------------------------


def may_link_pseudonym(user: User, patient_id: UUID) -> bool:
    """Return whether `user` may look up the patient behind a pseudonym: an active coordinator
    or clinician on the patient's own care team. Admins see the practice's patients but do
    not link pseudonyms; the look-up itself is audited (peers.moderation.reveal_member)."""
    return (
        user.is_authenticated
        and user.is_active
        and user.role in CARE_TEAM_ROLES
        and CareTeamMember.objects.filter(patient_id=patient_id, staff=user).exists()
    )


@door("peer group memberships")
def get_membership_for_care_team(user: User, membership_id: object) -> Membership:
    """Return a membership of a patient on `user`'s care team (coordinator or clinician), else
    raise Http404."""
    if not user.is_authenticated or user.role not in CARE_TEAM_ROLES:
        raise Http404("No such member.")
    memberships = Membership.objects.filter(patient__in=visible_patients(user))
    return one_or_404(memberships.select_related("group", "patient"), membership_id, "member")


def _post_authors(found: "AlertPosts") -> list[UUID]:
    return [post.author.patient_id for post in found.posts]


@dataclass(frozen=True)
class AlertPosts:
    posts: list[Post]
    can_reveal: bool  # the viewer may look up the name the author uses in the group


@door("peer group posts", patients=_post_authors)
def posts_for_alert(user: User, alert: RiskAlert) -> AlertPosts:
    """Return the post(s) that raised `alert` (crisis language, or a peer supporter's
    escalation), for the alert page: the group and the words, and none unless `user` may see
    the alert (visible_alerts). Not the pseudonym: the patient's own care team may look it
    up (may_link_pseudonym), which is recorded, like on the patient page."""
    posts = list(
        Post.objects.filter(risk_alert=alert, risk_alert__in=visible_alerts(user)).select_related(
            "group", "author"
        )
    )
    can_reveal = bool(posts) and may_link_pseudonym(user, alert.patient_id)
    return AlertPosts(posts=posts, can_reveal=can_reveal)
