"""/api/v1 for the support network: the map and its analysis, the personal plan, the safety
plan and the patient's supports. Every endpoint looks the patient up through the access
module and changes data only through tether.network.services."""

from uuid import UUID

from django.db.models import Prefetch
from ninja import Router, Status
from ninja.pagination import paginate

from tether.access import active_consents, get_patient, get_support
from tether.accounts.models import Role
from tether.api.auth import ApiRequest
from tether.api.errors import INVALID, NOT_FOUND, Error
from tether.api.network_schemas import (
    ConsentIn,
    ContactIn,
    ContactOut,
    ContactPatch,
    NetworkOut,
    SafetyPlanIn,
    SafetyPlanOut,
    SafetyPlanVersionOut,
    ShareSuggestedIn,
    StepOut,
    SuggestionIn,
)
from tether.api.pagination import Pages
from tether.network.models import SafetyPlan, SupportContact
from tether.network.selectors import NetworkView, network_for
from tether.network.services import (
    add_support,
    current_safety_plan,
    invite_trusted_person,
    remove_support,
    save_safety_plan,
    set_consent,
    update_support,
)
from tether.network.sharing import share_suggested, suggest_sharing

router = Router(tags=["network"])

FORBIDDEN = {400: Error, 403: Error, 404: Error}


# --- The map and the plan ------------------------------------------------------------------


@router.get("/patients/{patient_id}/network", response={200: NetworkOut, **NOT_FOUND})
def get_network(request: ApiRequest, patient_id: UUID):
    """The patient's support map: the five layers in order with who holds each, where it is
    thin, lapses and loads in words, and the personal plan."""
    patient = get_patient(request.auth, patient_id)
    return _network(network_for(patient))


@router.get("/patients/{patient_id}/plan", response={200: list[StepOut], **NOT_FOUND})
def get_plan(request: ApiRequest, patient_id: UUID):
    """The next one to three steps that would make the patient's network stronger."""
    patient = get_patient(request.auth, patient_id)
    return network_for(patient).plan


def _network(view: NetworkView) -> dict:
    contacts = {f"contact:{contact.pk}": contact for contact in view.contacts}

    def support(s) -> dict:
        # The care team and the safety plan have no contact row and are always active.
        contact = contacts.get(s.key)
        return {
            "contact_id": contact.pk if contact else None,
            "name": s.name,
            "kind": s.kind,
            "layer": s.layer,
            "state": contact.state if contact else SupportContact.State.ACTIVE,
        }

    analysis = view.analysis
    return {
        "summary": analysis.summary(),
        "layers": [
            {
                "layer": status.layer,
                "label": status.layer.label,
                "covered": status.covered,
                "single_point": status.single_point,
                "supports": [support(s) for s in (*status.active, *status.inactive)],
            }
            for status in analysis.layers.values()
        ],
        "lapses": [lapse.reason for lapse in analysis.lapses],
        "loads": [
            {
                "name": load.support.name,
                "check_ins": load.check_ins,
                "total": load.total,
                "share": round(load.share, 2),
            }
            for load in analysis.loads
        ],
        "gaps_in_words": view.gaps_in_words,
        "plan": view.plan,
    }


# --- The safety plan -----------------------------------------------------------------------


@router.get("/patients/{patient_id}/safety-plan", response={200: SafetyPlanOut, **NOT_FOUND})
def get_safety_plan(request: ApiRequest, patient_id: UUID):
    """The current safety plan with the practice's crisis lines. Before the first version is
    written this is still 200, with `version` null and every step empty, so the crisis lines
    are always there."""
    patient = get_patient(request.auth, patient_id)
    # Not saved: an empty plan with no version stands in until the patient writes one.
    return current_safety_plan(patient) or SafetyPlan(patient=patient)


@router.put("/patients/{patient_id}/safety-plan", response={201: SafetyPlanOut, **INVALID})
def put_safety_plan(request: ApiRequest, patient_id: UUID, payload: SafetyPlanIn):
    """Save the whole plan as a new version (201); earlier versions are kept. A step left out
    is saved empty. When a clinician saves it, the version records it was made with them."""
    patient = get_patient(request.auth, patient_id)
    user = request.auth
    plan = save_safety_plan(
        patient=patient,
        steps=payload.model_dump(),
        written_by=user,
        with_clinician=user if user.role == Role.CLINICIAN else None,
    )
    return Status(201, plan)


@router.get(
    "/patients/{patient_id}/safety-plan/versions",
    response={200: list[SafetyPlanVersionOut], **NOT_FOUND},
)
@paginate(Pages)
def list_safety_plan_versions(request: ApiRequest, patient_id: UUID):
    """Every version of the safety plan, newest first."""
    patient = get_patient(request.auth, patient_id)
    return patient.safety_plans.select_related("written_by", "with_clinician").order_by("-version")


