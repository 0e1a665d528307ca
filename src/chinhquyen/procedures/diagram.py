"""A readable, server-rendered diagram of an internal process (no JavaScript, CSP-safe).

:func:`render_process_diagram` returns HTML: an SVG drawing (steps top to bottom, "forward"
arrows in the middle, other actions as labelled arcs on the side) marked ``aria-hidden``, and
the same content as an ordered list that screen readers (and narrow screens) use. The SVG
uses presentation attributes and CSS classes only (``procedures/procedures.css``), never a
``style`` attribute, so it passes the Content-Security-Policy.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from chinhquyen.accounts.choices import Role
from chinhquyen.procedures.choices import StepAction
from chinhquyen.procedures.models import ProcessDefinition, ProcessTransition

BOX_WIDTH = 360
BOX_HEIGHT = 64
GAP = 48
LEFT = 150  # room on the left for arcs to the end
ARC_STEP = 26  # distance between two side lanes
LANE_START = 24  # first right-hand lane, from the boxes' right edge
LEFT_LANE_STEP = 14
# Label boxes: 12 px sans-serif text; a generous average glyph width so that the estimated box
# contains the drawn text (Vietnamese diacritics add height, not width).
LABEL_CHAR_WIDTH = 7
LABEL_ASCENT = 11
LABEL_HEIGHT = 15
LABEL_SHIFT = 16  # how far a label moves to get out of another's way


@dataclass
class LabelBox:
    """Where one edge label is drawn: ``x``, ``y`` are the text's start and baseline."""

    text: str
    x: float
    y: float

    @property
    def width(self) -> float:
        return len(self.text) * LABEL_CHAR_WIDTH

    @property
    def top(self) -> float:
        return self.y - LABEL_ASCENT

    @property
    def bottom(self) -> float:
        return self.top + LABEL_HEIGHT

    def overlaps(self, other: LabelBox) -> bool:
        return (
            self.x < other.x + other.width
            and other.x < self.x + self.width
            and self.top < other.bottom
            and other.top < self.bottom
        )


def _place(label: LabelBox, placed: list[LabelBox], *, low: float, high: float) -> LabelBox:
    """Move ``label`` up or down (preferably within ``low``..``high``) until it overlaps no
    label already placed; record it and return it."""
    preferred = label.y
    candidates = [preferred]
    for k in range(1, 200):
        candidates += [preferred + k * LABEL_SHIFT, preferred - k * LABEL_SHIFT]
    inside = [y for y in candidates if low <= y <= high]
    outside = [y for y in candidates if not low <= y <= high and y - LABEL_ASCENT >= 0]
    for y in inside + outside:
        label.y = y
        if not any(label.overlaps(other) for other in placed):
            break
    placed.append(label)
    return label


def _slots(count: int, top: float) -> list[float]:
    """``count`` attachment points spread over a box's height."""
    return [top + BOX_HEIGHT * (k + 1) / (count + 1) for k in range(count)]


def _hours(value) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _steps_and_transitions(definition: ProcessDefinition):
    steps = list(definition.steps.select_related("performer_agency").order_by("order"))
    transitions = list(
        ProcessTransition.objects.filter(step__definition=definition).order_by(
            "step__order", "action"
        )
    )
    return steps, transitions


def _performer(step) -> str:
    role = str(Role(step.performer_role).label) if step.performer_role in Role.values else ""
    agency = step.performer_agency.name if step.performer_agency_id else _("processing agency")
    return f"{role} · {agency}"


