"""Forms for the support network's pages. They only carry what was typed: the rules (what a
valid phone number is, what a safety plan needs) live in the services, whose messages the
views put back on these forms."""

from django import forms

from tether.lib.forms import form_field
from tether.network.models import ConsentScope, SupportContact
from tether.network.services import CHECK_IN_SCHEDULES
from tether.network.steps import SAFETY_PLAN_STEPS

# Keyed by kind value: a SupportContact.Kind member is the str it stands for.
NAME_HELP: dict[str, str] = {
    SupportContact.Kind.TRUSTED_PERSON: "The name you call them, e.g. Maria.",
    SupportContact.Kind.PEER_GROUP: "e.g. Tuesday evening anxiety group.",
    SupportContact.Kind.PROFESSIONAL: "e.g. Dr. Chen, my GP.",
    SupportContact.Kind.PROGRAM: "e.g. an online course where a coach checks in.",
    SupportContact.Kind.CRISIS_RESOURCE: "e.g. the local crisis team.",
}


class SupportForm(forms.Form):
    """A support's details. Every field is optional here so that the service, not the form,
    says what is missing, in the same words the API uses."""

    name = forms.CharField(label="Name", required=False, max_length=200)
    relationship = forms.ChoiceField(
        label="Who they are to you",
        required=False,
        choices=[("", "Choose…"), *SupportContact.Relationship.choices],
    )
    phone = forms.CharField(
        label="Phone number",
        required=False,
        max_length=40,
        help_text="Optional. Include the country code if they live abroad, e.g. +44 20 7946 0958.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.CharField(
        label="Email address",
        required=False,
        max_length=254,
        help_text="Optional, but needed to send them an invitation.",
        widget=forms.TextInput(attrs={"type": "email", "autocomplete": "off"}),
    )
    details = forms.CharField(
        label="Notes",
        required=False,
        max_length=300,
        help_text="Optional. Anything that helps, e.g. when they are free.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    state = forms.ChoiceField(
        label="Right now this support is",
        choices=SupportContact.State.choices,
        initial=SupportContact.State.ACTIVE,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["name"].help_text = NAME_HELP.get(kind, "")
        if kind != SupportContact.Kind.TRUSTED_PERSON:
            del self.fields["relationship"]
            self.fields["email"].help_text = "Optional."

    def service_kwargs(self) -> dict[str, str]:
        """Return the typed values as keyword arguments for add_support/update_support."""
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}


class CrisisLineChoiceForm(forms.Form):
    """Save one of the practice's crisis lines rather than typing one."""

    resource = forms.ChoiceField(label="Crisis lines for your area", widget=forms.RadioSelect)

    def __init__(self, *args, resources, **kwargs):
        super().__init__(*args, **kwargs)
        self.resources = {str(n): r for n, r in enumerate(resources)}
        form_field(self, "resource", forms.ChoiceField).choices = [
            (n, f"{r.name} — {', '.join(c.label for c in r.contacts)}")
            for n, r in self.resources.items()
        ]
        self.fields["resource"].error_messages["required"] = "Please choose one of the lines."


class SharingForm(forms.Form):
    """What the patient shares with one trusted person, and how often to remind them."""

    scopes = forms.MultipleChoiceField(
        label="What would you like to share with them?",
        choices=ConsentScope.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="They will never see your questionnaire answers or scores.",
    )
    check_in_every_days = forms.TypedChoiceField(
        label="How often should we remind them to check in?",
        choices=list(CHECK_IN_SCHEDULES.items()),
        coerce=int,
        initial=7,
        widget=forms.RadioSelect,
    )


class HelpWantedForm(forms.Form):
    text = forms.CharField(
        label="What would you like help with?",
        required=False,
        help_text="In your own words. Your care team will read this before your first call.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SafetyPlanForm(forms.Form):
    """One box per step, one entry per line."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for step in SAFETY_PLAN_STEPS:
            self.fields[step.field] = forms.CharField(
                label=step.title,
                required=False,
                help_text=step.prompt,
                widget=forms.Textarea(
                    attrs={"rows": 4, "placeholder": f"For example: {step.example}"}
                ),
            )
        self.steps = SAFETY_PLAN_STEPS

    @classmethod
    def for_plan(cls, plan) -> "SafetyPlanForm":
        """Return an unbound form holding the current version, one entry per line."""
        initial = {}
        if plan is not None:
            initial = {
                step.field: "\n".join(getattr(plan, step.field)) for step in SAFETY_PLAN_STEPS
            }
        return cls(initial=initial)

    def step_texts(self) -> dict[str, str]:
        return {step.field: self.cleaned_data.get(step.field, "") for step in SAFETY_PLAN_STEPS}
