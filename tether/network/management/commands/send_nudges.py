from django.core.management.base import BaseCommand

from tether.network.sweeps import send_due_nudges


class Command(BaseCommand):
    help = (
        "Send the check-in reminders to trusted people that are due now, once, and print how "
        "many were sent. The scheduler (manage.py run_scheduler with a db_worker) already "
        "runs this sweep every minute; this command runs it once by hand. It is safe to run "
        "alongside the scheduler, since each reminder is claimed before it is sent."
    )

    def handle(self, *args, **options):
        sent = send_due_nudges()
        self.stdout.write(f"Sent {sent} check-in reminder{'' if sent == 1 else 's'}.")
