from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The machinery every app shares: sending tasks by name, the life cycle of a job's run
    row, the console's job actions, workflow events and the database tenant. It imports no
    other app of Shelfcast."""

    default = True
    name = "core"
    verbose_name = "Shelfcast core"
    default_auto_field = "django.db.models.BigAutoField"
