"""The one door to patient data.

Every view, API endpoint, export and job asks here which patients and alerts a user may see
or change. A forbidden object and an unknown one get the same answer, Http404, so nobody can
learn that a record exists by probing ids.

Rules:
- a patient sees only their own records;
- care coordinators and clinicians see the patients whose care team they are on;
- a practice admin sees every patient of their own practice;
- peer supporters see no clinical records: the outreach tasks a patient routed to them, and
  in the groups they moderate, posts and members by pseudonym only;
- in a peer group, members see each other only by pseudonym; only a member's own care team
  may link a pseudonym to the patient, and that look-up is audited (peers.services);
- nobody ever sees another practice's data;
- words that screening put in front of a human (crisis.ScreenedText) are read by the care
  staff who may see the patient (coordinators, clinicians, admins); never by peer supporters,
  nor by the patient as a review item;
- practice outcome figures (care/outcomes.py) are aggregates over the whole practice for its
  clinicians and admins (can_see_outcomes; everyone else, coordinators included, gets a 404);
  they never return a patient, so they read episodes directly;
- a trusted person sees only what the patient consents to, through a signed single-purpose
  link that stops working the moment consent is withdrawn, and never scores or answers;
- consent belongs to the patient: only the patient's own account may grant or widen what a
  trusted person sees or is told (care staff may suggest, and may withdraw).
"""

from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from tether.accounts.models import Patient, Role, User
from tether.care.models import Recommendation, TreatmentEpisode
from tether.crisis.models import AlertEvent, RiskAlert, ScreenedText
from tether.engagement.models import Appointment, Enrollment, OutreachTask, Program
from tether.network.links import (
    PURPOSE_SCOPE,
    BadLink,
    Purpose,
    read_patient_plan_token,
    read_trusted_token,
)
from tether.network.models import SupportContact
from tether.peers.models import BelongingCheck, Membership, PeerGroup, Post


def visible_patients(user: User) -> QuerySet[Patient]:
    """Return the patients whose records `user` may see."""
    if not user.is_authenticated or not user.is_active:
        return Patient.objects.none()
    if user.role == Role.PATIENT:
        return Patient.objects.filter(user=user)
    if user.practice_id is None:
        return Patient.objects.none()
    in_practice = Patient.objects.filter(practice_id=user.practice_id)
    if user.role == Role.ADMIN:
        return in_practice
    if user.role in (Role.COORDINATOR, Role.CLINICIAN):
        return in_practice.filter(care_team__staff=user)
    return Patient.objects.none()


def _as_uuid(value: object) -> UUID:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except ValueError:
        raise Http404("No such patient.") from None


def get_patient(user: User, patient_id: object) -> Patient:
    """Return the patient if `user` may see their records, else raise Http404."""
    patient = visible_patients(user).filter(pk=_as_uuid(patient_id)).first()
    if patient is None:
        raise Http404("No such patient.")
    return patient


def get_own_patient(user: User) -> Patient:
    """Return the patient record of a signed-in patient, else raise Http404."""
    # Check the role first: an anonymous user has no pk to filter by.
    if not user.is_authenticated or user.role != Role.PATIENT:
        raise Http404("No patient record for this account.")
    patient = visible_patients(user).first()
    if patient is None:
        raise Http404("No patient record for this account.")
    return patient


def is_care_staff(user: User) -> bool:
    """Return whether `user` works with alerts and caseloads (coordinator, clinician, admin)."""
    return user.is_authenticated and user.is_active and user.is_care_staff


def visible_alerts(user: User) -> QuerySet[RiskAlert]:
    """Return the risk alerts `user` may see: those of patients they may see, and — for care
    staff — those of their own practice they were paged about (on call, backup), even when
    the patient is not on their care team."""
    mine = Q(patient__in=visible_patients(user))
    if is_care_staff(user) and user.practice_id is not None:
        paged = AlertEvent.objects.filter(alert=OuterRef("pk"), recipient=user)
        mine |= Q(patient__practice_id=user.practice_id) & Q(Exists(paged))
    return RiskAlert.objects.filter(mine)


