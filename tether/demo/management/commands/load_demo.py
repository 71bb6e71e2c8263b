"""manage.py load_demo: load the synthetic demo practice (tether.demo.loader) and print the
demo logins. Running it again changes nothing."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from tether.demo.loader import is_loaded, load_demo


class Command(BaseCommand):
    help = "Load synthetic demo data (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        if is_loaded():
            self.stdout.write("Demo data is already loaded; nothing to do.")
        else:
            load_demo(now=timezone.now())
            self.stdout.write(
                self.style.SUCCESS("Loaded the demo practice, 7 staff and 40 patients.")
            )
        self.stdout.write(
            self.style.SUCCESS(
                "\nDemo logins (password: demo) at http://127.0.0.1:8000/login/\n"
                "  demo-patient      a patient: check-ins, scores, a full support network, "
                "Get help now\n"
                "  demo-coordinator  a care coordinator: the registry (their caseload) and alerts\n"
                "  demo-clinician    a clinician on call for alerts\n"
                "  demo-admin        the practice admin: every patient of the practice\n"
            )
        )
