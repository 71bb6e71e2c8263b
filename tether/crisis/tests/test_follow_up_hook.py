"""The follow-up after a resolved alert reaches engagement through crisis.signals, so crisis
imports no app above it; a project where nothing receives the signal fails its checks."""

from tether.crisis.checks import check_follow_up_is_planned
from tether.crisis.signals import alert_resolved
from tether.engagement.follow_up import plan_follow_up_for_resolved_alert

UID = "engagement.alert_follow_up"


def _follow_up_errors():
    return check_follow_up_is_planned()


def test_engagement_receives_alert_resolved_and_the_check_passes():
    assert alert_resolved.has_listeners()
    assert _follow_up_errors() == []


def test_without_a_receiver_the_project_fails_its_checks():
    alert_resolved.disconnect(dispatch_uid=UID)
    try:
        (error,) = _follow_up_errors()
        assert error.is_serious()
    finally:
        alert_resolved.connect(plan_follow_up_for_resolved_alert, dispatch_uid=UID)
    assert _follow_up_errors() == []


def test_without_a_receiver_of_alert_raised_the_project_is_warned():
    from tether.crisis.checks import check_plan_link_is_emailed
    from tether.crisis.signals import alert_raised
    from tether.network.plan_email import email_plan_link_on_alert

    assert check_plan_link_is_emailed() == []
    alert_raised.disconnect(dispatch_uid="network.plan_link_email")
    try:
        (warning,) = check_plan_link_is_emailed()
        assert not warning.is_serious()
    finally:
        alert_raised.connect(email_plan_link_on_alert, dispatch_uid="network.plan_link_email")
