import signal
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from tether.scheduling.tasks import enqueue_sweeps, load_sweeps


class Command(BaseCommand):
    help = (
        "Enqueue every sweep in settings.SWEEPS once a minute, for `manage.py db_worker` to run. "
        "Run one (running two is harmless: each sweep is enqueued once per minute). "
        "--once enqueues for the current minute and exits (for cron or tests)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Enqueue once, then exit.")

    def handle(self, *args, once: bool = False, verbosity: int = 1, **options):
        sweeps = load_sweeps()  # fail at start-up, loudly, on a sweep that does not import
        if verbosity:
            self.stdout.write(f"Scheduling {len(sweeps)} sweep(s): {', '.join(sweeps)}")
        self._running = True
        if not once:
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)
        while self._running:
            now = timezone.now()
            enqueued = enqueue_sweeps(now=now)
            if verbosity > 1 or once:
                self.stdout.write(f"{now:%H:%M} enqueued {len(enqueued)} sweep(s)")
            if once:
                return
            # Sleep to the start of the next minute, waking each second to notice a stop.
            wake = 60 - timezone.now().second
            for _ in range(wake):
                if not self._running:
                    break
                time.sleep(1)

    def _stop(self, signum, frame):
        self._running = False
