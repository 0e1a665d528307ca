"""The demo dossiers: every state, gap-free codes, a valid audit chain, loaded once."""

import datetime
from collections import defaultdict

from django.utils import timezone

from chinhquyen.audit.services import verify_chain
from chinhquyen.directory.demo import load_demo_accounts, load_demo_organisations
from chinhquyen.directory.units import load_units
from chinhquyen.dossiers.choices import Channel, DossierStatus, EventType
from chinhquyen.dossiers.demo import load_demo_dossiers, tiny_pdf
from chinhquyen.dossiers.models import (
    DailySequence,
    Dossier,
    DossierAttachment,
    DossierEvent,
    Evaluation,
    PostalOrder,
)
from chinhquyen.procedures.demo import load_demo_procedures
from chinhquyen.worktime.calendar import is_working_instant


def _counts() -> tuple[int, ...]:
    from chinhquyen.accounts.models import User

    return (
        Dossier.objects.count(),
        DossierEvent.objects.count(),
        DossierAttachment.objects.count(),
        User.objects.count(),
    )


def test_forty_demo_dossiers_cover_every_state_once_and_for_all(db, settings, tmp_path):
    # Given the demo province (Tuyên Quang's communes, agencies, accounts, catalogue)
    settings.MEDIA_ROOT = tmp_path
    load_units(province_code="08")
    organisations = load_demo_organisations()
    load_demo_accounts(organisations)
    load_demo_procedures()
    now = timezone.now()

    # When forty demo dossiers are loaded
    summary = load_demo_dossiers(40, seed=2026)

    # Then every state of the lifecycle occurs (except the reserved, unconfirmed "stopped")
    assert summary["created"] == 40
    dossiers = list(Dossier.objects.all())
    assert all(d.is_demo for d in dossiers)
    statuses = {d.status for d in dossiers}
    assert statuses == set(DossierStatus.values) - {DossierStatus.STOPPED}
    events = set(DossierEvent.objects.values_list("type", flat=True))
    assert {
        EventType.SUPPLEMENT_REQUESTED,
        EventType.SUPPLEMENT_RECEIVED,
        EventType.TRANSFERRED,
        EventType.APOLOGY_ISSUED,
        EventType.RETURNED_TO_PREVIOUS,
        EventType.ASSIGNED,
        EventType.PAYMENT_RECORDED,
        EventType.EVALUATED,
    } <= events
    assert Evaluation.objects.exists()
    assert all(
        len(t) == 13 and t.endswith("VN")
        for t in PostalOrder.objects.values_list("tracking_number", flat=True)
    )
    assert PostalOrder.objects.exists()
    assert {d.channel for d in dossiers} >= {Channel.COUNTER, Channel.POST, Channel.ONLINE}
    # … at Sở Tư pháp for a good share, so the demo accounts have work
    justice = organisations["stp"]
    assert sum(d.receiving_agency_id == justice.pk for d in dossiers) >= 8
    # … with plausible applicants in real communes of the province
    for dossier in dossiers:
        if dossier.applicant_kind == "individual":
            assert len(dossier.applicant_id_number) == 12
            assert dossier.applicant_id_number.isdigit()
        assert dossier.applicant_unit.parent.code == "08"
        assert dossier.applicant_address.endswith("tỉnh Tuyên Quang")
        assert len(dossier.applicant_phone) == 10
    # … in the past three months, paper dossiers received in working hours
    for dossier in dossiers:
        assert now - datetime.timedelta(days=92) < dossier.received_at <= now
        if dossier.channel in Channel.paper():
            assert is_working_instant(dossier.received_at)
    assert not DossierEvent.objects.filter(at__gt=timezone.now()).exists()
    # … with real (tiny) PDF attachments
    attachment = DossierAttachment.objects.first()
    assert attachment.content_type == "application/pdf"
    assert attachment.size < 1000
    # And the codes are gap-free per agency and day, the counters agree
    numbers = defaultdict(list)
    for dossier in dossiers:
        prefix, number = dossier.code.rsplit("-", 1)
        numbers[prefix].append(int(number))
    for prefix, found in numbers.items():
        assert sorted(found) == list(range(1, len(found) + 1)), prefix
    assert sum(DailySequence.objects.values_list("last_number", flat=True)) == 40
    # And the audit chain verifies
    assert verify_chain().ok

    # When the demo is loaded again, nothing is added
    before = _counts()
    assert load_demo_dossiers(40, seed=2026)["created"] == 0
    assert _counts() == before


def test_the_tiny_pdf_is_a_well_formed_pdf():
    content = tiny_pdf("Tờ khai (mẫu)", ["Người nộp: Nguyễn Văn An"])

    assert content.startswith(b"%PDF-1.4\n") and content.endswith(b"%%EOF\n")
    assert b"(To khai [mau]) Tj" in content
    xref = int(content.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert content[xref:].startswith(b"xref\n0 6\n")
    assert len(content) < 800
