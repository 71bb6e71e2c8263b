"""Setting up and passing the second factor through the pages, with codes from a real TOTP
implementation (pyotp): enrolment, recovery codes (shown once, each good once), wrong and
replayed codes, throttling, patients who opt in, and the demo's published secret."""

import re
from datetime import timedelta

import pyotp
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.second_factor import authenticator, current_code, totp
from tether.accounts.models import User
from tether.mfa import services
from tether.mfa.tests.test_enforcement import SET_UP, VERIFY, sign_in_with_password

RECOVERY = reverse("mfa_recovery_codes")


def _enrol(client: Client, next_url: str = "/staff/registry/") -> list[str]:
    """Set up an app through the pages: read the key shown, answer with its code; return the
    recovery codes shown."""
    page = client.get(SET_UP, {"next": next_url}).content.decode()
    key = re.search(r'id="secret-key"><code>([A-Z2-7 ]+)</code>', page).group(1)
    code = pyotp.TOTP(key.replace(" ", "")).now()
    response = client.post(SET_UP, {"code": code, "next": next_url})
    assert response.status_code == 302, response.content.decode()
    assert response["Location"].startswith(RECOVERY)
    shown = client.get(response["Location"]).content.decode()
    return re.findall(r"<li><code>([a-z0-9]+)</code></li>", shown)


def test_it_sets_up_an_app_with_a_code_from_it_and_shows_ten_recovery_codes(people):
    client = Client()
    sign_in_with_password(client, "coordinator")
    page = client.get(SET_UP).content.decode()
    assert 'src="data:image/svg+xml' in page  # the QR code, no inline script or style
    assert "<script" not in page and "style=" not in page

    codes = _enrol(client)

    assert len(codes) == 10 == len(set(codes))
    device = TOTPDevice.objects.get(user=people.coordinator)
    assert device.confirmed
    assert client.get(reverse("registry")).status_code == 200
    # Shown once: asked again, the page says so and shows none.
    again = client.get(RECOVERY, follow=True).content.decode()
    assert "shown once" in again
    assert not any(code in again for code in codes)


def test_a_wrong_code_at_set_up_is_refused_clearly(people):
    client = Client()
    sign_in_with_password(client, "clinician")
    client.get(SET_UP)

    response = client.post(SET_UP, {"code": "000000"})

    assert response.status_code == 200
    assert "That code did not match" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=people.clinician, confirmed=True).exists()
    assert client.get(reverse("registry"))["Location"].startswith(SET_UP)


def test_a_code_from_the_app_passes_the_step_and_goes_where_asked(people):
    device = authenticator(people.admin)
    client = Client()
    sign_in_with_password(client, "admin")
    wanted = client.get(reverse("alert_list"))["Location"]
    assert wanted == f"{VERIFY}?next=%2Fstaff%2Falerts%2F"

    response = client.post(wanted, {"code": totp(device).now(), "next": "/staff/alerts/"})

    assert response["Location"] == "/staff/alerts/"
    assert client.get("/staff/alerts/").status_code == 200


def test_a_code_is_good_once(people):
    device = authenticator(people.admin)
    code = totp(device).now()
    first, second = Client(), Client()
    sign_in_with_password(first, "admin")
    sign_in_with_password(second, "admin")

    assert first.post(VERIFY, {"code": code})["Location"] == "/"
    replayed = second.post(VERIFY, {"code": code})

    assert replayed.status_code == 200
    assert "did not match" in replayed.content.decode()


def test_a_wrong_code_is_refused_and_guesses_are_throttled(people):
    device = authenticator(people.clinician)
    client = Client()
    sign_in_with_password(client, "clinician")

    wrong = client.post(VERIFY, {"code": "123456" if totp(device).now() != "123456" else "654321"})
    assert wrong.status_code == 200
    assert "That code did not match. Please check it and try again." in wrong.content.decode()

    # At once, even the right code waits: 1, 2, 4 ... seconds after each wrong one.
    throttled = client.post(VERIFY, {"code": current_code(device)})
    assert "Please wait" in throttled.content.decode()
    assert client.get(reverse("registry"))["Location"].startswith(VERIFY)
    device.refresh_from_db()
    assert device.throttling_failure_count == 1

    with time_machine.travel(timezone.now() + timedelta(seconds=2)):
        passed = client.post(VERIFY, {"code": current_code(device)})
    assert passed.status_code == 302


