"""Back-office pages of the API's system accounts (tài khoản hệ thống), for the IT
administrator of the province (``exchange.manage_systemclient`` held at the top of the
organisation tree, like the exchange operations pages).

List, create (the secret is shown once, on the answer to the POST, never stored in clear and
never put in a session or a URL), edit scopes / dossier actions / channel / rate limit, rotate
the secret (the old one stays valid for a chosen grace period), revoke a secret, disable and
enable. Each change goes through ``exchange.clients`` (audited).
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from chinhquyen.directory.views import staff_required
from chinhquyen.dossiers.choices import Action, Channel
from chinhquyen.exchange import clients
from chinhquyen.exchange.api.auth import SCOPE_LABELS, SCOPES
from chinhquyen.exchange.api.models import ClientSecret, SystemClient
from chinhquyen.exchange.views import _require

PERMISSION = "exchange.manage_systemclient"


class ClientForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the system"), max_length=200)
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Allowed scopes"),
        choices=[(scope, SCOPE_LABELS[scope]) for scope in SCOPES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    transition_actions = forms.MultipleChoiceField(
        label=gettext_lazy("Dossier actions it may perform"),
        choices=[(a.value, a.label) for a in clients.SAFE_ACTIONS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy(
            "Only on dossiers it submitted; needs the scope “Dossiers: actions”."
        ),
    )
    intake_channel = forms.ChoiceField(
        label=gettext_lazy("Channel of the dossiers it submits"),
        choices=[(c.value, c.label) for c in clients.INTAKE_CHANNELS],
    )
    rate_limit_per_minute = forms.IntegerField(
        label=gettext_lazy("Rate limit (requests per minute)"),
        min_value=1,
        max_value=clients.MAX_RATE_PER_MINUTE,
        initial=120,
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)


class NewClientForm(ClientForm):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation it acts for"), queryset=None
    )
    field_order = ["name", "organisation"]

    def __init__(self, *args, **kwargs):
        from chinhquyen.directory.models import Organisation

        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by("path")


class RotateForm(forms.Form):
    grace_hours = forms.IntegerField(
        label=gettext_lazy("Old secret stays valid for (hours)"),
        min_value=0,
        max_value=720,
        initial=24,
        help_text=gettext_lazy("0 revokes the old secret at once."),
    )


def _settings_of(form) -> dict:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "scopes": data["scopes"],
        "transition_actions": data["transition_actions"],
        "intake_channel": data["intake_channel"],
        "rate_limit_per_minute": data["rate_limit_per_minute"],
        "note": data["note"],
    }


def _show_secret(request, issued: clients.IssuedSecret):
    response = render(
        request,
        "exchange/clients/secret.html",
        {"client": issued.client, "secret": issued.secret, "record": issued.record},
    )
    response["Cache-Control"] = "no-store"
    return response


@staff_required
def client_list(request):
    _require(request.user, PERMISSION)
    rows = SystemClient.objects.select_related("organisation", "application").order_by("name", "pk")
    return render(request, "exchange/clients/list.html", {"clients": rows})


@staff_required
@never_cache
def client_new(request):
    _require(request.user, PERMISSION)
    form = NewClientForm(request.POST or None, initial={"intake_channel": Channel.NATIONAL_PORTAL})
    if request.method == "POST" and form.is_valid():
        try:
            issued = clients.create_client(
                organisation=form.cleaned_data["organisation"],
                acting_user=request.user,
                **_settings_of(form),
            )
        except clients.ClientError as exc:
            form.add_error(None, str(exc))
        else:
            return _show_secret(request, issued)
    status = 400 if form.is_bound else 200
    return render(request, "exchange/clients/form.html", {"form": form}, status=status)


@staff_required
def client_detail(request, pk: int):
    _require(request.user, PERMISSION)
    client = get_object_or_404(
        SystemClient.objects.select_related("organisation", "application"), pk=pk
    )
    initial = {
        "name": client.name,
        "scopes": client.scopes,
        "transition_actions": client.transition_actions,
        "intake_channel": client.intake_channel,
        "rate_limit_per_minute": client.rate_limit_per_minute,
        "note": client.note,
    }
    form = ClientForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            clients.update_client(client, acting_user=request.user, **_settings_of(form))
        except clients.ClientError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The system account was saved."))
            return redirect("exchange:client", pk=client.pk)
    now = timezone.now()
    secrets = [(s, s.is_active(now)) for s in client.secrets.all()]
    context = {
        "client": client,
        "form": form,
        "rotate_form": RotateForm(),
        "secrets": secrets,
        "actions": {a.value: a.label for a in Action},
    }
    return render(
        request, "exchange/clients/detail.html", context, status=400 if form.errors else 200
    )


@staff_required
@require_POST
@never_cache
def client_rotate(request, pk: int):
    _require(request.user, PERMISSION)
    client = get_object_or_404(SystemClient, pk=pk)
    form = RotateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the hours between 0 and 720."))
        return redirect("exchange:client", pk=client.pk)
    issued = clients.rotate_secret(
        client, grace=timedelta(hours=form.cleaned_data["grace_hours"]), acting_user=request.user
    )
    return _show_secret(request, issued)


@staff_required
@require_POST
def secret_revoke(request, pk: int, secret_pk: int):
    _require(request.user, PERMISSION)
    secret = get_object_or_404(ClientSecret, pk=secret_pk, client_id=pk)
    clients.revoke_secret(secret, acting_user=request.user)
    messages.success(request, _("The secret was revoked."))
    return redirect("exchange:client", pk=pk)


@staff_required
@require_POST
def client_enabled(request, pk: int):
    _require(request.user, PERMISSION)
    client = get_object_or_404(SystemClient, pk=pk)
    enable = request.POST.get("enabled") == "1"
    clients.set_enabled(client, enable, acting_user=request.user)
    messages.success(
        request,
        _("The system account was enabled.") if enable else _("The system account was disabled."),
    )
    return redirect("exchange:client", pk=pk)
