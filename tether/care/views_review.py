"""Placeholder: being written (issue 6)."""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404("Not yet.")


case_review = recommend_view = my_recommendations = close_recommendation_view = _todo
