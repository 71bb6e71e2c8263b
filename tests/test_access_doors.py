"""Every door of tether.access, for every persona, on own, other-team and other-practice data.

Personas: the patient and another patient of the practice; a coordinator and a clinician on
the patient's care team and another pair on the other patient's team only; the practice admin;
a peer supporter; an admin of another practice (the outsider); an anonymous visitor. "own" is
the first patient's record, "other_team" the second patient's, "other_practice" a record of
the outsider's practice. A door returns the object, or raises Http404 — the same for a
forbidden record as for an unknown one.
"""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from tests.factories import PracticeFactory, UserFactory, make_patient
from tether import access
from tether.access.decorators import (
    admin_required,
    care_staff_required,
    moderator_required,
    outreach_worker_required,
    patient_required,
    role_required,
)
from tether.accounts.models import Role
from tether.assessments.models import Assessment
from tether.care.models import CaseReview, Recommendation, TreatmentEpisode
from tether.crisis.models import OnCallShift, RiskAlert, RiskScreen
from tether.engagement.models import Appointment, Enrollment, Program
from tether.network.models import Consent, ConsentScope, SupportContact
from tether.notifications.models import Delivery
from tether.peers.models import ExperienceProfile, Membership, PeerGroup, Post

pytestmark = pytest.mark.django_db

PERSONAS = [
    "patient",
    "other_patient",
    "coordinator",
    "clinician",
    "coordinator_off_team",
    "clinician_off_team",
    "admin",
    "peer_supporter",
    "outsider",
    "anonymous",
]
SCOPES = ["own", "other_team", "other_practice"]

# Whose patient records each persona sees.
SEES = {
    "patient": {"own"},
    "other_patient": {"other_team"},
    "coordinator": {"own"},
    "clinician": {"own"},
    "coordinator_off_team": {"other_team"},
    "clinician_off_team": {"other_team"},
    "admin": {"own", "other_team"},
    "peer_supporter": set(),
    "outsider": {"other_practice"},
    "anonymous": set(),
}
PATIENTS = {"patient", "other_patient"}
# Care staff act on what they see; patients only read their own.
STAFF_SEES = {p: set() if p in PATIENTS else s for p, s in SEES.items()}
# Care staff of the record's practice, whatever the care team.
CARE_STAFF_OF = {
    "coordinator": {"own", "other_team"},
    "clinician": {"own", "other_team"},
    "coordinator_off_team": {"own", "other_team"},
    "clinician_off_team": {"own", "other_team"},
    "admin": {"own", "other_team"},
    "outsider": {"other_practice"},
}


