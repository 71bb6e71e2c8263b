"""The patient's peer-group pages (/me/peers/...): what they are going through, groups that
might fit, joining under a name of their choosing, the group's conversation, reports, leaving
and the belonging question. Each looks up through the access module, calls a service, and
renders or redirects.

Other members appear only by the name they chose for the group; post bodies are escaped by the
templates and never marked safe.
"""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tether.access import (
    get_belonging_check,
    get_joinable_group,
    get_member_post,
    get_membership,
    get_own_patient,
    get_own_post,
    my_memberships,
    my_open_belonging_checks,
    own_experience,
)
from tether.access.decorators import patient_required
from tether.accounts.http import AuthenticatedRequest
from tether.accounts.zones import patient_zone
from tether.crisis import screening
from tether.crisis.views_screening import after_alert_message, help_first
from tether.lib.forms import add_problems
from tether.lib.pagination import page_of
from tether.lib.text import unstorable_fields, without_unstorable
from tether.peers.forms import BelongingForm, ExperienceForm, JoinForm, PostForm
from tether.peers.models import Membership
from tether.peers.posts import ARCHIVED
from tether.peers.selectors import member_threads
from tether.peers.services import (
    PeerInvalid,
    Suggestion,
    answer_belonging,
    create_post,
    is_low,
    join_group,
    leave_group,
    record_visit,
    report_post,
    save_experience,
    suggest_groups,
)

THREADS_PER_PAGE = 20
UPCOMING_MEETINGS = 5


def _with_tags(suggestions: list[Suggestion]) -> list[Suggestion]:
    """Read every suggested group's tags in one query."""
    prefetch_related_objects([s.group for s in suggestions], "tags")
    return suggestions


# --- Finding a group -------------------------------------------------------------------------


@patient_required
def my_groups(request: AuthenticatedRequest) -> HttpResponse:
    get_own_patient(request.user)
    memberships = my_memberships(request.user)
    open_checks = my_open_belonging_checks(request.user)
    context = {
        "memberships": memberships.order_by("group__name"),
        "open_checks": open_checks,
        "has_profile": own_experience(request.user) is not None,
    }
    return render(request, "peers/member/my_groups.html", context)


@patient_required
def my_experience(request: AuthenticatedRequest) -> HttpResponse:
    patient = get_own_patient(request.user)
    profile = own_experience(request.user)
    if request.method == "POST":
        form = ExperienceForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = save_experience(
                    patient=patient,
                    description=data["description"],
                    tag_ids=[tag.pk for tag in data["tags"]],
                    share_for_matching=data["share_for_matching"],
                )
            except PeerInvalid as error:
                add_problems(form, error)
            else:
                if saved.screening.is_crisis:
                    # Help first, instead of group suggestions; the words are saved.
                    return help_first(request, screening=saved.screening, back=reverse("my_groups"))
                messages.success(request, "Thank you. Here are groups that might fit.")
                return redirect("group_suggestions")
    elif profile is not None:
        form = ExperienceForm(
            initial={
                "description": profile.description,
                "tags": list(profile.tags.all()),
                "share_for_matching": profile.share_for_matching,
            }
        )
    else:
        form = ExperienceForm()
    return render(request, "peers/member/my_experience.html", {"form": form, "profile": profile})


@patient_required
def group_suggestions(request: AuthenticatedRequest) -> HttpResponse:
    patient = get_own_patient(request.user)
    context = {
        "suggestions": _with_tags(suggest_groups(patient=patient)),
        "has_profile": own_experience(request.user) is not None,
    }
    return render(request, "peers/member/suggestions.html", context)


@patient_required
def join(request: AuthenticatedRequest, group_id) -> HttpResponse:
    patient = get_own_patient(request.user)
    group = get_joinable_group(request.user, group_id)
    if my_memberships(request.user).filter(group=group).exists():
        messages.info(request, f"You're already a member of {group.name}.")
        return redirect("group_page", group.pk)
    if request.method == "POST":
        form = JoinForm(request.POST)
        if form.is_valid():
            try:
                membership = join_group(
                    patient=patient,
                    group=group,
                    pseudonym=form.cleaned_data["pseudonym"],
                    match_reason=form.cleaned_data["match_reason"],
                )
            except PeerInvalid as error:
                add_problems(form, error)
            else:
                messages.success(
                    request,
                    f"Welcome to {group.name}. Here you are “{membership.pseudonym}”.",
                )
                return redirect("group_page", group.pk)
    else:
        form = JoinForm(initial={"match_reason": request.GET.get("reason", "")[:300]})
    return render(request, "peers/member/join.html", {"group": group, "form": form})


# --- In a group ------------------------------------------------------------------------------


def _group_page(
    request: HttpRequest,
    membership: Membership,
    *,
    page_number=None,
    typed: str = "",
    reply_to: str = "",
    problems: dict | None = None,
) -> HttpResponse:
    """Render the group page. After a post that could not be saved, `typed` (the words as
    typed) goes back into the form it came from, with `problems` next to it."""
    group = membership.group
    patient = membership.patient
    # A member's group is always of their own practice (join_group), so one read of it.
    mine, practice = patient_zone(patient), patient.practice.time_zone
    now = timezone.now()
    meetings = [
        {
            "meeting": m,
            "practice": m.starts_at.astimezone(ZoneInfo(practice)),
            "local": m.starts_at.astimezone(ZoneInfo(mine)) if mine != practice else None,
        }
        for m in group.meetings.filter(starts_at__gte=now)[:UPCOMING_MEETINGS]
    ]
    page = page_of(member_threads(membership), page_number, per_page=THREADS_PER_PAGE)
    problems = problems or {}
    # The thread a failed reply belongs to, if it is on this page; else the words go back
    # into the main form, so they are never lost.
    reply_thread = next((t.pk for t in page if reply_to and str(t.pk) == reply_to), None)
    post_form = PostForm()
    if problems and reply_thread is None:
        post_form = PostForm({"body": typed})
        post_form.is_valid()
        for message in problems.values():
            post_form.add_error("body", message)
    context = {
        "membership": membership,
        "group": group,
        "meetings": meetings if group.archived_at is None else [],
        "archived": ARCHIVED if group.archived_at is not None else "",
        "zone": mine,
        "page": page,
        "post_form": post_form,
        "reply_to": reply_thread,
        "reply_typed": typed if reply_thread else "",
        "reply_problems": list(problems.values()) if reply_thread else [],
    }
    return render(request, "peers/member/group.html", context)


