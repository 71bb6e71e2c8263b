"""The world the access matrix runs in: the personas of conftest.People, and one of every kind
of record for each of the three patients, so that every path parameter of every route has a
real id on "own" data (the patient's, on the care team of `coordinator` and `clinician`),
"other team" data (`other_patient`'s, same practice, another team) and "other practice" data
(`outside_patient`'s).

Records that belong to a practice rather than a patient (an on-call shift, a peer group) follow
the same three scopes: practice A, practice A again (another group or shift), and practice B.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.utils import timezone

from conftest import PeerWorld, People, build_peer_world, build_people
from tests.second_factor import pass_second_factor
from tether.access.links import Purpose, make_patient_plan_token, make_trusted_token
from tether.accounts.models import Patient, Role, User
from tether.accounts.tokens import issue_token
from tether.assessments.services import submit_assessment
from tether.care import services as care
from tether.crisis.models import RiskAlert, ScreenedText
from tether.crisis.screener import record_risk_screen
from tether.crisis.services import add_shift, raise_risk_alert
from tether.engagement import services as engagement
from tether.engagement.calendar import make_feed_token
from tether.engagement.models import Appointment
from tether.network import services as network
from tether.network.models import ConsentScope, SupportContact
from tether.network.sharing import suggest_sharing
from tether.peers import services as peers
from tether.peers.models import BelongingCheck, GroupMeeting

# Whose data a request reads or writes, relative to `patient` and their care team.
OWN, OTHER_TEAM, OTHER_PRACTICE = "own", "other_team", "other_practice"
SCOPES = (OWN, OTHER_TEAM, OTHER_PRACTICE)
PATIENT_OF = {OWN: "patient", OTHER_TEAM: "other_patient", OTHER_PRACTICE: "outside_patient"}
PRACTICE_OF = {OWN: "A", OTHER_TEAM: "A", OTHER_PRACTICE: "B"}

PATIENTS = frozenset(PATIENT_OF.values())
CARE_STAFF = frozenset(
    {
        "admin",
        "coordinator",
        "clinician",
        "other_coordinator",
        "other_clinician",
        "outside_admin",
        "outside_coordinator",
        "outside_clinician",
    }
)
PEERS = frozenset({"peer"})
SIGNED_IN = PATIENTS | CARE_STAFF | PEERS
PERSONAS = (
    "patient",
    "other_patient",
    "outside_patient",
    "coordinator",
    "clinician",
    "other_coordinator",
    "other_clinician",
    "admin",
    "outside_admin",
    "outside_coordinator",
    "outside_clinician",
    "peer",
    "anonymous",
)
PRACTICE = {
    **dict.fromkeys(
        [
            "patient",
            "other_patient",
            "coordinator",
            "clinician",
            "other_coordinator",
            "other_clinician",
            "admin",
            "peer",
        ],
        "A",
    ),
    **dict.fromkeys(
        ["outside_patient", "outside_admin", "outside_coordinator", "outside_clinician"], "B"
    ),
    "anonymous": None,
}
ROLE = {
    "patient": Role.PATIENT,
    "other_patient": Role.PATIENT,
    "outside_patient": Role.PATIENT,
    "coordinator": Role.COORDINATOR,
    "other_coordinator": Role.COORDINATOR,
    "outside_coordinator": Role.COORDINATOR,
    "clinician": Role.CLINICIAN,
    "other_clinician": Role.CLINICIAN,
    "outside_clinician": Role.CLINICIAN,
    "admin": Role.ADMIN,
    "outside_admin": Role.ADMIN,
    "peer": Role.PEER_SUPPORTER,
    "anonymous": None,
}
# The staff who see each patient's records: their care team and their practice's admin.
TEAM = {
    "patient": frozenset({"coordinator", "clinician", "admin"}),
    "other_patient": frozenset({"other_coordinator", "other_clinician", "admin"}),
    "outside_patient": frozenset({"outside_coordinator", "outside_clinician", "outside_admin"}),
}
# Who is a member of each scope's peer group (the group is moderated by `peer` only in OWN).
MEMBERS = {
    OWN: frozenset({"patient", "other_patient"}),
    OTHER_TEAM: frozenset({"other_patient"}),
    OTHER_PRACTICE: frozenset({"outside_patient"}),
}
GROUP_MODERATORS = {
    OWN: frozenset({"peer", "admin"}),
    OTHER_TEAM: frozenset({"admin"}),  # and other_peer, who is not one of the personas
    OTHER_PRACTICE: frozenset({"outside_admin"}),
}

PLAN_STEPS = {
    "warning_signs": ["Not sleeping"],
    "coping_on_my_own": ["A walk by the river"],
    "reasons_for_living": ["My sister"],
}


@dataclass
class Records:
    """One patient's records (or, for shifts and groups, one scope's), by path parameter."""

    ids: dict[str, object] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)


@dataclass
class World:
    people: People
    peer_world: PeerWorld
    scopes: dict[str, Records]
    sessions: dict[str, str]  # persona -> session key, signed in once for the module

    def user(self, persona: str) -> User | None:
        if persona == "anonymous":
            return None
        found = getattr(self.people, persona)
        return found.user if isinstance(found, Patient) else found

    def patient(self, scope: str) -> Patient:
        return getattr(self.people, PATIENT_OF[scope])

    def client(self, persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            client.cookies["sessionid"] = self.sessions[persona]
        return client

    def ids(self, scope: str) -> dict[str, object]:
        return self.scopes[scope].ids


def _sign_in(user: User) -> str:
    """Return the key of a saved session signed in as `user`, second factor passed (what
    Client.force_login does, once, so each of thousands of requests does not write a new
    session first)."""
    session = SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    pass_second_factor(session, user)
    session.save()
    return session.session_key


def _patient_records(world_people: People, name: str, *, practice_peer: User | None) -> Records:
    patient: Patient = getattr(world_people, name)
    team = sorted(TEAM[name])
    coordinator = getattr(world_people, next(p for p in team if "coordinator" in p))
    clinician = getattr(world_people, next(p for p in team if "clinician" in p))
    admin = getattr(world_people, next(p for p in team if "admin" in p))
    practice = patient.practice
    now = timezone.now()
    records = Records()

    # Engagement first: a missed session opens outreach before any alert makes it urgent.
    program = engagement.create_program(practice=practice, name=f"Steady steps {name}")
    spare = engagement.create_program(practice=practice, name=f"Calm minds {name}")
    enrollment = engagement.enroll_patient(patient=patient, program=program, by=coordinator)
    if practice_peer is not None:
        engagement.set_peer_outreach(patient=patient, peer_supporter=practice_peer)
    missed = engagement.book_appointment(
        patient=patient,
        kind=Appointment.Kind.CHECK_IN,
        mode=Appointment.Mode.PHONE,
        staff=coordinator,
        starts_at=now - timedelta(days=2),
        ends_at=now - timedelta(days=2) + timedelta(minutes=30),
        booked_by=coordinator,
    )
    engagement.record_attendance(
        appointment=missed, attendance=Appointment.Attendance.MISSED, by=coordinator
    )
    task, _ = engagement.open_outreach_task(appointment=missed, at=now - timedelta(days=1))
    upcoming = engagement.book_appointment(
        patient=patient,
        kind=Appointment.Kind.CHECK_IN,
        mode=Appointment.Mode.PHONE,
        staff=coordinator,
        starts_at=now + timedelta(days=3),
        ends_at=now + timedelta(days=3, minutes=30),
        booked_by=coordinator,
    )

    earlier = now - timedelta(days=1)
    assessment = submit_assessment(
        patient=patient,
        instrument="phq9",
        answers=[2, 2, 1, 1, 1, 0, 0, 0, 0],
        entered_by=patient.user,
        completed_at=earlier,
    ).assessment
    episode = care.start_episode(
        patient=patient, started_on=(now - timedelta(days=30)).date(), by=coordinator
    )
    review = care.review_for_week(practice=practice, day=now.date(), consultant=clinician)
    recommendation = care.recommend(
        review=review, episode=episode, kind="increase_dose", text="Increase.", by=clinician
    )
    alert = raise_risk_alert(
        patient=patient,
        reason=RiskAlert.Reason.STAFF_RAISED,
        raised_by=admin,
        detail=f"Worried about {name}.",
        at=earlier,
    )
    screen = record_risk_screen(
        patient=patient,
        answers={"wish_dead": False, "thoughts": False, "behavior": False},
        entered_by=patient.user,
        alert=alert,
    )
    screened = ScreenedText.objects.create(
        patient=patient,
        route=ScreenedText.Route.HELP_WANTED,
        tier=ScreenedText.Tier.CONCERN,
        text="Everything feels heavy.",
        created_at=earlier,
    )

    plan = network.save_safety_plan(patient=patient, steps=PLAN_STEPS, written_by=patient.user)
    contact = network.add_support(
        patient=patient,
        kind=SupportContact.Kind.TRUSTED_PERSON,
        name="Maria",
        relationship="family",
        email=f"maria.{name}@example.com",
        by=patient.user,
    )
    network.invite_trusted_person(
        contact=contact,
        scopes=[ConsentScope.NUDGE_CHECK_IN, ConsentScope.SEE_SAFETY_PLAN],
        check_in_every_days=7,
        by=patient.user,
    )
    contact = network.respond_to_invitation(contact=contact, accept=True)
    suggest_sharing(contact=contact, scopes=[ConsentScope.MISSED_SESSION], by=coordinator)

    records.ids.update(
        patient_id=patient.pk,
        assessment_id=assessment.pk,
        alert_id=alert.pk,
        screen_id=screen.pk,
        episode_id=episode.pk,
        recommendation_id=recommendation.pk,
        contact_id=contact.pk,
        version=plan.version,
        enrollment_id=enrollment.pk,
        appointment_id=upcoming.pk,
        task_id=task.pk,
    )
    records.extra.update(
        program_id=program.pk,
        spare_program_id=spare.pk,
        screened_id=screened.pk,
        clinician_id=clinician.pk,
        missed_appointment_id=missed.pk,
        api_token_id=issue_token(user=patient.user, name=f"EHR sync {name}").token.public_id,
        tokens={
            "plan_link": make_patient_plan_token(patient),
            "calendar": make_feed_token(patient),
            "trusted_invitation": make_trusted_token(contact, Purpose.INVITATION),
            "trusted_check_in": make_trusted_token(contact, Purpose.CHECK_IN),
            "trusted_safety_plan": make_trusted_token(contact, Purpose.SAFETY_PLAN),
        },
    )
    return records


def _peer_records(peer_world: PeerWorld, people: People) -> dict[str, dict[str, object]]:
    """Return each scope's group, a post, a membership and a belonging question in it."""
    extra_members = {
        "students": peers.join_group(
            patient=people.other_patient, group=peer_world.students, pseudonym="Kestrel"
        ),
        "outside": peers.join_group(
            patient=people.outside_patient, group=peer_world.outside_group, pseudonym="Rowan"
        ),
    }
    by_scope = {
        OWN: (peer_world.parents, peer_world.willow),
        OTHER_TEAM: (peer_world.students, extra_members["students"]),
        OTHER_PRACTICE: (peer_world.outside_group, extra_members["outside"]),
    }
    # Open groups nobody has joined yet, for joining: two in practice A, one in practice B.
    walkers = peers.save_group(
        practice=people.practice,
        name="Walkers",
        who_for="Anyone who finds walking helps.",
        moderator=peer_world.other_peer,
        tag_ids=[],
    )
    hillside_walkers = peers.save_group(
        practice=people.outside_practice,
        name="Hillside walkers",
        who_for="Anyone who finds walking helps.",
        moderator=User.objects.get(username="outside_peer"),
        tag_ids=[],
    )
    joinable = {OWN: peer_world.veterans, OTHER_TEAM: walkers, OTHER_PRACTICE: hillside_walkers}
    found = {}
    for scope, (group, membership) in by_scope.items():
        post = peers.create_post(membership=membership, body="Slept better this week.").post
        check = BelongingCheck.objects.create(membership=membership, asked_at=timezone.now())
        meeting = GroupMeeting.objects.create(
            group=group, starts_at=timezone.now() + timedelta(days=7), where="Room 2"
        )
        found[scope] = {
            "meeting_id": meeting.pk,
            "group_id": group.pk,
            "post_id": post.pk,
            "membership_id": membership.pk,
            "check_id": check.pk,
            "joinable_group_id": joinable[scope].pk,
        }
    return found


