"""The safety plan's steps in Tether's own plain wording (Stanley–Brown structure)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PlanStep:
    field: str
    number: int | None  # None for reasons for living, which sits beside the six steps
    title: str
    prompt: str
    example: str


SAFETY_PLAN_STEPS: tuple[PlanStep, ...] = (
    PlanStep(
        "warning_signs",
        1,
        "Signs that a hard time is starting",
        "What thoughts, feelings, situations or behaviours tell you things are getting worse?",
        "Not sleeping, pulling away from people, thinking “what's the point”",
    ),
    PlanStep(
        "coping_on_my_own",
        2,
        "Things I can do on my own",
        "What helps you feel even a little calmer or take your mind off things, without anyone "
        "else?",
        "A walk round the block, a hot shower, music, breathing slowly",
    ),
    PlanStep(
        "distractions",
        3,
        "People and places that take my mind off things",
        "Who could you be around, or where could you go, to feel less alone?",
        "The library, my cousin's kitchen, the climbing gym",
    ),
    PlanStep(
        "people_to_ask",
        4,
        "People I can ask for help",
        "Who could you tell that you are struggling? Add how to reach them.",
        "Maria (sister) 555-0100",
    ),
    PlanStep(
        "professionals",
        5,
        "Professionals and crisis lines",
        "Your care team and any other professionals you would contact. Crisis lines for your "
        "country are added for you.",
        "My therapist, my GP's surgery",
    ),
    PlanStep(
        "safer_surroundings",
        6,
        "Making my surroundings safer",
        "What can you do, or ask someone to do, to keep things you could hurt yourself with "
        "out of reach?",
        "Ask my brother to keep my medication, lock away anything I might use",
    ),
    PlanStep(
        "reasons_for_living",
        None,
        "What matters to me and keeps me going",
        "People, pets, plans or hopes that are worth staying for.",
        "My dog, seeing my niece grow up, the trip in spring",
    ),
)

STEP_FIELDS: tuple[str, ...] = tuple(step.field for step in SAFETY_PLAN_STEPS)
MAX_ENTRIES_PER_STEP = 20
MAX_ENTRY_LENGTH = 300