# --- Supports ------------------------------------------------------------------------------


@router.get("/patients/{patient_id}/contacts", response={200: list[ContactOut], **NOT_FOUND})
@paginate(Pages)
def list_contacts(request: ApiRequest, patient_id: UUID):
    """The supports the patient has recorded, by kind and name."""
    patient = get_patient(request.auth, patient_id)
    active = active_consents(request.auth)
    return patient.supports.prefetch_related(
        Prefetch("consents", queryset=active, to_attr="active_consents")
    ).order_by("kind", "name", "id")


@router.post("/patients/{patient_id}/contacts", response={201: ContactOut, **INVALID})
def create_contact(request: ApiRequest, patient_id: UUID, payload: ContactIn):
    """Add a support to the patient's map. Phone numbers are checked and stored in E.164."""
    patient = get_patient(request.auth, patient_id)
    return Status(201, add_support(patient=patient, by=request.auth, **payload.model_dump()))


@router.get("/patients/{patient_id}/contacts/{contact_id}", response={200: ContactOut, **NOT_FOUND})
def get_contact(request: ApiRequest, patient_id: UUID, contact_id: UUID):
    """One support."""
    return get_support(request.auth, patient_id, contact_id)


@router.patch("/patients/{patient_id}/contacts/{contact_id}", response={200: ContactOut, **INVALID})
def patch_contact(request: ApiRequest, patient_id: UUID, contact_id: UUID, payload: ContactPatch):
    """Change a support's details or state; fields left out (or null) stay as they are. The
    kind cannot change: remove the support and add it again."""
    contact = get_support(request.auth, patient_id, contact_id)
    return update_support(contact=contact, by=request.auth, **payload.model_dump())


@router.delete("/patients/{patient_id}/contacts/{contact_id}", response={204: None, **NOT_FOUND})
def delete_contact(request: ApiRequest, patient_id: UUID, contact_id: UUID):
    """Take a support off the map. Any link sent to a trusted person stops working."""
    contact = get_support(request.auth, patient_id, contact_id)
    remove_support(contact=contact, by=request.auth)
    return Status(204, None)


@router.post(
    "/patients/{patient_id}/contacts/{contact_id}/consent", response={200: ContactOut, **FORBIDDEN}
)
def consent(request: ApiRequest, patient_id: UUID, contact_id: UUID, payload: ConsentIn):
    """Set exactly what a trusted person may see or be told, effective at once. An empty
    `scopes` withdraws everything and retires every link already sent to them. Consent is the
    patient's: anyone else may only narrow it (403 otherwise); staff suggest instead."""
    contact = get_support(request.auth, patient_id, contact_id)
    return set_consent(
        contact=contact,
        scopes=payload.scopes,
        by=request.auth,
        check_in_every_days=payload.check_in_every_days,
    )


@router.post(
    "/patients/{patient_id}/contacts/{contact_id}/invite", response={200: ContactOut, **FORBIDDEN}
)
def invite(request: ApiRequest, patient_id: UUID, contact_id: UUID, payload: ConsentIn):
    """The patient invites a trusted person, sharing only `scopes` (at least one). They get an
    email with a signed link to say yes or no; they never see questionnaire answers or
    scores. Only the patient may invite (403 for staff, who suggest instead)."""
    contact = get_support(request.auth, patient_id, contact_id)
    return invite_trusted_person(
        contact=contact,
        scopes=payload.scopes,
        by=request.auth,
        check_in_every_days=payload.check_in_every_days,
    )


@router.put(
    "/patients/{patient_id}/contacts/{contact_id}/suggested-scopes",
    response={200: ContactOut, **FORBIDDEN},
)
def suggest(request: ApiRequest, patient_id: UUID, contact_id: UUID, payload: SuggestionIn):
    """Care staff suggest what the patient could share with this trusted person. Nothing is
    shared and nothing is sent until the patient confirms (403 for anyone but care staff)."""
    contact = get_support(request.auth, patient_id, contact_id)
    return suggest_sharing(contact=contact, scopes=payload.scopes, by=request.auth)


@router.post(
    "/patients/{patient_id}/contacts/{contact_id}/suggested-scopes/share",
    response={200: ContactOut, **FORBIDDEN},
)
def share_suggestions(
    request: ApiRequest, patient_id: UUID, contact_id: UUID, payload: ShareSuggestedIn
):
    """The patient shares some (or, with `scopes` null, all) of the care team's suggestions.
    Someone never invited is invited now, by the patient. 403 for anyone but the patient."""
    contact = get_support(request.auth, patient_id, contact_id)
    return share_suggested(contact=contact, by=request.auth, scopes=payload.scopes)
