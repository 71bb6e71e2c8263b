from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone


class PracticeTimeZoneMiddleware:
    """Show times in the signed-in person's practice time zone; they are stored in UTC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        practice = request.user.practice if request.user.is_authenticated else None
        try:
            timezone.activate(ZoneInfo(practice.time_zone)) if practice else timezone.deactivate()
        except (ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        return self.get_response(request)
