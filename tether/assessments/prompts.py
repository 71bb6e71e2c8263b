"""When a questionnaire result asks the patient to contact their care team. Pure functions on
plain values: the result page (assessments) and the registry's severe-score flag (care, with
the practice's thresholds) both ask here, so the rule lives in one place.

A severe PHQ-9 (20 or more) or GAD-7 (15 or more) asks for contact; it is not a risk alert.
PHQ-9 question 9 above 0 is one, and the crisis panel shows instead of the prompt.
"""

PHQ9_SEVERE_FROM = 20  # severe depression
GAD7_SEVERE_FROM = 15  # severe anxiety


def is_severe_score(
    instrument: str,
    total: int,
    *,
    phq9_from: int = PHQ9_SEVERE_FROM,
    gad7_from: int = GAD7_SEVERE_FROM,
) -> bool:
    """Return whether a score is severe: a PHQ-9 of `phq9_from` or more, a GAD-7 of
    `gad7_from` or more; never for another instrument."""
    if instrument == "phq9":
        return total >= phq9_from
    if instrument == "gad7":
        return total >= gad7_from
    return False


def needs_prompt_contact(
    instrument: str,
    total: int | None,
    item9: int | None,
    *,
    phq9_from: int = PHQ9_SEVERE_FROM,
    gad7_from: int = GAD7_SEVERE_FROM,
) -> bool:
    """Return whether a result should ask the patient to contact their care team: a severe
    score with PHQ-9 question 9 at 0 or not asked (`item9` None)."""
    if total is None or (item9 or 0) > 0:
        return False
    return is_severe_score(instrument, total, phq9_from=phq9_from, gad7_from=gad7_from)