class World:
    """Two practices, their people, and one record of every kind per patient."""

    def __init__(self):
        now = timezone.now()
        self.now = now
        a, b = PracticeFactory(), PracticeFactory()
        self.practice = {"own": a, "other_team": a, "other_practice": b}

        def staff(practice, role):
            return UserFactory(practice=practice, role=role)

        people = {
            "coordinator": staff(a, Role.COORDINATOR),
            "clinician": staff(a, Role.CLINICIAN),
            "coordinator_off_team": staff(a, Role.COORDINATOR),
            "clinician_off_team": staff(a, Role.CLINICIAN),
            "admin": staff(a, Role.ADMIN),
            "peer_supporter": staff(a, Role.PEER_SUPPORTER),
            "outsider": staff(b, Role.ADMIN),
        }
        b_coordinator, b_clinician = staff(b, Role.COORDINATOR), staff(b, Role.CLINICIAN)
        self.patients = {
            "own": make_patient(
                practice=a,
                coordinator=people["coordinator"],
                clinicians=[people["clinician"]],
            ),
            "other_team": make_patient(
                practice=a,
                coordinator=people["coordinator_off_team"],
                clinicians=[people["clinician_off_team"]],
            ),
            "other_practice": make_patient(
                practice=b, coordinator=b_coordinator, clinicians=[b_clinician]
            ),
        }
        people["patient"] = self.patients["own"].user
        people["other_patient"] = self.patients["other_team"].user
        people["anonymous"] = AnonymousUser()
        self.people = people
        self.clinician_of = {
            "own": people["clinician"],
            "other_team": people["clinician_off_team"],
            "other_practice": b_clinician,
        }
        self.records = {scope: self._records(scope) for scope in SCOPES}

    def _records(self, scope: str) -> dict:
        patient, practice = self.patients[scope], self.practice[scope]
        clinician, now = self.clinician_of[scope], self.now
        episode = TreatmentEpisode.objects.create(
            patient=patient, started_on=date(2026, 1, 5), started_by=clinician
        )
        review = CaseReview.objects.get_or_create(
            practice=practice, week_of=date(2026, 1, 5), defaults={"consultant": clinician}
        )[0]
        contact = SupportContact.objects.create(
            patient=patient,
            kind=SupportContact.Kind.TRUSTED_PERSON,
            name="Sam",
            created_by=patient.user,
        )
        group = PeerGroup.objects.create(
            practice=practice,
            name=f"Group {scope}",
            who_for="Anyone",
            moderator=UserFactory(practice=practice, role=Role.PEER_SUPPORTER),
        )
        membership = Membership.objects.create(
            group=group,
            patient=patient,
            pseudonym=f"Wren {scope}",
            joined_at=now,
            last_visited_at=now,
            belonging_due_at=now + timedelta(days=14),
        )
        return {
            "patient": patient,
            "assessment": Assessment.objects.create(
                patient=patient,
                instrument="phq9",
                answers=[1] * 9,
                total=9,
                source=Assessment.Source.SELF_REPORT,
                entered_by=patient.user,
                completed_at=now,
            ),
            "episode": episode,
            "recommendation": Recommendation.objects.create(
                review=review,
                episode=episode,
                kind=Recommendation.Kind.CONTINUE,
                text="Continue.",
                assigned_to=clinician,
                recommended_by=clinician,
                created_at=now,
            ),
            "screen": RiskScreen.objects.create(
                patient=patient,
                answers={},
                triage=RiskAlert.Triage.LOW,
                entered_by=patient.user,
                completed_at=now,
            ),
            "appointment": Appointment.objects.create(
                patient=patient,
                kind=Appointment.Kind.CHECK_IN,
                mode=Appointment.Mode.PHONE,
                starts_at=now + timedelta(days=1),
                ends_at=now + timedelta(days=1, minutes=30),
            ),
            "enrollment": Enrollment.objects.create(
                patient=patient,
                program=Program.objects.create(practice=practice, name=f"Program {scope}"),
                enrolled_at=now,
                enrolled_by=clinician,
            ),
            "contact": contact,
            "consent": Consent.objects.create(
                contact=contact,
                scope=ConsentScope.NUDGE_CHECK_IN,
                granted_at=now,
                granted_by=patient.user,
            ),
            "delivery": Delivery.objects.create(
                channel=Delivery.Channel.EMAIL,
                to="patient@example.org",
                body="Hello",
                purpose="test",
                patient=patient,
            ),
            "group": group,
            "membership": membership,
        }

    def user(self, persona: str):
        return self.people[persona]


@pytest.fixture
def world():
    return World()


def _opens(door, user, record) -> bool:
    try:
        found = door(user, record.pk)
    except Http404:
        return False
    assert found == record
    return True


def _each(answer) -> dict:
    """Return {persona: answer(persona)}: one world, every persona, and a failure that names
    each persona whose answer is wrong."""
    return {persona: answer(persona) for persona in PERSONAS}


def _expected(table: dict) -> dict:
    return {persona: table.get(persona, set()) for persona in PERSONAS}


# --- Doors that follow the patient ----------------------------------------------------------

RECORD_DOORS = [
    ("patient", access.get_patient, SEES),
    ("assessment", access.get_assessment, SEES),
    ("episode", access.get_episode, SEES),
    ("episode", access.get_episode_for_staff, STAFF_SEES),
    ("screen", access.get_risk_screen, SEES),
    ("appointment", access.get_appointment, SEES),
    ("appointment", access.get_appointment_for_staff, STAFF_SEES),
    ("enrollment", access.get_enrollment, SEES),
    ("enrollment", access.get_enrollment_for_staff, STAFF_SEES),
]


