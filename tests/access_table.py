"""Who may use every route, and on whose data: the one table the access matrix is generated
from (tests/test_access_matrix.py).

Every URL pattern of tether.urls is a row of PAGES, by its URL name (the Django admin's
patterns by their namespace, "admin:*"); every operation of the API is a row of ENDPOINTS, by
"METHOD /path" as in the OpenAPI document. A route that is not here fails the suite.

A row says who may use the route (`who`, a Rule), whose data it reads or writes (`reads`), and
the requests that exercise it (`calls`). A route with an id in its path is exercised on the
data of each scope of tests/access_world.py: own (`patient`, on the team of `coordinator` and
`clinician`), other team (`other_patient`) and other practice (`outside_patient`). Everyone the
rule does not allow gets the same 404 as for a record that does not exist, anonymous visitors
are sent to /login/ (pages) or get 401 (API), and a refused write changes nothing. The
documented exceptions are in the rows: `forbidden` names who gets 403 instead of 404.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time, timedelta

from axes.models import AccessAttempt
from django.utils import timezone

from tests import access_invitations as invitations
from tests.access_world import (
    CARE_STAFF,
    GROUP_MODERATORS,
    MEMBERS,
    OWN,
    PATIENT_OF,
    PATIENTS,
    PRACTICE,
    PRACTICE_OF,
    ROLE,
    TEAM,
    World,
)
from tether.accounts.models import Role, User
from tether.accounts.selectors import care_coordinator
from tether.care.models import Recommendation
from tether.engagement.services import free_slots_of, intake_slots, set_weekly_hours

Check = Callable[[str, str | None], bool]  # (persona, scope) -> allowed


@dataclass(frozen=True)
class Rule:
    """Who may: `text` in words (the table's documentation), `allows` as a check."""

    text: str
    allows: Check

    def __or__(self, other: "Rule") -> "Rule":
        return Rule(
            f"{self.text}; {other.text}", lambda p, s: self.allows(p, s) or other.allows(p, s)
        )


def _team(persona: str, scope: str | None) -> bool:
    return scope is not None and persona in TEAM[PATIENT_OF[scope]]


ANYONE = Rule("anyone, signed in or not", lambda p, s: True)
NOBODY = Rule("nobody among Tether's roles (Django superusers only)", lambda p, s: False)
SIGNED_IN = Rule("anyone signed in", lambda p, s: p != "anonymous")
PATIENT = Rule("a patient, on their own records", lambda p, s: p in PATIENTS)
STAFF = Rule(
    "staff (coordinators, clinicians, peer supporters, admins)",
    lambda p, s: p != "anonymous" and p not in PATIENTS,
)
OWN_PATIENT = Rule(
    "the patient whose record it is", lambda p, s: s is not None and p == PATIENT_OF[s]
)
CARE_STAFF_ANY = Rule("care staff (coordinators, clinicians, admins)", lambda p, s: p in CARE_STAFF)
CARE_TEAM = Rule("the patient's care team and their practice's admin", _team)
CARE_TEAM_NOT_ADMIN = Rule(
    "the patient's own coordinator or clinician (not the admin)",
    lambda p, s: _team(p, s) and ROLE[p] != Role.ADMIN,
)
TEAM_CLINICIAN = Rule(
    "a clinician on the patient's care team", lambda p, s: _team(p, s) and ROLE[p] == Role.CLINICIAN
)
ADMIN = Rule("a practice admin", lambda p, s: ROLE[p] == Role.ADMIN)
PRACTICE_ADMIN = Rule(
    "the admin of the practice the record belongs to",
    lambda p, s: ROLE[p] == Role.ADMIN and s is not None and PRACTICE[p] == PRACTICE_OF[s],
)
CLINICIAN_OR_ADMIN = Rule(
    "clinicians and admins (of their own practice)",
    lambda p, s: ROLE[p] in (Role.CLINICIAN, Role.ADMIN),
)
MODERATOR = Rule(
    "peer supporters and admins (the groups they moderate)",
    lambda p, s: ROLE[p] in (Role.PEER_SUPPORTER, Role.ADMIN),
)
GROUP_MODERATOR = Rule(
    "the group's own peer supporter and its practice's admin",
    lambda p, s: s is not None and p in GROUP_MODERATORS[s],
)
MEMBER = Rule("the group's members", lambda p, s: s is not None and p in MEMBERS[s])
PRACTICE_PATIENT = Rule(
    "a patient of the group's practice",
    lambda p, s: p in PATIENTS and s is not None and PRACTICE[p] == PRACTICE_OF[s],
)
PEER_SUPPORTER = Rule("a peer supporter", lambda p, s: ROLE[p] == Role.PEER_SUPPORTER)
OUTREACH_WORKER = Rule(
    "care staff, and peer supporters (the tasks routed to them)",
    lambda p, s: p in CARE_STAFF or ROLE[p] == Role.PEER_SUPPORTER,
)
TASK_WORKER = CARE_TEAM | Rule(
    "the peer supporter the patient routed the task to", lambda p, s: p == "peer" and s == OWN
)
RECOMMENDATION_HOLDER = Rule(
    "the clinician who made it or must carry it out (the patient's treating clinician)",
    TEAM_CLINICIAN.allows,
)
HOLDER = Rule("whoever holds the signed link", lambda p, s: True)
INVITER = Rule("coordinators and admins (of their own practice)", invitations.may_invite)
PATIENT_INVITER = Rule(
    "the patient's coordinator and their practice's admin", invitations.may_invite_patient
)

# Who gets 403 rather than 404 on the endpoints documented to answer so.
NOT_CARE_STAFF = Rule("everyone who is not care staff", lambda p, s: p not in CARE_STAFF)
NOT_ADMIN = Rule("everyone who is not a practice admin", lambda p, s: ROLE[p] != Role.ADMIN)
NOT_MODERATOR = Rule(
    "patients, coordinators and clinicians",
    lambda p, s: ROLE[p] not in (Role.PEER_SUPPORTER, Role.ADMIN),
)
PATIENT_THEMSELF = Rule("the patient themself", OWN_PATIENT.allows)
# Each scope's patient holds one API token (tests/access_world.py).
TOKEN_OWNER = Rule("the person whose API token it is", OWN_PATIENT.allows)


def _not_admin_of_shift_practice(p: str, s: str | None) -> bool:
    # A shift of another practice is unknown (404); in one's own practice, only the admin may.
    return p not in CARE_STAFF or (s is not None and PRACTICE[p] == PRACTICE_OF[s])


SHIFT_REFUSED = Rule(
    "everyone not care staff, and the practice's other staff", _not_admin_of_shift_practice
)

Data = dict | Callable[[World, str, str], dict] | None  # (world, scope, persona) -> body


@dataclass(frozen=True)
class Call:
    """One request: its method, its data, and the status of a person it allows."""

    method: str
    ok: int | Callable[[str, str | None], int]
    data: Data = None
    writes: bool = False  # an allowed call changes something (a refused one never does)
    who: Rule | None = None  # when not the route's
    scoped: bool | None = None  # exercised per scope (default: the path has a record id)
    query: str = ""


@dataclass(frozen=True)
class Route:
    who: Rule
    reads: str
    calls: tuple[Call, ...]
    forbidden: Rule | None = None  # refused with 403 rather than 404 (documented)
    params: dict[str, str] = field(default_factory=dict)  # path parameter -> World.extra key
    prepare: Callable[[World, str], None] | None = None  # run before each request
    note: str = ""


def GET(ok: int = 200, **kw) -> Call:  # noqa: N802
    return Call("get", ok, **kw)


def POST(ok: int = 302, data: Data = None, *, writes: bool = True, **kw) -> Call:  # noqa: N802
    return Call("post", ok, data, writes=writes, **kw)


def PUT(ok: int, data: Data, **kw) -> Call:  # noqa: N802
    return Call("put", ok, data, writes=True, **kw)


def PATCH(ok: int, data: Data, **kw) -> Call:  # noqa: N802
    return Call("patch", ok, data, writes=True, **kw)


def DELETE(ok: int = 204, **kw) -> Call:  # noqa: N802
    return Call("delete", ok, writes=True, **kw)


def _today() -> str:
    return timezone.localdate().isoformat()


def _soon(days: int = 5, hour: int = 10) -> str:
    when = timezone.localdate() + timedelta(days=days)
    return f"{when.isoformat()}T{hour:02d}:00"


def _extra(name: str) -> Callable[[World, str, str], str]:
    return lambda world, scope, persona: str(world.scopes[scope].extra[name])


def _end_open_episode(world: World, scope: str) -> None:
    world.patient(scope).episodes.update(ended_on=timezone.localdate(), end_reason="completed")


def _drop_recommendations(world: World, scope: str) -> None:
    Recommendation.objects.filter(episode__patient=world.patient(scope)).delete()


def _pause_clinician(world: World, scope: str) -> None:
    clinician = User.objects.get(pk=world.scopes[scope].extra["clinician_id"])
    AccessAttempt.objects.create(
        username=clinician.username,
        ip_address="192.0.2.1",
        user_agent="guesser",
        failures_since_start=5,
    )


PHQ9_FORM = {f"item_{n}": "1" for n in range(1, 10)} | {"item_9": "0"}
PHQ9_JSON = {"instrument": "phq9", "answers": [1, 1, 1, 1, 1, 1, 1, 1, 0]}
SCREENER_FORM = {"wish_dead": "no", "thoughts": "no", "behavior": "no"}
SCREENER_JSON = {"answers": {"wish_dead": False, "thoughts": False, "behavior": False}}
PLAN_FORM = {"warning_signs": "Not sleeping", "reasons_for_living": "My dog"}
SUPPORT_FORM = {"name": "Sam", "relationship": "friend", "email": "sam@example.com"}
SUPPORT_FORM |= {"state": "active"}
PLAN_JSON = {"warning_signs": ["Not sleeping"], "reasons_for_living": ["My dog"]}


def _appointment_form(world: World, scope: str, persona: str) -> dict:
    return {"kind": "check_in", "mode": "phone", "starts_at": _soon(), "duration_minutes": "30"}


def _series_form(world: World, scope: str, persona: str) -> dict:
    first = (timezone.localdate() + timedelta(days=7)).isoformat()
    return {
        "mode": "phone",
        "every_weeks": "1",
        "first_date": first,
        "local_start_time": "10:00",
        "duration_minutes": "30",
        "time_zone": "America/New_York",
        "count": "2",
    }


def _publish_hours(world: World, scope: str) -> None:
    """The patient's coordinator takes appointments every day (bookable slots exist)."""
    coordinator = care_coordinator(world.patient(scope))
    set_weekly_hours(staff=coordinator, hours=[(d, time(0), time(23, 40)) for d in range(7)])


def _free_slot(world: World, scope: str) -> str:
    coordinator = care_coordinator(world.patient(scope))
    slots = free_slots_of(coordinator, kind="check_in", now=timezone.now(), days=5)
    return slots[-1].starts_at.isoformat()


def _intake_slot(world: World, scope: str) -> str:
    return intake_slots(world.patient(scope), now=timezone.now())[-1].isoformat()


def _intake_booking_form(world: World, scope: str, persona: str) -> dict:
    return {"mode": "phone", "slot": _intake_slot(world, scope)}


def _intake_slot_json(world: World, scope: str, persona: str) -> dict:
    return {"starts_at": _intake_slot(world, scope)}


def _slot_form(world: World, scope: str, persona: str) -> dict:
    return {"slot": _free_slot(world, scope)}


def _slot_json(world: World, scope: str, persona: str) -> dict:
    return {"starts_at": _free_slot(world, scope)}


def _booking_json(world: World, scope: str, persona: str) -> dict:
    coordinator = care_coordinator(world.patient(scope))
    return {"staff_id": coordinator.pk, "kind": "check_in", "starts_at": _free_slot(world, scope)}


BOOKERS = Rule(
    "coordinators and clinicians, on their own hours",
    lambda p, s: ROLE[p] in (Role.COORDINATOR, Role.CLINICIAN),
)


def _intake_call_form(world: World, scope: str, persona: str) -> dict:
    yesterday = timezone.localdate() - timedelta(days=1)
    return {"at": f"{yesterday.isoformat()}T10:00", "duration_minutes": "20", "outcome": "Good."}


def _shift_json(world: World, scope: str, persona: str) -> dict:
    clinician = (
        world.people.outside_clinician if PRACTICE[persona] == "B" else world.people.clinician
    )
    starts = timezone.now().replace(microsecond=0) + timedelta(days=5)
    return {
        "clinician_id": clinician.pk,
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=12)).isoformat(),
    }


