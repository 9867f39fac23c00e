"""`migrate`, run as the database owner role and followed by the application role's grants.

Overrides Django's command (accounts is listed before Django's apps in INSTALLED_APPS).
"""

from django.core.management.commands.migrate import Command as DjangoMigrateCommand

from accounts.row_level_security import as_database_owner, grant_application_role


class Command(DjangoMigrateCommand):
    def handle(self, *args, **options):
        using = options["database"]
        with as_database_owner(using):
            super().handle(*args, **options)
            grant_application_role(using)
