"""manage.py load_demo: load the synthetic demo practice (tether.demo.loader) and print the
demo logins. Running it again changes nothing.

It creates accounts anyone can sign in to (the password is `demo`), so it refuses to run
without DEBUG unless told, with --i-know-this-is-not-production, that this database is not
a real practice's (the test suite runs without DEBUG, and says so)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tether.demo.loader import is_loaded, load_demo
from tether.demo.second_factor import DEMO_OTPAUTH_URI, DEMO_TOTP_SECRET, enrol_demo_staff


class Command(BaseCommand):
    help = "Load synthetic demo data (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--i-know-this-is-not-production",
            action="store_true",
            dest="not_production",
            help="Load the demo even though DEBUG is off (never on a real practice's database).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["not_production"]:
            raise CommandError(
                "load_demo creates accounts with the password 'demo', so it only runs with "
                "DEBUG=1 (as `make demo` does). If this database is not a real practice's, run "
                "it again with --i-know-this-is-not-production."
            )
        if is_loaded():
            self.stdout.write("Demo data is already loaded; nothing to do.")
        else:
            load_demo(now=timezone.now())
            self.stdout.write(
                self.style.SUCCESS("Loaded the demo practice, 7 staff and 40 patients.")
            )
        enrol_demo_staff()  # every time: a demo loaded before staff had a second factor too
        self.stdout.write(
            self.style.SUCCESS(
                "\nDemo logins (password: demo) at http://127.0.0.1:8000/login/\n"
                "  demo-patient      a patient: check-ins, scores, a full support network, "
                "Get help now\n"
                "  demo-coordinator  a care coordinator: the registry (their caseload) and alerts\n"
                "  demo-clinician    a clinician on call for alerts\n"
                "  demo-admin        the practice admin: every patient of the practice\n"
                "\nStaff second factor: add this key to any authenticator app (as 'Tether "
                f"demo staff'): {DEMO_TOTP_SECRET}\n  or open {DEMO_OTPAUTH_URI}\n"
                "  then type its 6-digit code after the password (every demo-* staff login).\n"
            )
        )
