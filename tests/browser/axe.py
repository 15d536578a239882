"""Accessibility checks in the page: axe-core (vendored) run by the browser tests."""

from pathlib import Path

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
# WCAG 2.2 A and AA, the level the public sector accessibility regulations ask for.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page, *, exclude: list[str] | None = None) -> list[dict]:
    """Run axe-core in ``page`` and return its violations (each with its nodes' targets).

    ``exclude`` lists CSS selectors of parts that are not ours to fix (e.g. Django admin's own
    markup), each excluded part named where the test calls this.
    """
    # Evaluated through the DevTools protocol, so the page's own Content-Security-Policy (which
    # rightly refuses inline scripts) stays on while axe runs.
    page.axe_running = True  # axe probes styles inline, which the page's CSP rightly refuses
    try:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(AXE_SOURCE)
        context = {"exclude": [[selector] for selector in exclude or []]}
        return _run(page, context)
    finally:
        page.axe_running = False


def _run(page, context) -> list[dict]:
    return page.evaluate(
        """async ([context, tags]) => {
            const result = await axe.run(context.exclude.length ? context : document,
                {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(" ")),
            }));
        }""",
        [context, AXE_TAGS],
    )


def assert_accessible(page, *, exclude: list[str] | None = None) -> None:
    violations = axe_violations(page, exclude=exclude)
    assert not violations, "axe-core found accessibility problems on {}:\n{}".format(
        page.url,
        "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} at {v['nodes'][:5]}" for v in violations
        ),
    )
