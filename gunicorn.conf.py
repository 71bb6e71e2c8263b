"""gunicorn's settings for Tether. gunicorn reads this file from the directory it starts in
(or name it with `-c gunicorn.conf.py`); command-line options still win.

The logger class redacts signed-link tokens from every logged path and masks contact
details (tether/lib/log_redaction.py): a trusted person's link is a key for 14 days, and an
access log is read by more people than the page it opens."""

logger_class = "tether.lib.gunicorn_logging.RedactingLogger"
