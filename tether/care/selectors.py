"""Reads for measurement-based care: the prompt to contact the care team and the intake
summary. (The caseload is the registry: care.registry.)"""

from dataclasses import dataclass

from tether.accounts.models import Patient
from tether.assessments.instruments import MSPSS, PHQ9
from tether.assessments.models import Assessment
from tether.assessments.prompts import needs_prompt_contact
from tether.care.models import thresholds_for
from tether.crisis.models import RiskAlert
from tether.network.analysis import LOW_MSPSS_MEAN, Support
from tether.network.layers import LAYER_ORDER, Layer
from tether.network.models import SafetyPlan
from tether.network.selectors import NetworkView, network_for


def prompt_contact(patient: Patient) -> Assessment | None:
    """Return the patient's latest scored PHQ-9 or GAD-7 if it asks them to contact their
    care team (assessments.prompts.needs_prompt_contact, with the practice's thresholds:
    severe, question 9 not above 0), else None."""
    thresholds = thresholds_for(patient.practice)
    for code in ("phq9", "gad7"):
        latest = (
            patient.assessments.scored()
            .filter(instrument=code)
            .order_by("-completed_at", "-created_at")
            .first()
        )
        item9 = latest.answers[8] if latest and code == "phq9" else None
        if latest and needs_prompt_contact(
            code,
            latest.total,
            item9,
            phq9_from=thresholds.prompt_phq9_from,
            gad7_from=thresholds.prompt_gad7_from,
        ):
            return latest
    return None


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
    subscales: tuple[Subscale, ...] = ()
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
