"""Checking contact details before anything is saved."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from tether.lib.errors import Invalid
from tether.lib.phones import normalise_phone


class ContactInvalid(Invalid):
    """Contact details that cannot be saved; `problems` maps each field to a plain message."""


def clean_contact_details(
    *, name: str, phone: str, email: str, country: str, needs_reach: bool
) -> tuple[str, str, str]:
    """Return (name, phone in E.164, email) tidied, or raise ContactInvalid naming each
    problem. `needs_reach`: a trusted person needs an email or a phone to be invited."""
    problems: dict[str, str] = {}
    name = (name or "").strip()
    phone = (phone or "").strip()
    email = (email or "").strip()
    if not name:
        problems["name"] = "Please add a name."
    elif len(name) > 120:
        problems["name"] = "Please keep the name under 120 characters."
    if phone:
        try:
            phone = normalise_phone(phone, country=country)
        except ValueError as error:
            problems["phone"] = str(error)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems["email"] = f"“{email}” doesn't look like an email address."
    if needs_reach and not phone and not email and "phone" not in problems:
        problems["email"] = "Add an email address (or a phone number) so we can invite them."
    if problems:
        raise ContactInvalid(problems)
    return name, phone, email
