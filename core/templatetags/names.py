"""``{% load names %}``: a name typed by someone (a user's, an organization's, a
product's) may be 150 characters without a space. ``{{ value|name_cut }}``
shows it on one line, cut with an ellipsis where the layout has no room, the
full text in ``title`` (on hover) and to screen readers (CSS only cuts what is
drawn)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter(is_safe=True)
def name_cut(value: object) -> str:
    text = str(value if value is not None else "")
    return format_html('<span class="name-cut" title="{}">{}</span>', text, text)
