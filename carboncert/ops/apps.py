from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Commands that span the programme's apps: serve, demo, tick. No models."""

    name = "carboncert.ops"
    verbose_name = "运维"
