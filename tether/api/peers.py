"""/api/v1 for peer communities: the patient's experience and group suggestions, joining and
leaving, posts, reports, the moderators' queue and the belonging check. Every endpoint looks
records up through the access module and changes data only through tether.peers.services.

Members see each other only by pseudonym: no response here carries a patient's id or name.
The patient's own endpoints answer 404 to anyone who is not a patient, as the access module
does for a record that is not theirs."""

from uuid import UUID

from django.db.models import prefetch_related_objects
from django.http import Http404
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from tether.access import (
    MODERATOR_ROLES,
    get_belonging_check,
    get_joinable_group,
    get_member_post,
    get_membership,
    get_own_patient,
    get_post_for_moderator,
    moderated_groups,
    my_memberships,
    my_open_belonging_checks,
    own_experience,
)
from tether.accounts.models import Patient, Practice, User
from tether.api.auth import ApiRequest
from tether.api.errors import INVALID, NOT_FOUND, WORDS_INVALID, Error, invalid
from tether.api.pagination import Pages
from tether.api.peers_schemas import (
    BelongingAnswerOut,
    BelongingCheckOut,
    BelongingIn,
    ExperienceIn,
    ExperienceOut,
    ExperienceSavedOut,
    JoinIn,
    MembershipOut,
    ModerationIn,
    ModerationOut,
    PostCreatedOut,
    PostIn,
    PostOut,
    QueuedPostOut,
    ReportIn,
    ReportOut,
    SuggestionOut,
    TagOut,
)
from tether.crisis.resources import resources_for
from tether.crisis.screening import Screening
from tether.crisis.views_screening import after_alert_message
from tether.lib.pagination import Rows
from tether.peers.models import BelongingCheck, IdentityTag, Post
from tether.peers.selectors import member_posts
from tether.peers.selectors import moderation_queue as queue_for
from tether.peers.services import (
    BELONGING_OPTIONS,
    BELONGING_QUESTION,
    PeerInvalid,
    answer_belonging,
    create_post,
    is_low,
    join_group,
    leave_group,
    moderate,
    record_visit,
    report_post,
    save_experience,
    suggest_groups,
)

router = Router(tags=["peers"])


# Shown with the crisis resources after words that may show someone in crisis. The words
# are saved; this puts help in front of them at once, and says honestly who will see them.
SUPPORT_MESSAGE = (
    "Thank you for sharing this. Your post is saved, and a peer supporter will read it "
    "first, then it appears for the group. It sounds like things may be very hard right now, "
    "and you don't have to wait for a reply: the people below are there to listen, day or "
    "night."
)
EXPERIENCE_SUPPORT_MESSAGE = (
    "Thank you for telling us. What you wrote is saved. It sounds like things may be very "
    "hard right now: the people below are there to listen, day or night."
)

# The services name a few problems after the model field; the API names the field sent.
_REQUEST_FIELDS = {"parent": "parent_id", "tags": "tag_ids"}


def _require_moderator(user: User) -> None:
    if user.role not in MODERATOR_ROLES:
        raise HttpError(403, "Only peer supporters and practice admins moderate groups.")


def _suggestions(patient: Patient) -> list[dict]:
    suggestions = suggest_groups(patient=patient)
    prefetch_related_objects([s.group for s in suggestions], "tags")
    return [
        {
            "rank": rank,
            "group": s.group,
            "closeness": s.closeness,
            "reason": s.reason,
            "shared_tags": list(s.shared_tags),
        }
        for rank, s in enumerate(suggestions, start=1)
    ]


# --- Experience and suggestions --------------------------------------------------------------


@router.get("/peers/tags", response=list[TagOut])
@paginate(Pages)
def list_tags(request: ApiRequest):
    """The identity-tag vocabulary, shared by every practice, by kind and label; paginated."""
    return IdentityTag.objects.order_by("kind", "label", "pk")


@router.get("/me/experience", response={200: ExperienceOut, **NOT_FOUND})
def get_experience(request: ApiRequest):
    """What you are going through, in your own words, and your tags. Other members never see
    the words; your care team sees them only if they sound like you may be in danger.
    Before you have written them this is still 200, with an empty description."""
    get_own_patient(request.auth)
    profile = own_experience(request.auth)
    if profile is None:
        return {"description": "", "tags": [], "share_for_matching": False, "updated_at": None}
    return profile


