"""Celery application. In the embedded default tasks run in-process (eager)."""

import os
import sys
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gestor.settings")

app = Celery("gestor")
# Celery's Django fix-up puts the working directory first on sys.path. Run from
# an app's folder (scripts/messages.py does, for makemessages), that app's
# api.py would shadow the project's ``api`` app; keep only the project root.
_ROOT = str(Path(__file__).resolve().parent.parent)
if sys.path and sys.path[0] == os.getcwd() != _ROOT:
    del sys.path[0]
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
