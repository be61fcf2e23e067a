"""The data browser's proxy in the odatis_vre server extension, in a real `jupyter lab`, forwarding to
the catalogue test server (packages/catalog/testing/server.js: GeoNetwork, DataCite, SEANOE and ERDDAP
stand-ins with faults on demand). Same contract as the embedded server's (packages/app/scripts/proxy.js).
"""

from __future__ import annotations

import http.client
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
from conftest import NOWHERE, PROXY_MAX_BYTES, PROXY_TIMEOUT_MS, TOKEN, request

SEARCH = "/geonetwork/srv/api/search/records/_search"
#: 209 406 bytes, more than the proxy's PROXY_MAX_BYTES (a real PHYTOBS file, served as SEANOE's data file).
BIG_FILE = "/seanoe/data/00734/85178/data/1.csv"


def via(lab, address: str) -> str:
    return f"{lab['proxy']}?url={urllib.parse.quote(address, safe='')}"


def fetch(url: str, method: str = "GET", body: bytes | None = None, headers: dict | None = None):
    """(status, headers, body bytes), token-authenticated."""
    req = urllib.request.Request(
        url, data=body, method=method, headers={"Authorization": f"token {TOKEN}", **(headers or {})}
    )
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def proxy_error(status: int, headers, body: bytes) -> tuple[int, str, str]:
    assert headers["Content-Type"].startswith("application/json")
    payload = json.loads(body)
    assert payload["error"] == headers["X-Odatis-Proxy-Error"]
    return status, payload["error"], payload["message"]


def test_it_says_what_it_allows(lab, catalogue):
    status, headers, body = fetch(lab["proxy"])
    assert status == 200
    described = json.loads(body)
    # The catalogues the data browser's settings schema names by default, then the deployment's.
    assert {"sextant.ifremer.fr", "www.seanoe.org", "api.datacite.org"} <= set(described["hosts"])
    assert catalogue.removeprefix("http://") in described["hosts"]
    assert lab["closed"] in described["hosts"]
    assert "data.example.org" in described["hosts"]
    assert described["maxBytes"] == PROXY_MAX_BYTES
    assert described["timeoutMs"] == PROXY_TIMEOUT_MS
    status, headers, body = fetch(lab["proxy"], "POST", b"{}", {"Content-Type": "application/json"})
    assert proxy_error(status, headers, body)[:2] == (405, "bad-request")


def test_it_answers_only_an_authenticated_user(lab, catalogue):
    address = via(lab, f"{catalogue}/datacite/dois?query=phytoplankton")
    status, _ = request(address, token=None)
    assert status == 403
    status, _ = request(lab["proxy"], token=None)
    assert status == 403


def test_it_forwards_an_allowed_get_with_the_services_answer(lab, catalogue):
    status, headers, body = fetch(via(lab, f"{catalogue}/datacite/dois?query=phytoplankton"))
    assert status == 200
    assert json.loads(body)["data"], body[:200]
    assert headers["Content-Type"].startswith("application/vnd.api+json") or headers[
        "Content-Type"
    ].startswith("application/json")
    # Data for the page's scripts, never a page of the server's origin.
    assert headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-store"
    assert headers["X-Odatis-Proxy-Upstream"] == f"{catalogue}/datacite/dois?query=phytoplankton"
    assert "Access-Control-Allow-Origin" not in headers  # the service's CORS headers stay behind


def test_it_forwards_ranges_and_the_services_own_errors(lab, catalogue):
    status, headers, body = fetch(
        via(lab, f"{catalogue}/seanoe/data/00915/102656/data/11.csv"), headers={"Range": "bytes=0-9"}
    )
    assert status == 206
    assert len(body) == 10
    assert re.fullmatch(r"bytes 0-9/\d+", headers["Content-Range"])
    status, headers, body = fetch(via(lab, f"{catalogue}/error/503/erddap/info/x/index.json"))
    assert status == 503
    assert "X-Odatis-Proxy-Error" not in headers  # the service's failure, not the proxy's
    assert b"injected by the test server" in body


def test_head_gets_the_headers_only(lab, catalogue):
    status, headers, body = fetch(via(lab, f"{catalogue}/datacite/dois?query=x"), "HEAD")
    assert status == 200
    assert body == b""
    assert int(headers["Content-Length"]) > 0


def test_it_refuses_hosts_outside_the_allow_list(lab):
    for address in [
        "https://example.com/",
        "http://127.0.0.1:1/",
        "file:///etc/passwd",
        f"http://user:secret@{lab['closed']}/",
    ]:
        status, headers, body = fetch(via(lab, address))
        status, error, message = proxy_error(status, headers, body)
        assert (status, error) in [(403, "not-allowed"), (400, "bad-request")], address
    status, error, message = proxy_error(*fetch(via(lab, "https://example.com/x")))
    assert (status, error) == (403, "not-allowed")
    assert message.startswith("example.com is not in the proxy's allow-list (")
    assert "ODATIS_VRE_PROXY_HOSTS" in message
    assert proxy_error(*fetch(via(lab, "not an address")))[:2] == (400, "bad-request")


