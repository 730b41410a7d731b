import json
import re
from html import escape as html_escape
from urllib.parse import urljoin

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from core.artifacts import FetchedPage
from probes.document import parse_page, parsed_page_of
from probes.nesting import (
    DEPTH_CHECK_MIN_TAGS,
    MAX_NESTING_DEPTH,
    NON_NESTING_TAGS,
    cut_too_deep,
    max_depth,
)
from probes.structured_data import parse_jsonld_blocks, schema_type_name


def test_parse_page_collects_links_controls_meta_and_visible_text():
    html = """<html lang="nl-BE"><head><title> Mijn  winkel </title>
    <meta name="viewport" content="width=device-width"><meta property="og:type" content="product">
    <script src="/js/app.js"></script><style>.x{}</style></head>
    <body><a href="/cart">Winkelmandje</a><a href="#top">top</a>
    <button class="btn">In winkelwagen</button><script>var hidden = "geheim";</script>
    <p>Zichtbare tekst</p></body></html>"""
    page = parse_page(html, "https://winkel.example.be/product/1")
    assert page.lang == "nl"
    assert page.title == "Mijn winkel"
    assert page.meta["viewport"] == "width=device-width"
    assert page.meta["og:type"] == "product"
    assert page.script_srcs == ["https://winkel.example.be/js/app.js"]
    assert [(link.href, link.text) for link in page.links] == [
        ("https://winkel.example.be/cart", "Winkelmandje")]
    assert page.controls[0].text == "In winkelwagen"
    assert "Zichtbare tekst" in page.text and "geheim" not in page.text


def test_broken_jsonld_is_forgiven():
    blocks = ['{"@type": "Bakery", "name": "A",}',
              '<!-- {"@context": "https://schema.org", "@type": ["Product"]} -->',
              '{"@type": "Store"}{"@type": "Offer", "price": "3"}',
              '{"@type": "Restaurant", "name": "broken']
    types = [t for item in parse_jsonld_blocks(blocks) for t in item.types]
    assert types == ["Bakery", "Product", "Store", "Offer", "Restaurant"]


def test_jsonld_graph_and_nested_items_are_flattened():
    block = ('{"@context": "https://schema.org", "@graph": [{"@type": "WebSite"}, '
             '{"@type": "Product", "offers": {"@type": "Offer", "price": 5}}]}')
    types = [item.types[0] for item in parse_jsonld_blocks([block])]
    assert types == ["WebSite", "Product", "Offer"]


def test_microdata_props_go_to_their_nearest_scope():
    html = """<div itemscope itemtype="http://schema.org/Product"><span itemprop="name">Mug</span>
      <div itemprop="offers" itemscope itemtype="http://schema.org/Offer">
        <span itemprop="price" content="18.50">€18.50</span></div></div>"""
    page = parse_page(html)
    product, offer = page.schema
    assert product.types == ["Product"] and product.props["name"] == "Mug"
    assert product.props["offers"] == {"@type": ["Offer"]}
    assert offer.props == {"price": "18.50"}


def test_other_vocabularies_are_not_schema_org():
    assert schema_type_name("http://schema.org/Store") == "Store"
    assert schema_type_name("https://www.schema.org/Bakery/") == "Bakery"
    assert schema_type_name("http://data-vocabulary.org/Product") is None
    assert schema_type_name("gr:Offering") is None
    html = '<div itemscope itemtype="http://data-vocabulary.org/Product">x</div>'
    assert parse_page(html).schema == []


def test_rdfa_goes_through_extruct_only_with_markers():
    html = ('<html><body vocab="http://schema.org/"><div typeof="LocalBusiness">'
            '<span property="name">Chez Paul</span></div></body></html>')
    assert "LocalBusiness" in parse_page(html, "https://paul.example.be/").schema_types
    assert parse_page('<meta property="og:title" content="x">').schema == []


def test_empty_and_garbage_input_give_an_empty_page():
    for html in ("", "\x00\x01", "<<<>>>", "<html"):
        page = parse_page(html)
        assert page.links == [] and page.schema == []


def test_pathologically_deep_pages_are_cut_and_parse_fast():
    import time

    depth = 100_000
    html = "<html><body>" + "<div>" * depth + "au fond" + "</div>" * depth + "</body></html>"
    start = time.process_time()
    page = parse_page(html, "https://profond.example.be/")
    assert time.process_time() - start < 5.0
    assert page.text == ""  # the text sits below the cut