NOT_TEAM_MANAGER = Rule(
    "everyone who is not a coordinator or practice admin",
    lambda p, s: ROLE[p] not in (Role.COORDINATOR, Role.ADMIN),
)


def _care_team_json(world: World, scope: str, persona: str) -> dict:
    # The scope's patient's own team again: allowed callers change nothing (200, changed false).
    team = TEAM[PATIENT_OF[scope]]
    (coordinator,) = [p for p in team if ROLE[p] == Role.COORDINATOR]
    (clinician,) = [p for p in team if ROLE[p] == Role.CLINICIAN]
    return {
        "coordinator_id": getattr(world.people, coordinator).pk,
        "clinician_ids": [getattr(world.people, clinician).pk],
    }


def _shift_form(world: World, scope: str, persona: str) -> dict:
    clinician = (
        world.people.outside_clinician if PRACTICE[persona] == "B" else world.people.clinician
    )
    return {"clinician": clinician.pk, "starts_at": _soon(6, 8), "ends_at": _soon(6, 20)}


def _appointment_json(world: World, scope: str, persona: str) -> dict:
    starts = timezone.now().replace(microsecond=0) + timedelta(days=5)
    return {
        "kind": "check_in",
        "mode": "phone",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(minutes=30)).isoformat(),
    }


