# SweepRun now belongs to the scheduling app (scheduling 0001). Only Django's model state
# changes here: the table crisis_sweeprun and its rows stay, owned by the scheduling app.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("crisis", "0006_screened_support_details"),
        ("scheduling", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SweepRun")],
            database_operations=[],
        ),
    ]
