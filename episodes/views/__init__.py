"""Views of the episodes app: ``pages`` (read-only), ``editor`` (planning), ``transfer``
(import and export)."""