def _series_json(world: World, scope: str, persona: str) -> dict:
    return {
        "mode": "phone",
        "every_weeks": 1,
        "first_date": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "local_start_time": "10:00",
        "duration_minutes": 30,
        "time_zone": "America/New_York",
        "count": 2,
    }


def _intake_json(world: World, scope: str, persona: str) -> dict:
    at = timezone.now().replace(microsecond=0) - timedelta(days=1)
    return {"at": at.isoformat(), "duration_minutes": 20, "outcome": "Good first talk."}


def _practice_peer(world: World, persona: str) -> User:
    if PRACTICE[persona] == "B":
        return User.objects.get(username="outside_peer")
    return world.people.peer


def _report_ok(persona: str, scope: str | None) -> int:
    # Reporting one's own post is refused as bad input, after the door let the member in.
    return 400 if scope is not None and persona == PATIENT_OF[scope] else 200


# --- Pages ----------------------------------------------------------------------------------

TEAM_COORDINATOR_OR_ADMIN = Rule(
    "the patient's own coordinator and their practice's admin",
    lambda p, s: _team(p, s) and ROLE[p] in (Role.COORDINATOR, Role.ADMIN),
)
STAFF_FORM = {
    "role": "clinician",
    "first_name": "Robin",
    "last_name": "Lee",
    "email": "robin.lee@example.org",
    "phone": "+1 617 555 0134",
}
PATIENT_PAGE = "the signed-in patient's own records"
PATIENT_RECORD = "the patient's records"

