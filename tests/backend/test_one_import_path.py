"""Each model has one import path: the module that defines it. (A models module may import
its packages' models so that Django registers them, as venues.models and rewards.models do;
nothing imports a model through it.)"""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

PROJECT_APPS = ("accounts", "venues", "checkins", "rewards", "insight", "residents", "backend")


def _imports_of_models(home: dict[str, str]):
    root = Path(settings.BASE_DIR)
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).parts
        if parts[0].startswith(".") or "migrations" in parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                in_project = node.module.split(".")[0] in PROJECT_APPS
                for alias in node.names:
                    if in_project and alias.name in home and node.module != home[alias.name]:
                        yield f"{path.relative_to(root)}:{node.lineno}", alias.name, node.module


def test_every_model_is_imported_from_the_module_that_defines_it():
    home = {
        model.__name__: model.__module__
        for model in apps.get_models()
        if model.__module__.split(".")[0] in PROJECT_APPS
    }
    assert len(home) > 20  # the project's models were found
    elsewhere = [
        f"{where}: {name} from {module}, not {home[name]}"
        for where, name, module in _imports_of_models(home)
    ]
    assert elsewhere == []
