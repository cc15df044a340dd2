"""Server-rendered pages: the landing redirect and the creator dashboard (socialflow/dashboard/)."""

from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(url="/dashboard/", permanent=False), name="home"),
    path("dashboard/", include("socialflow.dashboard.urls")),
]