PAGES: dict[str, Route] = {
    # accounts
    "home": Route(SIGNED_IN, "nothing: sends each role to its start page", (GET(302),)),
    "login": Route(
        ANYONE,
        "nothing",
        (GET(lambda p, s: 200 if p == "anonymous" else 302),),
        note="A signed-in visitor is sent on to their start page.",
    ),
    "logout": Route(ANYONE, "the visitor's own session", (POST(302, writes=False),)),
    # mfa: two-step sign-in (every persona here has passed it: staff have a factor, patients none)
    "mfa_verify": Route(
        SIGNED_IN,
        "nothing: a session that passed is sent on",
        (GET(302),),
        note="Staff who passed go on; a patient without a factor is offered to set one up.",
    ),
    "mfa_enrol": Route(
        SIGNED_IN,
        "their own factor",
        (GET(lambda p, s: 200 if p in PATIENTS else 302),),
        note="Someone who has a factor is sent to their settings; a new one only after a reset.",
    ),
    "mfa_recovery_codes": Route(
        SIGNED_IN, "their own new recovery codes (none here: shown once)", (GET(302),)
    ),
    "mfa_settings": Route(SIGNED_IN, "their own factor", (GET(),)),
    "mfa_new_recovery_codes": Route(STAFF, "their own factor", (POST(302),)),
    "mfa_turn_off": Route(PATIENT, "their own factor", (POST(302, writes=False),)),
    "mfa_staff": Route(ADMIN, "their own practice's staff", (GET(),)),
    "mfa_reset": Route(
        PRACTICE_ADMIN,
        "a colleague's factor (the scope's clinician)",
        (GET(), POST(302)),
        params={"staff_id": "clinician_id"},
    ),
    # staffing: staff, care teams and practice settings (admins; care teams also coordinators)
    "staff_list": Route(ADMIN, "their own practice's staff and caseloads", (GET(),)),
    "staff_add": Route(
        ADMIN,
        "their own practice's staff (a new account)",
        (GET(), POST(302, STAFF_FORM)),
    ),
    "staff_edit": Route(
        PRACTICE_ADMIN,
        "a colleague's account (the scope's clinician)",
        (GET(), POST(302, STAFF_FORM)),
        params={"staff_id": "clinician_id"},
    ),
    "staff_deactivate": Route(
        PRACTICE_ADMIN,
        "a colleague's account (the scope's clinician, who holds patients: refused, 409)",
        (POST(409, writes=False),),
        params={"staff_id": "clinician_id"},
    ),
    "staff_reactivate": Route(
        PRACTICE_ADMIN,
        "a colleague's account (the scope's clinician, open already: nothing changes)",
        (POST(302, writes=False),),
        params={"staff_id": "clinician_id"},
    ),
    "staff_send_link": Route(
        PRACTICE_ADMIN,
        "a colleague's account (the scope's clinician): a set-password email",
        (POST(302, writes=False),),
        params={"staff_id": "clinician_id"},
    ),
    "staff_reassign": Route(
        PRACTICE_ADMIN,
        "a colleague's caseload (the scope's clinician; no colleague chosen: 400)",
        (POST(400, {"to": ""}, writes=False),),
        params={"staff_id": "clinician_id"},
    ),
    "care_team_edit": Route(
        TEAM_COORDINATOR_OR_ADMIN,
        "the patient's care team (no coordinator chosen: 400)",
        (GET(), POST(400, {"coordinator": ""}, writes=False)),
    ),
    "practice_settings": Route(
        ADMIN,
        "their own practice's settings (an unknown time zone: 400)",
        (GET(), POST(400, {"time_zone": "Mars/Olympus"}, writes=False)),
    ),
    # signin: getting back in
    "password_reset": Route(ANYONE, "nothing (the email goes to the address's owner)", (GET(),)),
    "password_reset_done": Route(ANYONE, "nothing", (GET(),)),
    "password_reset_confirm": Route(
        ANYONE,
        "the account the signed link is for (none here: the link is not a reset link)",
        (GET(),),
        params={"uidb64": "tokens.calendar", "token": "tokens.plan_link"},
    ),
    "password_reset_complete": Route(ANYONE, "nothing", (GET(),)),
    "password_change": Route(SIGNED_IN, "the visitor's own account", (GET(),)),
    "password_change_done": Route(SIGNED_IN, "nothing", (GET(),)),
    "sign_in_pauses": Route(ADMIN, "the paused accounts of their own practice", (GET(),)),
    "lift_sign_in_pause": Route(
        PRACTICE_ADMIN,
        "an account of the practice (the scope's clinician), paused before each request",
        (POST(302),),
        params={"account_id": "clinician_id"},
        prepare=_pause_clinician,
    ),
    # assessments
    "take_assessment": Route(PATIENT, PATIENT_PAGE, (GET(), POST(302, PHQ9_FORM))),
    "assessment_result": Route(OWN_PATIENT, "one of the patient's own questionnaires", (GET(),)),
    "enter_assessment": Route(CARE_TEAM, PATIENT_RECORD, (GET(), POST(302, PHQ9_FORM))),
    # crisis
    "help": Route(ANYONE, "the visitor's practice's crisis lines", (GET(),)),
    "not_safe": Route(PATIENT, PATIENT_PAGE, (POST(302),)),
    "alert_list": Route(CARE_STAFF_ANY, "the alerts of the patients they may see", (GET(),)),
    "alert_response_times": Route(CARE_STAFF_ANY, "their own practice's figures", (GET(),)),
    "on_call": Route(
        CARE_STAFF_ANY,
        "their own practice's rota (the admin changes it)",
        (GET(), POST(302, _shift_form, who=ADMIN)),
    ),
    "on_call_remove": Route(PRACTICE_ADMIN, "the practice's rota", (POST(302),)),
    "alert_detail": Route(CARE_TEAM, "the patient's risk alert", (GET(),)),
    "alert_acknowledge": Route(CARE_TEAM, "the patient's risk alert", (POST(302),)),
    "alert_resolve": Route(
        CARE_TEAM, "the patient's risk alert", (POST(302, {"note": "Called; plan reviewed."}),)
    ),
    "alert_raise": Route(
        CARE_TEAM, PATIENT_RECORD, (POST(302, {"detail": "Sounded low on the phone."}),)
    ),
    "screened_texts": Route(
        CARE_STAFF_ANY,
        "screened words of the patients they may see",
        (
            GET(),
            POST(
                302,
                lambda w, s, p: {"screened": _extra("screened_id")(w, s, p)},
                who=CARE_TEAM,
                scoped=True,
            ),
        ),
    ),
    "crisis_screener": Route(PATIENT, PATIENT_PAGE, (GET(), POST(302, SCREENER_FORM))),
    "crisis_screener_done": Route(OWN_PATIENT, "the patient's own screener", (GET(),)),
    "crisis_screener_staff": Route(CARE_TEAM, PATIENT_RECORD, (GET(), POST(302, SCREENER_FORM))),
    # care
    "patient_home": Route(PATIENT, PATIENT_PAGE, (GET(),)),
    "caseload": Route(
        CARE_STAFF_ANY,
        "nothing: the old address of the caseload, a filter of the registry",
        (GET(301),),
    ),
    "staff_patient": Route(CARE_TEAM, PATIENT_RECORD, (GET(),)),
    "intake_summary": Route(CARE_TEAM, PATIENT_RECORD, (GET(),)),
    "registry": Route(CARE_STAFF_ANY, "the patients they may see", (GET(),)),
    "staff_start": Route(
        CARE_STAFF_ANY,
        "nothing: sends care staff to open risk alerts, else the registry",
        (GET(302),),
    ),
    "registry_csv": Route(CARE_STAFF_ANY, "the patients they may see", (GET(),)),
    "start_episode": Route(
        CARE_TEAM,
        PATIENT_RECORD,
        (POST(302, lambda w, s, p: {"started_on": _today()}),),
        prepare=_end_open_episode,
    ),
    "end_episode": Route(
        CARE_TEAM,
        "the patient's treatment episode",
        (POST(302, lambda w, s, p: {"ended_on": _today(), "end_reason": "completed"}),),
    ),
    "case_review": Route(CARE_STAFF_ANY, "the patients they may see", (GET(),)),
    "recommend": Route(
        TEAM_CLINICIAN,
        "the patient's treatment episode",
        (POST(302, {"kind": "increase_dose", "text": "Increase to 100 mg."}),),
        prepare=_drop_recommendations,
    ),
    "my_recommendations": Route(CARE_STAFF_ANY, "recommendations for their patients", (GET(),)),
    "close_recommendation": Route(
        RECOMMENDATION_HOLDER, "a case-review recommendation", (POST(302, {"outcome": "done"}),)
    ),
    "outcomes": Route(CLINICIAN_OR_ADMIN, "aggregates of their own practice", (GET(),)),
    "my_progress": Route(PATIENT, PATIENT_PAGE, (GET(),)),
    # audit: who has read a patient's record (their own); the practice's whole trail (admins)
    "who_has_seen_my_record": Route(
        PATIENT, "who at their practice read their own records", (GET(),)
    ),
    "audit_report": Route(ADMIN, "the audit trail of their own practice", (GET(),)),
    "audit_report_csv": Route(ADMIN, "the audit trail of their own practice", (GET(),)),
    # network: the patient's own support map and safety plan
    "my_support": Route(PATIENT, PATIENT_PAGE, (GET(),)),
    "support_help_wanted": Route(
        PATIENT, PATIENT_PAGE, (POST(302, {"text": "Someone to walk with."}),)
    ),
    "support_add": Route(PATIENT, PATIENT_PAGE, (GET(),)),
    "support_add_kind": Route(PATIENT, PATIENT_PAGE, (GET(), POST(302, SUPPORT_FORM))),
    "support_edit": Route(
        OWN_PATIENT, "one of the patient's own supports", (GET(), POST(302, SUPPORT_FORM))
    ),
    "support_remove": Route(OWN_PATIENT, "one of the patient's own supports", (GET(), POST(302))),
    "support_invite": Route(
        OWN_PATIENT,
        "one of the patient's own supports",
        (GET(), POST(302, {"scopes": ["nudge_check_in"], "check_in_every_days": "14"})),
    ),
    "support_sharing": Route(
        OWN_PATIENT,
        "one of the patient's own supports",
        (GET(), POST(302, {"scopes": ["nudge_check_in"], "check_in_every_days": "14"})),
    ),
    "support_stop_sharing": Route(OWN_PATIENT, "one of the patient's own supports", (POST(302),)),
    "support_share_suggested": Route(
        OWN_PATIENT, "one of the patient's own supports", (POST(302),)
    ),
    "support_suggestions_aside": Route(
        OWN_PATIENT, "one of the patient's own supports", (POST(302),)
    ),
    "safety_plan": Route(PATIENT, PATIENT_PAGE, (GET(),)),
    "safety_plan_edit": Route(PATIENT, PATIENT_PAGE, (GET(), POST(302, PLAN_FORM))),
    "safety_plan_history": Route(PATIENT, PATIENT_PAGE, (GET(),)),
    "safety_plan_version": Route(PATIENT, PATIENT_PAGE, (GET(),)),
    "safety_plan_print": Route(PATIENT, PATIENT_PAGE, (GET(),)),
    "safety_plan_card": Route(PATIENT, PATIENT_PAGE, (GET(),)),
    "safety_plan_by_link": Route(
        HOLDER,
        "the patient's own plan, from their 24-hour link",
        (GET(),),
        params={"token": "tokens.plan_link"},
    ),
    # network: the same pages for the care team
    "staff_support": Route(CARE_TEAM, PATIENT_RECORD, (GET(),)),
    "staff_support_add": Route(CARE_TEAM, PATIENT_RECORD, (GET(),)),
    "staff_support_add_kind": Route(CARE_TEAM, PATIENT_RECORD, (GET(), POST(302, SUPPORT_FORM))),
    "staff_support_edit": Route(CARE_TEAM, PATIENT_RECORD, (GET(), POST(302, SUPPORT_FORM))),
    "staff_support_remove": Route(CARE_TEAM, PATIENT_RECORD, (GET(), POST(302))),
    "staff_support_suggest": Route(
        CARE_TEAM, PATIENT_RECORD, (POST(302, {"scopes": ["see_safety_plan"]}),)
    ),
    "staff_safety_plan": Route(CARE_TEAM, PATIENT_RECORD, (GET(),)),
    "staff_safety_plan_edit": Route(CARE_TEAM, PATIENT_RECORD, (GET(), POST(302, PLAN_FORM))),
    "staff_safety_plan_history": Route(CARE_TEAM, PATIENT_RECORD, (GET(),)),
    "staff_safety_plan_version": Route(CARE_TEAM, PATIENT_RECORD, (GET(),)),
    "staff_safety_plan_print": Route(CARE_TEAM, PATIENT_RECORD, (GET(),)),
    "staff_safety_plan_card": Route(CARE_TEAM, PATIENT_RECORD, (GET(),)),
    # network: trusted people, by signed link
    "trusted_invitation": Route(
        HOLDER,
        "what the patient shares with this trusted person",
        (GET(),),
        params={"token": "tokens.trusted_invitation"},
    ),
    "trusted_check_in": Route(
        HOLDER,
        "what the patient shares with this trusted person",
        (GET(), POST(302, {"note": ""})),
        params={"token": "tokens.trusted_check_in"},
    ),
    "trusted_check_in_thanks": Route(
        HOLDER,
        "what the patient shares with this trusted person",
        (GET(),),
        params={"token": "tokens.trusted_check_in"},
    ),
    "trusted_safety_plan": Route(
        HOLDER,
        "the patient's safety plan, shared with this trusted person",
        (GET(),),
        params={"token": "tokens.trusted_safety_plan"},
    ),
    # engagement
    "my_appointments": Route(PATIENT, PATIENT_PAGE, (GET(),)),
    "my_peer_outreach": Route(
        PATIENT,
        PATIENT_PAGE,
        (POST(302, {"peer_supporter": ""}, writes=False),),
        note="Stopping peer outreach changes nothing for a patient who had none.",
    ),
    "my_programs": Route(PATIENT, PATIENT_PAGE, (GET(),)),
    "book_my_intake": Route(
        OWN_PATIENT,
        "the patient's own program enrollment",
        (POST(302, _intake_booking_form),),
        prepare=_publish_hours,
    ),
    "my_cancel_appointment": Route(OWN_PATIENT, "the patient's own appointment", (POST(302),)),
    "my_reschedule_appointment": Route(
        OWN_PATIENT,
        "the patient's own appointment",
        (GET(), POST(302, _slot_form)),
        prepare=_publish_hours,
    ),
    "my_availability": Route(
        BOOKERS,
        "their own bookable hours",
        (GET(), POST(302, {"action": "hours", "day_0_starts": "09:00", "day_0_ends": "10:00"})),
    ),
    "staff_book_slot": Route(CARE_TEAM, PATIENT_RECORD, (GET(),)),
    "outreach_queue": Route(OUTREACH_WORKER, "the outreach tasks they work", (GET(),)),
    "outreach_attempt": Route(
        TASK_WORKER, "an outreach task", (POST(302, {"method": "called", "outcome": "reached"}),)
    ),
    "staff_engagement": Route(CARE_TEAM, PATIENT_RECORD, (GET(),)),
    "staff_book_appointment": Route(CARE_TEAM, PATIENT_RECORD, (POST(302, _appointment_form),)),
    "staff_book_series": Route(CARE_TEAM, PATIENT_RECORD, (POST(302, _series_form),)),
    "staff_enroll": Route(
        CARE_TEAM,
        PATIENT_RECORD,
        (POST(302, lambda w, s, p: {"program": _extra("spare_program_id")(w, s, p)}),),
    ),
    "staff_mark_attendance": Route(
        CARE_TEAM, "the patient's appointment", (POST(302, {"attendance": "attended"}),)
    ),
    "staff_record_intake": Route(
        CARE_TEAM, "the patient's program enrollment", (POST(302, _intake_call_form),)
    ),
    # notifications
    "notification_list": Route(SIGNED_IN, "their own notifications", (GET(),)),
    "notifications_read": Route(SIGNED_IN, "their own notifications", (POST(302, writes=False),)),
    "notification_preferences": Route(
        SIGNED_IN, "their own preferences", (GET(), POST(302, {"email_enabled": "on"}))
    ),
    "calendar_feed_reset": Route(PATIENT, PATIENT_PAGE, (POST(302),)),
    "calendar_feed": Route(
        HOLDER, "the patient's appointments", (GET(),), params={"token": "tokens.calendar"}
    ),
    "staff_deliveries": Route(
        CARE_STAFF_ANY, "failed messages of the patients they may see", (GET(),)
    ),
    # peers: the member
    "my_groups": Route(PATIENT, PATIENT_PAGE, (GET(),)),
    "my_experience": Route(
        PATIENT, PATIENT_PAGE, (GET(), POST(302, {"description": "New parent, little sleep."}))
    ),
    "group_suggestions": Route(PATIENT, PATIENT_PAGE, (GET(),)),
    "join_group": Route(
        PRACTICE_PATIENT,
        "an open group of the patient's practice",
        (GET(), POST(302, {"pseudonym": "Juniper"})),
        params={"group_id": "joinable_group_id"},
    ),
    "group_page": Route(MEMBER, "a group the patient belongs to", (GET(),)),
    "create_post": Route(
        MEMBER, "a group the patient belongs to", (POST(302, {"body": "Thank you all."}),)
    ),
    "leave_group": Route(MEMBER, "a group the patient belongs to", (GET(), POST(302))),
    "report_post": Route(
        MEMBER,
        "a post in a group the patient belongs to",
        (POST(302, {"reason": "Unkind."}, writes=False),),
        note="The author reporting their own post is told no; nothing is written for them.",
    ),
    "post_support": Route(OWN_PATIENT, "the patient's own post", (GET(),)),
    "belonging_check": Route(
        OWN_PATIENT, "the patient's own belonging question", (GET(), POST(302, {"score": "5"}))
    ),
    # peers: the moderator
    "moderation_queue": Route(MODERATOR, "posts of the groups they moderate", (GET(),)),
    "peer_home": Route(
        PEER_SUPPORTER,
        "the peer supporter's own start page: counts of posts to review, outreach routed to "
        "them (by the name the patient goes by), their groups",
        (GET(),),
    ),
    "moderate_post": Route(
        GROUP_MODERATOR,
        "a post of a group they moderate",
        (POST(302, {"kind": "hide", "note": "x"}),),
    ),
    "peer_group_list": Route(MODERATOR, "the groups they moderate", (GET(),)),
    "peer_group_new": Route(
        ADMIN,
        "their own practice's groups",
        (
            GET(),
            POST(
                302,
                lambda w, s, p: {
                    "name": "Night owls",
                    "who_for": "Anyone awake at 3am with worry.",
                    "moderator": str(_practice_peer(w, p).pk),
                    "is_open": "on",
                },
            ),
        ),
    ),
    "peer_group_detail": Route(GROUP_MODERATOR, "a group they moderate", (GET(),)),
    "peer_group_edit": Route(PRACTICE_ADMIN, "a group of the admin's practice", (GET(),)),
    "peer_group_archive": Route(PRACTICE_ADMIN, "a group of the admin's practice", (POST(302),)),
    "peer_meeting_add": Route(
        PRACTICE_ADMIN,
        "a group of the admin's practice",
        (
            POST(
                302,
                lambda w, s, p: {"starts_at": _soon(), "duration_minutes": "60", "where": "Room 2"},
            ),
        ),
    ),
    "peer_meeting_remove": Route(
        PRACTICE_ADMIN, "a meeting time of a group of the admin's practice", (POST(302),)
    ),
    # engagement: the practice admin's programs
    "program_list": Route(ADMIN, "their own practice's programs", (GET(),)),
    "program_new": Route(
        ADMIN,
        "their own practice's programs",
        (GET(), POST(302, {"name": "Sleep well", "description": "Six weeks.", "guided": "on"})),
    ),
    "program_edit": Route(
        PRACTICE_ADMIN,
        "a program of the admin's practice",
        (GET(), POST(302, {"name": "Renamed program", "description": "", "guided": "on"})),
        params={"program_id": "program_id"},
    ),
    "program_archive": Route(
        PRACTICE_ADMIN,
        "a program of the admin's practice",
        (POST(302),),
        params={"program_id": "program_id"},
    ),
    # peers: the care team's audited look-up of a pseudonym
    "reveal_member": Route(
        CARE_TEAM_NOT_ADMIN, "who is behind a member's pseudonym (audited)", (POST(200),)
    ),
    # A person's own API tokens (the page lives in tether.api: it needs access and audit).
    "api_tokens": Route(
        SIGNED_IN,
        "their own API tokens",
        (GET(), POST(200, {"name": "EHR sync", "expires_in_days": "90"})),
        note="Making a token answers 200: the page shows the new token this once.",
    ),
    "api_token_revoke": Route(
        TOKEN_OWNER,
        "one of their own API tokens",
        (POST(302),),
        params={"token_id": "api_token_id"},
    ),
    # invitations: a practice's coordinators and admins invite its patients (issue 13)
    "invitation_list": Route(INVITER, "the invitations of the patients they look after", (GET(),)),
    "invitation_add_patient": Route(
        INVITER,
        "a new patient of their own practice",
        (GET(), POST(302, invitations.add_patient_form)),
    ),
    "invitation_invite_patient": Route(
        PATIENT_INVITER,
        "a patient without an account",
        (GET(), POST(302, {"email": "new@example.org"})),
        params={"patient_id": "newcomer_id"},
        prepare=invitations.prepare_newcomer,
    ),
    "invitation_resend": Route(
        PATIENT_INVITER,
        "an invitation",
        (POST(302),),
        params={"invitation_id": "invitation_id"},
        prepare=invitations.prepare_invitation,
    ),
    "invitation_withdraw": Route(
        PATIENT_INVITER,
        "an invitation",
        (POST(302),),
        params={"invitation_id": "invitation_id"},
        prepare=invitations.prepare_invitation,
    ),
    "accept_invitation": Route(
        HOLDER,
        "the invitation the link names (the practice's name only)",
        (GET(),),
        params={"token": "tokens.patient_invitation"},
        prepare=invitations.prepare_invitation,
    ),
    "first_run": Route(PATIENT, "the patient's own care team", (GET(),)),
    # The API's own pages: its description, for anyone.
    "api-v1:openapi-json": Route(ANYONE, "nothing of anyone's: the OpenAPI document", (GET(),)),
    "api-v1:openapi-view": Route(ANYONE, "nothing of anyone's: the API's docs page", (GET(),)),
    "api-v1:api-root": Route(ANYONE, "nothing", (GET(404),), note="ninja's root: no page."),
    # Django's own admin: only for Django superusers (is_staff), none of Tether's roles; its
    # sign-in page is open, and signing out is a POST.
    "admin:*": Route(NOBODY, "everything, through Django's admin", (GET(302),)),
    "admin:login": Route(ANYONE, "nothing", (GET(),)),
    "admin:logout": Route(ANYONE, "the visitor's own session", (POST(302, writes=False),)),
}

