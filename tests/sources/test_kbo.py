import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sources.csv_limits import CSV_FIELD_LIMIT
from sources.kbo import KboLocation, load_nace_rules, read_kbo
from sources.kbo_files import KboError, KboExtract
from tests.helpers.sources import FIXTURES

KBO = FIXTURES / "kbo"
SAMPLES = Path("/work/shared/samples/kbo")
ROOT = Path(__file__).resolve().parents[2]
HABAY = KboLocation.of(names=["Habay"], postcodes=["6720", "6723"])


def read(path: Path, location: KboLocation = HABAY):
    with KboExtract(path) as extract:
        return read_kbo(extract, location)


def test_keeps_active_commerce_units_at_their_own_address() -> None:
    result = read(KBO)
    by_number = {s.kbo_number: s for s in result.shops}
    # 003 accountant (69), 004/009 in Arlon (009's seat is in Habay), 005 enterprise stopped,
    # 006 address struck off, 007 petrol station, 010 only a NACE 2003 code: all left out.
    assert sorted(by_number) == ["2.100.000.001", "2.100.000.002", "2.100.000.008"]
    bakery = by_number["2.100.000.001"]
    assert (bakery.name, bakery.address, bakery.postcode, bakery.city, bakery.category) == (
        "Boulangerie Rigaux", "Rue de Bologne 3", "6720", "Habay", "nace:47.241")
    # the unit's own website wins over the enterprise's; phone/email come from the enterprise
    assert bakery.website == "http://www.boulangerie-rigaux.be"
    assert (bakery.phone, bakery.email, bakery.website_source) == (
        "063 42 00 01", "info@rigaux.be", "kbo")
    assert bakery.sources == ["kbo"]


def test_enterprise_activity_and_commercial_name_stand_in_for_the_unit() -> None:
    relais = {s.kbo_number: s for s in read(KBO).shops}["2.100.000.002"]
    assert (relais.name, relais.address, relais.category, relais.website) == (
        "Le Relais", "Place de Bologne 7 bte A", "nace:56.101", None)


def test_newest_nace_version_and_french_name_preferred() -> None:
    salon = {s.kbo_number: s for s in read(KBO).shops}["2.100.000.008"]
    assert (salon.name, salon.category, salon.city) == (
        "Salon Marie", "nace:96.210", "Habay-la-Vieille")


def test_location_by_municipality_name_only() -> None:
    arlon = read(KBO, KboLocation.of(names=["ARLON"]))
    assert sorted(s.name for s in arlon.shops) == ["Mode Arlon", "Mode Habay"]


def test_zip_extract_in_a_subfolder(tmp_path: Path) -> None:
    archive = tmp_path / "KboOpenData_0136_2025_06_Full.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for file in KBO.glob("*.csv"):
            out.write(file, f"KboOpenData/{file.name}")
    assert [s.name for s in read(archive).shops] == [s.name for s in read(KBO).shops]


def test_missing_file_and_wrong_columns_are_clear(tmp_path: Path) -> None:
    partial = tmp_path / "partial"
    shutil.copytree(KBO, partial)
    (partial / "activity.csv").unlink()
    with pytest.raises(KboError, match="activity.csv"):
        KboExtract(partial)
    (partial / "activity.csv").write_text('"Foo","Bar"\n"1","2"\n', encoding="utf-8")
    with pytest.raises(KboError, match="colonnes attendues"):
        read(partial)


@pytest.mark.skipif(not SAMPLES.exists(), reason="shared KBO samples not available")
def test_real_extract_columns_are_understood() -> None:
    with KboExtract(SAMPLES) as extract:  # kbo_excerpt_*.csv: real header, real codes
        result = read_kbo(extract, KboLocation.of(names=["Gent"]))
    assert result.shops == []  # the excerpt holds public bodies, no commerce
    assert result.counts["establishment addresses"] == 0  # and only registered seats (REGO)


def test_nace_rules() -> None:
    rules = load_nace_rules()
    assert rules.is_commerce("47241") and rules.is_commerce("96210")
    assert not rules.is_commerce("47300") and not rules.is_commerce("69201")
    assert rules.label("47241") == "Boulangerie, pâtisserie, confiserie"


def test_fast_and_exact_readers_agree_on_a_generated_extract(tmp_path: Path) -> None:
    """pandas' C parser (clean files) and the csv module (used from the first damaged line
    on) give the same shops and counts on a synthetic extract in the real format."""
    clean = tmp_path / "clean"
    subprocess.run([sys.executable, str(ROOT / "bench" / "kbo_generate.py"), "--out", str(clean),
                    "--scale", "0.001"], check=True, capture_output=True)
    damaged = tmp_path / "damaged"
    shutil.copytree(clean, damaged)
    for file in damaged.glob("*.csv"):  # an over-limit row first: all read by the csv module
        header, rest = file.read_bytes().split(b"\n", 1)
        file.write_bytes(header + b"\n" + b"z" * (CSV_FIELD_LIMIT + 1) + b"\n" + rest)
    location = KboLocation.of(names=["Habay"], postcodes=[str(1000 + 8 * i) for i in range(150)])
    fast, exact = read(clean, location), read(damaged, location)
    assert len(fast.shops) > 30
    assert fast.shops == exact.shops
    assert exact.counts.pop("unreadable rows") == 6 and fast.counts.pop("unreadable rows") == 0
    assert fast.counts == exact.counts
