"""Italian dates like the other languages': no weekday, no zero-padded day.

Django's ``it`` formats write "domenica 29 novembre 2026 14:30" and "01
novembre 2026"; everything else stays Django's (day first, dd/mm/yyyy).
"""

from django.conf.locale.it.formats import *  # noqa: F403

DATE_FORMAT = "j F Y"  # 29 Novembre 2026
DATETIME_FORMAT = "j F Y H:i"  # 29 Novembre 2026 14:30
