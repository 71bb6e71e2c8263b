"""Pages for the people who look after peer groups: a peer supporter for the groups they
moderate, and the practice admin for every group of the practice (the admin's pages that
create, change and archive a group are in views_groups). Members appear by pseudonym only:
nothing here says who a patient is."""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from tether.access import (
    get_moderated_group,
    get_post_for_moderator,
    is_practice_admin,
    moderated_groups,
    my_practice,
)
from tether.access.decorators import moderator_required
from tether.accounts.http import AuthenticatedRequest
from tether.lib.pagination import page_of
from tether.peers.models import ModerationAction, Post
from tether.peers.moderation_forms import ModerateForm
from tether.peers.selectors import (
    group_members,
    group_posts,
    moderated_group_rows,
    moderation_queue,
    not_fitting,
)
from tether.peers.services import PeerInvalid, moderate

QUEUE_PAGE_SIZE = 25
POSTS_PAGE_SIZE = 30
DONE = {
    ModerationAction.Kind.HIDE: "Hidden. Members of the group no longer see this post.",
    ModerationAction.Kind.RESTORE: "Restored. Members of the group can see the post again.",
    ModerationAction.Kind.KEEP: "Marked as reviewed; the post stays as it is.",
    ModerationAction.Kind.ESCALATE: "Escalated. The member's care team has a risk alert and "
    "will follow up with them.",
}
# After acting on a post that was held for a moderator to read first.
DONE_HELD = {
    **DONE,
    ModerationAction.Kind.KEEP: "Kept. Members of the group can see the post now.",
    ModerationAction.Kind.RESTORE: "Members of the group can see the post now.",
    ModerationAction.Kind.HIDE: "Hidden. The post stays out of the group.",
    ModerationAction.Kind.ESCALATE: "Escalated to the member's care team. The post is still "
    "held: keep it or hide it when you're ready.",
}


def _is_admin(request: AuthenticatedRequest) -> bool:
    # Only the practice's admin creates and changes groups; the pages offer it to them alone.
    return is_practice_admin(request.user, request.user.practice_id)


def _zone(request: AuthenticatedRequest) -> ZoneInfo:
    return ZoneInfo(my_practice(request.user).time_zone)


def _back(request: HttpRequest) -> str:
    """Return where to go after an action: `next` if it is a page of this site, else the
    queue."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("moderation_queue")


@moderator_required
def queue(request: AuthenticatedRequest) -> HttpResponse:
    groups = moderated_groups(request.user)
    page = page_of(moderation_queue(groups), request.GET.get("page"), per_page=QUEUE_PAGE_SIZE)
    context = {
        "page": page,
        "not_fitting": not_fitting(groups, now=timezone.now()),
        "is_admin": _is_admin(request),
    }
    with timezone.override(_zone(request)):
        return render(request, "peers/moderation/queue.html", context)


@moderator_required
@require_POST
def moderate_post(request: AuthenticatedRequest, post_id) -> HttpResponse:
    post = get_post_for_moderator(request.user, post_id)
    form = ModerateForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(_back(request))
    kind = form.cleaned_data["kind"]
    was_held = post.status == Post.Status.HELD
    try:
        moderate(post=post, by=request.user, kind=kind, note=form.cleaned_data["note"])
    except PeerInvalid as error:
        for problem in error.problems.values():
            messages.error(request, problem)
    else:
        messages.success(request, (DONE_HELD if was_held else DONE)[kind])
    return redirect(_back(request))


@moderator_required
def group_list(request: AuthenticatedRequest) -> HttpResponse:
    context = {
        "groups": moderated_group_rows(moderated_groups(request.user)),
        "is_admin": _is_admin(request),
    }
    return render(request, "peers/moderation/group_list.html", context)


@moderator_required
def group_detail(request: AuthenticatedRequest, group_id) -> HttpResponse:
    group = get_moderated_group(request.user, group_id)
    page = page_of(group_posts(group), request.GET.get("page"), per_page=POSTS_PAGE_SIZE)
    context = {
        "group": group,
        "page": page,
        "members": group_members(group),
        "is_admin": _is_admin(request),
        "here": request.get_full_path(),
    }
    with timezone.override(_zone(request)):
        return render(request, "peers/moderation/group_detail.html", context)