def build_world() -> World:
    """Create the personas and every scope's records; return them with signed-in sessions."""
    people = build_people()
    peer_world = build_peer_world(people)
    scopes = {
        OWN: _patient_records(people, "patient", practice_peer=people.peer),
        OTHER_TEAM: _patient_records(people, "other_patient", practice_peer=None),
        OTHER_PRACTICE: _patient_records(people, "outside_patient", practice_peer=None),
    }
    for scope, found in _peer_records(peer_world, people).items():
        joinable = found.pop("joinable_group_id")
        scopes[scope].ids.update(found)
        scopes[scope].extra["joinable_group_id"] = joinable
    # On-call shifts: two in practice A (own, other team), one in practice B.
    tomorrow = timezone.now().replace(microsecond=0) + timedelta(days=1)
    for scope, admin, clinician, day in (
        (OWN, people.admin, people.clinician, 0),
        (OTHER_TEAM, people.admin, people.other_clinician, 2),
        (OTHER_PRACTICE, people.outside_admin, people.outside_clinician, 0),
    ):
        starts = tomorrow + timedelta(days=day)
        shift = add_shift(
            practice=admin.practice,
            by=admin,
            clinician=clinician,
            starts_at=starts,
            ends_at=starts + timedelta(hours=12),
        )
        scopes[scope].ids["shift_id"] = shift.pk
    for scope in SCOPES:
        scopes[scope].ids.update(code="phq9", kind=SupportContact.Kind.TRUSTED_PERSON)
    world = World(people=people, peer_world=peer_world, scopes=scopes, sessions={})
    world.sessions = {p: _sign_in(world.user(p)) for p in PERSONAS if p != "anonymous"}
    return world
