"""Issue 8 §1: the apps form layers that run one way (docs/decisions/0004).

`make lint` runs the same contracts; these tests keep the suite honest about
them too, and check what the contracts cannot see: imports hidden in functions
and product code that would reach the test support."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "gestor", "benchdata", "api", "panel", "flows", "wallet", "billing", "ledger",
    "products", "catalog", "orgs", "accounts", "core",
]  # fmt: skip


def _product_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts:
                continue
            yield app, path, ast.parse(path.read_text(), filename=str(path))


def _imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        return [node.module]
    return []


def test_the_layers_contracts_are_kept():
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_no_function_imports_another_of_our_apps():
    hidden = []
    for app, path, tree in _product_modules():
        top_level = set(map(id, tree.body))
        for node in ast.walk(tree):
            if id(node) in top_level:
                continue
            for name in _imported(node):
                root = name.split(".")[0]
                # A module-level "if TYPE_CHECKING:" import counts as hidden too.
                if root in APPS and root != app:
                    hidden.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    assert hidden == []


def test_product_code_never_imports_the_test_support():
    reaching = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for _app, path, tree in _product_modules()
        for node in ast.walk(tree)
        for name in _imported(node)
        if name.split(".")[0] in {"testsupport", "conftest", "browser_tests"}
    ]
    assert reaching == []