def render_process_diagram(definition: ProcessDefinition) -> SafeString:
    """The process as an accessible figure: an SVG drawing plus an ordered list of steps."""
    steps, transitions = _steps_and_transitions(definition)
    if not steps:
        return format_html('<p class="process-empty">{}</p>', _("This process has no step yet."))
    labels = dict(StepAction.choices)
    index = {step.pk: i for i, step in enumerate(steps)}
    by_step: dict[int, list[ProcessTransition]] = {step.pk: [] for step in steps}
    for transition in transitions:
        by_step.setdefault(transition.step_id, []).append(transition)

    # --- The ordered list (the accessible version) ---
    items = []
    for step in steps:
        actions = []
        for transition in by_step[step.pk]:
            target = (
                format_html(
                    "{} {}",
                    _("go to step"),
                    steps[index[transition.next_step_id]].order,
                )
                if transition.next_step_id in index
                else _("end of processing")
            )
            actions.append((labels.get(transition.action, transition.action), target))
        action_list = (
            format_html(
                '<ul class="process-actions">{}</ul>',
                format_html_join("", "<li>{} → {}</li>", actions),
            )
            if actions
            else ""
        )
        items.append(
            format_html(
                '<li id="process-{}-step-{}"><strong>{}</strong> '
                '<span class="process-meta">({}; {} {})</span>{}</li>',
                definition.pk,
                step.order,
                step.name,
                _performer(step),
                _hours(step.allotted_hours),
                _("working hours"),
                action_list,
            )
        )
    ordered_list = format_html(
        '<ol class="process-steps">{}</ol>',
        mark_safe("".join(str(i) for i in items)),  # noqa: S308
    )

    # --- The SVG drawing ---
    svg_parts, _boxes, width, height = _layout(definition, steps, transitions, index, labels)
    svg = (
        f'<svg class="process-diagram" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" aria-hidden="true" focusable="false" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(svg_parts)}</svg>'
    )
    caption = format_html(
        "{} {} · {}",
        _("Internal process, version"),
        definition.number,
        _("%(count)s steps") % {"count": len(steps)},
    )
    return format_html(
        '<figure class="process-figure"><figcaption>{}</figcaption>'
        '<div class="process-svg-wrap">{}</div>{}</figure>',
        caption,
        mark_safe(svg),  # noqa: S308 - every text inside was escaped above
        ordered_list,
    )


def _row_top(i: int) -> float:
    return i * (BOX_HEIGHT + GAP)


