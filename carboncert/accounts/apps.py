from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "carboncert.accounts"
    verbose_name = _("账号与机构")

    def ready(self):
        # After every migrate, so the groups follow accounts.roles without a data migration.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="carboncert-sync-roles")


def sync_roles_after_migrate(sender, using="default", **kwargs):
    from django.apps import apps

    from .services import sync_roles

    # post_migrate fires once per app with models, in order; all permissions exist by the last.
    with_models = [c for c in apps.get_app_configs() if c.models_module is not None]
    if sender is with_models[-1]:
        sync_roles(using=using)
