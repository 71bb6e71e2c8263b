"""The practice admin's pages for managing peer groups: add and change a group (name, who it
is for, tags, the peer supporter who moderates it), its meeting times, and archiving it.
Only the admins of the group's practice use them (tether.access.peers.managed_groups); the
rules a group must meet are in peers.groups."""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tether.access import my_practice
from tether.access.decorators import admin_required
from tether.access.peers import get_managed_group
from tether.accounts.http import AuthenticatedRequest
from tether.lib.forms import add_problems
from tether.peers.models import PeerGroup
from tether.peers.moderation_forms import GroupForm, MeetingForm
from tether.peers.services import (
    PeerInvalid,
    add_meeting,
    archive_group,
    remove_meeting,
    save_group,
)


def _render_form(
    request: AuthenticatedRequest,
    *,
    form: GroupForm,
    group: PeerGroup | None,
    meeting_form: MeetingForm | None = None,
) -> HttpResponse:
    practice = my_practice(request.user)
    title = f"Change “{group.name}”" if group else "Add a group"
    context = {
        "form": form,
        "group": group,
        "title": title,
        "meetings": list(group.meetings.filter(starts_at__gte=timezone.now())) if group else [],
        "meeting_form": meeting_form or MeetingForm(),
        "time_zone": practice.time_zone,
    }
    bad = form.errors or (meeting_form is not None and meeting_form.errors)
    with timezone.override(ZoneInfo(practice.time_zone)):
        return render(
            request, "peers/moderation/group_form.html", context, status=400 if bad else 200
        )


@admin_required
def group_form(request: AuthenticatedRequest, group_id=None) -> HttpResponse:
    """Add a group, or change one (`group_id`)."""
    practice = my_practice(request.user)
    group = get_managed_group(request.user, group_id) if group_id else None
    form = GroupForm(request.POST or None, practice=practice, group=group)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = save_group(
                practice=practice,
                name=data["name"],
                who_for=data["who_for"],
                moderator=data["moderator"],
                tag_ids=data["tags"],
                is_open=data["is_open"],
                group=group,
            )
        except PeerInvalid as error:
            add_problems(form, error)
        else:
            messages.success(request, f"Saved “{saved.name}”.")
            return redirect("peer_group_detail", group_id=saved.pk)
    return _render_form(request, form=form, group=group)


@admin_required
@require_POST
def meeting_add(request: AuthenticatedRequest, group_id) -> HttpResponse:
    group = get_managed_group(request.user, group_id)
    practice = my_practice(request.user)
    with timezone.override(ZoneInfo(practice.time_zone)):
        meeting_form = MeetingForm(request.POST)
        if meeting_form.is_valid():
            try:
                add_meeting(group=group, **meeting_form.cleaned_data)
            except PeerInvalid as error:
                add_problems(meeting_form, error)
            else:
                messages.success(request, "Meeting time added. Members see it on the group page.")
                return redirect("peer_group_edit", group_id=group.pk)
    form = GroupForm(practice=practice, group=group)
    return _render_form(request, form=form, group=group, meeting_form=meeting_form)


@admin_required
@require_POST
def meeting_remove(request: AuthenticatedRequest, group_id, meeting_id: int) -> HttpResponse:
    group = get_managed_group(request.user, group_id)
    remove_meeting(group=group, meeting_id=meeting_id)
    messages.success(request, "Meeting time removed.")
    return redirect("peer_group_edit", group_id=group.pk)


@admin_required
@require_POST
def group_archive(request: AuthenticatedRequest, group_id) -> HttpResponse:
    group = get_managed_group(request.user, group_id)
    archive_group(group=group)
    messages.success(
        request,
        f"Archived “{group.name}”. It is no longer suggested and takes no new posts; its "
        "members can still read what was shared.",
    )
    return redirect("peer_group_list")
