"""The store on SQLite and (when SMARTCOMMERCE_TEST_PG_URL is set) PostgreSQL."""

from __future__ import annotations

import sqlite3

import pytest

from output._db import normalise_url
from output.store import Store, StoreError
from tests.helpers.results import make_result, make_shop


def _shops(n: int):  # type: ignore[no-untyped-def]
    return [make_shop(f"Shop {i}", osm_id=f"node/{i}", postcode="6900", address=f"Rue {i}")
            for i in range(n)]


def test_begin_pending_save_finish_roundtrip(store: Store) -> None:
    shops = _shops(4)
    scan_id = store.begin_scan(label="t", commune="Marche", settings={"budget": 3}, shops=shops)
    assert [s.id for s in store.pending_shops(scan_id)] == [s.id for s in shops]
    store.save_shop_result(scan_id, make_result(shops[2]))
    store.save_shop_result(scan_id, make_result(shops[0]))
    assert [s.id for s in store.pending_shops(scan_id)] == [shops[1].id, shops[3].id]
    assert store.pending_shops(scan_id)[0].osm_id == "node/1"
    store.save_shop_result(scan_id, make_result(shops[1]))
    store.save_shop_result(scan_id, make_result(shops[3]))
    store.finish_scan(scan_id, {"shops_total": 4})
    scan = store.get_scan(scan_id)
    assert scan is not None
    assert (scan["status"], scan["shops_done"], scan["settings"]) == ("finished", 4, {"budget": 3})
    assert scan["summary"] == {"shops_total": 4}
    ids = [r["id"] for r in store.iter_shop_results(scan_id)]
    assert ids == [s.id for s in shops]  # planned order, not save order


def test_saving_same_shop_twice_keeps_one_row(store: Store) -> None:
    shops = _shops(2)
    scan_id = store.begin_scan(label="t", commune=None, settings={}, shops=shops)
    store.save_shop_result(scan_id, make_result(shops[0], {"reviews": 1}))
    store.save_shop_result(scan_id, make_result(shops[0], {"reviews": 3}))
    results = list(store.iter_shop_results(scan_id))
    assert len(results) == 1
    assert results[0]["steps"]["reviews"]["level"] == 3
    assert store.get_scan(scan_id)["shops_done"] == 1  # type: ignore[index]


def test_finished_scan_is_immutable(store: Store) -> None:
    shops = _shops(1)
    scan_id = store.begin_scan(label="t", commune=None, settings={}, shops=shops)
    store.finish_scan(scan_id, {})
    with pytest.raises(StoreError, match="terminé"):
        store.finish_scan(scan_id, {})
    with pytest.raises(StoreError, match="terminé"):
        store.save_shop_result(scan_id, make_result(shops[0]))
    with pytest.raises(StoreError, match="inconnu"):
        store.save_shop_result("scan-nope", make_result(shops[0]))


def test_latest_and_list_by_commune(store: Store) -> None:
    shops = _shops(1)
    first = store.begin_scan(label="a", commune="Marche", settings={}, shops=shops)
    store.finish_scan(first, {})
    other = store.begin_scan(label="b", commune="Durbuy", settings={}, shops=shops)
    store.finish_scan(other, {})
    running = store.begin_scan(label="c", commune="Marche", settings={}, shops=shops)
    assert store.get_scan("latest", "Marche")["id"] == first  # type: ignore[index]
    assert store.get_scan("latest")["id"] == other  # type: ignore[index]
    assert [s["id"] for s in store.list_scans("Marche")] == [first, running]
    assert len(store.list_scans()) == 3
    assert store.get_scan("scan-missing") is None


def test_identity_lines_up_across_scans(store: Store) -> None:
    bakery = make_shop("Boulangerie Dupont", postcode="6900", address="Rue Haute 12",
                       website="https://www.dupont.be/", osm_id="node/7")
    first = store.begin_scan(label="1", commune="M", settings={}, shops=[bakery])
    store.save_shop_result(first, make_result(bakery))
    # Next year: no OSM id (new source), same domain -> same identity.
    again = make_shop("Boulangerie Dupont", postcode="6900", address="Rue Haute 12",
                      website="http://dupont.be/shop")
    # Different shop with a close name but another address -> new identity.
    other = make_shop("Boulangerie Dupond", postcode="6900", address="Place du Roi 1")
    # Same shop by fuzzy name + address (typo, no ids, no website).
    fuzzy = make_shop("Boulangerie  DUPONT", postcode="6900", address="rue haute, 12")
    second = store.begin_scan(label="2", commune="M", settings={}, shops=[again, other])
    store.save_shop_result(second, make_result(again))
    store.save_shop_result(second, make_result(other))
    third = store.begin_scan(label="3", commune="M", settings={}, shops=[fuzzy])
    store.save_shop_result(third, make_result(fuzzy))
    key1 = next(store.iter_shop_results(first))["identity_key"]
    keys2 = {r["id"]: r["identity_key"] for r in store.iter_shop_results(second)}
    key3 = next(store.iter_shop_results(third))["identity_key"]
    assert keys2[again.id] == key1
    assert keys2[other.id] != key1
    assert key3 == key1


