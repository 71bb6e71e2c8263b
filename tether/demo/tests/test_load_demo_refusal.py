"""load_demo creates accounts with a known password: without DEBUG it refuses unless told."""

import pytest
from django.core.management import CommandError, call_command

from tether.accounts.models import User


@pytest.mark.django_db
def test_it_refuses_without_debug_and_creates_nothing(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--i-know-this-is-not-production"):
        call_command("load_demo", stdout=None)

    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_loads_without_debug_when_told_this_is_not_production(settings):
    settings.DEBUG = False

    call_command("load_demo", "--i-know-this-is-not-production", stdout=None)

    assert User.objects.filter(username="demo-patient").exists()


@pytest.mark.django_db
def test_it_loads_with_debug(settings):
    settings.DEBUG = True

    call_command("load_demo", stdout=None)

    assert User.objects.filter(username="demo-admin").exists()
