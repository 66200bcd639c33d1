#!/usr/bin/env python3
"""Checks that the modules of every crate read as a layer diagram.

The diagram is `tests/layers.txt`: one section per crate (and per folder of modules inside a
crate), one layer per line, the top layer first. A module may import only modules on lower
lines; modules on one line are peers and import neither each other nor anything above. The
check fails on an import that goes up or sideways, on a cycle, on a module the diagram does not
list (a new module takes its place in the diagram deliberately) and on a listed module that no
longer exists.

Imports are read from the source: every `crate::`, `super::` and `self::` path outside the
`#[cfg(test)]` part of a file. Within a folder, `mod.rs` is the folder's facade: its items are
the folder's shared vocabulary, so imports of it from inside the folder are not edges.

Usage: python3 tests/layers.py [--edges] [repo root]   (--edges prints every import edge)
"""

import pathlib
import re
import sys

ARGS = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
ROOT = pathlib.Path(ARGS[0] if ARGS else pathlib.Path(__file__).resolve().parent.parent)
CRATES = ROOT / "crates"
DIAGRAM = ROOT / "tests" / "layers.txt"

PATH = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)*)(::\{([^{}]*)\})?")


def modules_of(src):
    """Module name (`stages/render`, `providers`) of every file but the crate roots."""
    names = {}
    for file in sorted(src.rglob("*.rs")):
        rel = file.relative_to(src).with_suffix("")
        parts = list(rel.parts)
        # The crate roots are facades, and a `tests.rs` is compiled only for unit tests.
        if parts in (["lib"], ["main"]) or parts[-1] == "tests":
            continue
        if parts[-1] == "mod":
            parts = parts[:-1]
        names["/".join(parts)] = file
    return names


def code_of(file):
    """The file without its test part and without comment lines."""
    text = file.read_text()
    text = text.split("#[cfg(test)]", 1)[0]
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("//")]
    return "\n".join(lines)


def resolve(module, head, segments, names):
    """The module a path names, or None when it names an item of the crate root."""
    parts = module.split("/") if module else []
    # `self` is the module itself; `super` its parent, for a folder's `mod.rs` as for a file.
    base = {"crate": [], "self": parts, "super": parts[:-1]}[head]
    best = None
    for k in range(len(segments) + 1):
        candidate = "/".join(base + segments[:k])
        if candidate in names:
            best = candidate
    return best


def imports_of(module, file, names):
    found = set()
    for match in PATH.finditer(code_of(file)):
        head, tail, _, group = match.groups()
        segments = [s for s in tail.split("::") if s]
        tails = [segments]
        if group is not None:
            tails = [segments + [g.strip().split("::")[0]] for g in group.split(",") if g.strip()]
        for segs in tails:
            target = resolve(module, head, segs, names)
            if target is not None:
                found.add(target)
    return found


def read_diagram():
    sections, current = {}, None
    for raw in DIAGRAM.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections[current] = []
        else:
            sections[current].append(line.split())
    return sections


def cycles(nodes, edges):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return found


def check_level(name, nodes, edges, layers, problems):
    if "--edges" in sys.argv:
        print(f"[{name}]")
        for source in sorted(nodes):
            print(f"  {source} -> {' '.join(sorted(edges.get(source, ())))}")
    if layers is None and not nodes:
        return  # a crate that is one file has no diagram to keep
    if layers is None:
        problems.append(f"[{name}] is missing from {DIAGRAM.name}; its modules: {' '.join(sorted(nodes))}")
        return
    layer_of = {}
    for depth, line in enumerate(layers):
        for module in line:
            layer_of[module] = depth
    for module in sorted(set(layer_of) - nodes):
        problems.append(f"[{name}] lists `{module}`, which is not a module")
    for module in sorted(nodes - set(layer_of)):
        problems.append(f"[{name}] does not list `{module}`: give the new module its layer")
    for component in cycles(nodes, edges):
        problems.append(f"[{name}] cycle: {' <-> '.join(component)}")
    for source in sorted(edges):
        for target in sorted(edges[source]):
            if source in layer_of and target in layer_of and layer_of[target] <= layer_of[source]:
                way = "sideways" if layer_of[target] == layer_of[source] else "upward"
                problems.append(f"[{name}] `{source}` imports `{target}` ({way})")


def main():
    diagram = read_diagram()
    problems, seen = [], set()
    for crate in sorted(p for p in CRATES.iterdir() if (p / "src").is_dir()):
        names = modules_of(crate / "src")
        graph = {module: imports_of(module, file, names) for module, file in names.items()}
        levels = {crate.name: ""}
        for module in names:
            if names[module].name == "mod.rs":
                levels[f"{crate.name}/{module}"] = module
        for level, prefix in levels.items():
            seen.add(level)
            depth = len(prefix.split("/")) if prefix else 0
            nodes, edges = set(), {}

            def node_of(module):
                inside = module.startswith(prefix + "/") if prefix else True
                if not inside:
                    return None
                return "/".join(module.split("/")[: depth + 1])

            for module in names:
                node = node_of(module)
                if node is not None and node != prefix:
                    nodes.add(node)
            for module, targets in graph.items():
                source = node_of(module)
                if source is None or source == prefix:
                    continue
                for target in targets:
                    goal = node_of(target)
                    if goal is None or goal == prefix or goal == source:
                        continue
                    edges.setdefault(source, set()).add(goal)
            strip = (lambda m: m[len(prefix) + 1 :]) if prefix else (lambda m: m)
            nodes = {strip(n) for n in nodes}
            edges = {strip(s): {strip(t) for t in ts} for s, ts in edges.items()}
            check_level(level, nodes, edges, diagram.get(level), problems)
    for level in sorted(set(diagram) - seen):
        problems.append(f"[{level}] in {DIAGRAM.name} names no crate or folder of modules")
    if problems:
        print("layers: the module imports do not follow tests/layers.txt", file=sys.stderr)
        for problem in problems:
            print("  " + problem, file=sys.stderr)
        return 1
    print(f"layers: {len(seen)} diagrams, no cycle, no upward import")
    return 0


if __name__ == "__main__":
    sys.exit(main())