@pytest.mark.parametrize(
    "kind,door,expected", RECORD_DOORS, ids=[d.__name__ for _, d, _ in RECORD_DOORS]
)
def test_it_opens_a_record_only_to_whoever_may_see_its_patient(world, kind, door, expected):
    opened = _each(
        lambda p: {s for s in SCOPES if _opens(door, world.user(p), world.records[s][kind])}
    )
    assert opened == _expected(expected)


LISTS = [
    ("patient", access.visible_patients),
    ("assessment", access.visible_assessments),
    ("episode", access.visible_episodes),
    ("recommendation", access.visible_recommendations),
    ("screen", access.visible_risk_screens),
    ("appointment", access.visible_appointments),
    ("enrollment", access.visible_enrollments),
    ("consent", access.active_consents),
]


@pytest.mark.parametrize("kind,door", LISTS, ids=[d.__name__ for _, d in LISTS])
def test_it_lists_only_the_records_of_patients_one_may_see(world, kind, door):
    listed = _each(lambda p: set(door(world.user(p))))
    assert listed == {p: {world.records[s][kind] for s in SEES[p]} for p in PERSONAS}


def test_a_withdrawn_consent_is_not_active(world):
    consent = world.records["own"]["consent"]
    consent.withdrawn_at = world.now
    consent.save(update_fields=["withdrawn_at"])
    assert consent not in access.active_consents(world.user("patient"))


def test_a_recommendation_opens_for_who_made_it_or_must_carry_it_out(world):
    door = access.get_recommendation
    opened = _each(
        lambda p: {
            s for s in SCOPES if _opens(door, world.user(p), world.records[s]["recommendation"])
        }
    )
    assert opened == _expected({"clinician": {"own"}, "clinician_off_team": {"other_team"}})


# --- Predicates: may this person do this ----------------------------------------------------


def test_episodes_and_suggested_sharing_are_for_care_staff_of_the_patients_practice(world):
    def manages(p):
        return {s for s in SCOPES if access.may_manage_episodes(world.user(p), world.patients[s])}

    def suggests(p):
        contacts = {s: world.records[s]["contact"] for s in SCOPES}
        return {s for s, c in contacts.items() if access.may_suggest_sharing(world.user(p), c)}

    assert _each(manages) == _expected(CARE_STAFF_OF)
    assert _each(suggests) == _expected(CARE_STAFF_OF)


def test_only_the_patient_widens_what_a_trusted_person_sees(world):
    def widens(p):
        contacts = {s: world.records[s]["contact"] for s in SCOPES}
        return {s for s, c in contacts.items() if access.may_widen_sharing(world.user(p), c)}

    assert _each(widens) == _expected({"patient": {"own"}, "other_patient": {"other_team"}})


def test_case_review_outcomes_rota_and_admin_by_role_in_the_practice(world):
    practices = {
        "own": world.practice["own"].pk,
        "other_practice": world.practice["other_practice"].pk,
    }

    def where(rule):
        return _each(lambda p: {s for s, pk in practices.items() if rule(world.user(p), pk)})

    clinicians = {"clinician": {"own"}, "clinician_off_team": {"own"}}
    admins = {"admin": {"own"}, "outsider": {"other_practice"}}
    assert where(access.may_consult) == _expected(clinicians | admins)
    assert where(access.may_recommend) == _expected(clinicians)
    assert where(access.may_change_rota) == _expected(admins)
    assert where(access.is_practice_admin) == _expected(admins)
    outcomes = _each(lambda p: access.can_see_outcomes(world.user(p)))
    assert outcomes == {p: p in clinicians or p in admins for p in PERSONAS}


def test_a_shift_is_changed_only_by_an_admin_of_its_practice(world):
    shifts = {
        scope: OnCallShift.objects.create(
            practice=world.practice[scope],
            clinician=world.clinician_of[scope],
            starts_at=world.now,
            ends_at=world.now + timedelta(hours=8),
        )
        for scope in ("own", "other_practice")
    }
    door = access.get_shift_for_admin
    opened = _each(
        lambda p: {s for s, shift in shifts.items() if _opens(door, world.user(p), shift)}
    )
    assert opened == _expected({"admin": {"own"}, "outsider": {"other_practice"}})


