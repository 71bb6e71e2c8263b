"""A peer supporter's own start page: what needs them first, in the groups they run and the
outreach patients routed to them. No clinical record appears here (tether.access.peers)."""

from django.http import HttpResponse
from django.shortcuts import render

from tether.access import moderated_groups, visible_outreach_tasks
from tether.access.decorators import role_required
from tether.accounts.http import AuthenticatedRequest
from tether.accounts.models import Role
from tether.peers.selectors import moderated_group_rows, moderation_queue

peer_supporter_required = role_required(Role.PEER_SUPPORTER)


@peer_supporter_required
def peer_home(request: AuthenticatedRequest) -> HttpResponse:
    """Posts waiting for review, the open outreach routed to them, and their groups."""
    groups = moderated_groups(request.user)
    # Open tasks are the ones never closed (closing a task sets done_at).
    outreach = (
        visible_outreach_tasks(request.user)
        .filter(done_at__isnull=True)
        .select_related("patient")
        .order_by("due_at")
    )
    context = {
        "waiting": moderation_queue(groups).count(),
        "outreach": outreach,
        "groups": moderated_group_rows(groups),
    }
    return render(request, "peers/home.html", context)
