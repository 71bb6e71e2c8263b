"""The questionnaire form, built from the instrument definition."""

from collections.abc import Iterable
from typing import Any

from django import forms

from tether.assessments.instruments import Instrument, Option
from tether.assessments.scoring import incomplete_with_risk


def _answer_field(*, label: str, options: Iterable[Option], invalid: str) -> forms.TypedChoiceField:
    """Return one radio group of `options`, answered with an int or left empty (None)."""
    return forms.TypedChoiceField(
        label=label,
        choices=[(o.value, o.label) for o in options],
        coerce=int,
        empty_value=None,
        # Not required here: a gap is allowed when a risk answer is given (clean() below), and
        # the difficulty question is optional.
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": invalid},
    )


class AssessmentForm(forms.Form):
    """One radio group per item; the difficulty question is optional. Every item must be
    answered, except that a submission with a risk answer (PHQ-9 question 9 above 0) is
    accepted with gaps (scoring.incomplete_with_risk): it is kept, unscored, and the patient
    is asked to finish the rest."""

    def __init__(self, *args, instrument: Instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for index, item in enumerate(instrument.items):
            self.fields[f"item_{index + 1}"] = _answer_field(
                label=item.text,
                options=instrument.options,
                invalid=(
                    f"Question {item.number}: “%(value)s” is not one of the answers. "
                    "Please choose one of the options."
                ),
            )
        if instrument.difficulty is not None:
            self.fields["difficulty"] = _answer_field(
                label=instrument.difficulty.text,
                options=instrument.difficulty.options,
                invalid="The difficulty question: “%(value)s” is not one of the answers.",
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        names = [f"item_{n + 1}" for n in range(len(self.instrument.items))]
        if any(name in self.errors for name in names):
            return cleaned  # a wrong value is named already; gaps are judged once it is fixed
        answers = [cleaned.get(name) for name in names]
        if None in answers and incomplete_with_risk(self.instrument, answers) is None:
            for item, name, value in zip(self.instrument.items, names, answers, strict=True):
                if value is None:
                    self.add_error(name, f"Please answer question {item.number}.")
        return cleaned

    def item_fields(self):
        return [self[f"item_{n + 1}"] for n in range(len(self.instrument.items))]

    def answers(self) -> list[int | None]:
        """Return the answers in item order; None for a question left unanswered."""
        return [self.cleaned_data[f"item_{n + 1}"] for n in range(len(self.instrument.items))]
