"""Rebuild every patient's registry entry from their records.

Every write through Django keeps the entries current on its own (care.signals), and the first
`migrate` after upgrading builds them; run this after changing records another way (SQL, a
restored backup, a bulk import that skipped refresh_entries)."""

from typing import Any

from django.core.management.base import BaseCommand

from tether.care.entries import refresh_everyone


class Command(BaseCommand):
    help = "Rebuild every patient's registry entry (its flags and order) from their records."

    def handle(self, *args: Any, **options: Any) -> None:
        count = refresh_everyone()
        self.stdout.write(f"Rebuilt the registry entries of {count} patients.")
