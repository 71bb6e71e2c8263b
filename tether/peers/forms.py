"""Forms for the patient's peer-group pages. They read and show values only: every rule
(lengths, private pseudonyms, rate limits) lives in peers.services, and the views attach its
problems to these forms' fields."""

from django import forms

from tether.peers.belonging import BELONGING_OPTIONS, BELONGING_QUESTION
from tether.peers.models import DESCRIPTION_MAX_CHARS, POST_MAX_CHARS, IdentityTag

KIND_ORDER = list(IdentityTag.Kind.values)


class ExperienceForm(forms.Form):
    # No max_length here: the service says how long it is, and nothing typed is cut off.
    description = forms.CharField(
        label="What are you going through?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"In your own words, up to {DESCRIPTION_MAX_CHARS:,} characters. Other "
        "members and peer supporters never see it. It is used to find groups of people who "
        "have been through something similar, and your care team sees it only if it sounds "
        "like you may be in danger.",
    )
    tags = forms.ModelMultipleChoiceField(
        label="Words that describe you (optional)",
        queryset=IdentityTag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    share_for_matching = forms.BooleanField(
        label="Let my words help match other people to groups I join — they are never shown "
        "to other members",
        required=False,
    )

    def tag_groups(self) -> list[tuple[str, list]]:
        """Return the tag checkboxes grouped by kind: Experience, Life stage, Community,
        Language."""
        groups: dict[str, list] = {}
        for checkbox in self["tags"]:
            groups.setdefault(checkbox.data["value"].instance.kind, []).append(checkbox)
        return [
            (IdentityTag.Kind(kind).label, groups[kind]) for kind in KIND_ORDER if kind in groups
        ]


class JoinForm(forms.Form):
    pseudonym = forms.CharField(
        label="Your name in this group",
        required=False,
        help_text="The name others in the group will see. Please don't use your real name.",
    )
    # Why the group was suggested, kept with the membership so the patient can look back.
    match_reason = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_match_reason(self) -> str:
        return self.cleaned_data["match_reason"][:300]


class PostForm(forms.Form):
    body = forms.CharField(
        label="Write to the group",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"Up to {POST_MAX_CHARS:,} characters. Others see only your group name.",
    )


class BelongingForm(forms.Form):
    score = forms.TypedChoiceField(
        choices=BELONGING_OPTIONS, coerce=int, widget=forms.RadioSelect, required=False
    )
    tell_supporter = forms.BooleanField(required=False)

    def __init__(self, *args, group_name: str, pseudonym: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"].label = BELONGING_QUESTION.format(group=group_name)
        self.fields["tell_supporter"].label = (
            f"If it isn't feeling right: let the peer supporter of {group_name} know (they'll "
            f"see only your group name, “{pseudonym}”)"
        )
