"""System checks for the crisis layer: `manage.py check` (and every command that runs the
checks, e.g. runserver and migrate) warns about each practice that a risk alert could fail
to reach a person at."""

from django.core.checks import Warning, register
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
