"""Loopback emulators of the national systems (issue 7 item 5), each served in its own process.

``national_portal`` (Cổng DVC quốc gia) and ``document_axis`` (trục liên thông văn bản quốc
gia): ``chinhquyen national_portal_emulator`` / ``chinhquyen document_axis_emulator``. They carry
the interim contracts of the connectors while the national specifications are unconfirmed.
"""
