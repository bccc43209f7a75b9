"""Every URL pattern of the project, walked recursively through the includes."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

# Includes deliberately left out, with the reason the suite does not cover them (a pattern
# outside such an include is walked like any other):
EXCLUDED_PREFIXES = {
    # Django's own admin: is_staff plus model permissions, per-app admin tests cover what we
    # register; walking its ~hundreds of generated URLs adds nothing about our scoping.
    "admin/": "Django admin (is_staff + model permissions; covered by tests/*/test_admin.py)",
}
# Included and covered as public endpoints: i18n/ (set_language) and health/ — both are
# reachable without login, so the suite checks they answer the public and refuse bad methods.


def walk(resolvers=None, prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    """(route, qualified name) of every pattern; unnamed patterns get their route as name."""
    found: list[tuple[str, str]] = []
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if any(route.startswith(p) for p in EXCLUDED_PREFIXES):
                continue
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            found += walk(entry.url_patterns, route, ns)
        elif isinstance(entry, URLPattern):
            name = entry.name or route
            found.append((route, f"{namespace}:{name}" if namespace and entry.name else name))
    return found
