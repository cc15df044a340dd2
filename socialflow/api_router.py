"""/api/v1/: each domain app contributes the urlpatterns of its `api/urls.py`.

Routers use no trailing slash (`/api/v1/posts/{id}`), as the mobile clients expect.
"""

from django.urls import include, path

API_APPS = ["users", "notifications", "payments", "content", "social", "livestream", "ads"]

urlpatterns = [path("", include(f"{app}.api.urls")) for app in API_APPS]
