from django.core.management import call_command

from tether.accounts.models import Patient, Role, User
from tether.assessments.models import Assessment
from tether.crisis.models import RiskAlert
from tether.network.layers import Layer
from tether.network.models import Consent, SafetyPlan, SupportContact, TrustedCheckIn
from tether.network.selectors import coverage_summaries, network_for
from tether.notifications.models import Delivery

NETWORK_MODELS = (SupportContact, Consent, TrustedCheckIn, SafetyPlan)


def test_it_loads_the_demo_practice_once(db):
    def counts():
        models = (User, Patient, Assessment, Delivery, *NETWORK_MODELS)
        return [model.objects.count() for model in models]

    call_command("load_demo", "--i-know-this-is-not-production", stdout=None)
    first = counts()
    call_command("load_demo", "--i-know-this-is-not-production", stdout=None)

    assert counts() == first
    assert all(model.objects.exists() for model in NETWORK_MODELS)
    assert Patient.objects.count() == 40
    for username in ("demo-admin", "demo-coordinator", "demo-clinician", "demo-patient"):
        assert User.objects.get(username=username).check_password("demo")
    assert User.objects.filter(role=Role.COORDINATOR).count() == 2
    assert User.objects.filter(role=Role.CLINICIAN).count() == 3
    assert User.objects.filter(role=Role.PEER_SUPPORTER).count() == 2  # demo-peer, demo-peer-2
    assert RiskAlert.objects.filter(status=RiskAlert.Status.OPEN).exists()


def test_it_gives_every_patient_months_of_phq9_and_gad7_history(db):
    call_command("load_demo", "--i-know-this-is-not-production", stdout=None)

    for patient in Patient.objects.all():
        phq9 = list(patient.assessments.filter(instrument="phq9").order_by("completed_at"))
        assert patient.assessments.filter(instrument="gad7").count() == len(phq9)
        assert (phq9[-1].completed_at - phq9[0].completed_at).days >= 60
    finals = [
        list(p.assessments.filter(instrument="phq9").order_by("completed_at"))
        for p in Patient.objects.all()
    ]
    improved = sum(1 for s in finals if s[-1].total <= s[0].total / 2)
    assert 0 < improved < len(finals)  # some improving, some not


def test_it_gives_the_demo_full_thin_and_single_point_networks(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", "--i-know-this-is-not-production", stdout=None)
    # Quiet: no invitation or intake email for months-old, synthetic history.
    assert not Delivery.objects.filter(
        purpose__in=["intake-summary", "trusted-invitation"]
    ).exists()
    patients = list(Patient.objects.select_related("user"))

    summaries = coverage_summaries([p.pk for p in patients])

    assert any(s.startswith("5/5 layers") for s in summaries.values())
    assert sum(s == "1/5 layers" for s in summaries.values()) >= 5  # care team only
    assert any("single point" in s for s in summaries.values())
    demo = next(p for p in patients if p.user.username == "demo-patient")
    assert summaries[demo.pk].startswith("5/5 layers")
    assert demo.help_wanted

    networks = [network_for(p) for p in patients]
    relational = [n.analysis.layers[Layer.RELATIONAL] for n in networks]
    assert any(r.single_point for r in relational)
    assert any(n.analysis.loads for n in networks)  # one person doing all the check-ins
    assert any(n.analysis.lapses for n in networks)  # a trusted person gone quiet
    assert any("your family" in gap for n in networks for gap in n.gaps_in_words)
    assert SupportContact.objects.filter(invitation=SupportContact.Invitation.DECLINED).exists()
    assert SupportContact.objects.filter(state=SupportContact.State.LAPSED).exists()
    assert Assessment.objects.filter(instrument="mspss").count() >= 3
