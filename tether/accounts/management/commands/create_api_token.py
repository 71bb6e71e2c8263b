from django.core.management.base import BaseCommand, CommandError

from tether.accounts.models import User
from tether.accounts.services import create_api_token


class Command(BaseCommand):
    help = "Create a bearer token for /api/v1 for USERNAME and print it (it is shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--label", default="", help="What the token is for.")

    def handle(self, *args, **options):
        try:
            user = User.objects.get(username=options["username"], is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"No active user named {options['username']!r}.") from None
        self.stdout.write(create_api_token(user=user, label=options["label"]))