def test_not_a_code_at_all_is_a_form_error_not_a_guess(people):
    device = authenticator(people.peer)
    client = Client()
    sign_in_with_password(client, "peer")

    response = client.post(VERIFY, {"code": "12-3456"})

    assert response.status_code == 200
    assert "only letters and digits" in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_recovery_code_works_once_and_never_twice(people):
    client = Client()
    sign_in_with_password(client, "coordinator")
    codes = _enrol(client)
    client.post(reverse("logout"))

    client = Client()
    sign_in_with_password(client, "coordinator")
    used = client.post(VERIFY, {"code": codes[0].upper(), "next": "/staff/registry/"})
    assert used["Location"] == "/staff/registry/"
    assert StaticToken.objects.filter(device__user=people.coordinator).count() == 9
    client.post(reverse("logout"))

    with time_machine.travel(timezone.now() + timedelta(seconds=2)):
        client = Client()
        sign_in_with_password(client, "coordinator")
        again = client.post(VERIFY, {"code": codes[0]})
    assert again.status_code == 200
    assert "did not match" in again.content.decode()
    assert client.get(reverse("registry"))["Location"].startswith(VERIFY)


def test_an_unsafe_next_goes_home_instead(people):
    device = authenticator(people.admin)
    client = Client()
    sign_in_with_password(client, "admin")

    response = client.post(VERIFY, {"code": totp(device).now(), "next": "https://evil.example/"})

    assert response["Location"] == "/"


def test_a_patient_may_turn_it_on_and_then_signs_in_with_a_code(people):
    client = Client()
    sign_in_with_password(client, "patient")
    assert "Off" in client.get(reverse("mfa_settings")).content.decode()

    codes = _enrol(client, next_url=reverse("patient_home"))

    assert len(codes) == 10
    device = TOTPDevice.objects.get(user=people.patient.user, confirmed=True)
    fresh = Client()
    sign_in_with_password(fresh, "patient")
    assert fresh.get(reverse("patient_home"))["Location"].startswith(VERIFY)
    assert fresh.get(f"/api/v1/patients/{people.patient.pk}/assessments").status_code == 401
    assert fresh.post(VERIFY, {"code": current_code(device)}).status_code == 302
    assert fresh.get(reverse("patient_home")).status_code == 200


def test_a_patient_may_turn_it_off_and_staff_may_not(people):
    patient = Client()
    sign_in_with_password(patient, "patient")
    _enrol(patient, next_url="/me/")

    assert patient.post(reverse("mfa_turn_off")).status_code == 302
    assert not TOTPDevice.objects.filter(user=people.patient.user).exists()
    fresh = Client()
    sign_in_with_password(fresh, "patient")
    assert fresh.get(reverse("patient_home")).status_code == 200

    staff = Client()
    staff.force_login(people.clinician)
    assert staff.post(reverse("mfa_turn_off")).status_code == 404
    assert TOTPDevice.objects.filter(user=people.clinician, confirmed=True).exists()


def test_new_recovery_codes_replace_the_old_ones(people):
    client = Client()
    sign_in_with_password(client, "coordinator")
    old = _enrol(client)

    response = client.post(reverse("mfa_new_recovery_codes"))
    new = re.findall(
        r"<li><code>([a-z0-9]+)</code></li>", client.get(response["Location"]).content.decode()
    )

    assert len(new) == 10 and not set(new) & set(old)
    assert services.recovery_codes_left(people.coordinator) == 10


def test_the_demo_staff_sign_in_with_the_published_secret(db):
    from tether.demo.second_factor import DEMO_TOTP_SECRET

    call_command("load_demo", "--i-know-this-is-not-production", stdout=None)
    staff = User.objects.filter(username__in=["demo-admin", "demo-coordinator", "demo-peer-2"])
    client = Client()
    client.post(reverse("login"), {"username": "demo-clinician", "password": "demo"})

    response = client.post(VERIFY, {"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()})

    assert response.status_code == 302
    assert client.get(reverse("registry")).status_code == 200
    assert all(services.confirmed_app(user) for user in staff)
    assert services.confirmed_app(User.objects.get(username="demo-patient")) is None
