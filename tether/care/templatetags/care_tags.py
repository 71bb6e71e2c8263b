from django import template

register = template.Library()


@register.filter
def change_since(latest: int | None, previous: int | None) -> str:
    """Return the change from the previous score, e.g. "−3", "+2", "no change" or ""."""
    if latest is None or previous is None:
        return ""
    delta = latest - previous
    if delta == 0:
        return "no change"
    return f"+{delta}" if delta > 0 else f"−{-delta}"
