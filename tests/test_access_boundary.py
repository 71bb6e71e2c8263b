"""Views and API endpoints reach patient data only through `tether.access`.

A view module (`views*.py`, `*_views.py`, anything in a `views/` package) or an API module
(`tether/api/`) that writes `<Model>.objects…` (or `_default_manager`, or
`get_object_or_404(<Model>, …)`) for a model holding patient data bypasses the one door: the
check of who may see what is then the view's own, and the next view forgets it. Patient data
is computed, not listed: accounts.Patient and every model with a foreign key to a model that
holds patient data, followed to the end.

The checker reads the source (AST); it does not import the views.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent / "tether"


def patient_data_models() -> set[tuple[str, str]]:
    """Return (module, class name) of accounts.Patient and every model that points at one,
    directly or through other such models, by a forward foreign key or one-to-one."""
    patient = apps.get_model("accounts", "Patient")
    found = {patient}
    grew = True
    while grew:
        grew = False
        for model in apps.get_models():
            if model in found:
                continue
            targets = {
                field.related_model
                for field in model._meta.get_fields()
                if (field.many_to_one or field.one_to_one) and field.concrete
            }
            if targets & found:
                found.add(model)
                grew = True
    return {(model.__module__, model.__name__) for model in found}


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    model: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: queries {self.model} directly; ask tether.access"


def _imported_names(tree: ast.Module) -> tuple[dict[str, str], dict[str, str]]:
    """Return (name -> 'module.Class' for `from m import Class [as name]`, alias -> module for
    `import m [as alias]`)."""
    names: dict[str, str] = {}
    modules: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    modules[alias.asname] = alias.name
                else:
                    modules[alias.name.split(".")[0]] = alias.name.split(".")[0]
    return names, modules


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _resolve(node: ast.expr, names: dict[str, str], modules: dict[str, str]) -> str | None:
    """Return the 'module.Class' an expression names, as far as the imports tell."""
    dotted = _dotted(node)
    if dotted is None:
        return None
    head, _, rest = dotted.partition(".")
    if head in names:
        return f"{names[head]}.{rest}" if rest else names[head]
    if head in modules and rest:
        return f"{modules[head]}.{rest}"
    return None


def violations(source: str, path: str, models: set[tuple[str, str]]) -> list[Violation]:
    """Return every place in `source` that queries one of `models` without access."""
    wanted = {f"{module}.{name}": name for module, name in models}
    tree = ast.parse(source, filename=path)
    names, modules = _imported_names(tree)
    found = []
    for node in ast.walk(tree):
        target = None
        if isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager"):
            target = node.value
        elif (
            isinstance(node, ast.Call)
            and _dotted(node.func) in ("get_object_or_404", "get_list_or_404")
            and node.args
        ):
            target = node.args[0]
        if target is None:
            continue
        resolved = _resolve(target, names, modules)
        if resolved in wanted:
            found.append(Violation(path, node.lineno, wanted[resolved]))
    return sorted(found, key=lambda v: v.line)


def interface_modules() -> list[Path]:
    """Return the view and API modules: the code that answers requests."""
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if "tests" not in path.parts
        and (
            path.name.startswith("views")
            or path.name.endswith("_views.py")
            or "views" in path.parent.parts  # a views/ package
            or path.is_relative_to(ROOT / "api")
        )
    )


def test_it_finds_patient_data_models_through_foreign_keys():
    models = patient_data_models()
    for module, name in [
        ("tether.accounts.models", "Patient"),
        ("tether.assessments.models", "Assessment"),
        ("tether.crisis.models", "RiskAlert"),
        ("tether.crisis.models", "AlertEvent"),  # through RiskAlert
        ("tether.network.models", "SupportContact"),
        ("tether.care.models", "Recommendation"),  # through TreatmentEpisode
        ("tether.peers.models", "Post"),  # through Membership
        ("tether.peers.models", "BelongingCheck"),
    ]:
        assert (module, name) in models, name
    # Models of the practice, not of a patient, stay out.
    assert ("tether.accounts.models", "Practice") not in models
    assert ("tether.accounts.models", "User") not in models
    assert ("tether.peers.models", "PeerGroup") not in models
    assert ("tether.engagement.models", "Program") not in models


def test_it_catches_a_view_querying_patient_data():
    source = """
from django.shortcuts import get_object_or_404
from tether.assessments.models import Assessment as A
from tether.accounts.models import Practice
import tether.crisis.models as crisis_models
from tether import access

def bad(request, pk):
    A.objects.filter(pk=pk)
    crisis_models.RiskAlert.objects.all()
    get_object_or_404(A, pk=pk)
    Practice.objects.all()  # not patient data
    return access.get_assessment(request.user, pk)
"""
    models = {
        ("tether.assessments.models", "Assessment"),
        ("tether.crisis.models", "RiskAlert"),
    }
    found = violations(source, "views.py", models)
    assert [(v.line, v.model) for v in found] == [
        (9, "Assessment"),
        (10, "RiskAlert"),
        (11, "Assessment"),
    ]


def test_it_covers_every_view_and_api_module():
    modules = {str(path.relative_to(ROOT)) for path in interface_modules()}
    assert "assessments/views.py" in modules
    assert "network/trusted_views.py" in modules
    assert "api/peers.py" in modules
    assert not any("tests" in m for m in modules)


def test_views_and_api_reach_patient_data_only_through_access():
    models = patient_data_models()
    found = []
    for path in interface_modules():
        relative = str(path.relative_to(ROOT.parent))
        found += violations(path.read_text(), relative, models)
    assert not found, "\n".join(str(v) for v in found)
