"""Placeholder: being written (issue 6)."""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404("Not yet.")


my_progress = _todo
