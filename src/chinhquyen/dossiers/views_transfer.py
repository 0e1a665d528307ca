"""Transfer a dossier to an agency of another installation (liên thông giữa hai tỉnh).

GET shows the transfers already made with the answers received from the other installation;
POST calls ``services.transfer.transfer_to_installation`` (the service checks the state, the
step's role and the peer; errors become the bilingual error page with their status).
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from chinhquyen.directory.views import staff_required
from chinhquyen.dossiers.exceptions import DossierError
from chinhquyen.dossiers.services import access_dossier
from chinhquyen.dossiers.services.access import bilingual
from chinhquyen.dossiers.services.transfer import (
    may_transfer_remote,
    remote_transfers,
    transfer_to_installation,
)
from chinhquyen.dossiers.views import error_page


class RemoteTransferForm(forms.Form):
    agency_code = forms.CharField(
        label=_("QCVN 102 code of the agency in the other province"),
        max_length=35,
        help_text=_("For example 000.00.08.H38 (it must be configured as an exchange peer)."),
    )
    agency_name = forms.CharField(label=_("Name of the agency"), max_length=255, required=False)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


@staff_required
def transfer_view(request, pk: int):
    dossier = access_dossier(request.user, pk)
    if request.method == "POST":
        form = RemoteTransferForm(request.POST)
        if not form.is_valid():
            return error_page(
                request, DossierError(bilingual(_("The form is not valid."))), dossier=dossier
            )
        data = form.cleaned_data
        try:
            transfer_to_installation(
                dossier,
                agency_code=data["agency_code"],
                agency_name=data["agency_name"],
                note=data["note"],
                acting_user=request.user,
                expected_version=data["version"],
            )
        except DossierError as exc:
            return error_page(request, exc, dossier=dossier)
        messages.success(request, bilingual(_("The dossier is queued for the other installation.")))
        return redirect("dossiers:transfer", pk=dossier.pk)
    return render(
        request,
        "dossiers/transfer.html",
        {
            "dossier": dossier,
            "form": RemoteTransferForm(initial={"version": dossier.version}),
            "may_transfer": may_transfer_remote(dossier, request.user),
            "transfers": remote_transfers(dossier),
        },
    )