def test_many_tags_at_normal_depth_are_kept_whole():
    html = "<ul>" + "<li><a href='/p'>x</a>" * 6000 + "</ul><p>fin de page</p>"
    page = parse_page(html, "https://large.example.be/")
    assert len(page.links) == 6000 and page.text.endswith("fin de page")


def _reference_cut(html: str) -> str:
    """The plain walk over every tag that cut_too_deep must agree with."""
    if html.count("<") < DEPTH_CHECK_MIN_TAGS:
        return html
    depth = 0
    for m in re.finditer(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)", html):
        if m.group(2).lower() in NON_NESTING_TAGS:
            continue
        depth += -1 if m.group(1) else 1
        if depth > MAX_NESTING_DEPTH:
            return html[:m.start()]
    return html


@given(st.lists(st.sampled_from(["<div>", "</div>", "<DIV class=a>", "<p>", "</P>", "<param>",
                                 "<li>", "<details>", "</td>", "<é>", "<br/>", "<span", "x"]),
                min_size=0, max_size=40),
       st.integers(min_value=0, max_value=200), st.integers(min_value=0, max_value=4000))
@example(["</div>", "<p>"], 100, 3000)
@example(["<DIV class=a>", "</div>"], 200, 2600)
@example(["<div>", "<div>", "</div>"], 2000, 0)
@settings(max_examples=40, deadline=None)
def test_depth_cut_agrees_with_a_plain_walk(parts, repeat, deep):
    html = "<div><br>" * deep + "".join(parts) * repeat + "</div>" * (deep // 2)
    assert cut_too_deep(html) == _reference_cut(html)


# The one-regex reading of the nesting tags that max_depth vectorises.
NESTING_TAG = re.compile(rb"<(/?)(?!(?:" + b"|".join(sorted(t.encode() for t in NON_NESTING_TAGS))
                         + rb")(?![a-z0-9-]))[a-z][a-z0-9-]*")


@given(st.lists(st.sampled_from([
    "<div>", "</div>", "<p>", "</p>", "<param>", "<params>", "<li>", "<link>", "<linky>", "</ li>",
    "</", "<", "<a", "<keygen-", "<br/>", "<é>", "x", "<h1>", "<source", "<sources>", "<<div",
    "<//div>", "</-a>", "<abcdefghij>", "</td2>", "<td", "\0<div", "<track", "<tra>", "<abcdefg>",
    "<abcdefgh>"]), max_size=40))
def test_max_depth_reads_the_tags_as_one_regex_pass(parts):
    low = "".join(parts).encode()
    depth = 0
    deepest = 0
    for closing in NESTING_TAG.findall(low):
        depth += -1 if closing else 1
        deepest = max(deepest, depth)
    assert max_depth(low) == deepest


RELATIVE_HREFS = ["css/a.css", "p.html?x=1#top", "a//b", "a/../b", "a/./b", "./a", "a/..", "c;p",
                  "c?#y", "c?", "c#", "é/ü", "a b", "a\\b", "x:y", "a/b:c", "~u", "_y/", "%41",
                  "a?b//c", "a#../b", "a/.../b", "a/..b", ".htaccess", "?page=2", "//cdn.be/x",
                  "c;", "a;b/c;?x", "c;;", "a/.;x", "a/..;x/b", "/c;", "/a/b.js?v=2", "/a/../b",
                  "/a//b", "/é/ü#f", "/", "//cdn.be", "//cdn.be:8080/a/../b;", "//cdn.be/a;b?x#y",
                  "//cdn.be?", "//CDN.be/x#", "//[::1]/x", "//é.be/x", "//a.be/x;?q", "//:80/"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["https://w.example.be/", "https://w.example.be/a/b.html",
                        "https://w.example.be/a/b/?q=1#f", "https://w.example.be",
                        "http://w.example.be/a//b/c", "https://w.example.be/a/./b/../c"]),
       st.one_of(st.sampled_from(RELATIVE_HREFS),
                 st.text(alphabet="ab./?#:;%~_- é\\", min_size=1, max_size=12)))
def test_links_are_made_absolute_as_urljoin_makes_them(base, href):
    href = href.strip()
    if not href or href[0] == "#":
        return  # skipped by the parser
    html = f'<a href="{html_escape(href)}">x</a><script src="{html_escape(href)}"></script>'
    page = parse_page(html, base)
    try:
        expected = urljoin(base, href)
    except ValueError:
        expected = href
    assert page.script_srcs == [expected]
    if not href.startswith("/") or href.startswith("//"):  # site-relative: their own path
        assert [link.href for link in page.links] == [expected]


