"""Phone numbers in one shape (E.164). Lives in lib because contacts (network), text
messages (notifications) and the practice's after-hours contact (crisis) all need it."""

import phonenumbers


def normalise_phone(raw: str, *, country: str) -> str:
    """Return `raw` as an E.164 number (e.g. +15551234567), reading national numbers as
    `country`'s; raise ValueError with a plain message when it is not a real number."""
    try:
        number = phonenumbers.parse(raw, country.upper())
    except phonenumbers.NumberParseException:
        raise ValueError(
            f"“{raw}” doesn't look like a phone number. Try the full number, e.g. +1 555 123 4567."
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"“{raw}” isn't a valid phone number. Please check the digits.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
