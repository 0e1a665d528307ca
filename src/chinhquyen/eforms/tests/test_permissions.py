"""Who may open what: the back office to form administrators, a draft to its citizen only."""

import json

import pytest

from chinhquyen.core.testing import LOGIN, assert_permission_matrix
from chinhquyen.eforms.models import ApplicationDraft, FormVersion
from chinhquyen.eforms.tests.conftest import form_schema

pytestmark = pytest.mark.django_db

EVERYONE_ELSE = {
    "officer_an": 403,
    "leader_binh": 403,
    "deputy_cuong": 403,
    "specialist_dung": 403,
    "clerk_hoa": 403,
    "other_agency_official": 403,
    "citizen_chi": 403,
    "other_citizen": 403,
}


def test_the_form_back_office(client, personas, online):
    assert_permission_matrix(
        client,
        "/nop-ho-so/quan-tri/",
        {"anonymous": LOGIN, "admin_giang": 200, **EVERYONE_ELSE},
        personas=personas,
    )


def test_saving_a_form_is_refused_to_everyone_else(client, personas, online):
    expectations = {"anonymous": LOGIN, **EVERYONE_ELSE}
    assert_permission_matrix(
        client,
        f"/nop-ho-so/quan-tri/{online.procedure.national_code}/",
        expectations,
        personas=personas,
        method="post",
        data={"schema": json.dumps(form_schema()), "action": "save"},
        unchanged=lambda: list(FormVersion.objects.values_list("pk", "status", "schema")),
    )


def test_a_draft_is_its_citizens_only(client, personas, draft_of):
    draft = draft_of(personas["citizen_chi"])
    expectations = {
        "anonymous": 302,  # the citizen sign-in page
        "citizen_chi": 200,
        "other_citizen": 404,
        "admin_giang": 403,
        "officer_an": 403,
    }
    assert_permission_matrix(
        client, f"/nop-ho-so/ho-so-nhap/{draft.pk}/", expectations, personas=personas
    )
    denied = {k: v for k, v in expectations.items() if k != "citizen_chi"}
    assert_permission_matrix(
        client,
        f"/nop-ho-so/ho-so-nhap/{draft.pk}/tu-dong-luu/",
        denied,
        personas=personas,
        method="post",
        data={"f.notes": "sửa trộm"},
        unchanged=lambda: list(ApplicationDraft.objects.values_list("pk", "data")),
    )