def get_alert_for_staff(user: User, alert_id: object) -> RiskAlert:
    """Return an alert that `user` may act on (acknowledge, resolve), else raise Http404.
    Only care staff act on alerts; a patient may see that one exists but not change it."""
    if not is_care_staff(user):
        raise Http404("No such alert.")
    try:
        pk = _as_uuid(alert_id)
    except Http404:
        raise Http404("No such alert.") from None
    alert = visible_alerts(user).select_related("patient").filter(pk=pk).first()
    if alert is None:
        raise Http404("No such alert.")
    return alert


def visible_screened_texts(user: User) -> QuerySet[ScreenedText]:
    """Return the screened texts `user` may review: care staff only, for patients they may
    see. Peer supporters and patients get none."""
    if not is_care_staff(user):
        return ScreenedText.objects.none()
    return ScreenedText.objects.filter(patient__in=visible_patients(user))


def get_screened_text_for_staff(user: User, screened_id: object) -> ScreenedText:
    """Return one screened text `user` may review (mark as seen), else raise Http404."""
    return _one(visible_screened_texts(user).select_related("patient"), screened_id, "text")


# --- The support network -----------------------------------------------------------------


def get_support(user: User, patient_id: object, contact_id: object) -> SupportContact:
    """Return one of a visible patient's supports, else raise Http404."""
    patient = get_patient(user, patient_id)
    try:
        pk = _as_uuid(contact_id)
    except Http404:
        raise Http404("No such support.") from None
    contact = patient.supports.filter(pk=pk).first()
    if contact is None:
        raise Http404("No such support.")
    return contact


def may_widen_sharing(user: User, contact: SupportContact) -> bool:
    """Return whether `user` may grant or widen what this trusted person sees or is told:
    only the patient's own, active account."""
    return (
        user.is_authenticated
        and user.is_active
        and user.role == Role.PATIENT
        and contact.patient.user_id == user.pk
    )


def trusted_scopes(contact: SupportContact) -> set[str]:
    """Return what the patient shares with this trusted person right now."""
    return set(contact.consents.filter(withdrawn_at__isnull=True).values_list("scope", flat=True))


def get_trusted_contact(token: str, purpose: str) -> SupportContact:
    """Return the trusted person a signed link was sent to, if the link is genuine, unexpired,
    for this purpose, newer than any withdrawal, and the patient still consents to what it
    opens. Anything else is Http404: the link simply no longer works."""
    try:
        link = read_trusted_token(token, purpose)
    except BadLink:
        raise Http404("This link has expired or no longer works.") from None
    contact = (
        SupportContact.objects.select_related("patient", "patient__practice")
        .filter(
            pk=link.contact_id,
            kind=SupportContact.Kind.TRUSTED_PERSON,
            link_version=link.version,
        )
        .first()
    )
    if contact is None:
        raise Http404("This link has expired or no longer works.")
    scopes = trusted_scopes(contact)
    needed = PURPOSE_SCOPE[purpose]
    if not scopes or (needed is not None and needed not in scopes):
        raise Http404("This link has expired or no longer works.")
    # A scoped link lives only as long as the very consent it was made under.
    if (
        needed is not None
        and not contact.consents.filter(
            pk=link.grant_id, scope=needed, withdrawn_at__isnull=True
        ).exists()
    ):
        raise Http404("This link has expired or no longer works.")
    if purpose != Purpose.INVITATION and contact.invitation != SupportContact.Invitation.ACCEPTED:
        raise Http404("This link has expired or no longer works.")
    return contact


def get_patient_by_plan_link(token: str) -> Patient:
    """Return the patient whose own short-lived safety-plan link this is, else Http404."""
    try:
        patient_id = read_patient_plan_token(token)
    except BadLink:
        raise Http404("This link has expired. Please sign in to see your plan.") from None
    patient = Patient.objects.filter(pk=patient_id, user__is_active=True).first()
    if patient is None:
        raise Http404("This link has expired. Please sign in to see your plan.")
    return patient


# --- Programs, appointments and outreach -------------------------------------------------


def _get_patient_record(queryset, user: User, record_id: object, what: str):
    """Return one record of a patient `user` may see, else raise Http404 naming `what`."""
    try:
        pk = _as_uuid(record_id)
    except Http404:
        raise Http404(f"No such {what}.") from None
    record = (
        queryset.filter(pk=pk, patient__in=visible_patients(user))
        .select_related("patient", "patient__practice")
        .first()
    )
    if record is None:
        raise Http404(f"No such {what}.")
    return record


