from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django_prometheus import exports
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import health
from socialflow.backoffice.login import admin_login_redirect

handler404 = "core.http_errors.not_found"
handler500 = "core.http_errors.server_error"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", exports.ExportToDjangoView, name="prometheus-django-metrics"),
    # Staff sign in like everyone else (allauth, with the second-factor stage); the admin's own password
    # form would open a password-only session.
    path("admin/login/", admin_login_redirect, name="admin-login"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include("socialflow.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger's init script as a file, so the page runs under a strict CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("", include("socialflow.site_urls")),
]

if settings.BENCH_ENDPOINTS:
    from socialflow import bench_views

    urlpatterns.append(path("bench/floor", bench_views.floor, name="bench-floor"))

if settings.DEBUG and not settings.USE_S3:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
