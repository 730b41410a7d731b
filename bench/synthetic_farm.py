"""A synthetic commune for the crawl benchmark: N shop websites on distinct loopback addresses.

    python -m bench.synthetic_farm --shops 300 --latency 0.05
    # prints one JSON line: {"port": 41234, "control": "127.0.0.1:41235", "shops": 300}

Shop ``i`` listens on its own address ``shop_ip(i)`` (127.1.x.y, one listener each) and
answers robots.txt and 6 pages (home, contact, boutique, livraison, a-propos, horaires) of
real-looking French shop HTML, 20–300 KB each (log-uniform, fixed per page), after an added
latency. Pages are built on the fly from a pool of fragments, so 5,000 shops cost no memory.

The server counts requests in flight per shop address; the control listener answers
``GET /stats`` (JSON: requests, peak_in_flight per address, max over addresses) and
``GET /reset``.

Runs in its own process so the benchmark measures the crawler's CPU and memory, not the farm's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import socket
import sys
from collections import Counter

PAGES = ("/", "/contact", "/boutique", "/livraison", "/a-propos", "/horaires")
MIN_PAGE_BYTES = 20_000
MAX_PAGE_BYTES = 300_000
ROBOTS_TXT = b"User-agent: *\nDisallow: /panier\nDisallow: /mon-compte\n"
NAV = [("Accueil", "/"), ("Boutique en ligne", "/boutique"),
       ("Livraison &amp; retrait", "/livraison"), ("À propos", "/a-propos"),
       ("Horaires", "/horaires"), ("Contact", "/contact")]
FOOTER = [("Mentions légales", "/mentions-legales"), ("CGV", "/cgv"), ("Panier", "/panier"),
          ("Facebook", "https://www.facebook.com/shop"), ("Instagram", "https://instagram.com/s")]
WORDS = ("artisanal", "local", "fraîcheur", "saison", "producteur", "qualité", "recette",
         "tradition", "maison", "goût", "bio", "terroir", "sélection", "conseil", "service",
         "accueil", "famille", "passion", "commande", "retrait", "livraison", "cadeau",
         "promotion", "nouveauté", "gamme", "collection", "atelier", "savoir-faire", "région",
         "Namur", "Wallonie", "marché", "boutique", "équipe", "client", "fidélité", "horaires",
         "semaine", "samedi")
PRODUCTS = ("Pain au levain", "Tarte aux pommes", "Fromage de Herve", "Bouquet de saison",
            "Sac en cuir", "Chemise en lin", "Miel de Wallonie", "Bière de l'abbaye",
            "Café torréfié", "Savon artisanal", "Carnet relié", "Bougie parfumée")


def shop_ip(index: int) -> str:
    """127.1.x.y for shop ``index`` (0-based): 250 addresses per third byte."""
    return f"127.1.{index // 250}.{index % 250 + 1}"


def shop_host(index: int) -> str:
    return f"shop-{index:05d}.bench.test"


def _fragments(seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    cards = []
    for n in range(64):
        name = rng.choice(PRODUCTS)
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(25, 70)))
        cards.append(
            f'<article class="product-card" data-sku="SKU-{n:04d}"><a href="/produit/{n}">'
            f'<img src="/media/p{n}.webp" alt="{name}" loading="lazy" width="320" height="240">'
            f'</a><h3 class="product-title">{name} n°{n}</h3><p class="desc">{text.capitalize()}.'
            f'</p><span class="price">{rng.randint(2, 90)},{rng.randint(0, 99):02d} €</span>'
            f'<button class="add-to-cart" data-id="{n}">Ajouter au panier</button></article>\n')
    return cards


CARDS = _fragments()
CSS = "<style>" + "".join(f".c{n}{{margin:{n % 7}px;color:#{n * 2731 % 0xFFFFFF:06x}}}"
                          for n in range(300)) + "</style>"


def page_size(shop: int, path: str) -> int:
    rng = random.Random(f"{shop}:{path}")
    return int(math.exp(rng.uniform(math.log(MIN_PAGE_BYTES), math.log(MAX_PAGE_BYTES))))


def render_page(shop: int, path: str) -> bytes:
    name = f"Commerce {shop:05d}"
    nav = "".join(f'<li><a href="{href}">{text}</a></li>' for text, href in NAV)
    footer = "".join(f'<a href="{href}">{text}</a> ' for text, href in FOOTER)
    head = (f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{name} – '
            f'{path.strip("/") or "accueil"}</title><meta name="viewport" '
            f'content="width=device-width"><meta property="og:title" content="{name}">{CSS}'
            '<script type="application/ld+json">{"@context":"https://schema.org","@type":'
            f'"LocalBusiness","name":"{name}","telephone":"+32 81 {shop % 100:02d} 00 00",'
            '"address":{"@type":"PostalAddress","streetAddress":"Rue de Fer 12",'
            '"postalCode":"5000","addressLocality":"Namur"}}</script></head>')
    body = [f'<body><header><h1>{name}</h1><nav><ul>{nav}</ul></nav></header><main>'
            f'<p>Bienvenue chez {name}, votre commerce de proximité à Namur. Commandez en '
            'ligne et retirez en magasin (click &amp; collect) ou faites-vous livrer.</p>']
    size, target, n = sum(map(len, body)) + len(head), page_size(shop, path), shop
    while size < target:
        card = CARDS[n % len(CARDS)]
        body.append(card)
        size += len(card)
        n += 7
    body.append(f"</main><footer><p>{name} · Rue de Fer 12 · 5000 Namur · TVA BE0{shop:09d}"
                f"</p>{footer}</footer></body></html>")
    return (head + "".join(body)).encode("utf-8")


class FarmState:
    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.requests: Counter[str] = Counter()
        self.robots = 0
        self.in_flight: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()

    def stats(self) -> dict[str, object]:
        return {"requests": sum(self.requests.values()), "robots": self.robots,
                "max_peak_in_flight": max(self.peak.values(), default=0),
                "hosts": len(self.requests)}

    def reset(self) -> None:
        self.requests.clear()
        self.peak.clear()
        self.robots = 0


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, dict[str, str]] | None:
    line = await reader.readline()
    if not line:
        return None
    headers: dict[str, str] = {}
    while True:
        header = await reader.readline()
        if header in (b"\r\n", b"\n", b""):
            break
        name, _, value = header.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    parts = line.decode("latin-1").split()
    return (parts[1] if len(parts) > 1 else "/"), headers


def _response(status: int, body: bytes, content_type: str = "text/html; charset=utf-8") -> bytes:
    reason = {200: "OK", 404: "Not Found"}.get(status, "OK")
    return (f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n").encode() + body


def make_shop_handler(state: FarmState, ip_to_shop: dict[str, int]):  # noqa: ANN201
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        ip = writer.get_extra_info("sockname")[0]
        shop = ip_to_shop[ip]
        try:
            while (request := await _read_request(reader)) is not None:
                target = request[0].split("?")[0]
                state.requests[ip] += 1
                state.in_flight[ip] += 1
                state.peak[ip] = max(state.peak[ip], state.in_flight[ip])
                try:
                    await asyncio.sleep(state.latency)
                    if target == "/robots.txt":
                        state.robots += 1
                        writer.write(_response(200, ROBOTS_TXT, "text/plain"))
                    elif target in PAGES:
                        writer.write(_response(200, render_page(shop, target)))
                    else:
                        writer.write(_response(404, b"<h1>Page introuvable</h1>"))
                    await writer.drain()
                finally:
                    state.in_flight[ip] -= 1
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    return handle


def make_control_handler(state: FarmState):  # noqa: ANN201
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await _read_request(reader)
        if request and request[0] == "/reset":
            state.reset()
        body = json.dumps(state.stats()).encode()
        writer.write(_response(200, body, "application/json").replace(b"keep-alive", b"close"))
        await writer.drain()
        writer.close()

    return handle


def _free_port(ip: str) -> int:
    with socket.socket() as sock:
        sock.bind((ip, 0))
        return int(sock.getsockname()[1])


async def serve(shops: int, latency: float) -> None:
    state = FarmState(latency)
    ip_to_shop = {shop_ip(i): i for i in range(shops)}
    port = _free_port(shop_ip(0))
    handler = make_shop_handler(state, ip_to_shop)
    servers = [await asyncio.start_server(handler, ip, port, backlog=64) for ip in ip_to_shop]
    control = await asyncio.start_server(make_control_handler(state), "127.0.0.1", 0)
    control_port = control.sockets[0].getsockname()[1]
    print(json.dumps({"port": port, "control": f"127.0.0.1:{control_port}", "shops": shops}),
          flush=True)
    await asyncio.gather(*(s.serve_forever() for s in [*servers, control]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shops", type=int, default=300)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added per answer")
    args = parser.parse_args(argv)
    try:
        asyncio.run(serve(args.shops, args.latency))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
