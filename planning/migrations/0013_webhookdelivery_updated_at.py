import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0012_default_lead_time"),
    ]

    operations = [
        migrations.AddField(
            model_name="webhookdelivery",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        # A delivery made before the field existed last changed no earlier than it was made.
        migrations.RunSQL(
            "UPDATE planning_webhookdelivery SET updated_at = created_at",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
