"""The questionnaire form, built from the instrument definition."""

from django import forms

from tether.assessments.instruments import Instrument


def _item_field(instrument: Instrument, index: int) -> forms.TypedChoiceField:
    item = instrument.items[index]
    return forms.TypedChoiceField(
        label=item.text,
        choices=[(o.value, o.label) for o in instrument.options],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": f"Please answer question {item.number}.",
            "invalid_choice": (
                f"Question {item.number}: “%(value)s” is not one of the answers. "
                "Please choose one of the options."
            ),
        },
    )


class AssessmentForm(forms.Form):
    """One radio group per item, every item required; the difficulty question is optional."""

    def __init__(self, *args, instrument: Instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for index in range(len(instrument.items)):
            self.fields[f"item_{index + 1}"] = _item_field(instrument, index)
        if instrument.difficulty is not None:
            self.fields["difficulty"] = forms.TypedChoiceField(
                label=instrument.difficulty.text,
                choices=[(o.value, o.label) for o in instrument.difficulty.options],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": (
                        "The difficulty question: “%(value)s” is not one of the answers."
                    )
                },
            )

    def item_fields(self):
        return [self[f"item_{n + 1}"] for n in range(len(self.instrument.items))]

    def answers(self) -> list[int]:
        return [self.cleaned_data[f"item_{n + 1}"] for n in range(len(self.instrument.items))]
