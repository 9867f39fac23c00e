"""`maintain_sales_partitions`: the nightly upkeep of the sales table's months, now (after an
import of years of history, say, rather than waiting for 01:45 UTC)."""

from django.core.management.base import BaseCommand

from inventory import partitions


class Command(BaseCommand):
    help = (
        "Create the sales table's months ahead and move every month found in its default "
        "partition into a partition of its own (PostgreSQL; nothing to do elsewhere)."
    )

    def handle(self, *args, **options):
        if not partitions.is_partitioned():
            self.stdout.write("The sales table is not partitioned here (not PostgreSQL).")
            return
        report = partitions.ensure_sales_partitions()
        created = ", ".join(f"{month:%Y-%m}" for month in report.created) or "none"
        rows = f"{report.rows_moved:,} row{'' if report.rows_moved == 1 else 's'}"
        self.stdout.write(f"Months created: {created}; {rows} moved.")
        if report.outside_window:
            self.stdout.write(
                f"Left in the default partition, outside the sales window: "
                f"{len(report.outside_window)} months "
                f"({report.outside_window[0]:%Y-%m} to {report.outside_window[-1]:%Y-%m})."
            )
        if report.skipped:
            skipped = ", ".join(f"{month:%Y-%m}" for month in report.skipped)
            self.stdout.write(
                f"Skipped, their partition was busy: {skipped}. Run it again in a while."
            )
