"""No browser or shared cache keeps an answer that may carry health information. (Every route
for every persona is checked in tests/test_access_matrix.py; these are the boundaries.)"""

import pytest
from django.http import HttpRequest
from django.test import Client

from tests.factories import PASSWORD


@pytest.mark.django_db
def test_it_is_not_added_to_a_public_page_for_an_anonymous_visitor():
    response = Client().get("/help/")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_it_is_added_to_every_answer_of_the_api_even_without_a_session():
    response = Client().get("/api/v1/openapi.json")

    assert "no-store" in response["Cache-Control"]


def test_it_is_added_to_a_signed_in_persons_page(people):
    client = Client()
    # django-axes checks every sign-in against its throttle, which needs the request.
    assert client.login(request=HttpRequest(), username="patient", password=PASSWORD)

    response = client.get("/me/")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
