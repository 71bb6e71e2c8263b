"""Reads for the support network: the map of supports and its analysis."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from tether.accounts.models import CareTeamMember, Patient
from tether.assessments.models import Assessment
from tether.network.analysis import (
    Analysis,
    Scores,
    Step,
    Support,
    analyse,
    personal_plan,
    support_gaps,
)
from tether.network.layers import Layer
from tether.network.models import ConsentScope, SafetyPlan, SupportContact
from tether.peers.models import Membership

CHECK_IN_WINDOW = timedelta(weeks=8)


def _contact_support(contact: SupportContact, check_ins: int) -> Support:
    expects = contact.is_trusted_person and contact.invitation == SupportContact.Invitation.ACCEPTED
    return Support(
        key=f"contact:{contact.pk}",
        name=contact.name,
        layer=contact.layer,
        active=contact.state == SupportContact.State.ACTIVE,
        kind=contact.kind,
        relationship=contact.relationship,
        check_ins=check_ins,
        last_seen_at=contact.last_checked_in_at,
        since=contact.created_at,
        expects_check_ins=expects and getattr(contact, "nudged", False),
    )


def _care_team_support(member: CareTeamMember) -> Support:
    role = member.get_team_role_display().lower()
    return Support(
        key=f"staff:{member.staff_id}",
        name=f"{member.staff.display_name} ({role})",
        layer=Layer.PROFESSIONAL,
        active=True,
        kind="care_team",
        since=member.added_at,
    )


def _group_support(membership: Membership) -> Support:
    """A peer group the patient belongs to on Tether. It stays active while they are a member;
    the analysis reports it as lapsed after three weeks without a visit."""
    return Support(
        key=f"membership:{membership.pk}",
        name=membership.group.name,
        layer=Layer.PEER,
        active=True,
        kind="peer_group",
        last_seen_at=membership.last_visited_at,
        since=membership.joined_at,
    )


SAFETY_PLAN_SUPPORT = Support(
    key="safety-plan", name="My safety plan", layer=Layer.CRISIS, active=True, kind="safety_plan"
)


def _contacts(patient_ids: Iterable, now: datetime):
    # distinct: both counts join the same row, so each would otherwise be multiplied by the other.
    return SupportContact.objects.filter(patient_id__in=patient_ids).annotate(
        recent_check_ins=Count(
            "check_ins", filter=Q(check_ins__at__gte=now - CHECK_IN_WINDOW), distinct=True
        ),
        nudged=Count(
            "consents",
            filter=Q(
                consents__scope=ConsentScope.NUDGE_CHECK_IN, consents__withdrawn_at__isnull=True
            ),
            distinct=True,
        ),
    )


def supports_by_patient(patient_ids: list, *, now: datetime) -> dict:
    """Return {patient_id: (supports, has_safety_plan)} for many patients in four queries."""
    found: dict = defaultdict(list)
    for contact in _contacts(patient_ids, now):
        found[contact.patient_id].append(_contact_support(contact, contact.recent_check_ins))
    for member in CareTeamMember.objects.filter(patient_id__in=patient_ids).select_related("staff"):
        found[member.patient_id].append(_care_team_support(member))
    memberships = Membership.objects.filter(
        patient_id__in=patient_ids, status=Membership.Status.ACTIVE
    ).select_related("group")
    for membership in memberships:
        found[membership.patient_id].append(_group_support(membership))
    with_plan = set(
        SafetyPlan.objects.filter(patient_id__in=patient_ids).values_list("patient_id", flat=True)
    )
    result = {}
    for pid in patient_ids:
        supports = found.get(pid, [])
        if pid in with_plan:
            supports = [*supports, SAFETY_PLAN_SUPPORT]
        result[pid] = (supports, pid in with_plan)
    return result


def latest_scores(patient: Patient) -> Scores:
    """Return the bands of the latest PHQ-9 and GAD-7 and the latest MSPSS subscales."""
    latest = {}
    for code in ("phq9", "gad7", "mspss"):
        latest[code] = (
            Assessment.objects.scored()
            .filter(patient=patient, instrument=code)
            .order_by("-completed_at")
            .first()
        )
    mspss = latest["mspss"].subscale_means() if latest["mspss"] else {}
    return Scores(
        phq9_band=latest["phq9"].severity if latest["phq9"] else None,
        gad7_band=latest["gad7"].severity if latest["gad7"] else None,
        mspss=mspss,
    )


@dataclass(frozen=True)
class NetworkView:
    """Everything the "My support" page and its API show."""

    supports: list[Support]
    contacts: list[SupportContact]
    analysis: Analysis
    plan: tuple[Step, ...]
    gaps_in_words: tuple[str, ...]
    scores: Scores


def network_for(patient: Patient, *, now: datetime | None = None) -> NetworkView:
    """Return the patient's support map, its analysis and their personal plan."""
    now = now or timezone.now()
    supports, has_plan = supports_by_patient([patient.pk], now=now)[patient.pk]
    analysis = analyse(supports, has_safety_plan=has_plan, now=now)
    scores = latest_scores(patient)
    return NetworkView(
        supports=supports,
        contacts=list(patient.supports.prefetch_related("consents").order_by("kind", "name")),
        analysis=analysis,
        plan=personal_plan(analysis, scores),
        gaps_in_words=support_gaps(analysis, scores),
        scores=scores,
    )


def coverage_summaries(patient_ids: list, *, now: datetime | None = None) -> dict:
    """Return {patient_id: "3/5 layers, 1 single point"} for a page of the caseload."""
    now = now or timezone.now()
    return {
        pid: analyse(supports, has_safety_plan=has_plan, now=now).summary()
        for pid, (supports, has_plan) in supports_by_patient(patient_ids, now=now).items()
    }
