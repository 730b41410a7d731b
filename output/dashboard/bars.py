"""Level distribution bars as inline SVG: attributes only, no inline style (the CSP forbids
style attributes, which the report's HTML bars use)."""

from __future__ import annotations

from markupsafe import Markup, escape

from output.i18n import Messages


def distribution_bar(levels: list[int], in_scope: int, msg: Messages,
                     css_class: str = "dist") -> Markup:
    """One segment per level, then the shops not measured (grey), in % of the shops in scope."""
    total = max(in_scope, sum(levels))
    parts, x = [], 0.0
    for level, count in [*enumerate(levels), ("n", total - sum(levels))]:
        if count > 0:
            width = 100.0 * count / total
            word = msg(f"levels.{level}") if level != "n" else msg("levels.unknown")
            parts.append(f'<rect x="{x:.2f}" y="0" width="{width:.2f}" height="10" '
                         f'class="lv{level}"><title>{escape(word)} : {count}</title></rect>')
            x += width
    return Markup(f'<svg class="{css_class}" viewBox="0 0 100 10" '  # noqa: S704 - numbers, escaped words
                  f'preserveAspectRatio="none" aria-hidden="true">{"".join(parts)}</svg>')
