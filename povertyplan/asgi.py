"""
ASGI config for povertyplan project.

It exposes the ASGI callable as a module-level variable named ``application``. A server that loads it runs the
production settings unless DJANGO_SETTINGS_MODULE says otherwise; development goes through manage.py.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/asgi/
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertyplan.settings.production")

application = get_asgi_application()
