"""The package's floors, enforced: each folder of quiz/ imports only from the floors below it.

docs/architecture.md draws them. Every module under quiz/ is read with ``ast`` and each of
its imports checked against the rules of its floor: imports at the top, inside functions,
under ``if TYPE_CHECKING:`` (a type-only import is still a dependency on paper), relative
ones resolved against the module's own package. The checker itself is tested on small
sources, so a rule that stops catching its violation fails here too. The core is also held
to ``mypy --strict`` with the repo's configuration (pyproject's [tool.mypy]).
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "quiz"

# What a web framework, a database or a template engine brings: none of it in the core.
FRAMEWORKS = (
    "flask",
    "flask_babel",
    "flask_sqlalchemy",
    "flask_wtf",
    "flask_login",
    "sqlalchemy",
    "werkzeug",
    "wtforms",
    "jinja2",
    "markupsafe",
)
# Floors above the models, from the bottom up.
ABOVE_THE_MODELS = ("quiz.store", "quiz.web", "quiz.public", "quiz.admin")
# Folders of quiz/ that hold Python but are no floor: the migrations run under Alembic.
NOT_FLOORS = {"quiz.migrations"}


@dataclass(frozen=True)
class Rule:
    """What the modules of one floor may never import (``allowed`` carves out exceptions)."""

    floor: str
    modules: tuple[str, ...]  # the floor's packages or modules
    forbidden: tuple[str, ...]
    why: str
    allowed: tuple[str, ...] = ()

    def covers(self, module: str) -> bool:
        return any(within(module, name) for name in self.modules)

    def forbids(self, imported: str) -> bool:
        return any(within(imported, name) for name in self.forbidden) and not any(
            within(imported, name) for name in self.allowed
        )


RULES = (
    Rule(
        "core",
        ("quiz.core",),
        (*FRAMEWORKS, "quiz"),
        "the core is pure: plain data in, plain data out, nothing of quiz outside quiz.core",
        allowed=("quiz.core",),
    ),
    Rule(
        "store",
        ("quiz.store",),
        ("quiz.web", "quiz.public", "quiz.admin"),
        "the store serves the pages and never depends on them",
    ),
    Rule(
        "web",
        ("quiz.web",),
        ("quiz.public", "quiz.admin"),
        "the plumbing both blueprints share never depends on either",
    ),
    Rule("public", ("quiz.public",), ("quiz.admin",), "the two blueprints never import each other"),
    Rule("admin", ("quiz.admin",), ("quiz.public",), "the two blueprints never import each other"),
    Rule(
        "database and settings",
        ("quiz.db", "quiz.models", "quiz.settings"),
        ABOVE_THE_MODELS,
        "the database, the models and the settings sit below every floor that uses them",
    ),
)
FLOORS = {name for rule in RULES for name in rule.modules}


@dataclass(frozen=True)
class Import:
    """One module an import statement names, and where."""

    module: str  # absolute and dotted
    line: int
    statement: str

    def __str__(self) -> str:
        return f"{self.module} (line {self.line}: {self.statement})"


def within(name: str, package: str) -> bool:
    """True when ``name`` is ``package`` or inside it."""
    return name == package or name.startswith(package + ".")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_package(module: str) -> bool:
    return (ROOT.joinpath(*module.split(".")) / "__init__.py").is_file()


def is_module_of_the_repo(module: str) -> bool:
    path = ROOT.joinpath(*module.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports_of(source: str, module: str) -> list[Import]:
    """Return every module ``source`` (the text of ``module``) imports, wherever it does.

    ``from package import name`` imports the module ``package.name`` when there is one (``from
    quiz import models``), else ``package`` itself (``from quiz.web.i18n import _l``).
    """
    package = module if is_package(module) else module.rpartition(".")[0]
    found: list[Import] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = resolve(node.level, node.module, package)
            names = [
                f"{base}.{alias.name}" if is_module_of_the_repo(f"{base}.{alias.name}") else base
                for alias in node.names
            ]
        else:
            continue
        statement = ast.unparse(node)
        found += [Import(name, node.lineno, statement) for name in dict.fromkeys(names)]
    return found


def resolve(level: int, name: str | None, package: str) -> str:
    """Return the absolute module a ``from`` import of this level names, seen from ``package``."""
    if level == 0:
        return name or ""
    parts = package.split(".")
    if level - 1 >= len(parts):
        raise ValueError(f"a relative import goes above the top of {package}")
    base = parts[: len(parts) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def violations(module: str, source: str) -> list[str]:
    """Return, one line each, the imports of ``module`` that the rules of its floor forbid."""
    return [
        f"{module} imports {imported}: {rule.why}"
        for rule in RULES
        if rule.covers(module)
        for imported in imports_of(source, module)
        if rule.forbids(imported.module)
    ]


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_module_imports_only_from_the_floors_below_it(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    found = violations(module_name(path), source)
    assert not found, "\n".join(found)


def test_every_folder_of_the_package_is_a_floor_the_rules_know() -> None:
    folders = {module_name(path.parent) for path in MODULES} - {"quiz"}
    top_level = {f"quiz.{name}" for name in ("core", "store", "web", "public", "admin")}
    assert top_level <= FLOORS
    unknown = {
        folder
        for folder in folders
        if not any(within(folder, name) for name in FLOORS | NOT_FLOORS)
    }
    assert not unknown, f"no rule says what these may import: {sorted(unknown)}"


# --- the checker catches each kind of violation -------------------------------------------

CAUGHT = [
    # (module, source, the forbidden module it must name)
    *(("quiz.core.scoring", f"import {library}", library) for library in FRAMEWORKS),
    ("quiz.core.scoring", "from flask_babel import gettext", "flask_babel"),
    ("quiz.core.scoring", "import werkzeug.exceptions as exceptions", "werkzeug.exceptions"),
    ("quiz.core.bank", "from sqlalchemy.orm import Session", "sqlalchemy.orm"),
    ("quiz.core.bank", "def load():\n    from flask import current_app\n", "flask"),
    (
        "quiz.core.comparison",
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from quiz.store.results import Result\n",
        "quiz.store.results",
    ),
    ("quiz.core.messages", "from quiz import models", "quiz.models"),
    ("quiz.core.messages", "import quiz.db", "quiz.db"),
    ("quiz.core.messages", "from quiz.web.i18n import _l", "quiz.web.i18n"),
    ("quiz.core.quality", "from ..settings import PACKAGE_DIR", "quiz.settings"),
    ("quiz.core.quality", "from .. import models", "quiz.models"),
    ("quiz.store.results", "from quiz.web.i18n import _l", "quiz.web.i18n"),
    ("quiz.store.results", "from ..web import i18n", "quiz.web.i18n"),
    ("quiz.store.drafts", "def f():\n    import quiz.admin.roles\n", "quiz.admin.roles"),
    ("quiz.store.analytics", "from quiz import public", "quiz.public"),
    ("quiz.store", "from .. import web", "quiz.web"),
    ("quiz.web.taking", "from quiz.public.forms import QuizForm", "quiz.public.forms"),
    ("quiz.web.banks", "from ..admin import auth", "quiz.admin.auth"),
    ("quiz.public.views", "from quiz.admin.auth import admin_required", "quiz.admin.auth"),
    ("quiz.public", "from ..admin import bp", "quiz.admin"),
    ("quiz.admin.roles", "from ..public.forms import QuizForm", "quiz.public.forms"),
    ("quiz.admin.overview", "import quiz.public.compare", "quiz.public.compare"),
    ("quiz.db", "from quiz.store.caches import app_cache", "quiz.store.caches"),
    ("quiz.models", "from .web import i18n", "quiz.web.i18n"),
    ("quiz.settings", "from quiz.public import views", "quiz.public.views"),
    ("quiz.settings", "def f():\n    from quiz.admin import bp\n", "quiz.admin"),
]


@pytest.mark.parametrize(
    ("module", "source", "forbidden"), CAUGHT, ids=[f"{m}: {s}" for m, s, _ in CAUGHT]
)
def test_the_checker_catches_a_forbidden_import(module: str, source: str, forbidden: str) -> None:
    found = violations(module, source)
    assert any(f"imports {forbidden} " in line for line in found), found


ALLOWED = [
    ("quiz.core.scoring", "import math\nfrom collections.abc import Mapping"),
    ("quiz.core.quality", "from quiz.core.scoring import EffectTable"),
    ("quiz.core.adaptive", "from .scoring import EffectTable\nfrom . import bank"),
    (
        "quiz.core.comparison",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import math",
    ),
    ("quiz.store.results", "from quiz.core import scoring\nfrom quiz.db import db"),
    ("quiz.store.results", "from quiz import db, models\nfrom sqlalchemy import select"),
    ("quiz.store.publishing", "from .caches import app_cache\nfrom ..models import Result"),
    ("quiz.web.banks", "from quiz.store.publishing import published_bank\nimport flask"),
    ("quiz.public.views", "from quiz.web.taking import QuizPage\nfrom quiz.store import results"),
    ("quiz.admin.roles", "from ..web import i18n\nfrom ..store.drafts import save_role"),
    ("quiz.models", "from quiz.core.scoring import Outcome\nfrom .db import db"),
    ("quiz.settings", "from quiz.core.adaptive import DEFAULT_CONFIDENCE"),
    ("quiz.cli", "from quiz.admin import bp\nfrom quiz.public import views"),
]


@pytest.mark.parametrize(("module", "source"), ALLOWED, ids=[m for m, _ in ALLOWED])
def test_the_checker_lets_a_floor_import_from_below(module: str, source: str) -> None:
    assert violations(module, source) == []


@pytest.mark.parametrize(
    ("module", "source", "imported"),
    [
        ("quiz.core.scoring", "from . import bank", ["quiz.core.bank"]),
        ("quiz.core", "from . import bank", ["quiz.core.bank"]),
        ("quiz.public", "from .views import bp", ["quiz.public.views"]),
        ("quiz.store.results", "from ..web.i18n import _l, current_language", ["quiz.web.i18n"]),
        ("quiz.models", "from .db import db", ["quiz.db"]),
        ("quiz.store.results", "from quiz import db, models", ["quiz.db", "quiz.models"]),
        (
            "quiz.admin.roles",
            "from .. import web\nimport flask, jinja2",
            ["quiz.web", "flask", "jinja2"],
        ),
    ],
)
def test_imports_resolve_to_the_modules_they_load(
    module: str, source: str, imported: list[str]
) -> None:
    assert [i.module for i in imports_of(source, module)] == imported


# --- the core type-checks strictly ----------------------------------------------------------


def test_mypy_checks_all_of_the_core_strictly() -> None:
    with (ROOT / "pyproject.toml").open("rb") as file:
        config = tomllib.load(file)["tool"]["mypy"]
    assert config["strict"] is True
    assert config["files"] == ["quiz/core"]


def test_the_core_passes_mypy_strict() -> None:
    """``mypy`` with pyproject's [tool.mypy]: strict, on every file of quiz/core."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
