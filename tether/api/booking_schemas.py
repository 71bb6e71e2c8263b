"""Request and response shapes for /api/v1 bookable hours, free slots and booking changes."""

from datetime import date, datetime, time
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from tether.api.input import Bounded
from tether.engagement.models import Appointment, AvailabilityException

Mode = Literal[tuple(Appointment.Mode.values)]
BookableKind = Literal["intake_call", "check_in"]


class _Input(Bounded):
    model_config = ConfigDict(extra="forbid")


class SlotOut(Schema):
    staff_id: int | None = Field(None, description="Absent for a patient's intake slots.")
    starts_at: datetime
    ends_at: datetime
    starts_local: str = Field(description="The start in `time_zone`.")
    time_zone: str


class HoursIO(_Input):
    weekday: int = Field(ge=0, le=6, description="0 Monday … 6 Sunday.")
    starts: time
    ends: time


class ExceptionIO(_Input):
    kind: Literal[tuple(AvailabilityException.Kind.values)]
    on: date
    starts: time | None = None
    ends: time | None = None


class AvailabilityIO(_Input):
    time_zone: str = Field("", description="The practice's zone (read only).")
    weekly: list[HoursIO] = Field(max_length=50)
    exceptions: list[ExceptionIO] = Field(
        [], max_length=200, description="Upcoming exceptions; PUT replaces them all."
    )


class BookIn(_Input):
    staff_id: int
    kind: BookableKind = "check_in"
    starts_at: datetime
    mode: Mode = "phone"
    video_link: str = Field("", max_length=500, description="https only.")


class RescheduleIn(_Input):
    starts_at: datetime
