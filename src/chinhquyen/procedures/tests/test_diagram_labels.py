"""The process diagram lays its edge labels out without overlap (reported on DEMO-07: "Yêu cầu
bổ sung hồ sơ" drawn over "Trả lại bước trước")."""

import re
from itertools import combinations

from django.utils import translation

from chinhquyen.procedures import services
from chinhquyen.procedures.choices import StepAction
from chinhquyen.procedures.diagram import LabelBox, label_boxes, render_process_diagram

from .conftest import build_process

LABEL = re.compile(r'<text x="([\d.]+)" y="([\d.]+)" class="process-label">([^<]*)</text>')


def drawn_labels(definition) -> list[LabelBox]:
    """The labels as the SVG draws them (text start, baseline, estimated width)."""
    html = str(render_process_diagram(definition))
    return [LabelBox(text, float(x), float(y)) for x, y, text in LABEL.findall(html)]


def overlapping(boxes: list[LabelBox]) -> list[tuple[str, str]]:
    return [(a.text, b.text) for a, b in combinations(boxes, 2) if a.overlaps(b)]


def test_labels_of_a_step_with_several_back_edges_do_not_overlap(judicial_record):
    # Given step 2 with a return and a supplement request to step 1, a transfer to step 4
    # and a refusal to the end; step 4 returns to step 2 and step 3 to step 1
    definition, steps = build_process(judicial_record.procedure, hours=(4, 20, 20, 8))
    s1, s2, s3, s4 = steps
    for step, action, target in [
        (s2, StepAction.RETURN, s1),
        (s2, StepAction.REQUEST_SUPPLEMENT, s1),
        (s2, StepAction.TRANSFER, s4),
        (s2, StepAction.REJECT, None),
        (s3, StepAction.RETURN, s1),
        (s4, StepAction.RETURN, s2),
        (s4, StepAction.REJECT, None),
    ]:
        services.set_transition(step, action=action, next_step=target, acting_user=None)
    # When the diagram is drawn (in Vietnamese, the reported case)
    with translation.override("vi"):
        drawn = drawn_labels(definition)
        laid_out = label_boxes(definition)
    # Then every edge has its label, and no two label boxes overlap
    assert len(drawn) == 4 + 7  # three forwards and the approval in the middle, seven side edges
    assert overlapping(drawn) == []
    assert [(b.text, b.x, b.y) for b in drawn] == [(b.text, b.x, b.y) for b in laid_out]


def test_a_self_loop_and_a_back_edge_from_the_same_step_do_not_overlap(judicial_record):
    definition, (s1, s2, _s3) = build_process(judicial_record.procedure)
    services.set_transition(
        s2, action=StepAction.REQUEST_SUPPLEMENT, next_step=s2, acting_user=None
    )
    services.set_transition(s2, action=StepAction.RETURN, next_step=s1, acting_user=None)
    drawn = drawn_labels(definition)
    assert len(drawn) == 3 + 2
    assert overlapping(drawn) == []
