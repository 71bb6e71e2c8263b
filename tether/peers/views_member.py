"""Placeholder: being written (issue 5)."""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404("Not yet.")


my_groups = my_experience = group_suggestions = join = group_page = post = leave = _todo
report = post_support = belonging = _todo
