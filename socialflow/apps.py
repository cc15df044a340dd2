from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SocialflowConfig(AppConfig):
    name = "socialflow"
    verbose_name = "SocialFlow"

    def ready(self):
        from socialflow.backoffice.groups import sync_staff_groups

        # Permissions are created by post_migrate too; this receiver is registered last (socialflow is
        # the last installed app) so every model's permissions exist when the groups are synced.
        post_migrate.connect(sync_staff_groups, sender=self, dispatch_uid="socialflow.sync_staff_groups")
