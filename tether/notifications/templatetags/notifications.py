from django import template

from tether.notifications.services import unread_count

register = template.Library()


@register.simple_tag
def unread_notifications(user) -> int:
    """Return how many of `user`'s in-app notifications are unread."""
    return unread_count(user)
