"""Counts the imports between Consilium's apps: `python scripts/app_dependencies.py [ROOT]`.

Every `import consilium.X...` or `from consilium.X... import` in an app's code (tests and
migrations left out) that names another app counts once, at module level or inside a function
("local"). Prints one line per pair of apps, a total, and the pairs that import each other.
"""

from __future__ import annotations

import ast
import sys
from collections import Counter
from pathlib import Path


def _imports(tree: ast.AST) -> list[tuple[str, bool]]:
    found: list[tuple[str, bool]] = []

    def walk(node: ast.AST, local: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = local or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                found.append((child.module, inner))
            elif isinstance(child, ast.Import):
                found.extend((alias.name, inner) for alias in child.names)
            walk(child, inner)

    walk(tree, False)
    return found


def count(root: Path) -> tuple[Counter[tuple[str, str]], Counter[tuple[str, str]]]:
    package = root / "consilium"
    total: Counter[tuple[str, str]] = Counter()
    local: Counter[tuple[str, str]] = Counter()
    for path in package.rglob("*.py"):
        parts = path.relative_to(package).parts
        if len(parts) < 2 or "tests" in parts or "migrations" in parts:
            continue
        source = parts[0]
        for module, is_local in _imports(ast.parse(path.read_text())):
            names = module.split(".")
            if names[0] != "consilium" or len(names) < 2 or names[1] == source:
                continue
            total[(source, names[1])] += 1
            if is_local:
                local[(source, names[1])] += 1
    return total, local


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]
    total, local = count(root)
    print("| app | imports from (count, of which inside functions) |")
    print("|---|---|")
    for app in sorted({a for a, _ in total}):
        targets = sorted((b, n) for (a, b), n in total.items() if a == app)
        cells = ", ".join(f"{b} {n}" + (f" ({local[(app, b)]})" if local[(app, b)] else "")
                          for b, n in targets)
        print(f"| {app} | {cells} |")
    mutual = sorted({tuple(sorted(p)) for p in total if (p[1], p[0]) in total})
    print()
    print(f"cross-app imports: {sum(total.values())} (inside functions: {sum(local.values())}); "
          f"app pairs: {len(total)}; mutually dependent pairs: {len(mutual)}"
          + (f" ({', '.join('↔'.join(p) for p in mutual)})" if mutual else ""))


if __name__ == "__main__":
    main()
