"""Entries live in the caller's transaction: rolled-back work leaves no entry and no gap."""

import pytest
from django.db import transaction

from chinhquyen.audit.models import AuditEntry
from chinhquyen.audit.services import log_action, verify_chain
from chinhquyen.directory.models import AdministrativeUnit

from .conftest import last_id

pytestmark = pytest.mark.django_db


class Abort(Exception):
    pass


def test_a_rolled_back_change_leaves_no_entry_and_the_chain_verifies():
    # given an entry before the failed work
    before = log_action("test.before")
    count = AuditEntry.objects.count()

    # when a service creates a unit, logs its call, and then fails
    with pytest.raises(Abort), transaction.atomic():
        AdministrativeUnit.objects.create(
            code="08", name="Tuyên Quang", division_type="tỉnh", level="province"
        )
        log_action("directory.create_unit")
        raise Abort

    # then nothing of it is in the trail, and the next entry chains on the last kept one
    assert AuditEntry.objects.count() == count
    assert last_id() == before.id
    after = log_action("test.after")
    assert after.prev_hash == before.hash
    assert verify_chain().ok is True
