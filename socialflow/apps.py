from django.apps import AppConfig


class SocialflowConfig(AppConfig):
    name = "socialflow"
    verbose_name = "SocialFlow"
