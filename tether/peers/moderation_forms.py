"""Forms for the moderator's actions and the admin's group page. They only shape the input;
the rules (who may moderate, what a group needs) live in peers.services."""

from itertools import groupby

from django import forms

from tether.accounts.models import Practice, Role, User
from tether.accounts.selectors import practice_staff
from tether.lib.forms import form_field, within_calendar
from tether.peers.models import DESCRIPTION_MAX_CHARS, IdentityTag, ModerationAction, PeerGroup

NOTE_MAX_CHARS = 1000


class ModerateForm(forms.Form):
    kind = forms.ChoiceField(choices=ModerationAction.Kind.choices)
    # Needed to escalate; the service says so when it is missing.
    note = forms.CharField(required=False, max_length=NOTE_MAX_CHARS)


class _PeerSupporterField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class GroupForm(forms.Form):
    # Name and description may be left empty here: the service says what is missing.
    name = forms.CharField(required=False, max_length=120)
    who_for = forms.CharField(
        required=False,
        max_length=DESCRIPTION_MAX_CHARS,
        label="Who it is for",
        help_text="In members' own words, e.g. “new parents with anxiety or low mood after "
        "birth”. Matching compares this with what patients write about themselves.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    tags = forms.TypedMultipleChoiceField(coerce=int, required=False)
    moderator = _PeerSupporterField(
        queryset=User.objects.none(), label="Peer supporter who moderates it"
    )
    is_open = forms.BooleanField(required=False, initial=True, label="Open to new members")

    def __init__(self, *args, practice: Practice, group: PeerGroup | None = None, **kwargs):
        if group is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": group.name,
                    "who_for": group.who_for,
                    "tags": [t.pk for t in group.tags.all()],
                    "moderator": group.moderator_id,
                    "is_open": group.is_open,
                },
            )
        super().__init__(*args, **kwargs)
        form_field(self, "moderator", forms.ModelChoiceField).queryset = practice_staff(
            practice.pk, Role.PEER_SUPPORTER
        ).order_by("first_name", "last_name")
        # Grouped in the order the kinds are declared: experience first, language last.
        order = {kind: i for i, kind in enumerate(IdentityTag.Kind.values)}
        names = dict(IdentityTag.Kind.choices)
        tags = sorted(IdentityTag.objects.all(), key=lambda t: (order.get(t.kind, 99), t.label))
        self.tag_choices = [
            (names.get(kind, kind), [(t.pk, t.label) for t in rows])
            for kind, rows in groupby(tags, key=lambda t: t.kind)
        ]
        form_field(self, "tags", forms.ChoiceField).choices = self.tag_choices

    def tag_groups(self) -> list[tuple[str, list[tuple[int, str, bool]]]]:
        """Return the tag checkboxes grouped by kind: (kind, [(id, label, checked)])."""
        chosen = {str(v) for v in (self["tags"].value() or [])}
        return [
            (kind, [(pk, label, str(pk) in chosen) for pk, label in options])
            for kind, options in self.tag_choices
        ]


class MeetingForm(forms.Form):
    """A meeting time, entered in the practice's time zone (the view sets it as current)."""

    starts_at = forms.DateTimeField(
        label="Starts",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        validators=[within_calendar],
    )
    duration_minutes = forms.IntegerField(label="Length in minutes", initial=60)
    where = forms.CharField(
        label="Where",
        required=False,
        help_text="For example “Online (link in the group)” or “Room 2, Health Centre”.",
    )
