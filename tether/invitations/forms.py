"""Forms for adding and inviting a patient, and for accepting an invitation."""

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError

from tether.access import my_practice_staff
from tether.accounts.models import Practice, Role, User
from tether.accounts.passwords import password_rule
from tether.lib.phones import normalise_phone


class ContactForm(forms.Form):
    """Where the invitation goes: an email address, a mobile number, or both."""

    email = forms.EmailField(required=False, label="Email address")
    mobile = forms.CharField(
        required=False, max_length=30, label="Mobile number", help_text="For a text message."
    )

    def __init__(self, *args, practice: Practice, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.practice = practice

    def clean_mobile(self) -> str:
        raw = self.cleaned_data["mobile"].strip()
        if not raw:
            return ""
        try:
            return normalise_phone(raw, country=self.practice.country)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def clean(self) -> dict:
        data = super().clean() or {}
        if not self.errors and not data.get("email") and not data.get("mobile"):
            raise ValidationError("Give an email address or a mobile number (or both).")
        return data


class StaffChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class StaffChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class AddPatientForm(ContactForm):
    """A new patient of the practice, with their care team and where to send the invitation."""

    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100)
    date_of_birth = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Date of birth"
    )
    preferred_language = forms.CharField(
        max_length=50, required=False, help_text="For example English, Spanish."
    )
    coordinator = StaffChoice(queryset=User.objects.none(), label="Care coordinator")
    clinicians = StaffChoices(queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple)
    send_now = forms.BooleanField(required=False, initial=True, label="Send the invitation now")

    field_order = [
        "first_name",
        "last_name",
        "date_of_birth",
        "preferred_language",
        "email",
        "mobile",
        "coordinator",
        "clinicians",
        "send_now",
    ]

    def __init__(self, *args, user: User, **kwargs) -> None:
        assert user.practice is not None  # noqa: S101  (the view's role check guarantees it)
        super().__init__(*args, practice=user.practice, **kwargs)
        for name, role in (("coordinator", Role.COORDINATOR), ("clinicians", Role.CLINICIAN)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  (declared above)
            field.queryset = my_practice_staff(user, role)
        if user.role == Role.COORDINATOR:
            self.fields["coordinator"].initial = user.pk

    def clean(self) -> dict:
        # Without an invitation now, no contact is needed yet.
        if not self.data.get("send_now"):
            return forms.Form.clean(self) or {}
        return super().clean()


class AcceptForm(forms.Form):
    """The patient's sign-in and their acceptance of the notice."""

    username = forms.CharField(
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text="What you will type to sign in. Your email address works well.",
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_rule(),
    )
    password2 = forms.CharField(
        label="The same password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    accepts_notice = forms.BooleanField(
        label="I have read the privacy notice and agree to it.",
        error_messages={"required": "Please read and accept the privacy notice to go on."},
    )
    accepts_messages = forms.BooleanField(
        label="I agree to be contacted by email or text message as described.",
        error_messages={"required": "Please accept how the practice may contact you to go on."},
    )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError("That username is taken. Please choose another.")
        return username

    def clean(self) -> dict:
        data = super().clean() or {}
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error("password2", "The two passwords are not the same.")
        return data
