from django import forms
from django.utils.translation import gettext_lazy as _

from chinhquyen.accounts.models import RoleAssignment
from chinhquyen.directory.models import Official


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from the authenticator app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
    )


class _AssignmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: RoleAssignment) -> str:
        return f"{obj.get_role_display()} — {obj.organisation}"


class DelegationForm(forms.Form):
    assignment = _AssignmentChoiceField(
        label=_("Role to delegate"), queryset=RoleAssignment.objects.none(), empty_label=None
    )
    delegate = forms.ModelChoiceField(
        label=_("Deputy"), queryset=Official.objects.none(), empty_label=_("Choose a deputy")
    )
    starts_on = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, assignments, deputies, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = assignments
        self.fields["delegate"].queryset = deputies
