"""Invitations: a practice's coordinators and admins invite its patients. A coordinator sees
and acts on the invitations of the patients whose care team they are on, an admin on all of
their practice's; everyone else (clinicians, peer supporters, patients, other practices) gets
the 404 of an invitation that does not exist."""

from django.db.models import QuerySet

from tether.access.lookup import one_or_404
from tether.access.patients import visible_patients
from tether.accounts.models import Patient, Role, User
from tether.invitations.models import Invitation
from tether.lib.reads import door

INVITER_ROLES = (Role.COORDINATOR, Role.ADMIN)


def may_invite(user: User) -> bool:
    """Return whether `user` invites patients at all (an active coordinator or admin of a
    practice)."""
    return (
        user.is_authenticated
        and user.is_active
        and user.role in INVITER_ROLES
        and user.practice_id is not None
    )


@door("invitation", patient="patient")
def visible_invitations(user: User) -> QuerySet[Invitation]:
    """Return the invitations `user` may see and act on, newest first."""
    if not may_invite(user):
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(patient__in=visible_patients(user))
        .select_related("patient", "invited_by")
        .order_by("-created_at")
    )


@door("invitation", patient="patient")
def get_invitation(user: User, invitation_id: object) -> Invitation:
    """Return an invitation `user` may act on, else raise Http404."""
    return one_or_404(visible_invitations(user), invitation_id, "invitation")


@door("record", patient="")
def patients_to_invite(user: User) -> QuerySet[Patient]:
    """Return the patients without an account whom `user` may invite."""
    if not may_invite(user):
        return Patient.objects.none()
    return visible_patients(user).filter(user__isnull=True).order_by("last_name", "first_name")


@door("record", patient="")
def get_patient_to_invite(user: User, patient_id: object) -> Patient:
    """Return a patient without an account whom `user` may invite, else raise Http404."""
    return one_or_404(patients_to_invite(user), patient_id, "patient")
