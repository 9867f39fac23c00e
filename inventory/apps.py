from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = "Catalogue and stock"
    default_auto_field = "django.db.models.BigAutoField"
