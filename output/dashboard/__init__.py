"""The territory dashboard (`smartcommerce serve`): a read-only web view of the history store.

    from output.dashboard import create_app
    app = create_app(Store(url), token=None, default_lang="fr")   # an ASGI application

Pages (server-rendered, Jinja autoescape, the report's texts, colours and stylesheet):
`/` territory, `/commune?name=…` commune, `/shop/<identity key>` one shop's history,
`/compare?name=…&a=…&b=…` two scans as `diff` sees them, `/export/<scan>/<format>` the
report files. Safe defaults and the token: see `output.dashboard.security`.
"""

from output.dashboard.app import create_app

__all__ = ["create_app"]
