"""The starting vocabulary of identity tags. Practices can add their own in the admin."""

from django.db import migrations

TAGS = {
    "experience": [
        "Anxiety",
        "Depression",
        "Panic attacks",
        "Postnatal depression or anxiety",
        "Grief and loss",
        "Trauma",
        "Social anxiety",
        "Health anxiety",
        "Loneliness",
        "Burnout",
        "Chronic illness or pain",
        "Caring for someone",
    ],
    "life_stage": [
        "Student",
        "New parent",
        "Parent",
        "Working age",
        "Retired",
        "Older adult",
        "Young adult",
    ],
    "community": [
        "Veteran or service member",
        "LGBTQ+",
        "Black, Indigenous or person of colour",
        "Faith community",
        "Rural",
        "Healthcare worker",
        "First responder",
        "Disabled",
    ],
    "language": ["English", "Spanish", "French", "Portuguese", "Mandarin", "Arabic"],
}


def seed(apps, schema_editor):
    IdentityTag = apps.get_model("peers", "IdentityTag")
    for kind, labels in TAGS.items():
        for label in labels:
            IdentityTag.objects.get_or_create(kind=kind, label=label)


class Migration(migrations.Migration):
    dependencies = [("peers", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