def get_appointment(user: User, appointment_id: object) -> Appointment:
    """Return an appointment of a patient `user` may see, else raise Http404."""
    return _get_patient_record(Appointment.objects.all(), user, appointment_id, "appointment")


def get_appointment_for_staff(user: User, appointment_id: object) -> Appointment:
    """Return an appointment `user` may change (record attendance), else raise Http404. Only
    care staff change appointments."""
    if not is_care_staff(user):
        raise Http404("No such appointment.")
    return get_appointment(user, appointment_id)


def get_enrollment(user: User, enrollment_id: object) -> Enrollment:
    """Return an enrollment of a patient `user` may see, else raise Http404."""
    queryset = Enrollment.objects.select_related("program")
    return _get_patient_record(queryset, user, enrollment_id, "enrollment")


def get_enrollment_for_staff(user: User, enrollment_id: object) -> Enrollment:
    """Return an enrollment `user` may act on (record the intake call), else raise Http404."""
    if not is_care_staff(user):
        raise Http404("No such enrollment.")
    return get_enrollment(user, enrollment_id)


def visible_outreach_tasks(user: User) -> QuerySet[OutreachTask]:
    """Return the outreach tasks `user` works: care staff, for patients they may see; a peer
    supporter, only the tasks the patient consented to route to them (never the record)."""
    if not user.is_authenticated or not user.is_active:
        return OutreachTask.objects.none()
    if user.role == Role.PEER_SUPPORTER and user.practice_id is not None:
        return OutreachTask.objects.filter(
            assigned_to=user,
            route=OutreachTask.Route.PEER_SUPPORTER,
            patient__practice_id=user.practice_id,
        )
    if not is_care_staff(user):
        return OutreachTask.objects.none()
    return OutreachTask.objects.filter(patient__in=visible_patients(user))


def get_outreach_task(user: User, task_id: object) -> OutreachTask:
    """Return an outreach task `user` may work on, else raise Http404."""
    tasks = visible_outreach_tasks(user).select_related("patient__practice")
    return _one(tasks, task_id, "outreach task")


def visible_programs(user: User) -> QuerySet[Program]:
    """Return the programs of `user`'s practice."""
    if not user.is_authenticated or not user.is_active or user.practice_id is None:
        return Program.objects.none()
    return Program.objects.filter(practice_id=user.practice_id)


# --- Peer communities ------------------------------------------------------------------------


