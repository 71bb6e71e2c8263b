from django import forms

from tether.notifications.models import NotificationPreference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email_enabled", "sms_enabled", "phone", "quiet_hours_start", "quiet_hours_end"]
        labels = {
            "email_enabled": "Email me reminders and updates",
            "sms_enabled": "Text me reminders",
            "phone": "Mobile number",
            "quiet_hours_start": "Quiet hours from",
            "quiet_hours_end": "Quiet hours until",
        }
        help_texts = {
            "phone": "For text messages, e.g. +1 555 123 4567.",
            "quiet_hours_start": "No reminders between these times (your local time), "
            "e.g. 21:00 to 08:00. Leave both empty for none.",
        }
        widgets = {
            "quiet_hours_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_hours_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }
