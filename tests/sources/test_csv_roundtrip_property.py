import csv
import io
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import given, settings
from hypothesis import strategies as st

from core.shop import Shop
from sources.csv_list import read_shop_list, write_shop_list

# Printable text without line breaks and surrounding spaces (cells are stripped on reading).
cell = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1,
               max_size=30).map(str.strip).filter(bool)


@settings(max_examples=60, deadline=None)
@given(name=cell, city=cell, phone=cell, category=cell,
       sources=st.lists(st.sampled_from(["osm", "kbo", "places", "csv"]), min_size=1,
                        max_size=3, unique=True))
def test_any_text_survives_a_round_trip(name, city, phone, category, sources) -> None:
    shop = Shop(name=name, city=city, phone=phone, category=category, sources=sources)
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "shops.csv"
        write_shop_list([shop], path)
        raw = path.read_text("utf-8-sig")
        result = read_shop_list(path)
    assert result.errors == []
    [back] = result.shops
    assert (back.name, back.city, back.phone, back.category, back.sources, back.id) == (
        name, city, phone, category, sources, shop.id)
    [_header, row] = list(csv.reader(io.StringIO(raw)))
    assert not any(value.startswith(("=", "+", "-", "@")) for value in row)
