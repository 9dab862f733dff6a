"""Flows that span several domains, one module per flow (docs/decisions/0004).

A flow composes the services of the domains below it; nothing below imports it.
"""
