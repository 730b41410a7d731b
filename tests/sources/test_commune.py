import pytest

from fixtures.fake_overpass import FakeOverpass
from sources.commune import (
    UnknownCommune,
    commune_offline,
    load_communes,
    resolve_commune,
    suggest_communes,
)
from tests.helpers.sources import FIXTURES, farm_context


@pytest.fixture
def ctx(farm):
    farm.add_host("overpass-api.de", FakeOverpass.from_file(FIXTURES / "osm_bellemarche.json"))
    return farm_context(farm)


@pytest.mark.parametrize("query", ["Bellemarche", "schoonmarkt", "Schonmarkt", " SCHÖNMARKT ",
                                   "99001"])
async def test_resolves_names_in_three_languages_and_nis(ctx, query: str) -> None:
    commune = await resolve_commune(query, ctx)
    assert (commune.name, commune.nis, commune.osm_relation) == ("Bellemarche", "99001", 9900101)
    assert commune.bbox == (50.40, 4.80, 50.50, 4.95)
    assert commune.contains(50.45, 4.87) and not commune.contains(50.55, 5.0)


async def test_commune_missing_from_list_found_by_osm_name(ctx) -> None:
    commune = await resolve_commune("autreville", ctx)
    assert (commune.name, commune.nis) == ("Autreville", "99002")


async def test_unknown_commune_suggests_close_names(ctx) -> None:
    with pytest.raises(UnknownCommune) as info:
        await resolve_commune("Tintigni", ctx)  # in the list, but not in this Overpass data
    assert "Tintigny" in info.value.suggestions
    with pytest.raises(UnknownCommune) as info:
        await resolve_commune("Fernelmon", ctx)
    message = str(info.value)
    assert message.startswith("Commune inconnue : « Fernelmon »") and "Fernelmont" in message


def test_suggestions_ignore_accents_and_case() -> None:
    assert suggest_communes("ecaussines")[0] == "Écaussinnes"
    assert suggest_communes("LUIK")[0] == "Liège"


def test_bundled_list_is_valid_and_complete_enough() -> None:
    entries = load_communes()
    names = {e.name_fr for e in entries}
    assert {"Habay", "Tintigny", "Fernelmont", "Charleroi", "Liège", "Namur", "Mons",
            "Bellemarche"} <= names
    assert len(entries) > 250
    assert commune_offline("Eupen").nis == "63023"
    with pytest.raises(UnknownCommune):
        commune_offline("Atlantis")
