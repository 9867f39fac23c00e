"""`load_demo`: build the demo merchants from the bundled sample and print how to sign in."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from inventory.demo import demo_load

PORTAL_URL = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = (
        "Create the demo merchant 'Demo Gift Shop' (real daily sales of a UK online gift shop, "
        "synthetic suppliers and stock) and its users. Does nothing if it exists, unless --reset."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo merchants and users first, then build them again.",
        )

    def handle(self, *args, **options):
        try:
            result = demo_load(reset=options["reset"], stdout=self.stdout)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        for merchant in result.merchants:
            self.stdout.write(
                f"  {merchant.name} (/m/{merchant.slug}/): {merchant.skus} SKUs, "
                f"{merchant.sales_days:,} days of sales, {merchant.suppliers} suppliers, "
                f"{merchant.stock_levels} stock levels"
            )
        if result.created:
            self.stdout.write(self.style.SUCCESS(f"Demo built in {result.seconds:.1f} s."))
        self.stdout.write(f"Portal: {PORTAL_URL}")
        self.stdout.write("Sign in with one of (owner, planner, viewer):")
        for email in result.emails:
            self.stdout.write(f"  {email}")
        self.stdout.write(f"Password: {result.password}")
