from chinhquyen.directory.demo import load_demo_organisations
from chinhquyen.procedures import services
from chinhquyen.procedures.demo import DEMO_PROCEDURES, load_demo_procedures
from chinhquyen.procedures.models import Procedure, ProcessDefinition


def test_demo_catalogue_is_complete_and_idempotent(db):
    load_demo_organisations()
    first = load_demo_procedures()
    second = load_demo_procedures()
    assert first == {"procedures": len(DEMO_PROCEDURES), "created": len(DEMO_PROCEDURES)}
    assert second["created"] == 0
    assert Procedure.objects.count() == len(DEMO_PROCEDURES) >= 30
    for procedure in Procedure.objects.all():
        services.version_in_force(procedure)
        assert services.process_in_force(procedure, None).status == "published"
    assert (
        ProcessDefinition.objects.filter(steps__performer_agency__isnull=False).distinct().count()
        == 2
    )
