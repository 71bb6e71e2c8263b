"""The practice admin's side of programs: adding, changing and archiving the programs a
practice offers. A program is archived, never deleted, so every enrollment keeps its program;
an archived program takes no new enrollments (programs.enroll_patient) and the patients
already in it carry on. What an admin types here is staff text, not crisis-screened."""

from django.db import IntegrityError, transaction

from tether.accounts.models import Practice
from tether.engagement.models import Program
from tether.engagement.schedule import Invalid

NAME_MAX_CHARS = 200
DESCRIPTION_MAX_CHARS = 4000


def _clean(*, name: str, description: str) -> tuple[str, str]:
    problems = {}
    name = " ".join((name or "").split())
    description = (description or "").strip()
    if not name:
        problems["name"] = "Give the program a name."
    elif len(name) > NAME_MAX_CHARS:
        problems["name"] = f"Please keep the name to {NAME_MAX_CHARS} characters."
    if len(description) > DESCRIPTION_MAX_CHARS:
        problems["description"] = (
            f"Please keep the description to {DESCRIPTION_MAX_CHARS:,} characters "
            f"(it has {len(description):,})."
        )
    if problems:
        raise Invalid(problems)
    return name, description


@transaction.atomic
def save_program(
    *,
    practice: Practice,
    name: str,
    description: str = "",
    guided: bool = True,
    program: Program | None = None,
) -> Program:
    """Add a program to `practice` (or change `program`). Names are unique in a practice,
    whatever their case; an archived program is not changed."""
    if program is not None and not program.active:
        raise Invalid({"name": "This program is archived, so it can no longer be changed."})
    name, description = _clean(name=name, description=description)
    same_name = Program.objects.filter(practice=practice, name__iexact=name)
    if program is not None:
        same_name = same_name.exclude(pk=program.pk)
    taken = f"The practice already has a program called “{name}”."
    if same_name.exists():
        raise Invalid({"name": taken})
    program = program or Program(practice=practice)
    program.name, program.description, program.guided = name, description, guided
    try:
        with transaction.atomic():
            program.save()
    except IntegrityError:  # the same name saved by someone else a moment ago
        raise Invalid({"name": taken}) from None
    return program


@transaction.atomic
def archive_program(*, program: Program) -> Program:
    """Archive `program`: it is no longer offered to new patients, and everyone enrolled keeps
    their enrollment. Archiving twice changes nothing."""
    if program.active:
        program.active = False
        program.save(update_fields=["active"])
    return program
