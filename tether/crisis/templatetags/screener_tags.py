"""Template helpers for the Columbia screener's answers."""

from django import template

from tether.crisis import triage

register = template.Library()


@register.filter
def screen_rows(answers: dict) -> list[tuple[str, str, str]]:
    """Return (number, question, "Yes"/"No") for each question asked, in order."""
    return [
        (q.number, q.text, "Yes" if answers[q.key] else "No")
        for q in triage.QUESTIONS
        if q.key in answers
    ]
