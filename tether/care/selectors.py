"""Reads for measurement-based care: the caseload and the intake summary."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Case, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value, When

from tether.access import visible_patients
from tether.accounts.models import Patient, User
from tether.assessments.instruments import MSPSS, PHQ9
from tether.assessments.models import Assessment
from tether.care.contact import human_contact_annotations, last_human_contact
from tether.care.models import thresholds_for
from tether.care.registry import TRIAGE_RANK, open_alert_triage
from tether.care.targets import needs_prompt_contact
from tether.crisis.models import RiskAlert
from tether.network.analysis import LOW_MSPSS_MEAN, Support
from tether.network.layers import LAYER_ORDER, Layer
from tether.network.models import SafetyPlan
from tether.network.selectors import NetworkView, coverage_summaries, network_for


def _scores(code: str) -> QuerySet[Assessment]:
    return (
        Assessment.objects.scored()
        .filter(patient=OuterRef("pk"), instrument=code)
        .order_by("-completed_at", "-created_at")
    )


def caseload(user: User) -> QuerySet[Patient]:
    """Return the patients `user` may see, with their latest PHQ-9 and GAD-7, the score before
    each, their last human contact (care.contact) and their open alerts' highest triage;
    patients with an unresolved alert first, high triage before moderate, low and untriaged.

    Everything comes from correlated subqueries, so one page costs the same number of queries
    whatever its length."""
    active_alerts = RiskAlert.objects.filter(patient=OuterRef("pk")).exclude(
        status=RiskAlert.Status.RESOLVED
    )
    annotations = {"has_active_alert": Exists(active_alerts), "alert_triage": open_alert_triage()}
    for code in ("phq9", "gad7"):
        annotations[f"{code}_total"] = Subquery(_scores(code).values("total")[:1])
        annotations[f"{code}_severity"] = Subquery(_scores(code).values("severity")[:1])
        annotations[f"{code}_previous"] = Subquery(
            _scores(code).values("total")[1:2], output_field=IntegerField()
        )
    triage_rank = Case(
        *(When(alert_triage=t, then=Value(r)) for t, r in TRIAGE_RANK.items()),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        visible_patients(user)
        .annotate(**annotations, **human_contact_annotations())
        .annotate(triage_rank=triage_rank)
        .order_by("-has_active_alert", "-triage_rank", "last_name", "first_name", "pk")
    )


def prompt_contact(patient: Patient) -> Assessment | None:
    """Return the patient's latest scored PHQ-9 or GAD-7 if it asks them to contact their
    care team (targets.needs_prompt_contact: severe, question 9 not above 0), else None."""
    thresholds = thresholds_for(patient.practice)
    for code in ("phq9", "gad7"):
        latest = (
            patient.assessments.scored()
            .filter(instrument=code)
            .order_by("-completed_at", "-created_at")
            .first()
        )
        item9 = latest.answers[8] if latest and code == "phq9" else None
        if latest and needs_prompt_contact(code, latest.total, item9, thresholds):
            return latest
    return None


def last_contact(row: Patient):
    """Return the row's last human contact (the one definition, care.contact)."""
    return last_human_contact(row)


def add_network_coverage(rows: Sequence[Patient]) -> None:
    """Set `row.network` ("3/5 layers, 1 single point") on one page of caseload rows, with
    the same few queries however long the page is."""
    summaries = coverage_summaries([row.pk for row in rows])
    for row in rows:
        row.network = summaries[row.pk]


# --- The intake summary: one page for the first conversation ------------------------------


@dataclass(frozen=True)
class Subscale:
    label: str
    mean: float
    low: bool


@dataclass(frozen=True)
class Item9:
    """What the latest PHQ-9 said on question 9, and whether it raised an alert."""

    assessment: Assessment | None
    answer: int | None
    answer_label: str
    alert: RiskAlert | None

    question = PHQ9.items[8].text

    @property
    def asked(self) -> bool:
        return self.assessment is not None

    @property
    def above_zero(self) -> bool:
        return bool(self.answer)


@dataclass(frozen=True)
class LayerRow:
    layer: Layer
    active: tuple[Support, ...]
    inactive: tuple[tuple[Support, str], ...]  # (support, its state in words)
    single_point: bool


@dataclass(frozen=True)
class IntakeSummary:
    patient: Patient
    phq9: Assessment | None
    gad7: Assessment | None
    mspss: Assessment | None
    mspss_subscales: tuple[Subscale, ...]
    item9: Item9
    active_alerts: tuple[RiskAlert, ...]
    network: NetworkView
    layers: tuple[LayerRow, ...]
    safety_plan: SafetyPlan | None


def _latest(patient: Patient, code: str) -> Assessment | None:
    return patient.assessments.scored().filter(instrument=code).order_by("-completed_at").first()


def _item9(phq9: Assessment | None) -> Item9:
    if phq9 is None:
        return Item9(assessment=None, answer=None, answer_label="", alert=None)
    answer = phq9.answers[8]
    labels = {option.value: option.label for option in PHQ9.options}
    alert = RiskAlert.objects.filter(assessment=phq9).first()
    return Item9(assessment=phq9, answer=answer, answer_label=labels[answer], alert=alert)


def _layer_rows(network: NetworkView) -> tuple[LayerRow, ...]:
    states = {f"contact:{c.pk}": c.get_state_display().lower() for c in network.contacts}
    rows = []
    for layer in LAYER_ORDER:
        status = network.analysis.layers[layer]
        rows.append(
            LayerRow(
                layer=layer,
                active=status.active,
                inactive=tuple((s, states.get(s.key, "not active")) for s in status.inactive),
                single_point=status.single_point,
            )
        )
    return tuple(rows)


def intake_summary(patient: Patient) -> IntakeSummary:
    """Return what the care team needs for the first conversation: the latest scores and
    bands, question 9, the support network and its gaps, and the safety plan's status."""
    phq9, mspss = _latest(patient, "phq9"), _latest(patient, "mspss")
    subscales = ()
    if mspss is not None:
        means = mspss.subscale_means()
        subscales = tuple(
            Subscale(sub.label, means[sub.code], means[sub.code] < LOW_MSPSS_MEAN)
            for sub in MSPSS.subscales
        )
    network = network_for(patient)
    return IntakeSummary(
        patient=patient,
        phq9=phq9,
        gad7=_latest(patient, "gad7"),
        mspss=mspss,
        mspss_subscales=subscales,
        item9=_item9(phq9),
        active_alerts=tuple(
            patient.risk_alerts.exclude(status=RiskAlert.Status.RESOLVED).order_by("-created_at")
        ),
        network=network,
        layers=_layer_rows(network),
        safety_plan=patient.safety_plans.select_related("with_clinician")
        .order_by("-version")
        .first(),
    )
