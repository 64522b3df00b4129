"""
WSGI config for povertyplan project.

It exposes the WSGI callable as a module-level variable named ``application``. A server that loads it runs the
production settings unless DJANGO_SETTINGS_MODULE says otherwise; development goes through manage.py.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertyplan.settings.production")

application = get_wsgi_application()

# What is loaded by now (Django, the application, their modules) lives as long as the worker: frozen, the garbage
# collector stops walking it at each full collection. A large export or import allocates enough objects to trigger
# several: a national workbook spent a fifth of its time so (docs/performance.md).
gc.freeze()
