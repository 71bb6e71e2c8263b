"""The privacy notice and communication consent a patient accepts before their account opens.
Change NOTICE_VERSION whenever the words change: each acceptance records the version read."""

NOTICE_VERSION = "2026-11-privacy-v1"

# Paragraphs of the notice; "{practice}" is the practice's name.
PRIVACY = (
    "{practice} uses Tether to support your care between visits. What you write and the "
    "questionnaires you answer are kept in your record at {practice} and seen by your care "
    "team: your coordinator and clinicians, and the practice's administrators.",
    "If something you write suggests you may be at risk, your care team is told straight "
    "away so someone can reach out. Tether is not an emergency service: if you are in "
    "danger, call a crisis line or emergency services.",
    "You can ask {practice} for a copy of your record, and see who has looked at it, at any "
    "time. Nobody outside your care team sees it unless you choose to share something.",
)
COMMUNICATION = (
    "{practice} may send you reminders and messages from your care team by email or text "
    "message. Messages never include details about your health; open Tether to read them. "
    "You can change how you are reached, or set quiet hours, in your settings."
)


def notice_paragraphs(practice_name: str) -> list[str]:
    """Return the privacy notice for a practice, paragraph by paragraph."""
    return [paragraph.format(practice=practice_name) for paragraph in PRIVACY]


def communication_text(practice_name: str) -> str:
    """Return the communication consent for a practice."""
    return COMMUNICATION.format(practice=practice_name)
