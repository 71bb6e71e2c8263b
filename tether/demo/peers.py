"""Demo data for peer communities (called by load_demo).

Six groups described in members' own terms, demo patients as members under pseudonyms with
their own descriptions (written by the Tether team for the demo), a few weeks of posts,
belonging answers (one low, passed to the peer supporter), and one post with crisis language
held at the top of the moderator's queue (the group sees it once they keep it) with its
alert. demo-patient has no groups yet, so the whole journey (describe, see suggestions, join,
post) can be tried as them.
"""

from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password

from tether.accounts.models import Patient, Practice, Role, User
from tether.peers import services, sweeps
from tether.peers.models import BelongingCheck, GroupMeeting, IdentityTag, Post

GROUPS = [
    (
        "After the baby",
        "New parents with anxiety or low mood after birth: the worry that won't switch off, "
        "nights without sleep, and feeling you should be happier than you are.",
        ("New parent", "Postnatal depression or anxiety", "Anxiety", "Depression"),
        "demo-peer",
    ),
    (
        "Veterans living with depression",
        "Veterans and service members living with depression after leaving the military: "
        "feeling numb, finding a place in civilian life, and sleep that won't come.",
        ("Veteran or service member", "Depression", "Trauma"),
        "demo-peer",
    ),
    (
        "Students with panic attacks",
        "Students who get panic attacks: racing heart before exams, leaving lectures, "
        "worrying about the next one.",
        ("Student", "Young adult", "Panic attacks", "Anxiety"),
        "demo-peer-2",
    ),
    (
        "Grief and low mood",
        "People whose low mood started or deepened after losing someone close.",
        ("Grief and loss", "Depression"),
        "demo-peer-2",
    ),
    (
        "Carers who are running on empty",
        "People caring for a partner, parent or child, exhausted and anxious, with little "
        "time for themselves.",
        ("Caring for someone", "Burnout", "Anxiety"),
        "demo-peer",
    ),
    (
        "Círculo de apoyo en español",
        "Personas que viven con ansiedad o tristeza y prefieren hablar en español.",
        ("Spanish", "Anxiety", "Depression"),
        "demo-peer-2",
    ),
]

# (patient username, group, pseudonym, joined days ago, own description, shares it)
MEMBERS = [
    (
        "demo-patient-02",
        0,
        "Juniper",
        40,
        "Since my daughter was born I check on her all night and can't rest.",
        True,
    ),
    (
        "demo-patient-03",
        0,
        "Sparrow",
        25,
        "I feel flat and tearful since the baby came and guilty for not enjoying it.",
        True,
    ),
    (
        "demo-patient-04",
        0,
        "Moss",
        10,
        "Second baby, and the anxiety is worse than the first time.",
        False,
    ),
    (
        "demo-patient-06",
        1,
        "Ridge",
        60,
        "Out of the Army two years; I feel nothing most days and sleep badly.",
        True,
    ),
    (
        "demo-patient-07",
        1,
        "Harbor",
        30,
        "Hard to talk to my family since I got back. Low mood, lots of anger.",
        True,
    ),
    (
        "demo-patient-08",
        2,
        "Comet",
        35,
        "Panic attacks in lectures; I've started skipping classes.",
        True,
    ),
    (
        "demo-patient-09",
        2,
        "Pixel",
        18,
        "My heart races before every exam and I feel like I'm going to faint.",
        True,
    ),
    (
        "demo-patient-10",
        3,
        "Willow",
        50,
        "My brother died last spring and the sadness hasn't lifted.",
        True,
    ),
    (
        "demo-patient-11",
        4,
        "Lantern",
        28,
        "I look after my mum with dementia and I'm exhausted and on edge all the time.",
        True,
    ),
    (
        "demo-patient-12",
        5,
        "Brisa",
        22,
        "Me siento muy triste y preocupada casi todos los días desde que me mudé.",
        True,
    ),
    (
        "demo-patient-13",
        0,
        "Fern",
        16,
        "Postpartum anxiety, intrusive thoughts about something happening to the baby.",
        True,
    ),
]

