from django.core.management import call_command
from django.utils import timezone

from tether.accounts.models import Patient
from tether.engagement.models import Enrollment, OutreachTask
from tether.engagement.selectors import needs_attention


def test_the_demo_has_a_waiting_patient_and_overdue_and_fresh_outreach(db):
    call_command("load_demo", "--i-know-this-is-not-production", stdout=None)
    waiting = Patient.objects.get(user__username="demo-patient-05")
    assert waiting.enrollments.get().status == Enrollment.Status.AWAITING_INTAKE
    tasks = OutreachTask.objects.filter(assigned_to__username="demo-coordinator", status="open")
    now = timezone.now()
    assert any(t.is_overdue(now) and t.escalated_at for t in tasks)
    assert any(not t.is_overdue(now) for t in tasks)
    assert (
        "Missed two check-ins in a row"
        in needs_attention(Patient.objects.values_list("pk", flat=True)).values()
    )


def test_the_demo_peer_supporter_has_outreach_the_patient_routed_to_them(db):
    call_command("load_demo", "--i-know-this-is-not-production", stdout=None)

    from tether.access import visible_outreach_tasks
    from tether.accounts.models import User

    tasks = visible_outreach_tasks(User.objects.get(username="demo-peer"))
    assert [t.patient.user.username for t in tasks] == ["demo-patient-03"]
