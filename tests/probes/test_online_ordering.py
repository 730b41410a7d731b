import pytest

from probes import online_ordering
from tests.probes.builders import artifacts, context, html_page, page


def _signals(html, url="https://shop.example.be/", **kw):
    obs = online_ordering.evaluate(context(artifacts(page(html, url), **kw)))
    return {name: sig.value for name, sig in obs.signals.items()}


def test_shop_page_is_a_webshop_with_platform_and_payments():
    html = html_page(
        '<a href="/winkelwagen">Winkelwagen</a><button>In winkelwagen</button>'
        "<p>€ 12,50 € 8,00 € 3,20</p><img src=/img/bancontact.svg alt=Bancontact>",
        head='<script src="https://js.mollie.com/v1/mollie.js"></script>'
             '<link rel="stylesheet" href="//cdn.shopify.com/s/files/theme.css">', lang="nl")
    s = _signals(html)
    assert s["webshop"] is True and s["platform"] == "shopify"
    assert s["payment_methods"] == ["bancontact", "mollie"]
    assert "shopify" in s["technologies"]


def test_blog_with_woocommerce_css_is_not_a_webshop():
    html = html_page("<p>Mes balades.</p>", head=(
        '<link rel="stylesheet" href="/wp-content/plugins/woocommerce/assets/css/w.css">'
        "<style>.woocommerce .add_to_cart_button{}</style>"))
    s = _signals(html)
    assert s["webshop"] is False and s["platform"] is None
    assert "woocommerce" in s["technologies"]


def test_link_to_another_company_shop_is_not_a_webshop():
    html = html_page('<a href="https://partner.example.com/panier">Mon panier</a>'
                     '<a href="https://partner.example.com/checkout">Commander</a>'
                     '<a href="https://partner.example.com/p/1">Ajouter au panier</a>')
    assert _signals(html)["webshop"] is False
    same_site = html.replace("https://partner.example.com", "https://shop.example.be")
    assert _signals(same_site)["webshop"] is True


def test_hotel_check_in_and_check_out_dates_are_not_a_checkout():
    """A 'checkout' date field beside a 'checkin' one is a stay, whatever the page's language."""
    form = ('<form action="/reservation"><input type="date" name="checkin" id="checkin">'
            '<input type="date" name="checkout" id="checkout"><button>Disponibilités</button>'
            "</form><p>Chambre double 89,00 €, suite 149,00 €, petit-déjeuner 15,00 €.</p>")
    assert _signals(html_page(form))["webshop"] is False
    shop = form.replace('name="checkin" id="checkin"', 'name="email" id="email"')
    assert _signals(html_page(shop))["webshop"] is True  # a lone checkout field still counts


def test_hotel_book_now_is_neither_webshop_nor_shop_booking():
    html = html_page('<a href="/booking">Book now</a>' + "<p>Our hotel rooms, two nights stay, "
                     "check-in at 3 pm. Room from €95 per night, suite €160.</p>"
                     "<button>Book online</button>", lang="en")
    s = _signals(html)
    assert s["webshop"] is False and s["online_booking"] is False


def test_booking_tool_and_food_platforms():
    html = html_page('<a href="https://salonkee.be/salon/lotte">Maak een afspraak</a>'
                     '<a href="https://deliveroo.be/nl/menu/x">Deliveroo</a>'
                     '<a href="https://www.etsy.com/shop/Lotte">Etsy</a>', lang="nl")
    s = _signals(html)
    assert s["online_booking"] is True and s["booking_platform"] == "salonkee"
    assert s["food_ordering"] is True and s["food_platforms"] == ["deliveroo"]
    assert s["marketplaces"] == ["etsy"]


def test_no_website_is_measured_without_a_webshop():
    obs = online_ordering.evaluate(context(artifacts(status="no_website")))
    assert obs.status == "measured" and obs.signals["webshop"].value is False
    obs = online_ordering.evaluate(context(artifacts(status="unreachable")))
    assert (obs.status, obs.reason) == ("not_measured", "unreachable")


def test_markup_unless_table_is_validated():
    from probes.settings import DataFileError, _markup_unless

    assert _markup_unless({"checkout_markup": ["checkin"]}) == {"checkout_markup":
                                                                  frozenset({b"checkin"})}
    for bad in ({"prices": ["checkin"]}, {"checkout_markup": ["Check-in"]},
                {"checkout_markup": []}):
        with pytest.raises(DataFileError):
            _markup_unless(bad)


@pytest.mark.parametrize("path", ["/panier", "/cart", "/winkelwagen/"])
def test_a_cart_url_counts_wherever_its_link_stands(path):
    """A same-site link to exactly /panier is cart evidence also when other links follow it
    (the paths are searched line by line: `$` ends each path, not only the last)."""
    html = html_page(f'<a href="{path}">(0)</a><a href="/contact">Contact</a>'
                     '<a href="/a-propos">Qui sommes-nous</a>')
    obs = online_ordering.evaluate(context(artifacts(page(html))))
    patterns = [e.pattern for e in obs.signals["webshop"].evidence]
    assert "cart link" in patterns, patterns


def _kinds(html: str) -> set[str]:
    return set(online_ordering.webshop_evidence(context(artifacts(page(html)))))


def test_shop_words_count_as_markup_only_in_the_markup():
    """A cart word of the prose or of a link text is not markup; in a class or an id it is."""
    prose = html_page('<p>The renminbi joins the basket of reserve currencies.</p>'
                      '<a href="/news/sdr">The basket of currencies</a>')
    assert "cart_markup" not in _kinds(prose)
    markup = html_page('<div class="mini-basket" id="header-basket"><span>0</span></div>')
    assert "cart_markup" in _kinds(markup)


def test_a_checkout_word_of_the_visible_text_is_evidence_of_its_own_kind():
    kinds = _kinds(html_page("<p>Create an account for a faster checkout.</p>"))
    assert "checkout_text" in kinds and "checkout_markup" not in kinds
    assert "checkout_text" not in _kinds(html_page("<p>Check out our new blog post.</p>"))
    kinds = _kinds(html_page('<form action="/checkout"><button>Pay</button></form>'))
    assert "checkout_markup" in kinds and "checkout_text" not in kinds


@pytest.mark.parametrize("other", ["/contact", "/a\nb"])  # a path with a line break: one by one
def test_the_cart_url_evidence_is_the_first_link_with_a_whole_cart_word(other):
    html = html_page(f'<a href="/cartography">Maps</a><a href="{other}">Contact</a>'
                     '<a href="/Shop/PANIER-x">Mon compte</a><a href="/cart">Cart</a>')
    found = online_ordering.webshop_evidence(context(artifacts(page(html))))
    assert found["cart_url"].snippet == "Mon compte -> https://shop.example.be/Shop/PANIER-x"


def test_the_markup_evidence_names_the_first_word_that_counts():
    found = online_ordering.webshop_evidence(context(artifacts(page(html_page(
        '<p>A basket of fruit.</p><div class="panier cart"></div>')))))
    assert found["cart_markup"].pattern == "word 'cart' in the markup"

