"""The documents app's views live in one module per area: ``views_incoming``,
``views_outgoing``, ``views_assignment``, ``views_books``, ``views_text``."""
