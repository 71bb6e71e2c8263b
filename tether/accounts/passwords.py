"""Password rules beyond Django's own validators, and the rule in plain words for forms.

The rules (settings.AUTH_PASSWORD_VALIDATORS, whose comment says why) follow NIST SP
800-63B-4 and OWASP ASVS 5.0 V6: length over complexity (at least PASSWORD_MIN_LENGTH
characters, up to PASSWORD_MAX_LENGTH), not a commonly used password, not too like the
person's username, name or email, and no rules about digits, capitals or symbols.
"""

from django.conf import settings
from django.core.exceptions import ValidationError


class MaximumLengthValidator:
    """Refuse a password longer than `max_length` characters: long passphrases are welcome,
    but hashing megabytes on every sign-in is a way to slow the server down."""

    def __init__(self, max_length: int = 128) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: object = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                f"This password is too long: it can have at most {self.max_length} characters.",
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return f"Your password can have up to {self.max_length} characters."


def password_rule() -> str:
    """Return the password rule in plain words, for the help text of password forms."""
    return (
        f"Use at least {settings.PASSWORD_MIN_LENGTH} characters: a few words you will "
        "remember, like a short sentence, make a strong password. Spaces, numbers and symbols "
        "are welcome but not needed. It can't be a commonly used password or too much like "
        f"your name or username. Up to {settings.PASSWORD_MAX_LENGTH} characters."
    )