def _active_patient_user(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.PATIENT


def my_memberships(user: User) -> QuerySet[Membership]:
    """The signed-in patient's active group memberships."""
    if not _active_patient_user(user):
        return Membership.objects.none()
    return Membership.objects.filter(
        patient__user=user, status=Membership.Status.ACTIVE
    ).select_related("group")


def _one(queryset: QuerySet, record_id: object, what: str, *, field: str = "pk"):
    """The one row of `queryset` whose `field` is `record_id` (a UUID), else Http404 naming
    `what`. Malformed, unknown and forbidden ids all get the same answer."""
    try:
        pk = _as_uuid(record_id)
    except Http404:
        raise Http404(f"No such {what}.") from None
    found = queryset.filter(**{field: pk}).first()
    if found is None:
        raise Http404(f"No such {what}.")
    return found


def get_membership(user: User, group_id: object) -> Membership:
    """The signed-in patient's active membership of a group, else Http404: only members read
    and write a group's posts."""
    memberships = my_memberships(user).select_related("patient__practice")
    return _one(memberships, group_id, "group", field="group_id")


def joinable_groups(user: User) -> QuerySet[PeerGroup]:
    """Open groups of the signed-in patient's practice (to be suggested and joined)."""
    if not _active_patient_user(user) or user.practice_id is None:
        return PeerGroup.objects.none()
    return PeerGroup.objects.filter(practice_id=user.practice_id, is_open=True)


def get_joinable_group(user: User, group_id: object) -> PeerGroup:
    return _one(joinable_groups(user), group_id, "group")


def get_member_post(user: User, post_id: object) -> Post:
    """A visible post in a group the signed-in patient belongs to (to reply or report)."""
    posts = Post.objects.filter(
        status=Post.Status.VISIBLE, group__in=my_memberships(user).values("group")
    ).select_related("group")
    return _one(posts, post_id, "post")


def get_own_post(user: User, post_id: object) -> Post:
    """A post the signed-in patient wrote in a group they still belong to, hidden or not."""
    posts = Post.objects.filter(author__in=my_memberships(user))
    return _one(posts.select_related("group", "risk_alert"), post_id, "post")


def my_open_belonging_checks(user: User) -> QuerySet[BelongingCheck]:
    """The signed-in patient's unanswered belonging questions."""
    return BelongingCheck.objects.filter(
        membership__in=my_memberships(user), answered_at=None
    ).select_related("membership__group")


def moderated_groups(user: User) -> QuerySet[PeerGroup]:
    """Groups `user` moderates: a peer supporter their own; an admin every group of the
    practice. Coordinators and clinicians do not moderate (they see alerts, not posts)."""
    if not user.is_authenticated or not user.is_active or user.practice_id is None:
        return PeerGroup.objects.none()
    groups = PeerGroup.objects.filter(practice_id=user.practice_id)
    if user.role == Role.PEER_SUPPORTER:
        return groups.filter(moderator=user)
    if user.role == Role.ADMIN:
        return groups
    return PeerGroup.objects.none()


def get_moderated_group(user: User, group_id: object) -> PeerGroup:
    return _one(moderated_groups(user), group_id, "group")


def get_post_for_moderator(user: User, post_id: object) -> Post:
    posts = Post.objects.filter(group__in=moderated_groups(user))
    return _one(posts.select_related("group", "author"), post_id, "post")


def get_belonging_check(user: User, check_id: object) -> BelongingCheck:
    """One of the signed-in patient's own belonging questions, else Http404."""
    try:
        pk = int(str(check_id))
    except ValueError:
        raise Http404("No such question.") from None
    check = (
        BelongingCheck.objects.filter(
            pk=pk, membership__patient__user=user, membership__status=Membership.Status.ACTIVE
        )
        .select_related("membership__group")
        .first()
        if _active_patient_user(user)
        else None
    )
    if check is None:
        raise Http404("No such question.")
    return check


def get_membership_for_care_team(user: User, membership_id: object) -> Membership:
    """A membership of a patient on `user`'s care team (coordinator or clinician), else
    Http404. Admins see the practice's patients but do not link pseudonyms."""
    if not user.is_authenticated or user.role not in (Role.COORDINATOR, Role.CLINICIAN):
        raise Http404("No such member.")
    memberships = Membership.objects.filter(patient__in=visible_patients(user))
    return _one(memberships.select_related("group", "patient"), membership_id, "member")


# --- Measurement-based care -------------------------------------------------------------------

OUTCOME_ROLES = frozenset({Role.CLINICIAN, Role.ADMIN})


def can_see_outcomes(user: User) -> bool:
    """Return whether `user` may see their practice's outcome figures: its active clinicians
    and admins only."""
    return (
        user.is_authenticated
        and user.is_active
        and user.role in OUTCOME_ROLES
        and user.practice_id is not None
    )


def get_episode(user: User, episode_id: object) -> TreatmentEpisode:
    """A treatment episode of a patient `user` may see, else Http404."""
    return _get_patient_record(TreatmentEpisode.objects.all(), user, episode_id, "episode")


def get_episode_for_staff(user: User, episode_id: object) -> TreatmentEpisode:
    """An episode `user` may change (end it, recommend for it): care staff only."""
    if not is_care_staff(user):
        raise Http404("No such episode.")
    return get_episode(user, episode_id)


def get_recommendation(user: User, recommendation_id: object) -> Recommendation:
    """A case-review recommendation assigned to or made by `user`, for a patient they may
    see, else Http404."""
    mine = Recommendation.objects.filter(
        Q(assigned_to=user) | Q(recommended_by=user),
        episode__patient__in=visible_patients(user),
    ).select_related("episode__patient")
    return _one(mine, recommendation_id, "recommendation")
