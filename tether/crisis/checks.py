"""System checks for the crisis layer: `manage.py check` (and every command that runs the
checks, e.g. runserver and migrate) warns about each practice that a risk alert could fail
to reach a person at, fails when nothing would plan the follow-up after an alert, and warns
when nothing would email a patient their safety plan link."""

from django.core.checks import Error, Warning, register
from django.db import DatabaseError

PAGING_CHECK_ID = "tether.W001"


@register()
def check_practices_can_page(app_configs=None, **kwargs) -> list[Warning]:
    """Return one warning per practice with a paging problem (crisis.rota)."""
    from tether.accounts.models import Practice
    from tether.crisis.rota import practice_paging_problems

    try:
        practices = list(Practice.objects.order_by("name"))
        found = [(p, practice_paging_problems(p)) for p in practices]
    except DatabaseError:
        return []  # no tables yet (before the first migrate): nothing to check
    return [
        Warning(
            f"Risk alerts at practice “{practice.name}” may reach nobody: {' '.join(problems)}",
            hint="Set the practice's after-hours contact and an active admin in the admin site "
            "(Practices).",
            obj=practice,
            id=PAGING_CHECK_ID,
        )
        for practice, problems in found
        if problems
    ]


FOLLOW_UP_CHECK_ID = "tether.E001"


@register()
def check_follow_up_is_planned(app_configs=None, **kwargs) -> list[Error]:
    """Return an error when nothing receives alert_resolved: resolving a risk alert would then
    plan no follow-up contact (crisis.signals)."""
    from tether.crisis.signals import alert_resolved

    if alert_resolved.has_listeners():
        return []
    return [
        Error(
            "Nothing plans the follow-up contact after a risk alert is resolved.",
            hint="Install tether.engagement, whose ready() connects crisis.signals.alert_resolved.",
            id=FOLLOW_UP_CHECK_ID,
        )
    ]


PLAN_EMAIL_CHECK_ID = "tether.W002"


@register()
def check_plan_link_is_emailed(app_configs=None, **kwargs) -> list[Warning]:
    """Return a warning when nothing receives alert_raised: a patient with a safety plan would
    not be emailed its link when an alert is raised (crisis.signals)."""
    from tether.crisis.signals import alert_raised

    if alert_raised.has_listeners():
        return []
    return [
        Warning(
            "Nothing emails a patient their safety plan link when a risk alert is raised.",
            hint="Install tether.network, whose ready() connects crisis.signals.alert_raised.",
            id=PLAN_EMAIL_CHECK_ID,
        )
    ]
