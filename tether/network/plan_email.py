"""The patient's safety plan link, emailed when a risk alert is raised for them: in a hard
moment a forgotten password should not stand between a patient and their plan. Sent by the
receiver of crisis.signals.alert_raised (connected in NetworkConfig.ready), inside the
transaction that raises the alert."""

from datetime import datetime

from tether.access.links import patient_plan_link
from tether.accounts.models import Patient
from tether.crisis.models import RiskAlert
from tether.crisis.resources import resources_for
from tether.notifications.services import queue_email


def email_plan_link_on_alert(
    sender: object, *, alert: RiskAlert, at: datetime, **kwargs: object
) -> None:
    """Receiver of crisis.signals.alert_raised: email the patient their plan link."""
    email_safety_plan_link(alert.patient)


def email_safety_plan_link(patient: Patient) -> None:
    """Email the patient a 24-hour link to the safety plan they wrote, with the crisis lines;
    nothing when they have no plan or no email address. The email names nobody, says nothing
    about why the alert was raised, and never a score."""
    user = patient.user
    email = user.email if user is not None else ""
    if not email or not patient.safety_plans.exists():
        return
    practice = patient.practice
    resources = resources_for(country=practice.country, practice_slug=practice.slug)
    lines = "\n".join(
        f"- {r.name}: {', '.join(c.label for c in r.contacts)}"
        for r in resources
        if r.is_crisis_line
    )
    queue_email(
        to=email,
        subject="A link from Tether, just for you",
        body=(
            "Hello,\n\n"
            "Here is the plan you wrote in Tether. This link opens it without signing in, "
            f"for the next 24 hours:\n{patient_plan_link(patient)}\n\n"
            "If you need to talk to someone right now, these lines are free and open day "
            f"and night:\n{lines}\n\n"
            "You don't have to face this alone.\n"
        ),
        purpose="patient-plan-link",
        patient=patient,
    )
