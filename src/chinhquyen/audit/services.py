"""PLACEHOLDER being replaced by the audit work in progress (hash-chained AuditEntry)."""


def log_action(action: str, *, target=None, actor=None, details: dict | None = None) -> None:
    """Record a service call in the audit trail (placeholder until the audit model lands)."""
