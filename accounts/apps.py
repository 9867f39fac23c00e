from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True
    name = "accounts"
    verbose_name = "Merchants and members"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # signals imports the models, which load only once the app registry is ready
        from accounts import signals  # noqa: F401  connects the account event receivers


class ShelfcastAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the console's site (runs across merchants, staff only)."""

    default = False
    default_site = "accounts.admin_site.ShelfcastAdminSite"
