"""``{% load sentences %}``: a name that ends with a period ("Sol S.L.U.") at the
end of a translated sentence would give two periods; ``single_periods`` keeps
one (an ellipsis "..." is left alone). Used on the flash messages, the
dashboard's greeting and the audit log, where names end sentences."""

from __future__ import annotations

import re

from django import template

register = template.Library()

# Two periods, possibly with closing tags between them (a name shown in a
# ``<span>``, see the ``names`` library): "S.L.U.</span>." keeps one.
_DOUBLE_PERIOD = re.compile(r"(?<!\.)\.((?:</\w+>)*)\.(?!\.)")


def single_periods(text: str) -> str:
    return _DOUBLE_PERIOD.sub(r".\1", text)


# is_safe: removing a period from safe text keeps it safe (Django re-marks it).
@register.filter(name="single_periods", is_safe=True)
def single_periods_filter(value: object) -> str:
    return single_periods(str(value))
