"""The rendering browser opens no connection of its own (issue 15, fault 4).

A JavaScript-only page tries every browser channel to reach a loopback listener that counts
connections: WebRTC TURN over TCP, WebSocket, an iframe, a worker from a data: URL with a
WebSocket, fetch, sendBeacon, an image, a link prefetch, a form post and an EventSource.
Everything the browser fetches must go through our guarded client, which refuses loopback;
the listener must count 0 connections.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.shop import Shop
from fixtures.farm import Farm
from tests.scanner.conftest import CrawlerFactory, write_site
from tests.scanner.test_render import chromium_path

SHELL = ('<!doctype html><html><head><meta charset="utf-8"><title>Piège</title></head><body>'
         '<div id="root"></div><script src="/app.js"></script></body></html>')
ATTACKS = """
const T = 'LISTENER';
const tries = [
  () => new RTCPeerConnection({iceServers: [{urls: 'turn:' + T + '?transport=tcp',
          username: 'u', credential: 'c'}], iceTransportPolicy: 'relay'})
        .createDataChannel('x'),
  () => new WebSocket('ws://' + T + '/ws'),
  () => { const f = document.createElement('iframe'); f.src = 'http://' + T + '/frame';
          document.body.appendChild(f); },
  () => new Worker(URL.createObjectURL(new Blob(
          ["new WebSocket('ws://" + T + "/worker'); fetch('http://" + T + "/wfetch')"]))),
  () => new Worker('data:application/javascript,' + encodeURIComponent(
          "new WebSocket('ws://" + T + "/dataworker')")),
  () => fetch('http://' + T + '/fetch', {mode: 'no-cors'}),
  () => navigator.sendBeacon('http://' + T + '/beacon', 'x'),
  () => { new Image().src = 'http://' + T + '/img'; },
  () => { const l = document.createElement('link'); l.rel = 'prefetch';
          l.href = 'http://' + T + '/prefetch'; document.head.appendChild(l); },
  () => new EventSource('http://' + T + '/events'),
  () => { const f = document.createElement('form'); f.method = 'POST';
          f.action = 'http://' + T + '/form'; f.target = '_blank';
          document.body.appendChild(f); f.submit(); },
];
for (const attempt of tries) { try { const r = attempt(); if (r && r.then) r.catch(() => 0); }
                               catch (e) {} }
document.getElementById('root').innerHTML = '<h1>Piège</h1><p>' +
  'Une page qui essaie tous les canaux du navigateur. '.repeat(12) + '</p>';
setTimeout(() => 0, 2000);
"""


class ConnectionCounter:
    """A TCP listener on loopback that counts the connections it accepts."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.count = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.count += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[ConnectionCounter]:
    counter = ConnectionCounter()
    yield counter
    counter.close()


@pytest.mark.browser
@pytest.mark.slow
async def test_rendered_page_reaches_no_loopback_listener(
        farm: Farm, tmp_path: Path, make_crawler: CrawlerFactory,
        listener: ConnectionCounter) -> None:
    target = f"127.0.0.1:{listener.port}"
    farm.add_static_site("piege.be", write_site(tmp_path / "piege", {
        "index.html": SHELL, "app.js": ATTACKS.replace("LISTENER", target)}))
    crawler = await make_crawler(allow_private=False, render=True,
                                 chromium_path=chromium_path(), render_timeout=20.0)
    site = await crawler.crawl_site(Shop(name="Piège", website="https://piege.be/"))
    assert site.render == "rendered", site.errors
    assert "/app.js" in farm.stats.paths("piege.be")  # the page's script did run
    assert listener.count == 0
