"""Running a practice without the Django admin: its staff (create, edit, deactivate, caseloads,
moving a departing colleague's patients), its patients' care teams, and its settings.

It sits above the domain apps because deactivating someone asks crisis and engagement what
open work they hold, and a care-team change tells the patient through notifications.
"""
