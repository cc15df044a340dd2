from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "social"

    def ready(self):
        from social.feeds import invalidation

        invalidation.connect()
