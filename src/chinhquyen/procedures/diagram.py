"""A readable, server-rendered diagram of an internal process (no JavaScript, CSP-safe).

:func:`render_process_diagram` returns HTML: an SVG drawing (steps top to bottom, "forward"
arrows in the middle, other actions as labelled arcs on the side) marked ``aria-hidden``, and
the same content as an ordered list that screen readers (and narrow screens) use. The SVG
uses presentation attributes and CSS classes only (``procedures/procedures.css``), never a
``style`` attribute, so it passes the Content-Security-Policy.
"""

from __future__ import annotations

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
ARC_STEP = 26


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
    n = len(steps)
    end_y = n * (BOX_HEIGHT + GAP)
    side_arcs = [t for t in transitions if not _is_straight(t, index)]
    right_margin = 40 + ARC_STEP * (len(side_arcs) + 1) + 120
    width = LEFT + BOX_WIDTH + right_margin
    height = end_y + BOX_HEIGHT
    parts: list[str] = [
        f'<defs><marker id="arrow-{definition.pk}" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'class="process-arrowhead"/></marker></defs>'
    ]
    marker = f"url(#arrow-{definition.pk})"
    for i, step in enumerate(steps):
        y = i * (BOX_HEIGHT + GAP)
        parts.append(
            f'<g class="process-step"><rect x="{LEFT}" y="{y}" width="{BOX_WIDTH}" '
            f'height="{BOX_HEIGHT}" rx="8" class="process-box"/>'
            f'<text x="{LEFT + 12}" y="{y + 24}" class="process-title">'
            f"{escape(f'{step.order}. {step.name}'[:48])}</text>"
            f'<text x="{LEFT + 12}" y="{y + 46}" class="process-sub">'
            f"{escape(_performer(step)[:52])} · {escape(_hours(step.allotted_hours))} h</text></g>"
        )
    parts.append(
        f'<g class="process-end"><circle cx="{LEFT + BOX_WIDTH / 2}" cy="{end_y + 24}" r="20" '
        f'class="process-end-circle"/><text x="{LEFT + BOX_WIDTH / 2}" y="{end_y + 29}" '
        f'text-anchor="middle" class="process-sub">{escape(_("End"))}</text></g>'
    )
    centre = LEFT + BOX_WIDTH / 2
    arc = 0
    for transition in transitions:
        source = index[transition.step_id]
        label = escape(str(labels.get(transition.action, transition.action)))
        y_from = source * (BOX_HEIGHT + GAP) + BOX_HEIGHT
        if _is_straight(transition, index):
            target_y = (source + 1) * (BOX_HEIGHT + GAP) if transition.next_step_id else end_y + 4
            parts.append(
                f'<line x1="{centre}" y1="{y_from}" x2="{centre}" y2="{target_y}" '
                f'class="process-line process-{transition.action}" marker-end="{marker}"/>'
                f'<text x="{centre + 8}" y="{y_from + GAP / 2 + 4}" class="process-label">'
                f"{label}</text>"
            )
            continue
        arc += 1
        y_start = source * (BOX_HEIGHT + GAP) + BOX_HEIGHT / 2
        if transition.next_step_id in index:
            y_end = index[transition.next_step_id] * (BOX_HEIGHT + GAP) + BOX_HEIGHT / 2
            x_edge = LEFT + BOX_WIDTH
            x_out = x_edge + 20 + ARC_STEP * arc
            parts.append(
                f'<path d="M {x_edge} {y_start} H {x_out} V {y_end} H {x_edge + 2}" '
                f'fill="none" class="process-line process-{transition.action}" '
                f'marker-end="{marker}"/>'
                f'<text x="{x_out + 4}" y="{(y_start + y_end) / 2}" class="process-label">'
                f"{label}</text>"
            )
        else:
            x_out = LEFT - 20 - (arc % 4) * 24
            parts.append(
                f'<path d="M {LEFT} {y_start} H {x_out} V {end_y + 24} H {centre - 22}" '
                f'fill="none" class="process-line process-{transition.action}" '
                f'marker-end="{marker}"/>'
                f'<text x="4" y="{y_start - 6}" class="process-label">{label}</text>'
            )
    svg = (
        f'<svg class="process-diagram" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" aria-hidden="true" focusable="false" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )
    caption = format_html(
        "{} {} · {}",
        _("Internal process, version"),
        definition.number,
        _("%(count)s steps") % {"count": n},
    )
    return format_html(
        '<figure class="process-figure"><figcaption>{}</figcaption>'
        '<div class="process-svg-wrap">{}</div>{}</figure>',
        caption,
        mark_safe(svg),  # noqa: S308 - every text inside was escaped above
        ordered_list,
    )


def _is_straight(transition: ProcessTransition, index: dict[int, int]) -> bool:
    """Drawn in the middle: forward/approve to the very next step, or the last step's end."""
    source = index[transition.step_id]
    if transition.next_step_id is None:
        return source == len(index) - 1 and transition.action != StepAction.REJECT
    return (
        transition.action in (StepAction.FORWARD, StepAction.APPROVE)
        and index.get(transition.next_step_id) == source + 1
    )
