"""The house's import rules (docs/architecture.md), read from the code by grimp: the layers from the doors down
to the rules, no two domain apps importing each other, the portal importing nothing from the API, no circle."""

import grimp
import pytest

# From the top down: a layer may import the layers below it, never those above; apps of one layer are
# independent (neither imports the other).
LAYERS = [
    grimp.Layer("api", "portal", independent=True),  # the two doors
    "cli",
    "accounts",  # sign-in: ProConnect, the second factor
    grimp.Layer("documents", "exports", "webhooks", independent=True),  # webhooks: deliveries and change feed
    grimp.Layer("payments", "recoveries", independent=True),
    "dossiers",
    grimp.Layer("registry", "directory", independent=True),
    "suppliers",
    "lifecycle",  # the idiom of every lifecycle: transitions table, history row, audit entry
    "notifications",  # events, recorded by the lifecycle's steps; their notifications and e-mails
    "audit",
    grimp.Layer("filtering", "batch"),
    grimp.Layer("errors", "clock", "simulator"),
    "rules",  # pure Python: imports nothing of the platform
]
DOMAIN_APPS = ["audit", "suppliers", "registry", "directory", "dossiers", "payments", "recoveries", "documents",
               "exports", "notifications", "webhooks"]  # fmt: skip


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("sons", cache_dir=None)


def shown(chains) -> str:
    return "; ".join(" → ".join(chain) for chain in sorted(chains))


def test_each_layer_imports_only_the_layers_below(graph):
    illegal = graph.find_illegal_dependencies_for_layers(layers=LAYERS, containers={"sons"})
    assert not illegal, "; ".join(
        f"{d.importer} importe {d.imported} ({shown((*sorted(r.heads), *r.middle, *sorted(r.tails)) for r in d.routes)})"
        for d in illegal
    )


@pytest.mark.parametrize("first", DOMAIN_APPS)
def test_no_two_domain_apps_import_each_other(graph, first):
    for second in DOMAIN_APPS:
        if first < second:
            both = graph.chain_exists(
                f"sons.{first}", f"sons.{second}", as_packages=True
            ) and graph.chain_exists(f"sons.{second}", f"sons.{first}", as_packages=True)
            assert not both, f"sons.{first} et sons.{second} s'importent l'un l'autre"


def test_the_portal_imports_nothing_from_the_api(graph):
    chains = graph.find_shortest_chains("sons.portal", "sons.api", as_packages=True)
    assert not chains, shown(chains)


def test_no_module_imports_itself_through_others(graph):
    """No import circle (such as rpps.py ↔ rpps_parallel.py): Tarjan's strongly connected components."""
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    assert not circles, circles