def test_the_staff_one_may_pick_are_the_active_staff_of_ones_own_practice(world):
    peer = world.user("peer_supporter")
    inactive = UserFactory(practice=world.practice["own"], role=Role.PEER_SUPPORTER)
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    b_peer = UserFactory(practice=world.practice["other_practice"], role=Role.PEER_SUPPORTER)
    candidates = {
        "peer supporter": (peer, [Role.PEER_SUPPORTER]),
        "peer supporter, any role": (peer, []),
        "peer supporter asked for as a clinician": (peer, [Role.CLINICIAN]),
        "inactive peer supporter": (inactive, [Role.PEER_SUPPORTER]),
        "other practice's peer supporter": (b_peer, [Role.PEER_SUPPORTER]),
        "a patient": (world.user("patient"), []),
    }

    def picks(p):
        found = set()
        for name, (staff, roles) in candidates.items():
            try:
                if access.get_practice_staff(world.user(p), staff.pk, *roles) == staff:
                    found.add(name)
            except Http404:
                pass
        return found

    in_a = {"peer supporter", "peer supporter, any role"}
    assert _each(picks) == {
        p: set()
        if p == "anonymous"
        else {"other practice's peer supporter"}
        if p == "outsider"
        else in_a
        for p in PERSONAS
    }
    listed = _each(lambda p: set(access.my_practice_staff(world.user(p), Role.PEER_SUPPORTER)))
    a_peers = {peer, world.records["own"]["group"].moderator}
    a_peers.add(world.records["other_team"]["group"].moderator)
    b_peers = {b_peer, world.records["other_practice"]["group"].moderator}
    assert listed == {
        p: set() if p == "anonymous" else b_peers if p == "outsider" else a_peers for p in PERSONAS
    }


def test_a_group_is_moderated_by_its_peer_supporter_and_its_practices_admins(world):
    own_group = world.records["own"]["group"]
    own_group.moderator = world.user("peer_supporter")
    own_group.save(update_fields=["moderator"])
    groups = {
        "own": own_group,
        # Another peer supporter's group in the same practice.
        "other_team": world.records["other_team"]["group"],
        "other_practice": world.records["other_practice"]["group"],
    }
    expected = _expected(
        {
            "peer_supporter": {"own"},
            "admin": {"own", "other_team"},
            "outsider": {"other_practice"},
        }
    )
    moderates = _each(
        lambda p: {s for s, g in groups.items() if access.can_moderate(world.user(p), g)}
    )
    assert moderates == expected
    # The query says the same as the predicate.
    listed = _each(lambda p: set(access.moderated_groups(world.user(p))))
    assert listed == {p: {groups[s] for s in expected[p]} for p in PERSONAS}


def test_only_the_members_own_coordinator_or_clinician_links_a_pseudonym(world):
    on_team = _expected(
        {
            "coordinator": {"own"},
            "clinician": {"own"},
            "coordinator_off_team": {"other_team"},
            "clinician_off_team": {"other_team"},
        }
    )
    links = _each(
        lambda p: {
            s for s in SCOPES if access.may_link_pseudonym(world.user(p), world.patients[s].pk)
        }
    )
    assert links == on_team
    door = access.get_membership_for_care_team
    opened = _each(
        lambda p: {s for s in SCOPES if _opens(door, world.user(p), world.records[s]["membership"])}
    )
    assert opened == on_team


def test_the_posts_behind_an_alert_are_shown_to_whoever_sees_the_alert(world):
    membership = world.records["own"]["membership"]
    alert = RiskAlert.objects.create(
        patient=world.patients["own"],
        reason=RiskAlert.Reason.CRISIS_LANGUAGE,
        created_at=world.now,
    )
    post = Post.objects.create(
        group=membership.group,
        author=membership,
        body="words",
        created_at=world.now,
        risk_alert=alert,
    )
    found = _each(lambda p: access.posts_for_alert(world.user(p), alert))
    # Whoever sees the alert: the patient, their care team, the practice admin.
    sees = {"patient", "coordinator", "clinician", "admin"}
    assert {p: f.posts for p, f in found.items()} == {
        p: [post] if p in sees else [] for p in PERSONAS
    }
    assert {p: f.can_reveal for p, f in found.items()} == {
        p: p in ("coordinator", "clinician") for p in PERSONAS
    }


