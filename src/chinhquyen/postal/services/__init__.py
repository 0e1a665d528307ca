"""Postal use cases: ``orders`` (create and send), ``tracking`` (the operator's callbacks)."""
