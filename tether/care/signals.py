"""Keep each patient's RegistryEntry current: every write that changes a fact the registry
ranks by rebuilds the patient's entry in the same transaction (post_save runs inside it),
whichever app made the write. The entries listen here, so no other app imports care.

Writes that bypass Model.save (bulk loads) call care.entries.refresh_entries themselves;
the missed-session sweep claims an appointment with a conditional UPDATE but opens its
outreach task in the same transaction, which refreshes the entry. A deletion (admin only)
refreshes once the transaction commits, when the patient may be gone too.
"""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from tether.accounts.models import Patient, Practice
from tether.assessments.models import Assessment
from tether.care.entries import refresh_entries, refresh_practice
from tether.care.models import CareSettings, TreatmentEpisode
from tether.crisis.models import RiskAlert
from tether.engagement.models import Appointment, Enrollment, OutreachAttempt, OutreachTask

# Records with a patient_id, and the fields whose change may change the patient's entry: a
# save naming only other fields (an alert's escalation step, a task marked done) leaves it be.
PATIENT_RECORDS: dict[type, frozenset[str]] = {
    Assessment: frozenset({"patient", "instrument", "complete", "total", "completed_at"}),
    TreatmentEpisode: frozenset({"patient", "started_on", "ended_on", "program"}),
    RiskAlert: frozenset({"patient", "status", "triage"}),
    Appointment: frozenset({"patient", "attendance", "starts_at"}),
    Enrollment: frozenset({"patient", "intake_at"}),
    # A new task may follow a missed session that the sweep marked with a conditional UPDATE.
    OutreachTask: frozenset({"patient"}),
}


def _changes_facts(sender: type, update_fields: frozenset[str] | None) -> bool:
    return update_fields is None or bool(update_fields & PATIENT_RECORDS[sender])


def _saved(
    sender: type, instance: Any, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    # raw: a fixture being loaded, whose entries are rebuilt by whoever loads it.
    if not raw and _changes_facts(sender, update_fields):
        refresh_entries([instance.patient_id])


def _deleted(sender: type, instance: Any, **kwargs: Any) -> None:
    patient_id = instance.patient_id

    def later() -> None:
        refresh_entries(Patient.objects.filter(pk=patient_id).values_list("pk", flat=True))

    transaction.on_commit(later)


for model in PATIENT_RECORDS:
    post_save.connect(_saved, sender=model, dispatch_uid=f"registry-save-{model.__name__}")
    post_delete.connect(_deleted, sender=model, dispatch_uid=f"registry-del-{model.__name__}")


@receiver(post_save, sender=OutreachAttempt, dispatch_uid="registry-save-OutreachAttempt")
def _attempt_saved(
    sender: type, instance: OutreachAttempt, raw: bool = False, update_fields: Any = None, **kw: Any
) -> None:
    if not raw and (update_fields is None or {"outcome", "at"} & set(update_fields)):
        refresh_entries([instance.task.patient_id])


@receiver(post_save, sender=Patient, dispatch_uid="registry-save-Patient")
def _patient_saved(sender: type, instance: Patient, raw: bool = False, **kw: Any) -> None:
    # A new patient gets their entry at once (the registry lists patients from their entries);
    # a name or practice copied into it may have changed.
    if not raw:
        refresh_entries([instance.pk])


@receiver(post_save, sender=CareSettings, dispatch_uid="registry-save-CareSettings")
def _thresholds_saved(sender: type, instance: CareSettings, raw: bool = False, **kw: Any) -> None:
    if not raw:
        refresh_practice(instance.practice_id)


@receiver(post_delete, sender=CareSettings, dispatch_uid="registry-del-CareSettings")
def _thresholds_deleted(sender: type, instance: CareSettings, **kw: Any) -> None:
    practice_id = instance.practice_id
    transaction.on_commit(lambda: refresh_practice(practice_id))


@receiver(pre_save, sender=Practice, dispatch_uid="registry-zone-Practice")
def _zone_changing(sender: type, instance: Practice, raw: bool = False, **kw: Any) -> None:
    # Dates in the entries are the practice's local days: a new time zone moves them.
    if raw or instance.pk is None:
        return
    before = Practice.objects.filter(pk=instance.pk).values_list("time_zone", flat=True).first()
    changed = before is not None and before != instance.time_zone
    instance._registry_zone_changed = changed  # type: ignore[attr-defined]  # read in post_save


@receiver(post_save, sender=Practice, dispatch_uid="registry-zone-saved-Practice")
def _zone_changed(sender: type, instance: Practice, raw: bool = False, **kw: Any) -> None:
    if not raw and getattr(instance, "_registry_zone_changed", False):
        refresh_practice(instance.pk)