def test_a_render_that_changed_nothing_keeps_the_parse():
    html = "<html><body><a href='/cart'>Panier</a><p>Ouvert lundi 9h-18h</p></body></html>"
    page = FetchedPage(url="https://shop.be/", final_url="https://shop.be/", status=200,
                       headers={}, html=html, role="home")
    first = parsed_page_of(page)
    page.html = "".join(list(html))  # the rendered DOM, serialised: equal text, a new string
    assert page.html is not html and parsed_page_of(page) is first
    page.html = html.replace("Panier", "Winkelwagen")  # the render changed the page
    again = parsed_page_of(page)
    assert again is not first and again.links[0].text == "Winkelwagen"


ELEMENT_PAGES = [
    '<html><head><title> A  b </title><title>second</title><base href="/shop/">'
    '<meta name="Description" content=" x "><meta property="og:type" content="product">'
    '<script type="application/LD+JSON">{"@type": "Store"}</script>'
    '<script src=" /a.js "></script><script src=" "></script></head><body>'
    '<svg><title>icon</title><script src="s.js"></script></svg>'
    '<script type="text/ld+json" src="b.js">{"@type": "Bakery"}</script>'
    '<form action="/cart/add" name="f" class="c"></form><a href="p">p</a></body></html>',
    '<body><svg><title>only svg</title></svg><meta name=x content=y><base href=""></body>',
]


@pytest.mark.parametrize("html", ELEMENT_PAGES)
def test_one_pass_reads_what_one_selector_per_element_reads(html):
    """parse_page reads titles, metas, bases, scripts and forms in one pass over the tree."""
    url = "https://shop.example.be/fr/"
    page, tree = parse_page(html, url), LexborHTMLParser(html)
    title = tree.css_first("title")
    assert page.title == (" ".join(title.text().split()) if title else "")
    metas = [n.attributes for n in tree.css("meta")]
    assert list(page.meta) == [(m.get("name") or m.get("property") or "").lower() for m in metas]
    srcs = [s for n in tree.css("script[src]") if (s := (n.attributes["src"] or "").strip())]
    assert page.script_srcs == [urljoin(url, s) for s in srcs]
    jsonld = [json.loads(n.text()) for n in tree.css('script[type*="ld+json"]')]
    assert page.schema_types == [item["@type"] for item in jsonld]
    base = tree.css_first("base[href]")
    base_url = urljoin(url, base.attributes["href"] or "") if base else url
    assert [link.href for link in page.links] == [urljoin(base_url, a.attributes["href"] or "")
                                                  for a in tree.css("a[href]")]
    assert page.form_names == [" ".join(f.attributes.get(k) or "" for k in ("name", "id", "class"))
                               for f in tree.css("form")]


def test_an_element_matching_two_control_selectors_is_one_control():
    page = parse_page('<button role="button">Go</button><input type="submit" role="button" '
                      'value="Pay"><a role="button" href="/c">Cart</a><button>Two</button>')
    assert [c.text for c in page.controls] == ["Go", "Pay", "Cart", "Two"]


@pytest.mark.parametrize("html", [
    "<button>A</button><input type=submit value=B><input type=text value=C>",  # no role
    "<button> A </button><p>input</p>",  # no <input>, the word in the text
    '<div ROLE="button">X</div><button>Y</button>',  # upper case
    '<span class=x role=button>Z</span>', "<p>nothing</p>",
    '<button role="button">Go</button><INPUT TYPE="image" alt="Pay">',
])
def test_controls_read_with_the_selectors_the_markup_allows(html):
    """Controls are looked for with only the selectors that may match the page's words;
    the same as with every selector."""
    tree = LexborHTMLParser(html)
    every = list({n.mem_id: n for n in tree.css(
        "button, input[type=submit], input[type=button], input[type=image], [role=button]")
                  }.values())
    want = [" ".join(n.text(separator=" ").split()) or n.attributes.get("value")
            or n.attributes.get("alt") for n in every]
    assert [c.text for c in parse_page(html).controls] == want


def test_lone_surrogates_are_dropped_by_the_parse_and_read_as_a_question_mark_by_the_scans():
    """The parse is fed the page's UTF-8 when it has one; a page with a lone surrogate has
    none: lexbor drops it (as when it encodes a str itself), the raw scans see "?"."""
    page = parse_page('<title>T\ud800x</title><a href="/x">a\ud800b</a><p>caf\u00e9\ud800</p>',
                      "https://s.be/")
    assert (page.title, page.links[0].text, page.text) == ("Tx", "ab", "ab café")
    assert page.lower_bytes() == '<title>t?x</title><a href="/x">a?b</a><p>café?</p>'.encode()
