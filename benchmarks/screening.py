"""Time what crisis-language screening adds to a peer post, through the real peers service.

Run with `make bench`. On a throwaway database (benchmarks/pagebench.py) one member of one
group posts, again and again, through `tether.peers.services.create_post`, the function the
web page and the API call. Each round posts the same text twice, in random order: once as the
app runs it, once with the detector replaced by a no-op that reads every text as "none"
(every module attribute bound to `tether.crisis.language.detect` / `detect_many` is swapped,
so the service is measured whichever of them it calls). The difference of the medians is what
screening costs a post.

Every text is read by the lists and by the word-and-spelling classifier (there is no gate:
the classifier reads the whole text in well under a millisecond). Three ~250-character texts,
written here:
- an ordinary post;
- an ordinary post near crisis words (a grief post: "death"), read as none;
- a crisis post, which also raises a risk alert, holds the post and notifies the moderator
  (that extra work is part of its "with detection" time, so it is reported, not budgeted).
Each post is dated a day after the previous one so the daily post limit never applies.
"""

import random
import statistics
import sys
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pagebench  # noqa: E402  (beside this script)
from pagebench import p95  # noqa: E402

WARMUP = 5
ROUNDS = 60
SEED = 20261128
TEXTS = {
    "ordinary": (
        "Small update from me. Went to the farmers market with my sister this morning and "
        "bought far too many tomatoes. The anxiety before leaving the house was loud but I "
        "used the breathing exercise from group and it settled. Does anyone have a good "
        "recipe for a big batch of sauce?"
    ),
    "ordinary, near crisis words": (
        "It's a year today since my dad's death. I thought I'd be a mess but I went to the "
        "park where he used to take us and it felt gentle. My therapist says grief comes in "
        "waves and that's okay. Thank you all for listening last month when it was hard."
    ),
    "crisis (alert included)": (
        "I don't know why I'm posting this. Things have been bad since I lost my job. I've "
        "been saving my pills for weeks and I think this weekend is when I'll take them all. "
        "I just wanted someone to know. Sorry to dump this on everyone here."
    ),
}


def seed():
    from django.utils import timezone

    from tether.accounts.models import Practice, Role, User
    from tether.accounts.services import register_patient
    from tether.peers.models import Membership, PeerGroup

    practice = Practice.objects.create(name="Bench practice", slug="bench", country="US")

    def staff(name: str, role: str) -> User:
        return User.objects.create_user(
            username=name, password=None, practice=practice, role=role, first_name=name
        )

    clinician, coordinator = staff("clin", Role.CLINICIAN), staff("coord", Role.COORDINATOR)
    moderator = staff("peer", Role.PEER_SUPPORTER)
    patient_user = User.objects.create_user(
        username="pat", password=None, practice=practice, role=Role.PATIENT
    )
    patient = register_patient(
        practice=practice,
        user=patient_user,
        first_name="Pat",
        last_name="Ient",
        coordinator=coordinator,
        clinicians=[clinician],
    )
    group = PeerGroup.objects.create(
        practice=practice, name="Bench group", who_for="anyone", moderator=moderator
    )
    now = timezone.now()
    membership = Membership.objects.create(
        group=group,
        patient=patient,
        pseudonym="Bench",
        joined_at=now,
        last_visited_at=now,
        belonging_due_at=now + timedelta(days=14),
    )
    return (membership,)


@contextmanager
def detection_replaced():
    """Swap every binding of the detector for a no-op that reads each text as "none"."""
    from tether.crisis import language

    def none_one(text, *args, **kwargs):
        return language.CrisisSignal(tier=language.NONE)

    def none_many(texts, *args, **kwargs):
        return [language.CrisisSignal(tier=language.NONE) for _ in texts]

    swaps = {id(language.detect): none_one, id(language.detect_many): none_many}
    undo = []
    for module in list(sys.modules.values()):
        name = getattr(module, "__name__", "")
        if not name.startswith("tether"):
            continue
        for attr, value in list(vars(module).items()):
            if id(value) in swaps:
                undo.append((module, attr, value))
                setattr(module, attr, swaps[id(value)])
    try:
        yield len(undo)
    finally:
        for module, attr, value in undo:
            setattr(module, attr, value)


def measure(membership) -> int:
    import time

    from tether.crisis.language import detect
    from tether.crisis.language_classifier import text_classifier
    from tether.peers import services

    text_classifier()  # load the classifier first: its loading is start-up, not a post
    rng = random.Random(SEED)
    day = [0]

    def post(text: str) -> float:
        day[0] += 1
        at = membership.joined_at + timedelta(days=day[0])
        started = time.perf_counter()
        services.create_post(membership=membership, body=text, now=at)
        return (time.perf_counter() - started) * 1000

    with detection_replaced() as swapped:
        print(f"detector bindings replaced for the no-op runs: {swapped}")
    print(
        f"{ROUNDS} rounds after {WARMUP} warm-up rounds; each round posts a text with and "
        "without detection, in random order\n"
    )
    print(
        f"{'text':28} {'chars':>5} {'tier':>8} {'with ms':>8} {'p95':>6} {'without ms':>10} "
        f"{'p95':>6} {'added ms':>8}"
    )
    worst = 0.0
    for name, text in TEXTS.items():
        tier = detect(text).tier
        with_, without = [], []
        for i in range(WARMUP + ROUNDS):
            order = [True, False]
            rng.shuffle(order)
            for screened in order:
                if screened:
                    elapsed = post(text)
                else:
                    with detection_replaced():
                        elapsed = post(text)
                if i >= WARMUP:
                    (with_ if screened else without).append(elapsed)
        added = statistics.median(with_) - statistics.median(without)
        if not name.startswith("crisis"):
            worst = max(worst, added)
        print(
            f"{name:28} {len(text):5} {tier:>8} {statistics.median(with_):8.1f} "
            f"{p95(with_):6.1f} {statistics.median(without):10.1f} {p95(without):6.1f} "
            f"{added:8.1f}"
        )
    print(f"\nScreening adds {worst:.1f} ms median to an ordinary post (budget: 30 ms).")
    return 0


if __name__ == "__main__":
    sys.exit(pagebench.run(prefix="tether-bench-screening-", seed=seed, measure=measure))
