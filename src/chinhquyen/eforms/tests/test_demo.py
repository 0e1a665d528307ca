"""The demo forms are valid schemas, published through the services, and can be applied for."""

import pytest

from chinhquyen.eforms import schema as schemas
from chinhquyen.eforms import services
from chinhquyen.eforms.demo import DEMO_FORMS, NATIONAL_PORTAL, load_demo_forms
from chinhquyen.eforms.models import FormVersion


@pytest.mark.parametrize("code", sorted(DEMO_FORMS))
def test_each_demo_form_is_a_valid_schema(code):
    schemas.check_schema(DEMO_FORMS[code])
    assert schemas.build_fields(DEMO_FORMS[code])


def test_demo_forms_are_published_once(db):
    from chinhquyen.directory.demo import load_demo_organisations
    from chinhquyen.procedures.demo import load_demo_procedures
    from chinhquyen.procedures.models import Procedure

    load_demo_organisations()
    load_demo_procedures()
    assert load_demo_forms() == {"created": 4, "forms": 4}
    assert load_demo_forms() == {"created": 0, "forms": 4}
    assert FormVersion.objects.filter(status="published").count() == 4
    birth = services.availability(Procedure.objects.get(national_code="1.001193"))
    assert birth.available and len(birth.agencies) > 1
    death = services.availability(Procedure.objects.get(national_code=next(iter(NATIONAL_PORTAL))))
    assert (death.available, death.national_portal_url) == (False, "https://dichvucong.gov.vn/")
