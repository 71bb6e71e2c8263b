"""What the scheduler remembers: which sweep it enqueued for which minute."""

from django.db import models


class SweepRun(models.Model):
    """One periodic sweep enqueued for one minute. The unique constraint is what stops two
    schedulers (or a restarted one) from enqueueing the same sweep twice for the same minute."""

    path = models.CharField(max_length=200)
    minute = models.DateTimeField()
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The table keeps the name it had when the model lived in the crisis app: moving the
        # model was a change of code, not of data (migrations crisis 0007 / scheduling 0001).
        db_table = "crisis_sweeprun"
        constraints = [
            models.UniqueConstraint(fields=["path", "minute"], name="one_sweep_run_per_minute")
        ]
        indexes = [models.Index(fields=["minute"])]

    def __str__(self) -> str:
        return f"{self.path} at {self.minute:%Y-%m-%d %H:%M}"