@router.put("/me/experience", response={200: ExperienceSavedOut, **WORDS_INVALID})
def put_experience(request: ApiRequest, payload: ExperienceIn):
    """Describe your experience and choose tags; group suggestions follow from them. When
    the words may show you are in danger, the answer carries the crisis resources to show
    at once, and your care team sees the words."""
    patient = get_own_patient(request.auth)
    try:
        saved = save_experience(patient=patient, **payload.model_dump())
    except PeerInvalid as error:
        return invalid(error, fields=_REQUEST_FIELDS)
    support = _crisis_support(patient.practice, saved.screening, EXPERIENCE_SUPPORT_MESSAGE)
    profile = saved.profile
    return {
        "description": profile.description,
        "tags": list(profile.tags.all()),
        "share_for_matching": profile.share_for_matching,
        "updated_at": profile.updated_at,
        **support,
    }


@router.get("/me/group-suggestions", response={200: list[SuggestionOut], **NOT_FOUND})
def list_group_suggestions(request: ApiRequest):
    """Open groups of your practice, closest to your experience first. Ranked by closeness
    of experience and shared tags only, never by size or activity. Empty until you have
    described your experience; groups you belong to are left out."""
    return _suggestions(get_own_patient(request.auth))


# --- Memberships -----------------------------------------------------------------------------


@router.post("/peer-groups/{group_id}/join", response={201: MembershipOut, **INVALID})
def join(request: ApiRequest, group_id: UUID, payload: JoinIn):
    """Join an open group of your practice under a pseudonym, the only name members see."""
    patient = get_own_patient(request.auth)
    group = get_joinable_group(request.auth, group_id)
    try:
        membership = join_group(patient=patient, group=group, **payload.model_dump())
    except PeerInvalid as error:
        return invalid(error, fields=_REQUEST_FIELDS)
    return Status(201, membership)


@router.get("/me/memberships", response={200: list[MembershipOut], **NOT_FOUND})
@paginate(Pages)
def list_memberships(request: ApiRequest):
    """The groups you belong to now, with the pseudonym you use in each; paginated."""
    get_own_patient(request.auth)
    return my_memberships(request.auth).prefetch_related("group__tags").order_by("joined_at", "pk")


@router.delete("/me/memberships/{group_id}", response={204: None, **NOT_FOUND})
def leave(request: ApiRequest, group_id: UUID):
    """Leave a group. Your posts stay, under your pseudonym."""
    membership = get_membership(request.auth, group_id)
    leave_group(membership=membership)
    return Status(204, None)


# --- Posts -----------------------------------------------------------------------------------


@router.get("/peer-groups/{group_id}/posts", response={200: list[PostOut], **NOT_FOUND})
@paginate(Pages)
def list_posts(request: ApiRequest, group_id: UUID):
    """The group's posts, newest first (members only). A reply names its post in
    `parent_id`. A post a moderator has hidden keeps its place with `body` null. A post held
    for a peer supporter to read first is listed only for its author (`status` "held")."""
    membership = get_membership(request.auth, group_id)
    # Reading the group is a visit: it keeps the "haven't seen you in a while" note away.
    record_visit(membership=membership)
    return member_posts(membership).select_related("author").order_by("-created_at", "-id")


def _parent(user: User, parent_id: UUID | None) -> Post | None:
    if parent_id is None:
        return None
    try:
        return get_member_post(user, parent_id)
    except Http404:
        raise PeerInvalid({"parent": "You can reply only to a post in this group."}) from None


def _crisis_support(practice: Practice, screening: Screening, message: str) -> dict:
    """The crisis resources and what to say with them, after words screened as crisis."""
    if not screening.is_crisis:
        return {"crisis_resources": [], "support_message": None}
    return {
        "crisis_resources": resources_for(country=practice.country, practice_slug=practice.slug),
        "support_message": f"{message} {after_alert_message(screening.alert)}",
    }


