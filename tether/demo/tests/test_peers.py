from django.core.management import call_command

from tether.accounts.models import Patient
from tether.crisis.models import RiskAlert
from tether.peers import services
from tether.peers.models import BelongingCheck, Membership, PeerGroup, Post


def test_the_demo_has_groups_members_posts_and_a_crisis_post_with_its_alert(db):
    call_command("load_demo", "--i-know-this-is-not-production", stdout=None)
    assert PeerGroup.objects.count() == 6
    assert Membership.objects.filter(status="active").count() == 11
    assert Post.objects.count() >= 10
    crisis = Post.objects.get(crisis_language=True)
    assert crisis.needs_review and crisis.status == Post.Status.HELD  # a moderator reads it first
    assert crisis.risk_alert.reason == RiskAlert.Reason.CRISIS_LANGUAGE
    assert crisis.risk_alert.patient == crisis.author.patient
    assert BelongingCheck.objects.filter(score__lte=2, tell_supporter=True).exists()


def test_the_demo_patient_can_describe_their_experience_and_get_suggestions(db):
    call_command("load_demo", "--i-know-this-is-not-production", stdout=None)
    patient = Patient.objects.get(user__username="demo-patient")
    assert not patient.memberships.exists()
    services.save_experience(
        patient=patient,
        description="My son is four months old and I worry constantly and cry most days.",
    )
    ranked = services.suggest_groups(patient=patient)
    assert ranked[0].group.name == "After the baby"
    assert all(s.reason for s in ranked)
