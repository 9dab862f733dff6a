"""English dates for a European provider's customers: day first, 24-hour clock.

Django's ``en`` formats are American (11/29/2026, 2:30 p.m.); Gestor's customers
read ``29/11/2026`` and ``29 November 2026, 14:30`` (X1). Input formats accept
the same day-first order and ISO dates; never month first.
"""

DATE_FORMAT = "j F Y"  # 29 November 2026
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j F Y, H:i"  # 29 November 2026, 14:30
YEAR_MONTH_FORMAT = "F Y"  # November 2026
MONTH_DAY_FORMAT = "j F"  # 29 November
SHORT_DATE_FORMAT = "d/m/Y"  # 29/11/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 29/11/2026 14:30
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-11-29 (ISO, what <input type="date"> sends)
    "%d/%m/%Y",  # 29/11/2026
    "%d/%m/%y",  # 29/11/26
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M:%S.%f",
    "%d/%m/%Y %H:%M",
    "%d/%m/%y %H:%M:%S",
    "%d/%m/%y %H:%M",
]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
