"""gunicorn's logger with Tether's redaction (tether.lib.log_redaction): the access log and
gunicorn's own error log never carry a signed link's token or a contact detail.
gunicorn.conf.py names it (`logger_class`)."""

from typing import Any

from gunicorn.glogging import Logger

from tether.lib.log_redaction import RedactingFilter


class RedactingLogger(Logger):
    """gunicorn's logger, with every access and error line redacted before it is written."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            if not any(isinstance(f, RedactingFilter) for f in log.filters):
                log.addFilter(RedactingFilter())
