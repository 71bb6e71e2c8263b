"""Factories for test data. Patients come with a care team, as they do in the product."""

import factory
from django.utils import timezone

from tether.accounts.models import Practice, Role, User
from tether.accounts.services import register_patient

PASSWORD = "correct horse battery staple"


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Practice {n}")
    slug = factory.Sequence(lambda n: f"practice-{n}")
    country = "US"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    practice = factory.SubFactory(PracticeFactory)
    role = Role.PATIENT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


def make_patient(*, practice, coordinator, clinicians, with_account=True, **names):
    """Create a patient (with a sign-in account unless told otherwise) on a care team."""
    user = None
    if with_account:
        user = UserFactory(practice=practice, role=Role.PATIENT, **names)
    return register_patient(
        practice=practice,
        user=user,
        first_name=names.get("first_name") or (user.first_name if user else "Pat"),
        last_name=names.get("last_name") or (user.last_name if user else "Ient"),
        coordinator=coordinator,
        clinicians=list(clinicians),
    )


def now():
    return timezone.now()
