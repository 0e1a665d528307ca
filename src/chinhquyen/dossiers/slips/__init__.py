"""Printable one-stop slips (Circular 01/2018/TT-VPCP forms 01–06) rendered to PDF.

Public API: the dataclasses in ``slips.data`` and ``render_slip`` / ``render_slip_html`` in
``slips.render``.
"""
