from django.core.management.base import BaseCommand

from tether.network.services import send_due_nudges


class Command(BaseCommand):
    help = (
        "Send the check-in reminders to trusted people that are due now, once, and print how "
        "many were sent. Run it from cron or a scheduler (every 15 minutes is plenty); it is "
        "safe to run from several places at once, since each reminder is claimed before it is "
        "sent. A background-task engine takes this over in a later issue."
    )

    def handle(self, *args, **options):
        sent = send_due_nudges()
        self.stdout.write(f"Sent {sent} check-in reminder{'' if sent == 1 else 's'}.")
