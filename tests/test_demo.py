from django.core.management import call_command

from tether.accounts.models import Patient, Role, User
from tether.assessments.models import Assessment
from tether.crisis.models import RiskAlert


def test_it_loads_the_demo_practice_once(db):
    call_command("load_demo", stdout=None)
    counts = (User.objects.count(), Patient.objects.count(), Assessment.objects.count())
    call_command("load_demo", stdout=None)

    assert (User.objects.count(), Patient.objects.count(), Assessment.objects.count()) == counts
    assert Patient.objects.count() == 40
    for username in ("demo-admin", "demo-coordinator", "demo-clinician", "demo-patient"):
        assert User.objects.get(username=username).check_password("demo")
    assert User.objects.filter(role=Role.COORDINATOR).count() == 2
    assert User.objects.filter(role=Role.CLINICIAN).count() == 3
    assert User.objects.filter(role=Role.PEER_SUPPORTER).count() == 1
    assert RiskAlert.objects.filter(status=RiskAlert.Status.OPEN).exists()


def test_it_gives_every_patient_months_of_phq9_and_gad7_history(db):
    call_command("load_demo", stdout=None)

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
