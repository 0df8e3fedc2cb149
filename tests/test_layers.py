"""Lower apps never import higher ones: a page or a demo made of several apps' parts is put
together above them. Read from the source (every import, at any depth), so a new upward
arrow fails here with its file and line."""

import ast
import pathlib

import parcours

# From the bottom up. An app may import any app before it in this list.
LAYERS = [
    "privacy",
    "accounts",
    "projects",
    "notify",
    "sso",
    "jobs",
    "backups",
    "cases",
    "casework",
    "legal",
    "instruments",
    "reports",
    "network",
    "rights",
    "collect",
    "api",
    "reminders",
    "dashboard",
    "pages",
    "volume",
    "demo",
]

# The arrows that run upward on purpose, each with why.
ALLOWED = {
    # A command names the project to grant a role in: the project's own command-line lookup.
    ("accounts/management/commands/create_user.py", "projects"),
    ("accounts/management/commands/grant_role.py", "projects"),
    # The register of processing is for coordinators and administrators: a role lookup.
    ("privacy/views.py", "accounts"),
}


def _upward_imports() -> set[tuple[str, str, int]]:
    root = pathlib.Path(parcours.__file__).parent
    rank = {app: i for i, app in enumerate(LAYERS)}
    found = set()
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).parts
        if len(parts) < 2 or parts[0] not in rank or "migrations" in parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            else:
                continue
            for module in modules:
                bits = module.split(".")
                if (
                    bits[0] == "parcours"
                    and len(bits) > 1
                    and rank.get(bits[1], -1) > rank[parts[0]]
                ):
                    found.add(("/".join(parts), bits[1], node.lineno))
                    break
    return found


def test_every_app_is_in_a_layer():
    root = pathlib.Path(parcours.__file__).parent
    apps = {p.parent.name for p in root.glob("*/apps.py")}
    assert apps <= set(LAYERS), f"place these in LAYERS: {sorted(apps - set(LAYERS))}"


def test_lower_apps_never_import_higher_ones():
    upward = {(path, app) for path, app, _line in _upward_imports()}
    unexpected = sorted(
        f"{path}:{line} imports parcours.{app}"
        for path, app, line in _upward_imports()
        if (path, app) not in ALLOWED
    )
    assert not unexpected, "compose above the apps instead:\n" + "\n".join(unexpected)
    assert upward == ALLOWED  # an allowed arrow that is gone is taken off the list
