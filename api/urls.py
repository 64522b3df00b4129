from django.urls import path

from . import views
from .endpoints import api

app_name = "api"

urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]

# The read API itself, in its own namespace ("api-v1"), mounted by povertyplan/urls.py under /api/v1/.
api_urls = api.urls
