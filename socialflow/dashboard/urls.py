"""Dashboard routes, included under /dashboard/ by socialflow/site_urls.py."""

from django.urls import path

from socialflow.dashboard.views import auth, overview

app_name = "dashboard"

urlpatterns = [
    path("", overview.overview, name="overview"),
    path("verify/", auth.verify, name="verify"),
]
