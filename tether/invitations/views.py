"""Invitation pages: the coordinator's list and forms, and the patient's link, acceptance and
first-run page."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tether.access import get_own_patient
from tether.access.decorators import patient_required, role_required
from tether.access.invitations import (
    INVITER_ROLES,
    get_invitation,
    get_patient_to_invite,
    patients_to_invite,
    visible_invitations,
)
from tether.accounts.http import AuthenticatedRequest
from tether.accounts.models import CareTeamMember
from tether.accounts.services import CareTeamError
from tether.invitations import services
from tether.invitations.forms import AcceptForm, AddPatientForm, ContactForm
from tether.invitations.notice import NOTICE_VERSION, communication_text, notice_paragraphs
from tether.invitations.tokens import BadInvitationLink

inviter_required = role_required(*INVITER_ROLES)


@inviter_required
def invitation_list(request: AuthenticatedRequest) -> HttpResponse:
    """Invitations with their state, and the patients still without an account."""
    now = timezone.now()
    invitations = [(i, i.state_at(now)) for i in visible_invitations(request.user)[:200]]
    invited = {i.patient_id for i, state in invitations if i.is_live_at(now)}
    waiting = [p for p in patients_to_invite(request.user)[:200] if p.pk not in invited]
    return render(
        request,
        "invitations/list.html",
        {"invitations": invitations, "waiting": waiting, "State": services.Invitation.State},
    )


@inviter_required
def add_patient(request: AuthenticatedRequest) -> HttpResponse:
    """Add a patient with their care team and, unless asked not to, invite them."""
    form = AddPatientForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                patient = services.add_patient(
                    by=request.user,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    date_of_birth=data["date_of_birth"],
                    preferred_language=data["preferred_language"],
                    coordinator=data["coordinator"],
                    clinicians=list(data["clinicians"]),
                )
                if data["send_now"]:
                    services.invite_patient(
                        patient=patient, by=request.user, email=data["email"], phone=data["mobile"]
                    )
        except (CareTeamError, services.InvitationError) as error:
            form.add_error(None, str(error))
        else:
            note = "and invited them" if data["send_now"] else "; invite them when you are ready"
            messages.success(request, f"Added {patient.full_name} {note}.")
            return redirect("invitation_list")
    return render(request, "invitations/add_patient.html", {"form": form})


@inviter_required
def invite_patient(request: AuthenticatedRequest, patient_id) -> HttpResponse:
    """Invite a patient who was added without an account."""
    patient = get_patient_to_invite(request.user, patient_id)
    form = ContactForm(request.POST or None, practice=patient.practice)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_patient(
                patient=patient,
                by=request.user,
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["mobile"],
            )
        except services.InvitationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Invitation sent to {patient.full_name}.")
            return redirect("invitation_list")
    return render(request, "invitations/invite.html", {"form": form, "patient": patient})


@inviter_required
@require_POST
def resend_invitation(request: AuthenticatedRequest, invitation_id) -> HttpResponse:
    invitation = get_invitation(request.user, invitation_id)
    try:
        services.resend_invitation(invitation=invitation, by=request.user)
    except services.InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "A new link is on its way; the old one no longer works.")
    return redirect("invitation_list")


@inviter_required
@require_POST
def withdraw_invitation(request: AuthenticatedRequest, invitation_id) -> HttpResponse:
    invitation = get_invitation(request.user, invitation_id)
    try:
        services.withdraw_invitation(invitation=invitation, by=request.user)
    except services.InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Invitation withdrawn: its link no longer works.")
    return redirect("invitation_list")


def _dead(request, invitation: services.Invitation | None) -> HttpResponse:
    practice = services.practice_of(invitation)
    return render(request, "invitations/dead_link.html", {"practice": practice}, status=410)


@never_cache
def accept_invitation(request, token: str) -> HttpResponse:
    """The patient's link: set a username and password, accept the notice, and go in."""
    try:
        invitation = services.open_invitation(token)
    except BadInvitationLink:
        return _dead(request, None)
    except services.DeadLink as dead:
        return _dead(request, dead.invitation)
    form = AcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.validate_new_password(
                data["password1"], username=data["username"], email=invitation.email
            )
            accepted = services.accept_invitation(
                token=token,
                username=data["username"],
                password=data["password1"],
                accepts_notice=data["accepts_notice"],
                accepts_messages=data["accepts_messages"],
            )
        except ValidationError as error:
            form.add_error("password1", error)
        except services.InvitationError as error:
            form.add_error(None, str(error))
        except (BadInvitationLink, services.DeadLink):
            return _dead(request, invitation)
        else:
            login(request, accepted.user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("first_run")
    practice = invitation.practice
    context = {
        "form": form,
        "practice": practice,
        "notice": notice_paragraphs(practice.name),
        "communication": communication_text(practice.name),
        "notice_version": NOTICE_VERSION,
    }
    return render(request, "invitations/accept.html", context)


@patient_required
def first_run(request: AuthenticatedRequest) -> HttpResponse:
    """A new patient's first page: their safety plan, a check-in, and who is on their team."""
    patient = get_own_patient(request.user)
    team = patient.care_team.select_related("staff").order_by("team_role", "staff__last_name")
    coordinators = [m for m in team if m.team_role == CareTeamMember.TeamRole.COORDINATOR]
    return render(
        request,
        "invitations/first_run.html",
        {"patient": patient, "team": coordinators + [m for m in team if m not in coordinators]},
    )
