"""
WSGI config for povertyplan project.

It exposes the WSGI callable as a module-level variable named ``application``. A server that loads it runs the
production settings unless DJANGO_SETTINGS_MODULE says otherwise; development goes through manage.py.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

from kernel.collector import prepare_collector

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertyplan.settings.production")

application = get_wsgi_application()

# What is loaded by now lives as long as the worker: frozen for the garbage collector, which runs less often than
# Python's default on the many objects a table, an export or an import keeps until its response (kernel.collector).
prepare_collector()
