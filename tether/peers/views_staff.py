"""The care team's side of peer communities. The patient's groups are a section of the staff
patient page (care.views, through peers.selectors); this is the one look-up that links a
pseudonym to the patient, open only to their own care team and recorded in the audit log."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tether.access import get_membership_for_care_team
from tether.access.decorators import care_staff_required
from tether.accounts.http import AuthenticatedRequest
from tether.peers.services import reveal_member


@care_staff_required
@require_POST
@never_cache
def reveal(request: AuthenticatedRequest, membership_id) -> HttpResponse:
    membership = get_membership_for_care_team(request.user, membership_id)
    patient = reveal_member(user=request.user, membership=membership)
    context = {"membership": membership, "patient": patient}
    return render(request, "peers/staff/reveal.html", context)