@patient_required
def group_page(request: AuthenticatedRequest, group_id) -> HttpResponse:
    membership = get_membership(request.user, group_id)
    record_visit(membership=membership)
    return _group_page(request, membership, page_number=request.GET.get("page"))


def _refuse_unstorable(body: str) -> None:
    """Refuse words holding a character the database cannot store (tether.lib.text), before
    anything is saved. The words are still read by the crisis detector: when they may show a
    crisis, the message says so and points to the crisis lines, which every patient page
    shows. No alert is raised for words that were not saved (the API answers the same)."""
    problems = unstorable_fields(body=body)
    if not problems:
        return
    if screening.detect(without_unstorable(body)).tier == screening.CRISIS:
        problems["body"] += (
            " Nothing was saved, so no one has read it yet. It sounds like things may be very "
            "hard right now: the crisis lines below are there to listen, day or night."
        )
    raise PeerInvalid(problems)


@patient_required
@require_POST
def post(request: AuthenticatedRequest, group_id) -> HttpResponse:
    membership = get_membership(request.user, group_id)
    body = request.POST.get("body", "")
    parent_id = request.POST.get("parent", "")
    page = request.POST.get("page", "")
    page_number = int(page) if page.isdigit() else 1  # the page the reply was written on
    parent = None
    if parent_id:
        try:
            parent = get_member_post(request.user, parent_id)
        except Http404:
            # Hidden or gone while they were typing: keep their words for a new post.
            return _group_page(
                request,
                membership,
                page_number=page_number,
                typed=body,
                problems={
                    "parent": "That conversation can't take replies any more. Your words are "
                    "here, so you can post them as a new message."
                },
            )
    try:
        _refuse_unstorable(body)
        result = create_post(membership=membership, body=body, parent=parent)
    except PeerInvalid as error:
        return _group_page(
            request,
            membership,
            page_number=page_number,
            typed=without_unstorable(body),
            reply_to=parent_id,
            problems=error.problems,
        )
    if result.show_crisis_resources:
        return redirect("post_support", result.post.pk)
    messages.success(request, "Your post is up in the group.")
    url = reverse("group_page", args=[membership.group_id])
    if parent is not None:
        return redirect(f"{url}?page={page_number}#post-{parent.pk}")
    return redirect(url)


@patient_required
def post_support(request: AuthenticatedRequest, post_id) -> HttpResponse:
    """After a post that may show someone in crisis: help first, and their words kept."""
    post = get_own_post(request.user, post_id)
    context = {
        "post": post,
        "group": post.group,
        "crisis_first": True,
        "after_alert": after_alert_message(post.risk_alert),
    }
    return render(request, "peers/member/post_support.html", context)


@patient_required
@require_POST
def report(request: AuthenticatedRequest, post_id) -> HttpResponse:
    post = get_member_post(request.user, post_id)
    membership = get_membership(request.user, post.group_id)
    reason = request.POST.get("reason", "")
    try:
        if unstorable := unstorable_fields(reason=reason):
            raise PeerInvalid(unstorable)
        report_post(post=post, reporter=membership, reason=reason[:300])
    except PeerInvalid as error:
        for message in error.problems.values():
            messages.error(request, message)
    else:
        messages.success(request, "Thanks — the group's peer supporter will take a look.")
    return redirect(reverse("group_page", args=[post.group_id]) + f"#post-{post.pk}")


@patient_required
def leave(request: AuthenticatedRequest, group_id) -> HttpResponse:
    """Asks first (GET), leaves on POST."""
    membership = get_membership(request.user, group_id)
    if request.method == "POST":
        leave_group(membership=membership)
        messages.success(
            request,
            f"You've left {membership.group.name}. You can join again, or another group, "
            "whenever you like.",
        )
        return redirect("my_groups")
    return render(request, "peers/member/leave.html", {"membership": membership})


# --- The belonging question ------------------------------------------------------------------


@patient_required
def belonging(request: AuthenticatedRequest, check_id) -> HttpResponse:
    check = get_belonging_check(request.user, check_id)
    membership = check.membership
    if check.answered_at is not None:
        low = is_low(check.score)
        patient = get_own_patient(request.user)
        context = {
            "check": check,
            "group": membership.group,
            "low": low,
            "suggestions": _with_tags(suggest_groups(patient=patient)) if low else [],
            "has_profile": own_experience(request.user) is not None,
        }
        return render(request, "peers/member/belonging_answered.html", context)
    form = BelongingForm(
        request.POST if request.method == "POST" else None,
        group_name=membership.group.name,
        pseudonym=membership.pseudonym,
    )
    if request.method == "POST" and form.is_valid():
        try:
            answer_belonging(
                check=check,
                score=form.cleaned_data["score"],
                tell_supporter=form.cleaned_data["tell_supporter"],
            )
        except PeerInvalid as error:
            add_problems(form, error)
        else:
            return redirect("belonging_check", check.pk)
    return render(
        request,
        "peers/member/belonging.html",
        {"check": check, "form": form, "group": membership.group},
    )
