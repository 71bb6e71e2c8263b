"""Request and response shapes for the support network in /api/v1: the map, the plan, the
safety plan and the patient's supports. Choices and limits come from the models and the
safety-plan steps, so the OpenAPI document cannot drift from what the services accept."""

from datetime import datetime
from uuid import UUID

from ninja import Field, Schema
from pydantic import ConfigDict

from tether.api.input import Bounded
from tether.api.openapi import one_of
from tether.crisis.resources import Resource, resources_for
from tether.network.layers import LAYER_ORDER
from tether.network.models import ConsentScope, SafetyPlan, SupportContact
from tether.network.services import CHECK_IN_SCHEDULES, active_scopes
from tether.network.steps import MAX_ENTRIES_PER_STEP, MAX_ENTRY_LENGTH, SAFETY_PLAN_STEPS

_LAYERS = [layer.value for layer in LAYER_ORDER]
_STEPS = {step.field: step for step in SAFETY_PLAN_STEPS}
# Supports Tether knows without a contact row: the care team and the safety plan itself.
_SUPPORT_KINDS = [*SupportContact.Kind.values, "care_team", "safety_plan"]


class _Input(Bounded):
    # A misspelt field is an error, not a change silently left out.
    model_config = ConfigDict(extra="forbid")


# --- The map and the plan ------------------------------------------------------------------


class StepOut(Schema):
    layer: str = Field(..., json_schema_extra=one_of(_LAYERS))
    title: str
    why: str = Field(..., description="Why this step, in one plain sentence.")
    action: str = Field(..., description="Where the step is done, e.g. `support_add_peer_group`.")


class SupportOut(Schema):
    contact_id: UUID | None = Field(
        None, description="The support's id under /contacts; null for the care team and plan."
    )
    name: str
    kind: str = Field(..., json_schema_extra=one_of(_SUPPORT_KINDS))
    layer: str = Field(..., json_schema_extra=one_of(_LAYERS))
    state: str = Field(..., json_schema_extra=one_of(SupportContact.State.values))


class LayerOut(Schema):
    layer: str = Field(..., json_schema_extra=one_of(_LAYERS))
    label: str
    covered: bool = Field(..., description="At least one active support holds this layer.")
    single_point: bool = Field(
        ..., description="Exactly one active support holds it: if that one goes, the layer goes."
    )
    supports: list[SupportOut] = Field(..., description="Active supports first, then the rest.")


class LoadOut(Schema):
    name: str
    check_ins: int
    total: int = Field(..., description="Check-ins by every trusted person in the window.")
    share: float


class NetworkOut(Schema):
    summary: str = Field(..., examples=["3/5 layers, 1 single point"])
    layers: list[LayerOut] = Field(..., description="The five layers, in the order to build them.")
    lapses: list[str] = Field(..., description="Supports that have gone quiet, in words.")
    loads: list[LoadOut] = Field(..., description="Trusted people carrying most check-ins.")
    gaps_in_words: list[str] = Field(
        ..., description="Low perceived support (MSPSS) with no matching trusted person."
    )
    plan: list[StepOut] = Field(..., description="The next one to three steps, in order.")


# --- The safety plan -----------------------------------------------------------------------


def _step_field(name: str, **default):
    """Return a list-of-entries field documented with the step's title and prompt."""
    step = _STEPS[name]
    number = f"Step {step.number}: " if step.number else ""
    return Field(
        **default,
        description=f"{number}{step.title}. {step.prompt}",
        json_schema_extra={
            "maxItems": MAX_ENTRIES_PER_STEP,
            "items": {"type": "string", "maxLength": MAX_ENTRY_LENGTH},
        },
    )


class SafetyPlanIn(_Input):
    # Limits are checked by the service, with the same messages as the web form.
    warning_signs: list[str] = _step_field("warning_signs", default_factory=list)
    coping_on_my_own: list[str] = _step_field("coping_on_my_own", default_factory=list)
    distractions: list[str] = _step_field("distractions", default_factory=list)
    people_to_ask: list[str] = _step_field("people_to_ask", default_factory=list)
    professionals: list[str] = _step_field("professionals", default_factory=list)
    safer_surroundings: list[str] = _step_field("safer_surroundings", default_factory=list)
    reasons_for_living: list[str] = _step_field("reasons_for_living", default_factory=list)


class SafetyPlanVersionOut(Schema):
    version: int | None = Field(..., description="Null when the patient has no plan yet.")
    warning_signs: list[str] = _step_field("warning_signs", default=...)
    coping_on_my_own: list[str] = _step_field("coping_on_my_own", default=...)
    distractions: list[str] = _step_field("distractions", default=...)
    people_to_ask: list[str] = _step_field("people_to_ask", default=...)
    professionals: list[str] = _step_field("professionals", default=...)
    safer_surroundings: list[str] = _step_field("safer_surroundings", default=...)
    reasons_for_living: list[str] = _step_field("reasons_for_living", default=...)
    written_by: str | None
    with_clinician: str | None = Field(
        ..., description="The clinician it was made with during a session, if any."
    )
    created_at: datetime | None

    @staticmethod
    def resolve_written_by(plan: SafetyPlan) -> str | None:
        return plan.written_by.display_name if plan.written_by_id else None

    @staticmethod
    def resolve_with_clinician(plan: SafetyPlan) -> str | None:
        return plan.with_clinician.display_name if plan.with_clinician is not None else None


class CrisisContactOut(Schema):
    method: str = Field(..., json_schema_extra=one_of(["call", "text", "chat"]))
    label: str
    value: str
    href: str = Field(..., description="A one-tap link: tel:, sms: or the chat page.")


class CrisisLineOut(Schema):
    name: str
    kind: str = Field(..., json_schema_extra=one_of(["emergency", "crisis_line"]))
    summary: str
    hours: str
    contacts: list[CrisisContactOut]


class SafetyPlanOut(SafetyPlanVersionOut):
    crisis_lines: list[CrisisLineOut] = Field(
        ...,
        description="The practice's crisis lines, which fill step 5 on every plan; "
        "present even before the first version is written.",
    )

    @staticmethod
    def resolve_crisis_lines(plan: SafetyPlan) -> list[Resource]:
        practice = plan.patient.practice
        resources = resources_for(country=practice.country, practice_slug=practice.slug)
        return [resource for resource in resources if resource.is_crisis_line]


# --- Supports ------------------------------------------------------------------------------

_KIND = Field(..., json_schema_extra=one_of(SupportContact.Kind.values))
_RELATIONSHIP_DOC = "Trusted people only: " + ", ".join(SupportContact.Relationship.values) + "."
_RELATIONSHIPS = ["", *SupportContact.Relationship.values]
_PHONE_DOC = "Any common format; stored and returned in E.164, e.g. +15551234567."


class ContactIn(_Input):
    # Choices are plain strings so the service can name a wrong one in words.
    kind: str = _KIND
    name: str = Field(..., json_schema_extra={"maxLength": 120})
    relationship: str = Field(
        "", description=_RELATIONSHIP_DOC, json_schema_extra=one_of(_RELATIONSHIPS)
    )
    phone: str = Field("", description=_PHONE_DOC)
    email: str = ""
    details: str = Field("", max_length=300)
    state: str = Field(
        SupportContact.State.ACTIVE, json_schema_extra=one_of(SupportContact.State.values)
    )


class ContactPatch(_Input):
    """Only the fields sent change. Send "" to clear a phone, email or details."""

    name: str | None = Field(None, json_schema_extra={"maxLength": 120})
    relationship: str | None = Field(
        None, description=_RELATIONSHIP_DOC, json_schema_extra=one_of(_RELATIONSHIPS)
    )
    phone: str | None = Field(None, description=_PHONE_DOC)
    email: str | None = None
    details: str | None = Field(None, max_length=300)
    state: str | None = Field(None, json_schema_extra=one_of(SupportContact.State.values))


class ConsentIn(_Input):
    scopes: list[str] = Field(
        ...,
        description="Exactly what this trusted person may see or be told, from now on. "
        "An empty list withdraws everything at once and retires every link sent to them.",
        json_schema_extra={"items": one_of(ConsentScope.values, type="string")},
    )
    check_in_every_days: int | None = Field(
        None,
        description="How often to nudge them to check in; null leaves the schedule as it is.",
        json_schema_extra=one_of([*CHECK_IN_SCHEDULES, None]),
    )


class SuggestionIn(_Input):
    scopes: list[str] = Field(
        ...,
        description="What the care team suggests sharing; the patient decides. An empty list "
        "clears the suggestions. Scopes already shared are left out.",
        json_schema_extra={"items": one_of(ConsentScope.values, type="string")},
    )


class ShareSuggestedIn(_Input):
    scopes: list[str] | None = Field(
        None,
        description="Which of the waiting suggestions to share now; null shares all of them.",
        json_schema_extra={"items": one_of(ConsentScope.values, type="string")},
    )


class ContactOut(Schema):
    id: UUID
    kind: str = _KIND
    layer: str = Field(..., json_schema_extra=one_of(_LAYERS))
    name: str
    relationship: str
    phone: str = Field(..., description="E.164, or empty.")
    email: str
    details: str
    state: str = Field(..., json_schema_extra=one_of(SupportContact.State.values))
    invitation: str = Field(..., json_schema_extra=one_of(SupportContact.Invitation.values))
    check_in_every_days: int | None
    last_checked_in_at: datetime | None
    scopes: list[str] = Field(
        ...,
        description="What the patient shares with this trusted person right now.",
        json_schema_extra={"items": one_of(ConsentScope.values, type="string")},
    )
    suggested_scopes: list[str] = Field(
        ...,
        description="What the care team suggested sharing, waiting for the patient to confirm. "
        "Nothing here is shared.",
        json_schema_extra={"items": one_of(ConsentScope.values, type="string")},
    )
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_scopes(obj: SupportContact) -> list[str]:
        # Lists prefetch the active consents; a single contact asks the database.
        if hasattr(obj, "active_consents"):
            return sorted(consent.scope for consent in obj.active_consents)
        return sorted(active_scopes(obj))
