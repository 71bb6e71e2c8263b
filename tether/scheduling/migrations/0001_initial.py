# SweepRun moves here from the crisis app. Its table, crisis_sweeprun, stays where it is with
# its rows: this migration only tells Django's model state that the scheduling app now owns it
# (crisis 0007 removes it from the crisis app's state the same way). A new database gets the
# table from crisis 0002, which this migration depends on.

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("crisis", "0006_screened_support_details"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SweepRun",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("path", models.CharField(max_length=200)),
                        ("minute", models.DateTimeField()),
                        ("task_id", models.CharField(blank=True, max_length=64)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        "db_table": "crisis_sweeprun",
                        "indexes": [
                            models.Index(fields=["minute"], name="crisis_swee_minute_9b65a8_idx")
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("path", "minute"), name="one_sweep_run_per_minute"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
