from core.shop import Shop
from sources.merge import keep_in_commune, merge_shops
from sources.merge_rules import same_shop


def osm(name: str, **kw) -> Shop:
    return Shop(name=name, sources=["osm"], **kw)


def kbo(name: str, **kw) -> Shop:
    return Shop(name=name, sources=["kbo"], **kw)


def places(name: str, **kw) -> Shop:
    return Shop(name=name, sources=["places"], **kw)


def test_same_shop_three_sources_with_provenance_and_conflicts() -> None:
    result = merge_shops([
        kbo("Boulangerie Dupont SRL", address="Rue Haute 12", postcode="5999",
            phone="081 23 45 67", website="http://www.dupont-sa.be", kbo_number="2.1"),
        osm("Boulangerie Dupont", address="Rue Haute 12", postcode="5999", lat=50.41,
            lon=4.87, website="https://boulangerie-dupont.be/", osm_id="node/1",
            opening_hours="Tu-Sa 07:00-18:00"),
        places("Boulangerie Dupont", address="R. Haute, 12", lat=50.4101, lon=4.8701,
               place_id="ChIJ1", website="https://boulangerie-dupont.be/accueil"),
    ])
    [shop] = result.shops
    assert shop.sources == ["osm", "places", "kbo"]
    assert (shop.name, shop.website, shop.phone) == (
        "Boulangerie Dupont", "https://boulangerie-dupont.be/", "081 23 45 67")
    assert (shop.osm_id, shop.place_id, shop.kbo_number) == ("node/1", "ChIJ1", "2.1")
    assert shop.provenance["website"] == "osm" and shop.provenance["phone"] == "kbo"
    assert shop.website_source == "osm"
    assert shop.conflicts == {"website": ["https://boulangerie-dupont.be/",
                                          "http://www.dupont-sa.be"]}
    assert result.overlaps == {frozenset({"osm", "places", "kbo"}): 1}


def test_legal_name_and_commercial_name_at_one_address_with_same_phone() -> None:
    legal = kbo("Janssens & Fils SRL", address="Grand-Place 7", phone="+32 81 00 00 07",
                kbo_number="2.7")
    commercial = osm("Coiff'Style", address="Grand-Place 7", phone="081 00 00 07",
                     osm_id="node/7")
    assert same_shop(legal, commercial)
    [shop] = merge_shops([legal, commercial]).shops
    assert shop.name == "Coiff'Style" and shop.kbo_number == "2.7"


def test_two_shops_at_one_address_are_not_merged() -> None:
    florist = osm("Fleurs Émilie", address="Place Saint-Martin 4", lat=50.41, lon=4.87,
                  phone="081 11 11 11")
    bookshop = kbo("Librairie du Coin", address="Place Saint-Martin 4",
                   phone="081 22 22 22")
    assert not same_shop(florist, bookshop)
    assert len(merge_shops([florist, bookshop]).shops) == 2


def test_chain_branches_are_not_merged() -> None:
    branches = [
        osm("Zèbre Mode", address="Rue Haute 30", lat=50.410, lon=4.870, brand="Zèbre",
            website="https://www.zebre-mode.com/", osm_id="node/30"),
        osm("Zèbre Mode", address="Chaussée de Namur 2", lat=50.416, lon=4.880, brand="Zèbre",
            website="https://www.zebre-mode.com/", osm_id="node/31"),
        places("Zèbre Mode", address="Rue Haute 30", lat=50.4101, lon=4.8701, place_id="Z1",
               website="https://www.zebre-mode.com/magasins/bellemarche"),
        kbo("ZEBRE MODE SA", address="Chée de Namur 2", website="www.zebre-mode.com",
            kbo_number="2.31"),
    ]
    shops = merge_shops(branches).shops
    assert sorted((s.address, s.osm_id, s.place_id, s.kbo_number) for s in shops) == [
        ("Chaussée de Namur 2", "node/31", None, "2.31"),
        ("Rue Haute 30", "node/30", "Z1", None),
    ]


def test_similar_names_far_apart_or_different_numbers_stay_apart() -> None:
    assert not same_shop(osm("Pharmacie du Centre", lat=50.41, lon=4.87),
                         places("Pharmacie du Centre", lat=50.45, lon=4.95))
    assert not same_shop(osm("Boucherie Martin", address="Rue Haute 3"),
                         kbo("Boucherie Martin", address="Rue Haute 5"))
    assert not same_shop(osm("Boulangerie Martin", address="Rue Haute 3", postcode="5999"),
                         kbo("Boulangerie Dupont", address="Rue Haute 3", postcode="5999"))


def test_shared_identifier_merges_and_csv_wins_fields() -> None:
    listed = Shop(name="Chez Gégé (friterie)", website="http://gege.be", sources=["csv"],
                  osm_id="node/10")
    mapped = osm("Friterie Chez Gégé", osm_id="node/10", lat=50.41, lon=4.87)
    [shop] = merge_shops([mapped, listed]).shops
    assert (shop.name, shop.website, shop.lat) == ("Chez Gégé (friterie)", "http://gege.be",
                                                   50.41)
    assert shop.provenance["name"] == "csv" and shop.provenance["lat"] == "osm"


def test_hours_conflict_flagged() -> None:
    shops = merge_shops([
        osm("Cave Delvaux", address="Chaussée de Namur 23", opening_hours="Tu-Sa 10:00-18:00"),
        Shop(name="Cave Delvaux", address="Ch. de Namur 23", opening_hours="Mo-Sa 09:00-19:00",
             sources=["csv"]),
    ]).shops
    assert [s.conflicts.get("opening_hours") for s in shops] == [
        ["Mo-Sa 09:00-19:00", "Tu-Sa 10:00-18:00"]]


def test_keep_in_commune_by_bbox_then_postcode() -> None:
    inside = osm("A", lat=50.41, lon=4.87)
    outside = osm("B", lat=50.60, lon=4.87)
    by_code = kbo("C", postcode="5999")
    other_code = kbo("D", postcode="5000")
    unknown = kbo("E")
    kept, dropped = keep_in_commune([inside, outside, by_code, other_code, unknown],
                                    (50.39, 4.85, 50.43, 4.89), ["5999"])
    assert [s.name for s in kept] == ["A", "C", "E"] and dropped == 2
