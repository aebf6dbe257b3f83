from warroom.domain.web_addresses import http_address


def test_only_http_addresses_are_links_and_they_hold_no_markup():
    assert http_address(" https://pd.example/incidents/Q1 ") == "https://pd.example/incidents/Q1"
    assert http_address("https://x.example/a b<c>") == "https://x.example/a%20b%3Cc%3E"
    assert http_address("https://x.example/d?q=a|b&c=1") == "https://x.example/d?q=a%7Cb&c=1"
    for not_a_link in ("javascript:alert(1)", "ftp://x.example/", "x.example", "", None):
        assert http_address(not_a_link) is None, not_a_link