def test_post_only_to_a_catalogue_search_with_a_json_body(lab, catalogue):
    query = json.dumps({"query": {"match_all": {}}, "size": 2}).encode()
    status, headers, body = fetch(
        via(lab, f"{catalogue}{SEARCH}"), "POST", query, {"Content-Type": "application/json"}
    )
    assert status == 200
    assert len(json.loads(body)["hits"]["hits"]) == 2
    status, error, message = proxy_error(
        *fetch(via(lab, f"{catalogue}/datacite/dois"), "POST", query, {"Content-Type": "application/json"})
    )
    assert (status, error) == (405, "bad-request")
    assert "POST to a catalogue search only" in message
    status, error, _ = proxy_error(
        *fetch(via(lab, f"{catalogue}{SEARCH}"), "POST", b"q=x", {"Content-Type": "text/plain"})
    )
    assert (status, error) == (415, "bad-request")
    big = json.dumps({"query": {"match": {"any": "x" * 70_000}}}).encode()
    status, error, _ = proxy_error(
        *fetch(via(lab, f"{catalogue}{SEARCH}"), "POST", big, {"Content-Type": "application/json"})
    )
    assert (status, error) == (413, "too-large")


def test_a_cookie_authenticated_post_needs_the_xsrf_token(lab, catalogue):
    """As in the browser: logged in by a cookie, a POST passes with the _xsrf cookie's value in
    X-XSRFToken, like every Jupyter API, and is refused without it."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{lab['url']}/lab?token={TOKEN}", timeout=60).read()
    xsrf = next((c.value for c in jar if c.name == "_xsrf"), None)
    assert xsrf, [c.name for c in jar]
    query = json.dumps({"query": {"match_all": {}}, "size": 1}).encode()
    address = via(lab, f"{catalogue}{SEARCH}")

    def post(headers: dict) -> int:
        req = urllib.request.Request(address, data=query, method="POST", headers=headers)
        try:
            with opener.open(req, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    assert post({"Content-Type": "application/json"}) == 403
    assert post({"Content-Type": "application/json", "X-XSRFToken": xsrf}) == 200
    # A GET with the login cookie alone is enough (the data browser's searches by GET).
    with opener.open(via(lab, f"{catalogue}/datacite/dois?query=x"), timeout=60) as response:
        assert response.status == 200


def test_redirects_are_followed_to_allowed_hosts_only_and_at_most_three_times(lab, catalogue):
    def redirect(to: str) -> str:
        return f"{catalogue}/redirect?to={urllib.parse.quote(to, safe='')}"

    target = f"{catalogue}/datacite/dois?query=phytoplankton"
    status, headers, body = fetch(via(lab, redirect(redirect(redirect(target)))))
    assert status == 200
    assert json.loads(body)["data"]
    assert headers["X-Odatis-Proxy-Upstream"] == target
    status, error, message = proxy_error(*fetch(via(lab, redirect(redirect(redirect(redirect(target)))))))
    assert (status, error) == (502, "unreachable")
    assert "redirected more than 3 times" in message
    status, error, message = proxy_error(*fetch(via(lab, redirect("https://example.com/data.csv"))))
    assert (status, error) == (403, "not-allowed")
    assert "redirected to example.com, which is not in the proxy's allow-list" in message


def test_size_and_time_are_bounded(lab, catalogue):
    status, error, message = proxy_error(*fetch(via(lab, f"{catalogue}{BIG_FILE}")))
    assert (status, error) == (413, "too-large")
    assert f"more than the proxy's {PROXY_MAX_BYTES}" in message
    status, error, message = proxy_error(*fetch(via(lab, f"{catalogue}/slow/6000/datacite/dois")))
    assert (status, error) == (504, "timeout")
    assert "did not answer within 3 s" in message
    status, error, message = proxy_error(*fetch(via(lab, f"http://{lab['closed']}/x")))
    assert (status, error) == (502, "unreachable")
    assert message.startswith(f"{lab['closed']} could not be reached")
    assert "refused the connection" in message
    # A name that resolves nowhere: the message says what to check.
    status, error, message = proxy_error(*fetch(via(lab, f"http://{NOWHERE}/x")))
    assert (status, error) == (502, "unreachable")
    assert message.startswith(f"{NOWHERE} could not be reached")
    assert "no such host name" in message


def test_an_answer_past_the_bound_while_streaming_is_cut_not_shortened(lab, streamer):
    """No Content-Length up front: the proxy streams, and past the bound it ends the connection
    before the last chunk, so the client sees an incomplete answer, never a silently short one."""
    status, headers, body = fetch(via(lab, f"{streamer}/chunked/50000"))
    assert status == 200
    assert len(body) == 50_000
    assert headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    req = urllib.request.Request(
        via(lab, f"{streamer}/chunked/{PROXY_MAX_BYTES * 3}"),
        headers={"Authorization": f"token {TOKEN}"},
    )
    with urllib.request.urlopen(req, timeout=60) as response:
        assert response.status == 200
        with pytest.raises(http.client.IncompleteRead) as cut:
            response.read()
    assert len(cut.value.partial) <= PROXY_MAX_BYTES
