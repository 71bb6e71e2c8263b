"""The synthetic practice benchmarks/matching.py searches: 50 real patient descriptions
(embedded for real), and group and member vectors shaped like real ones around them (see that
script's docstring for why synthetic vectors)."""

import dataclasses
import math

import numpy as np

CHUNK = 100_000  # rows generated at a time, so no float64 copy of a million rows is made
TAG_IDS = np.arange(1, 34)  # the 33 identity tags seeded by peers/migrations/0002
# Tag popularity falls off like Zipf: the commonest is on about 45% of groups (as "Anxiety"
# or "English" would be), the rarest on about 3%.
TAG_POPULARITY = 1 / np.arange(1, 34) / np.sum(1 / np.arange(1, 34))
# Noise added to a unit vector, as a share of its length: a group's description is about 0.7
# cosine from its topic, a member about 0.64 from their group's description and about 0.4
# from another member of the same group.
GROUP_SPREAD = 1.0
MEMBER_SPREAD = 1.2

DESCRIPTIONS = [
    "Since my daughter was born I can't stop worrying that something terrible will happen.",
    "I lost my husband last spring and the evenings are the hardest part.",
    "Panic attacks on the bus mean I have stopped going to work.",
    "I feel like nobody at university would notice if I disappeared for a week.",
    "After twenty years as a nurse I am completely burnt out and numb.",
    "Low mood most days, I sleep too much and still feel exhausted.",
    "I came back from deployment and loud noises still put me straight back there.",
    "My chronic back pain makes it hard to leave the house, and I've become isolated.",
    "Caring for my mum with dementia has taken over my whole life.",
    "I get so anxious in meetings that I rehearse every sentence beforehand.",
    "I keep checking my body for signs of cancer even though the doctors say I'm fine.",
    "Moving to a new country, I miss my family and don't have anyone to talk to.",
    "I'm a new dad and I feel disconnected from the baby and guilty about it.",
    "Since retiring I don't know what to do with myself and feel useless.",
    "Coming out to my parents did not go well and I feel very alone.",
    "I had a miscarriage six months ago and everyone expects me to be over it.",
    "My anxiety is worst at night, my thoughts race and I cannot sleep.",
    "I'm a paramedic and some calls stay with me for weeks.",
    "Living on a farm miles from anyone, the winters are long and dark.",
    "I was bullied at school and now as an adult I still avoid groups of people.",
    "Depression runs in my family and I'm scared of ending up like my father.",
    "I drink more than I should to calm down after work.",
    "Everything feels grey, I've lost interest in the music I used to love.",
    "My son has autism and I'm struggling to cope with the constant stress.",
    "I'm a student from abroad and the pressure of exams is overwhelming.",
    "I can't stop thinking about the car accident, I won't drive anymore.",
    "Being the only Black woman in my office is exhausting in ways I can't explain.",
    "Me siento muy sola desde que llegué a esta ciudad y no duermo bien.",
    "I lost my job and with it my sense of who I am.",
    "Social situations terrify me; I leave parties after ten minutes.",
    "After my stroke I get frustrated and tearful over small things.",
    "My partner left and I'm raising two kids on my own with no help.",
    "I constantly feel on edge, like something bad is about to happen.",
    "I'm in my seventies and most of my friends have passed away.",
    "I've had long COVID for a year and I'm grieving the life I had.",
    "Work stress gives me headaches, chest tightness and a racing heart.",
    "I feel like a fraud at my job and wait for people to find out.",
    "I'm a carer for my husband after his stroke and I never get a break.",
    "My faith used to help me, but lately I feel far from everything.",
    "Postnatal depression hit me hard with my second baby.",
    "I worry about money all the time and it stops me sleeping.",
    "Since the divorce I have stopped seeing friends and stay in bed on weekends.",
    "I'm transgender and waiting for care, and the wait is wearing me down.",
    "I have obsessive thoughts about germs and wash my hands until they bleed.",
    "My teenage son was diagnosed with depression and I don't know how to help him.",
    "Seasonal depression every winter, I can barely function from November to March.",
    "I'm a firefighter and I don't talk about what I see, but it builds up.",
    "I use a wheelchair and people treat me as if I'm invisible, which makes me low.",
    "Since my diagnosis with diabetes I feel anxious about every meal.",
    (
        "I have been anxious for as long as I can remember: as a child I had stomach aches "
        "before school, as a teenager I avoided everything, and now at forty I have a good "
        "job but I still lie awake going over every conversation and what people thought."
    ),
]


def unit(rows: np.ndarray) -> np.ndarray:
    rows /= np.linalg.norm(rows, axis=-1, keepdims=True)
    return rows


def noisy(rng: np.random.Generator, centres: np.ndarray, spread: float) -> np.ndarray:
    """Unit float32 rows scattered around `centres`, about 1/sqrt(1+spread²) cosine away."""
    noise = rng.standard_normal(centres.shape, dtype=np.float32)
    noise *= np.float32(spread / math.sqrt(centres.shape[1]))
    noise += centres
    return unit(noise)


def some_tags(rng: np.random.Generator, count: int) -> frozenset[int]:
    return frozenset(int(t) for t in rng.choice(TAG_IDS, count, replace=False, p=TAG_POPULARITY))


@dataclasses.dataclass
class Practice:
    group_vectors: np.ndarray
    group_tags: list[frozenset[int]]
    member_group: np.ndarray
    member_vectors: np.ndarray


def synthesize(rng: np.random.Generator, n_groups: int, n_members: int, topics: np.ndarray):
    """A practice's worth of synthetic vectors around the given topic vectors."""
    group_vectors = noisy(rng, topics[rng.integers(len(topics), size=n_groups)], GROUP_SPREAD)
    # Zipf-like sizes: weight 1/(rank + 10), ranks shuffled over groups, one member minimum.
    weights = 1 / (rng.permutation(n_groups) + 10.0)
    sizes = 1 + rng.multinomial(n_members - n_groups, weights / weights.sum())
    member_group = np.repeat(np.arange(n_groups), sizes)
    rng.shuffle(member_group)  # the database returns members in no particular group order
    member_vectors = np.empty((n_members, topics.shape[1]), dtype=np.float32)
    for start in range(0, n_members, CHUNK):
        rows = member_group[start : start + CHUNK]
        member_vectors[start : start + len(rows)] = noisy(rng, group_vectors[rows], MEMBER_SPREAD)
    group_tags = [some_tags(rng, int(rng.integers(1, 4))) for _ in range(n_groups)]
    return Practice(group_vectors, group_tags, member_group, member_vectors), sizes