def test_ones_own_experience_only(world):
    profile = ExperienceProfile.objects.create(
        patient=world.patients["own"], description="Hard months", updated_at=world.now
    )
    found = _each(lambda p: access.own_experience(world.user(p)))
    assert found == {p: profile if p == "patient" else None for p in PERSONAS}


def test_failed_messages_are_reviewed_by_care_staff_who_may_see_them(world):
    to_staff = {
        name: Delivery.objects.create(
            channel=Delivery.Channel.EMAIL,
            to="staff@example.org",
            body="Digest",
            purpose="test",
            user=world.user(name),
        )
        for name in ("coordinator", "peer_supporter", "outsider")
    }

    def expected(p):
        if p not in CARE_STAFF_OF:  # patients, peer supporters, visitors: none
            return set()
        mine = {world.records[s]["delivery"] for s in SEES[p]}  # the patients they see
        mine |= {to_staff[p]} if p in to_staff else set()  # their own
        if p == "admin":  # and anyone's on the practice's staff
            mine |= {to_staff["coordinator"], to_staff["peer_supporter"]}
        return mine

    seen = _each(lambda p: set(access.visible_deliveries(world.user(p))))
    assert seen == {p: expected(p) for p in PERSONAS}


# --- The single 404 -------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["not-a-uuid", "", None, 12345, "1; DROP TABLE", 2**70])
def test_a_malformed_id_is_as_unknown_as_a_missing_one(world, bad):
    with pytest.raises(Http404, match="No such questionnaire."):
        access.get_assessment(world.user("admin"), bad)
    with pytest.raises(Http404, match="No such question."):
        access.get_belonging_check(world.user("patient"), bad)


def test_one_or_404_reads_integer_ids_as_the_field_does(world):
    membership = world.records["own"]["membership"]
    check = membership.belonging_checks.create(asked_at=world.now)
    checks = membership.belonging_checks.all()
    assert access.one_or_404(checks, str(check.pk), "question") == check
    with pytest.raises(Http404, match="No such question."):
        access.one_or_404(checks, f"{check.pk}.5", "question")


# --- The role decorator ---------------------------------------------------------------------


def _page(request):
    return HttpResponse("ok")


CARE_STAFF = {"coordinator", "clinician", "coordinator_off_team", "clinician_off_team", "admin"}
DECORATED = {
    "patient_required": (patient_required, {"patient", "other_patient"}),
    "care_staff_required": (care_staff_required, CARE_STAFF | {"outsider"}),
    "outreach_worker_required": (
        outreach_worker_required,
        CARE_STAFF | {"outsider", "peer_supporter"},
    ),
    "moderator_required": (moderator_required, {"admin", "outsider", "peer_supporter"}),
    "admin_required": (admin_required, {"admin", "outsider"}),
}


@pytest.mark.parametrize("name", DECORATED)
def test_role_required_lets_in_the_roles_it_names_and_404s_the_rest(world, name):
    decorator, allowed = DECORATED[name]
    view = decorator(_page)

    def answer(p):
        request = RequestFactory().get("/somewhere/")
        request.user = world.user(p)
        try:
            response = view(request)
        except Http404:
            return 404
        if response.status_code == 302:
            assert "/login/" in response["Location"]
        return response.status_code

    expected = {p: 200 if p in allowed else 404 for p in PERSONAS}
    expected["anonymous"] = 302  # to the sign-in page
    assert _each(answer) == expected


def test_role_required_refuses_an_inactive_account_or_one_outside_any_practice(world):
    view = role_required(Role.ADMIN)(_page)
    request = RequestFactory().get("/somewhere/")
    admin = world.user("admin")
    admin.is_active = False
    request.user = admin
    with pytest.raises(Http404):
        view(request)
    request.user = UserFactory(practice=None, role=Role.ADMIN)
    with pytest.raises(Http404):
        view(request)