# --- API operations -------------------------------------------------------------------------

SAME = "the patient's records"

ENDPOINTS: dict[str, Route] = {
    # assessments
    "GET /instruments": Route(ANYONE, "nothing of anyone's: the questionnaires", (GET(),)),
    "POST /patients/{patient_id}/assessments": Route(
        OWN_PATIENT | CARE_TEAM, SAME, (Call("post", 201, PHQ9_JSON, writes=True),)
    ),
    "GET /patients/{patient_id}/assessments": Route(OWN_PATIENT | CARE_TEAM, SAME, (GET(),)),
    # crisis
    "GET /alerts": Route(SIGNED_IN, "the alerts of the patients they may see", (GET(),)),
    "POST /alerts/{alert_id}/acknowledge": Route(
        CARE_TEAM, "the patient's risk alert", (Call("post", 200, writes=True),)
    ),
    "POST /alerts/{alert_id}/resolve": Route(
        CARE_TEAM,
        "the patient's risk alert",
        (Call("post", 200, {"note": "Called; plan reviewed."}, writes=True),),
    ),
    "GET /on-call": Route(
        CARE_STAFF_ANY, "their own practice's rota", (GET(),), forbidden=NOT_CARE_STAFF
    ),
    "POST /on-call": Route(
        ADMIN,
        "their own practice's rota",
        (Call("post", 201, _shift_json, writes=True),),
        forbidden=NOT_ADMIN,
    ),
    "DELETE /on-call/{shift_id}": Route(
        PRACTICE_ADMIN, "the practice's rota", (DELETE(),), forbidden=SHIFT_REFUSED
    ),
    "GET /alerts/response-times": Route(
        CARE_STAFF_ANY, "their own practice's figures", (GET(),), forbidden=NOT_CARE_STAFF
    ),
    "POST /me/not-safe": Route(PATIENT, PATIENT_PAGE, (Call("post", 201, writes=True),)),
    "POST /me/screener": Route(
        PATIENT, PATIENT_PAGE, (Call("post", 201, SCREENER_JSON, writes=True),)
    ),
    # care
    "GET /staff": Route(
        CARE_STAFF_ANY,
        "their own practice's care staff and caseload sizes",
        (GET(),),
        forbidden=NOT_CARE_STAFF,
    ),
    "POST /patients/{patient_id}/care-team": Route(
        TEAM_COORDINATOR_OR_ADMIN,
        "the patient's care team (the same team again: nothing changes)",
        (Call("post", 200, _care_team_json, writes=False),),
        forbidden=NOT_TEAM_MANAGER,
    ),
    "GET /caseload": Route(CARE_STAFF_ANY, "the patients they may see", (GET(),)),
    "GET /episodes": Route(
        SIGNED_IN,
        "the episodes of the patients they may see (none, for a peer supporter)",
        (GET(), GET(who=OWN_PATIENT | CARE_TEAM, scoped=True, query="patient_id={patient_id}")),
    ),
    "POST /patients/{patient_id}/episodes": Route(
        CARE_TEAM,
        SAME,
        (Call("post", 201, lambda w, s, p: {"started_on": _today()}, writes=True),),
        prepare=_end_open_episode,
    ),
    "POST /episodes/{episode_id}/end": Route(
        CARE_TEAM,
        "the patient's treatment episode",
        (
            Call(
                "post",
                200,
                lambda w, s, p: {"ended_on": _today(), "reason": "completed"},
                writes=True,
            ),
        ),
    ),
    "GET /episodes/{episode_id}": Route(
        OWN_PATIENT | CARE_TEAM, "the patient's treatment episode", (GET(),)
    ),
    "GET /registry": Route(CARE_STAFF_ANY, "the patients they may see", (GET(),)),
    "GET /outcomes": Route(CLINICIAN_OR_ADMIN, "aggregates of their own practice", (GET(),)),
    # network
    "GET /patients/{patient_id}/network": Route(OWN_PATIENT | CARE_TEAM, SAME, (GET(),)),
    "GET /patients/{patient_id}/plan": Route(OWN_PATIENT | CARE_TEAM, SAME, (GET(),)),
    "GET /patients/{patient_id}/safety-plan": Route(OWN_PATIENT | CARE_TEAM, SAME, (GET(),)),
    "PUT /patients/{patient_id}/safety-plan": Route(
        OWN_PATIENT | CARE_TEAM, SAME, (PUT(201, PLAN_JSON),)
    ),
    "GET /patients/{patient_id}/safety-plan/versions": Route(
        OWN_PATIENT | CARE_TEAM, SAME, (GET(),)
    ),
    "GET /patients/{patient_id}/contacts": Route(OWN_PATIENT | CARE_TEAM, SAME, (GET(),)),
    "POST /patients/{patient_id}/contacts": Route(
        OWN_PATIENT | CARE_TEAM,
        SAME,
        (
            Call(
                "post",
                201,
                {"kind": "trusted_person", "name": "Sam", "relationship": "friend"},
                writes=True,
            ),
        ),
    ),
    "GET /patients/{patient_id}/contacts/{contact_id}": Route(
        OWN_PATIENT | CARE_TEAM, SAME, (GET(),)
    ),
    "PATCH /patients/{patient_id}/contacts/{contact_id}": Route(
        OWN_PATIENT | CARE_TEAM, SAME, (PATCH(200, {"details": "Lives nearby."}),)
    ),
    "DELETE /patients/{patient_id}/contacts/{contact_id}": Route(
        OWN_PATIENT | CARE_TEAM, SAME, (DELETE(),)
    ),
    "POST /patients/{patient_id}/contacts/{contact_id}/consent": Route(
        OWN_PATIENT | CARE_TEAM,
        SAME,
        (Call("post", 200, {"scopes": ["nudge_check_in"]}, writes=True),),
        note="Narrowing what is shared: staff may (only the patient may widen: 403).",
    ),
    "POST /patients/{patient_id}/contacts/{contact_id}/invite": Route(
        OWN_PATIENT,
        SAME,
        (Call("post", 200, {"scopes": ["nudge_check_in"]}, writes=True),),
        forbidden=CARE_TEAM,
    ),
    "PUT /patients/{patient_id}/contacts/{contact_id}/suggested-scopes": Route(
        CARE_TEAM, SAME, (PUT(200, {"scopes": ["see_safety_plan"]}),), forbidden=PATIENT_THEMSELF
    ),
    "POST /patients/{patient_id}/contacts/{contact_id}/suggested-scopes/share": Route(
        OWN_PATIENT, SAME, (Call("post", 200, {"scopes": None}, writes=True),), forbidden=CARE_TEAM
    ),
    # engagement
    "GET /patients/{patient_id}/appointments": Route(OWN_PATIENT | CARE_TEAM, SAME, (GET(),)),
    "POST /patients/{patient_id}/appointments": Route(
        CARE_TEAM,
        SAME,
        (Call("post", 201, _appointment_json, writes=True),),
        forbidden=PATIENT_THEMSELF,
    ),
    "POST /appointments/{appointment_id}/attendance": Route(
        CARE_TEAM,
        "the patient's appointment",
        (Call("post", 200, {"attendance": "attended"}, writes=True),),
    ),
    "POST /patients/{patient_id}/appointment-series": Route(
        CARE_TEAM,
        SAME,
        (Call("post", 201, _series_json, writes=True),),
        forbidden=PATIENT_THEMSELF,
    ),
    "GET /programs": Route(SIGNED_IN, "their own practice's programs", (GET(),)),
    "GET /patients/{patient_id}/enrollments": Route(OWN_PATIENT | CARE_TEAM, SAME, (GET(),)),
    "POST /patients/{patient_id}/enrollments": Route(
        CARE_TEAM,
        SAME,
        (
            Call(
                "post",
                201,
                lambda w, s, p: {"program_id": _extra("spare_program_id")(w, s, p)},
                writes=True,
            ),
        ),
        forbidden=PATIENT_THEMSELF,
    ),
    "POST /enrollments/{enrollment_id}/intake-call": Route(
        OWN_PATIENT | CARE_TEAM,
        "the patient's program enrollment",
        (Call("post", 201, _intake_slot_json, writes=True),),
        prepare=_publish_hours,
    ),
    "GET /slots": Route(
        PATIENT,
        "a patient's own intake slots (staff name a colleague with staff_id)",
        (GET(),),
    ),
    "POST /patients/{patient_id}/bookings": Route(
        CARE_TEAM, SAME, (Call("post", 201, _booking_json, writes=True),), prepare=_publish_hours
    ),
    "POST /appointments/{appointment_id}/cancel": Route(
        OWN_PATIENT | CARE_TEAM,
        "the patient's appointment",
        (Call("post", 200, writes=True),),
    ),
    "POST /appointments/{appointment_id}/reschedule": Route(
        OWN_PATIENT | CARE_TEAM,
        "the patient's appointment",
        (Call("post", 201, _slot_json, writes=True),),
        prepare=_publish_hours,
    ),
    "GET /me/availability": Route(BOOKERS, "their own bookable hours", (GET(),)),
    "PUT /me/availability": Route(
        BOOKERS,
        "their own bookable hours",
        (PUT(200, {"weekly": [{"weekday": 0, "starts": "09:00", "ends": "10:00"}]}),),
    ),
    "POST /enrollments/{enrollment_id}/intake": Route(
        CARE_TEAM,
        "the patient's program enrollment",
        (Call("post", 200, _intake_json, writes=True),),
    ),
    "GET /outreach": Route(
        CARE_STAFF_ANY,
        "the outreach tasks of the patients they may see",
        (GET(),),
        forbidden=NOT_CARE_STAFF,
    ),
    "POST /outreach/{task_id}/attempts": Route(
        TASK_WORKER,
        "an outreach task",
        (Call("post", 201, {"method": "called", "outcome": "reached"}, writes=True),),
    ),
    # peers
    "GET /peers/tags": Route(SIGNED_IN, "nothing of anyone's: the tag vocabulary", (GET(),)),
    "GET /me/experience": Route(PATIENT, PATIENT_PAGE, (GET(),)),
    "PUT /me/experience": Route(
        PATIENT,
        PATIENT_PAGE,
        (PUT(200, {"description": "New parent.", "tag_ids": [], "share_for_matching": False}),),
    ),
    "GET /me/group-suggestions": Route(PATIENT, PATIENT_PAGE, (GET(),)),
    "POST /peer-groups/{group_id}/join": Route(
        PRACTICE_PATIENT,
        "an open group of the patient's practice",
        (Call("post", 201, {"pseudonym": "Juniper"}, writes=True),),
        params={"group_id": "joinable_group_id"},
    ),
    "GET /me/memberships": Route(PATIENT, PATIENT_PAGE, (GET(),)),
    "DELETE /me/memberships/{group_id}": Route(
        MEMBER, "a group the patient belongs to", (DELETE(),)
    ),
    "GET /peer-groups/{group_id}/posts": Route(MEMBER, "a group the patient belongs to", (GET(),)),
    "POST /peer-groups/{group_id}/posts": Route(
        MEMBER,
        "a group the patient belongs to",
        (Call("post", 201, {"body": "Thank you all."}, writes=True),),
    ),
    "POST /posts/{post_id}/report": Route(
        MEMBER,
        "a post in a group the patient belongs to",
        (Call("post", _report_ok, {"reason": "Unkind."}),),
        note="The author reporting their own post gets 400 (bad input), after the door.",
    ),
    "GET /moderation/queue": Route(
        MODERATOR, "posts of the groups they moderate", (GET(),), forbidden=NOT_MODERATOR
    ),
    "POST /posts/{post_id}/moderation": Route(
        GROUP_MODERATOR,
        "a post of a group they moderate",
        (Call("post", 200, {"kind": "hide", "note": "Unkind."}, writes=True),),
    ),
    "GET /me/belonging-checks": Route(PATIENT, PATIENT_PAGE, (GET(),)),
    "POST /belonging-checks/{check_id}": Route(
        OWN_PATIENT,
        "the patient's own belonging question",
        (Call("post", 200, {"score": 5, "tell_supporter": False}, writes=True),),
    ),
    # a person's own API tokens
    "GET /me/tokens": Route(SIGNED_IN, "their own API tokens", (GET(),)),
    "POST /me/tokens": Route(
        SIGNED_IN,
        "their own API tokens",
        (Call("post", 201, {"name": "EHR sync", "expires_in_days": 30}, writes=True),),
    ),
    "POST /me/tokens/{token_id}/revoke": Route(
        TOKEN_OWNER,
        "one of their own API tokens",
        (Call("post", 200, writes=True),),
        params={"token_id": "api_token_id"},
    ),
    # invitations (issue 13)
    "POST /invitations": Route(
        PATIENT_INVITER,
        "a patient without an account",
        (Call("post", 201, invitations.invite_json, writes=True, scoped=True),),
        prepare=invitations.prepare_newcomer,
    ),
    "GET /invitations/{invitation_id}": Route(
        PATIENT_INVITER,
        "an invitation",
        (GET(),),
        params={"invitation_id": "invitation_id"},
        prepare=invitations.prepare_invitation,
    ),
    "POST /invitations/{invitation_id}/resend": Route(
        PATIENT_INVITER,
        "an invitation",
        (Call("post", 200, writes=True),),
        params={"invitation_id": "invitation_id"},
        prepare=invitations.prepare_invitation,
    ),
    "POST /invitations/{invitation_id}/withdraw": Route(
        PATIENT_INVITER,
        "an invitation",
        (Call("post", 200, writes=True),),
        params={"invitation_id": "invitation_id"},
        prepare=invitations.prepare_invitation,
    ),
}
