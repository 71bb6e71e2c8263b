from django import forms


class ResolveForm(forms.Form):
    note = forms.CharField(
        label="What was done",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Please write a note saying what was done."},
    )


class RaiseAlertForm(forms.Form):
    detail = forms.CharField(
        label="Why you are raising this alert",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Please say briefly why, so the team knows what to do."},
    )
