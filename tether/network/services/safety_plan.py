"""The patient-kept safety plan: each save is a new version, earlier ones are kept."""

from collections.abc import Mapping, Sequence

from django.db import transaction
from django.db.models import Max

from tether.accounts.models import Patient, User
from tether.network.models import SafetyPlan
from tether.network.services.errors import SafetyPlanInvalid
from tether.network.steps import MAX_ENTRIES_PER_STEP, MAX_ENTRY_LENGTH, SAFETY_PLAN_STEPS


def _entries(value: Sequence[str] | str | None) -> list[str]:
    if value is None:
        return []
    lines = value.splitlines() if isinstance(value, str) else list(value)
    return [str(line).strip() for line in lines if str(line).strip()]


def clean_safety_plan(steps: Mapping[str, Sequence[str] | str | None]) -> dict[str, list[str]]:
    """Return each step as a list of entries, or raise SafetyPlanInvalid naming problems."""
    problems: dict[str, str] = {}
    cleaned: dict[str, list[str]] = {}
    for step in SAFETY_PLAN_STEPS:
        raw = steps.get(step.field)
        if raw is not None and not isinstance(raw, str | list | tuple):
            problems[step.field] = f"“{step.title}” should be a list of short entries."
            continue
        entries = _entries(raw)
        if len(entries) > MAX_ENTRIES_PER_STEP:
            problems[step.field] = (
                f"“{step.title}” has {len(entries)} entries; please keep it to "
                f"{MAX_ENTRIES_PER_STEP} or fewer."
            )
        elif any(len(e) > MAX_ENTRY_LENGTH for e in entries):
            problems[step.field] = (
                f"An entry in “{step.title}” is longer than {MAX_ENTRY_LENGTH} characters; "
                "short lines are easier to read in a hard moment."
            )
        cleaned[step.field] = entries
    unknown = set(steps) - {s.field for s in SAFETY_PLAN_STEPS}
    if unknown:
        problems["plan"] = f"Unknown safety-plan steps: {', '.join(sorted(unknown))}."
    if not problems and not any(cleaned.values()):
        problems["plan"] = "Write at least one thing in any step to save your plan."
    if problems:
        raise SafetyPlanInvalid(problems)
    return cleaned


@transaction.atomic
def save_safety_plan(
    *,
    patient: Patient,
    steps: Mapping[str, Sequence[str] | str | None],
    written_by: User,
    with_clinician: User | None = None,
) -> SafetyPlan:
    """Save the next version of the patient's safety plan; earlier versions are kept."""
    cleaned = clean_safety_plan(steps)
    # Lock the patient so two saves at once cannot take the same version number.
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    latest = patient.safety_plans.aggregate(v=Max("version"))["v"] or 0
    return SafetyPlan.objects.create(
        patient=patient,
        version=latest + 1,
        written_by=written_by,
        with_clinician=with_clinician,
        **cleaned,
    )


def current_safety_plan(patient: Patient) -> SafetyPlan | None:
    return patient.safety_plans.order_by("-version").first()
