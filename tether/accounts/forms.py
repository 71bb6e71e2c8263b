"""Password forms: Django's own, with the rule in plain words instead of a list of validators."""

from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm

from tether.accounts.passwords import password_rule


class NewPasswordForm(SetPasswordForm):
    """Choose a new password (after an emailed reset link)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = password_rule()


class ChangePasswordForm(PasswordChangeForm):
    """Change one's password while signed in (the current one first)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = password_rule()
