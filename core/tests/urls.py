from django.urls import path

from core.tests import views

urlpatterns = [
    path("api/v1/validate", views.ValidateView.as_view()),
    path("api/v1/private", views.PrivateView.as_view()),
    path("api/v1/forbidden", views.ForbiddenView.as_view()),
    path("api/v1/conflict", views.ConflictView.as_view()),
    path("api/v1/broken", views.BrokenView.as_view()),
    path("api/v1/throttled", views.ThrottledView.as_view()),
    path("api/v1/things", views.CreateThing.as_view()),
]
handler404 = "core.http_errors.not_found"
