"""The staff back-office: Django admin roles and the cross-app moderation workflow (top layer)."""
