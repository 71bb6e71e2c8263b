from django.core.management.base import BaseCommand, CommandError

from tether.accounts.models import TOKEN_DEFAULT_DAYS, User
from tether.accounts.tokens import TokenInvalid, create_api_token


class Command(BaseCommand):
    help = (
        "Create a bearer token for /api/v1 for USERNAME and print it (it is shown only once). "
        "People can also make, list and revoke their own tokens at /me/api-tokens/."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--name", "--label", dest="name", default="", help="What the token is for."
        )
        parser.add_argument(
            "--days",
            type=int,
            default=TOKEN_DEFAULT_DAYS,
            help=f"Days until it expires (default {TOKEN_DEFAULT_DAYS}, at most 365).",
        )

    def handle(self, *args, **options):
        try:
            user = User.objects.get(username=options["username"], is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"No active user named {options['username']!r}.") from None
        try:
            secret = create_api_token(
                user=user, name=options["name"], expires_in_days=options["days"]
            )
        except TokenInvalid as error:
            raise CommandError(str(error)) from None
        self.stdout.write(secret)
