"""The one shape of "this input cannot be saved" that services raise and views and the API
turn into messages: `problems` maps each field to a plain-words message."""


class Invalid(ValueError):
    """Input that cannot be saved. The message joins the problems; `prefix` and `separator`
    let an app keep its own wording ("Please check: a; b")."""

    prefix = ""
    separator = " "

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__(self.prefix + self.separator.join(problems.values()))


class PleaseCheck(Invalid):
    """Invalid whose message reads "Please check: first problem; second problem"."""

    prefix = "Please check: "
    separator = "; "
