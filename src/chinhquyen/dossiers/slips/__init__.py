"""Printable one-stop slips (Circular 01/2018/TT-VPCP forms 01–06) rendered to PDF.

Public API: the dataclasses in ``slips.data``; ``render_slip`` / ``render_slip_html`` in
``slips.render`` (no database); ``slip_for_dossier`` / ``register_for`` in ``slips.mapping``
(dossier → dataclass); ``issue_dossier_slip`` / ``issue_register`` and the signing extension
point ``finalise_slip_pdf`` in ``slips.issue``. See ``docs/slips.md``.
"""
