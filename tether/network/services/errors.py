"""What the network's rules refuse, with a plain message for the view or the API."""

from tether.lib.errors import Invalid


class SafetyPlanInvalid(Invalid):
    """A safety plan that cannot be saved."""


class NetworkError(ValueError):
    """A change the network's rules don't allow, with a plain message."""


class OnlyThePatientShares(NetworkError):
    """Someone other than the patient tried to grant or widen what a trusted person sees.
    Views and the API answer it as a forbidden action (403)."""

    def __init__(self) -> None:
        super().__init__(
            "Only the patient can choose what a trusted person sees or is told. You can "
            "suggest it, and they confirm it on their support page."
        )
