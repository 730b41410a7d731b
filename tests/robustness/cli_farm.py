"""Full scans from the command line against the loopback farm, reached with ``--resolve``.

    with Farm() as farm:
        serve_pages(farm, "boulangerie.invalid", {"/": "<html>…</html>"})
        url = site_url(farm, "boulangerie.invalid")        # http://boulangerie.invalid:PORT/
        result = run_cli(["scan", "--shops", csv, *resolve_args(farm), …])
"""

from __future__ import annotations

from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from fixtures.farm import Farm, FarmRequest, FarmResponse
from scanner.cli import app

OUTPUTS = ("report.html", "audit.xlsx", "shops.csv", "scan.json")
HTML = {"content-type": "text/html; charset=utf-8"}


def run_cli(args: list[str]) -> Result:
    return CliRunner().invoke(app, args)


def serve_pages(farm: Farm, host: str, pages: dict[str, str | bytes]) -> None:
    """Serve ``pages`` ({path: html}) on ``host``; other paths are 404."""

    def handler(req: FarmRequest) -> FarmResponse:
        body = pages.get(req.path)
        if body is None:
            return FarmResponse(404, b"not found", {"content-type": "text/plain"})
        data = body.encode("utf-8") if isinstance(body, str) else body
        kind = "text/plain" if req.path.endswith(".txt") else HTML["content-type"]
        return FarmResponse(200, data, {"content-type": kind})

    farm.add_host(host, handler)


def site_url(farm: Farm, host: str, path: str = "/") -> str:
    return f"http://{host}:{farm.http_port}{path}"


def resolve_args(farm: Farm, hosts: list[str] | None = None) -> list[str]:
    """``--resolve HOST:PORT:127.0.0.1`` for each farm host, on the farm's HTTP port."""
    args: list[str] = []
    for host in hosts if hosts is not None else farm.hosts:
        args += ["--resolve", f"{host}:{farm.http_port}:127.0.0.1"]
    return args


def scan_args(shops: Path, tmp: Path, *extra: str) -> list[str]:
    return ["scan", "--shops", str(shops), "--db", f"sqlite:///{tmp}/scan.db", "--no-places",
            "--no-render", "--quiet", "--out", str(tmp / "out"), *extra]


def written_outputs(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir()) if out.exists() else []


def stderr_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]