@router.post("/peer-groups/{group_id}/posts", response={201: PostCreatedOut, **WORDS_INVALID})
def create_group_post(request: ApiRequest, group_id: UUID, payload: PostIn):
    """Post in the group, or reply to a post with `parent_id`. A post that may show someone in
    crisis is never refused: it is saved as `held` (its author and the moderator see it at
    once, the group after a moderator has read it), the author's care team gets a risk alert,
    and the answer carries the crisis resources to show at once. A post that a person should
    look at soon stays up and goes to the moderator's queue."""
    membership = get_membership(request.auth, group_id)
    try:
        parent = _parent(request.auth, payload.parent_id)
        result = create_post(membership=membership, body=payload.body, parent=parent)
    except PeerInvalid as error:
        return invalid(error, fields=_REQUEST_FIELDS)
    support = _crisis_support(membership.group.practice, result.screening, SUPPORT_MESSAGE)
    return Status(201, {"post": result.post, **support})


@router.post("/posts/{post_id}/report", response={200: ReportOut, **INVALID})
def report(request: ApiRequest, post_id: UUID, payload: ReportIn):
    """Ask the group's peer supporter to look at a post. Reporting twice changes nothing."""
    post = get_member_post(request.auth, post_id)
    reporter = get_membership(request.auth, post.group_id)
    try:
        saved = report_post(post=post, reporter=reporter, reason=payload.reason)
    except PeerInvalid as error:
        return invalid(error, fields=_REQUEST_FIELDS)
    return {"post_id": post.pk, "reason": saved.reason, "reported_at": saved.created_at}


# --- Moderation ------------------------------------------------------------------------------


@router.get("/moderation/queue", response={200: list[QueuedPostOut], 403: Error})
@paginate(Pages)
def moderation_queue(request: ApiRequest):
    """Posts waiting for a moderator in the groups you moderate (a peer supporter their own
    groups, an admin every group of the practice): possible crisis first, then the most
    reported, then the oldest — the same order as the web queue."""
    _require_moderator(request.auth)
    return queue_for(moderated_groups(request.auth))


@router.post("/posts/{post_id}/moderation", response={200: ModerationOut, **INVALID})
def moderate_post(request: ApiRequest, post_id: UUID, payload: ModerationIn):
    """Hide, restore, escalate (to the author's care team, with a note) or keep a post. Every
    action is recorded and takes the post out of the queue."""
    post = get_post_for_moderator(request.auth, post_id)
    try:
        return moderate(post=post, by=request.auth, **payload.model_dump())
    except PeerInvalid as error:
        return invalid(error, fields=_REQUEST_FIELDS)


# --- Belonging -------------------------------------------------------------------------------


def _belonging_check(check: BelongingCheck) -> dict:
    group = check.membership.group
    return {
        "id": check.pk,
        "group_id": group.pk,
        "question": BELONGING_QUESTION.format(group=group.name),
        "options": [{"value": value, "label": label} for value, label in BELONGING_OPTIONS],
        "asked_at": check.asked_at,
    }


@router.get("/me/belonging-checks", response={200: list[BelongingCheckOut], **NOT_FOUND})
@paginate(Pages)
def list_belonging_checks(request: ApiRequest):
    """Belonging questions waiting for your answer, one per group at most; paginated."""
    get_own_patient(request.auth)
    checks = my_open_belonging_checks(request.auth).order_by("-asked_at", "pk")
    return Rows(checks, lambda page: [_belonging_check(check) for check in page])


@router.post("/belonging-checks/{check_id}", response={200: BelongingAnswerOut, **INVALID})
def answer_belonging_check(request: ApiRequest, check_id: int, payload: BelongingIn):
    """Answer "I identify with [this group]" from 1 to 7. A low answer (3 or below) comes back
    with other groups that may fit better."""
    check = get_belonging_check(request.auth, check_id)
    try:
        answered = answer_belonging(check=check, **payload.model_dump())
    except PeerInvalid as error:
        return invalid(error, fields=_REQUEST_FIELDS)
    low = is_low(answered.score)
    suggestions = _suggestions(get_own_patient(request.auth)) if low else []
    return {"low": low, "suggestions": suggestions}