def _layout(definition, steps, transitions, index, labels):
    """The SVG parts, the label boxes (none overlapping), the width and the height.

    Straight arrows run down the middle. Every other edge gets its own lane: edges to a step
    on the right (shorter spans nearer the boxes), edges to the end on the left. Each edge
    leaves and enters a box at its own attachment point, and its label is placed beside its
    lane, moved up or down until it overlaps no other label.
    """
    n = len(steps)
    end_y = n * (BOX_HEIGHT + GAP)
    height = end_y + BOX_HEIGHT
    centre = LEFT + BOX_WIDTH / 2
    x_edge = LEFT + BOX_WIDTH
    marker = f"url(#arrow-{definition.pk})"
    parts: list[str] = [
        f'<defs><marker id="arrow-{definition.pk}" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'class="process-arrowhead"/></marker></defs>'
    ]
    for i, step in enumerate(steps):
        y = _row_top(i)
        parts.append(
            f'<g class="process-step"><rect x="{LEFT}" y="{y}" width="{BOX_WIDTH}" '
            f'height="{BOX_HEIGHT}" rx="8" class="process-box"/>'
            f'<text x="{LEFT + 12}" y="{y + 24}" class="process-title">'
            f"{escape(f'{step.order}. {step.name}'[:48])}</text>"
            f'<text x="{LEFT + 12}" y="{y + 46}" class="process-sub">'
            f"{escape(_performer(step)[:52])} · {escape(_hours(step.allotted_hours))} h</text></g>"
        )
    parts.append(
        f'<g class="process-end"><circle cx="{centre}" cy="{end_y + 24}" r="20" '
        f'class="process-end-circle"/><text x="{centre}" y="{end_y + 29}" '
        f'text-anchor="middle" class="process-sub">{escape(_("End"))}</text></g>'
    )

    def label_of(transition) -> str:
        return str(labels.get(transition.action, transition.action))

    placed: list[LabelBox] = []
    for transition in transitions:  # the straight arrows first: their labels do not move
        if not _is_straight(transition, index):
            continue
        source = index[transition.step_id]
        y_from = _row_top(source) + BOX_HEIGHT
        target_y = _row_top(source + 1) if transition.next_step_id else end_y + 4
        label = LabelBox(label_of(transition), centre + 8, round(y_from + GAP / 2 + 4, 1))
        placed.append(label)
        parts.append(
            f'<line x1="{centre}" y1="{y_from}" x2="{centre}" y2="{target_y}" '
            f'class="process-line process-{transition.action}" marker-end="{marker}"/>'
        )

    right = [t for t in transitions if not _is_straight(t, index) and t.next_step_id in index]
    to_end = [t for t in transitions if not _is_straight(t, index) and t not in right]
    # Shorter spans nearest the boxes, so that lanes cross as little as possible.
    right.sort(
        key=lambda t: (abs(index[t.step_id] - index[t.next_step_id]), index[t.step_id], t.pk)
    )
    # Attachment points on the right edge of each box: one per edge end, top to bottom in
    # lane order (outgoing ends first).
    ends: dict[int, list[tuple[int, str]]] = {i: [] for i in range(n)}
    for lane, t in enumerate(right):
        ends[index[t.step_id]].append((lane, "out"))
        ends[index[t.next_step_id]].append((lane, "in"))
    slot: dict[tuple[int, str], float] = {}
    for i, attached in ends.items():
        for key, y in zip(attached, _slots(len(attached), _row_top(i)), strict=True):
            slot[key] = round(y, 1)
    width = float(x_edge + LANE_START + ARC_STEP * len(right) + 40)
    for lane, transition in enumerate(right):
        y_start, y_end = slot[(lane, "out")], slot[(lane, "in")]
        x_out = x_edge + LANE_START + ARC_STEP * lane
        low, high = sorted((y_start, y_end))
        label = _place(
            LabelBox(label_of(transition), x_out + 5, round((y_start + y_end) / 2 + 4, 1)),
            placed,
            low=low + LABEL_ASCENT,
            high=max(high, low + LABEL_ASCENT),
        )
        width = max(width, label.x + label.width + 10)
        parts.append(
            f'<path d="M {x_edge} {y_start} H {x_out} V {y_end} H {x_edge + 2}" '
            f'fill="none" class="process-line process-{transition.action}" '
            f'marker-end="{marker}"/>'
        )
    left_ends: dict[int, list[float]] = {}
    for t in to_end:
        left_ends.setdefault(index[t.step_id], []).append(0.0)
    for i, attached in left_ends.items():
        attached[:] = [round(y, 1) for y in _slots(len(attached), _row_top(i))]
    for lane, transition in enumerate(to_end):
        source = index[transition.step_id]
        y_start = left_ends[source].pop(0)
        x_out = max(LEFT - 16 - LEFT_LANE_STEP * lane, 2)
        label = _place(
            LabelBox(label_of(transition), 4, y_start - 6),
            placed,
            low=_row_top(source) + LABEL_ASCENT,
            high=_row_top(source) + BOX_HEIGHT,
        )
        height = max(height, label.bottom + 4)
        parts.append(
            f'<path d="M {LEFT} {y_start} H {x_out} V {end_y + 24} H {centre - 22}" '
            f'fill="none" class="process-line process-{transition.action}" '
            f'marker-end="{marker}"/>'
        )
    # The labels last, over every line (a white halo keeps them readable where lanes cross).
    parts.extend(
        f'<text x="{label.x:g}" y="{label.y:g}" class="process-label">{escape(label.text)}</text>'
        for label in placed
    )
    return parts, placed, width, height


def label_boxes(definition: ProcessDefinition) -> list[LabelBox]:
    """Where the diagram of ``definition`` draws its edge labels (for tests and checks)."""
    steps, transitions = _steps_and_transitions(definition)
    index = {step.pk: i for i, step in enumerate(steps)}
    return _layout(definition, steps, transitions, index, dict(StepAction.choices))[1]


def _is_straight(transition: ProcessTransition, index: dict[int, int]) -> bool:
    """Drawn in the middle: forward/approve to the very next step, or the last step's end."""
    source = index[transition.step_id]
    if transition.next_step_id is None:
        return source == len(index) - 1 and transition.action != StepAction.REJECT
    return (
        transition.action in (StepAction.FORWARD, StepAction.APPROVE)
        and index.get(transition.next_step_id) == source + 1
    )
