"""Placeholder: being written (issue 5)."""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404("Not yet.")


queue = moderate_post = group_list = group_form = group_detail = _todo
