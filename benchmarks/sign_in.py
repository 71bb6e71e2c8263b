"""What a guess at a password costs the server, before and after the account is paused.

Run with `make bench`. Issue 12 found that ten threads guessing the admin's password were
never refused, and since every guess costs an Argon2 hash (tens of milliseconds of CPU on
purpose) the guessing slowed every page for everyone. Now django-axes pauses the account
after 5 failures (settings.AXES_FAILURE_LIMIT) and refuses a paused account's guesses before
any hash is computed (tether/accounts/throttle.py).

On a throwaway database (benchmarks/pagebench.py), with the production hasher (Argon2, not the
tests' MD5), this times wrong-password sign-ins through the real login page, one account per
round so each guess is one of the first four (hashed), then guesses at an account already
paused (refused before hashing), interleaved so the machine's load weighs on both alike. It
also counts the Argon2 verifications each kind performed, and fails if a paused guess hashed.
"""

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pagebench  # noqa: E402  (beside this script)
from pagebench import p95  # noqa: E402

WARMUP = 3
ROUNDS = 40


def seed():
    from django.conf import settings

    from tether.accounts.models import Practice, Role, User

    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")  # noqa: S101
    practice = Practice.objects.create(name="Bench practice", slug="bench", country="US")
    users = [
        User.objects.create_user(
            username=f"person{i}",
            password="a long and good passphrase",  # noqa: S106 - a throwaway database
            practice=practice,
            role=Role.PATIENT,
        )
        for i in range(WARMUP + ROUNDS + 1)
    ]
    return (users,)


def measure(users) -> int:
    import logging

    from django.contrib.auth.hashers import Argon2PasswordHasher

    # Every failure is logged (axes, and django.request's 429): right in production, noise here.
    for name in ("axes", "django.request"):
        logging.getLogger(name).setLevel(logging.ERROR)
    from django.test import Client

    verified = {"count": 0}
    original = Argon2PasswordHasher.verify

    def counting(self, password, encoded):
        verified["count"] += 1
        return original(self, password, encoded)

    Argon2PasswordHasher.verify = counting

    def guess(username: str) -> tuple[float, int]:
        client = Client(REMOTE_ADDR=f"10.0.{len(username)}.{hash(username) % 250}")
        before = verified["count"]
        start = time.perf_counter()
        response = client.post("/login/", {"username": username, "password": "a wrong guess"})
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code not in (200, 429):
            raise SystemExit(f"sign-in answered {response.status_code}")
        return elapsed, verified["count"] - before

    paused = users[-1].username
    for _ in range(5):  # settings.AXES_FAILURE_LIMIT: now it is paused
        guess(paused)

    hashed, refused = [], []
    hashes_hashed = hashes_refused = 0
    for i, user in enumerate(users[:-1]):
        took, hashes = guess(user.username)
        took_paused, hashes_paused = guess(paused)
        if i >= WARMUP:
            hashed.append(took)
            refused.append(took_paused)
            hashes_hashed += hashes
            hashes_refused += hashes_paused

    print(f"{ROUNDS} rounds, Argon2 (the production hasher)")
    print(f"{'guess':32} {'median ms':>10} {'p95 ms':>8} {'hashes':>7}")
    for name, samples, hashes in (
        ("before the pause (hashed)", hashed, hashes_hashed),
        ("once paused (refused first)", refused, hashes_refused),
    ):
        print(f"{name:32} {statistics.median(samples):10.2f} {p95(samples):8.2f} {hashes:7}")
    ratio = statistics.median(hashed) / statistics.median(refused)
    print(f"\nA guess at a paused account costs 1/{ratio:.1f} of a hashed one.")
    if hashes_refused:
        print("FAIL: a guess at a paused account computed a password hash.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(pagebench.run(prefix="tether-bench-sign-in-", seed=seed, measure=measure))
