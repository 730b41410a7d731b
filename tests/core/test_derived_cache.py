import os
import time
from pathlib import Path

import pytest

from core.derived_cache import STALE_DAYS, cache_root, cached, key_of
from core.env import CACHE_DIR_ENV


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def counting_build(value: bytes, calls: list[int]):
    def build() -> bytes:
        calls.append(1)
        return value
    return build


def test_built_once_then_read_back(root: Path) -> None:
    calls: list[int] = []
    first = cached("kind", "k1", counting_build(b"42", calls), int)
    second = cached("kind", "k1", counting_build(b"42", calls), int)
    assert (first, second, len(calls)) == (42, 42, 1)
    assert (root / "kind" / "k1").read_bytes() == b"42"
    assert [p.name for p in (root / "kind").iterdir()] == ["k1"]  # no temporary file left


def test_an_entry_the_loader_rejects_is_rebuilt_and_replaced(root: Path) -> None:
    (root / "kind").mkdir(parents=True)
    (root / "kind" / "k1").write_bytes(b"not a number")
    calls: list[int] = []
    assert cached("kind", "k1", counting_build(b"7", calls), int) == 7 and calls == [1]
    assert (root / "kind" / "k1").read_bytes() == b"7"


def test_off_builds_every_time_and_writes_nothing(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_DIR_ENV, "OFF")
    monkeypatch.chdir(tmp_path)
    calls: list[int] = []
    for _ in range(2):
        assert cached("kind", "k1", counting_build(b"1", calls), int) == 1
    assert cache_root() is None and len(calls) == 2 and list(tmp_path.iterdir()) == []


def test_a_cache_that_cannot_be_written_is_skipped(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way of the cache folder")
    monkeypatch.setenv(CACHE_DIR_ENV, str(blocker / "cache"))
    calls: list[int] = []
    assert cached("kind", "k1", counting_build(b"5", calls), int) == 5
    assert cached("kind", "k1", counting_build(b"5", calls), int) == 5 and len(calls) == 2


def test_default_place_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(CACHE_DIR_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_root() == tmp_path / "smart-commerce-scanner"


def test_old_entries_go_when_a_new_one_is_written(root: Path) -> None:
    cached("kind", "old", lambda: b"1", int)
    cached("kind", "recent", lambda: b"2", int)
    long_ago = time.time() - (STALE_DAYS + 1) * 86400
    os.utime(root / "kind" / "old", (long_ago, long_ago))
    cached("kind", "new", lambda: b"3", int)
    assert sorted(p.name for p in (root / "kind").iterdir()) == ["new", "recent"]


def test_keys_tell_their_parts_apart() -> None:
    assert key_of("ab", "c") != key_of("a", "bc") != key_of(b"a", b"bc", b"")
    assert key_of("x", b"y") == key_of(b"x", "y")