def test_chain_branches_sharing_a_website_stay_apart(store: Store) -> None:
    a = make_shop("Chain", website="https://chain.be", postcode="6900", address="Rue A 1")
    b = make_shop("Chain", website="https://chain.be", postcode="6900", address="Rue B 9")
    scan_id = store.begin_scan(label="t", commune=None, settings={}, shops=[a, b])
    store.save_shop_result(scan_id, make_result(a))
    store.save_shop_result(scan_id, make_result(b))
    keys = {r["identity_key"] for r in store.iter_shop_results(scan_id)}
    assert len(keys) == 2


def test_validators_roundtrip_and_overwrite(store: Store) -> None:
    url = "https://example.test/page?q=1"
    assert store.get_validators(url) is None
    store.save_validators(url, '"abc"', None, "<html>1</html>")
    store.save_validators(url, '"def"', "Wed, 21 Oct 2026 07:28:00 GMT", "<html>2</html>")
    assert store.get_validators(url) == ('"def"', "Wed, 21 Oct 2026 07:28:00 GMT", "<html>2</html>")


def test_integrity_check_clean_then_detects_problem(store: Store) -> None:
    shops = _shops(1)
    scan_id = store.begin_scan(label="t", commune=None, settings={}, shops=shops)
    store.save_shop_result(scan_id, make_result(shops[0]))
    assert store.integrity_check() == []
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE shop_results SET result_json = 'not json'")
    problems = store.integrity_check()
    assert len(problems) == 1 and "not valid JSON" in problems[0]


def test_store_reopens_existing_database(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'x.db'}"
    with Store(url) as first:
        scan_id = first.begin_scan(label="t", commune=None, settings={}, shops=_shops(2))
    with Store(url) as second:
        assert len(second.pending_shops(scan_id)) == 2
    mode = sqlite3.connect(tmp_path / "x.db").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_unreachable_database_error_hides_password() -> None:
    with pytest.raises(StoreError) as info:
        Store("postgresql://scanner:s3cr3t-pw@127.0.0.1:1/nowhere")
    message = str(info.value)
    assert "s3cr3t-pw" not in message
    assert "\n" not in message
    assert "127.0.0.1" in message
    with pytest.raises(StoreError) as info:
        Store("postgresql://scanner@127.0.0.1:1/nowhere?password=qu3ry-pw&sslmode=disable")
    assert "qu3ry-pw" not in str(info.value) and "sslmode=disable" in str(info.value)


def test_url_normalisation() -> None:
    assert normalise_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("scans.db").database == "scans.db"
    with pytest.raises(StoreError, match="invalide"):
        normalise_url("postgresql://u:pw@h:notaport/db")
    with pytest.raises(StoreError, match="Impossible"):
        Store("nosuchdialect://x/y")


CRASHING_WRITER = """
import os, sys
sys.path.insert(0, {root!r})
from output.store import Store
from tests.helpers.results import make_result, make_shop
store = Store({url!r})
shops = [make_shop(f"Shop {{i}}", osm_id=f"node/{{i}}") for i in range(5)]
scan_id = store.begin_scan(label="crash", commune="C", settings={{}}, shops=shops)
print(scan_id, flush=True)
for shop in shops[:3]:
    store.save_shop_result(scan_id, make_result(shop))
os._exit(9)  # dies without closing anything, like a killed process
"""


def test_process_killed_mid_scan_resumes_cleanly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys
    from pathlib import Path

    url = f"sqlite:///{tmp_path / 'crash.db'}"
    root = str(Path(__file__).parents[2])
    code = CRASHING_WRITER.format(root=root, url=url)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 9, done.stderr
    scan_id = done.stdout.strip()
    with Store(url) as store:
        assert store.integrity_check() == []
        assert [s.name for s in store.pending_shops(scan_id)] == ["Shop 3", "Shop 4"]
        assert store.get_scan(scan_id)["shops_done"] == 3  # type: ignore[index]
