"""Server-rendered pages: the landing redirect and the creator dashboard (each app's pages)."""

from django.urls import path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(url="/api/docs/", permanent=False), name="home"),
]
