"""Business rules of official documents, one module per use case (style.md).

* ``numbering`` — registration books and their numbers (never repeated, never skipped).
"""