# (member index, days ago, text, reply to post index or None)
POSTS = [
    (
        0,
        30,
        "Three months in. Does the 3am worry ever quiet down? I check the monitor over and over.",
        None,
    ),
    (1, 29, "It did for me, slowly. Writing the worries down before bed helped a bit.", 0),
    (
        10,
        14,
        "Same here. My health visitor said checking is really common. It helped to hear that.",
        0,
    ),
    (1, 9, "Had a good day today — we went for a walk and I actually enjoyed it.", None),
    (3, 45, "Anyone else find the weekends harder than the week?", None),
    (4, 40, "Weekends, yes. No structure. I've started a Saturday run with a buddy.", 4),
    (5, 20, "Left a lecture again today. Trying the breathing thing from the group.", None),
    (6, 15, "I sit near the door now so I know I can leave. Weirdly I leave less.", 6),
    (7, 20, "It's his birthday next week. I don't know how to get through it.", None),
    (8, 12, "Mum didn't know me today. I had to sit in the car for a while after.", None),
]

CRISIS_POST = (
    2,
    "Tonight everything feels too much. I don't want to be here anymore.",
)


def _tag_ids(labels) -> list[int]:
    return list(IdentityTag.objects.filter(label__in=labels).values_list("pk", flat=True))


def load(*, practice: Practice, now: datetime) -> None:
    peers = {"demo-peer": User.objects.get(username="demo-peer")}
    peers["demo-peer-2"] = User.objects.create(
        username="demo-peer-2",
        password=make_password("demo"),
        first_name="Sasha",
        last_name="Bloom",
        email="demo-peer-2@example.org",
        role=Role.PEER_SUPPORTER,
        practice=practice,
    )
    groups = [
        services.save_group(
            practice=practice,
            name=name,
            who_for=who_for,
            tag_ids=_tag_ids(tags),
            moderator=peers[moderator],
        )
        for name, who_for, tags, moderator in GROUPS
    ]
    first_meeting = (now + timedelta(days=2)).replace(hour=23, minute=0, second=0, microsecond=0)
    GroupMeeting.objects.create(
        group=groups[0], starts_at=first_meeting, duration_minutes=60, where="Online"
    )
    GroupMeeting.objects.create(
        group=groups[1],
        starts_at=first_meeting + timedelta(days=1),
        duration_minutes=90,
        where="Riverside clinic, room 2",
    )

    memberships = []
    for username, group, pseudonym, days, description, shares in MEMBERS:
        patient = Patient.objects.select_related("practice").get(user__username=username)
        joined = now - timedelta(days=days)
        services.save_experience(
            patient=patient, description=description, share_for_matching=shares, now=joined
        )
        memberships.append(
            services.join_group(
                patient=patient, group=groups[group], pseudonym=pseudonym, now=joined
            )
        )

    posted: list[Post] = []
    for member, days, text, parent in POSTS:
        parent_post = posted[parent] if parent is not None else None
        posted.append(
            services.create_post(
                membership=memberships[member],
                body=text,
                parent=parent_post,
                now=now - timedelta(days=days),
            ).post
        )
    services.report_post(
        post=posted[7], reporter=memberships[5], reason="Not sure this advice is right for everyone"
    )

    # Belonging answers: a month ago and now (the sweep asks; members answer).
    sweeps.ask_due_belonging_checks(now=now - timedelta(days=31))
    for check in BelongingCheck.objects.filter(answered_at=None):
        services.answer_belonging(check=check, score=5, now=now - timedelta(days=30))
    sweeps.ask_due_belonging_checks(now=now)
    answers = {"Juniper": 6, "Sparrow": 3, "Ridge": 2, "Comet": 6, "Willow": 5}
    for check in BelongingCheck.objects.filter(answered_at=None).select_related("membership"):
        score = answers.get(check.membership.pseudonym)
        if score is not None:
            services.answer_belonging(
                check=check, score=score, tell_supporter=score <= 2, now=now - timedelta(hours=3)
            )

    # A post with crisis language: held, queued first for the moderator; an alert for the team.
    member, text = CRISIS_POST
    services.create_post(membership=memberships[member], body=text, now=now - timedelta(minutes=20))
