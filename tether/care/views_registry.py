"""Placeholder: being written (issue 6)."""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404("Not yet.")


registry_page = registry_csv = start_episode_view = end_episode_view = _todo
