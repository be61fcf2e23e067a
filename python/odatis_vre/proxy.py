"""The data browser's proxy on a Jupyter server: `{base_url}odatis-vre/proxy`.

Browsers refuse cross-origin answers without CORS headers (Sextant, SEANOE and doi.org send none), so
the page asks the Jupyter server, which asks the service. It has the contract of the embedded server's
proxy (packages/app/scripts/proxy.js), so that the data browser cannot tell them apart:

- never an open proxy: only the hosts the installed ODATIS VRE extensions configure by default (the
  `sources` default of their settings schemas) plus the deployment's (`ODATIS_VRE_PROXY_HOSTS`,
  comma-separated, or `c.OdatisVreApp.proxy_hosts`); redirects are followed (at most 3) only to
  allowed hosts;
- only GET and HEAD, and POST to a GeoNetwork search (`…/api/search/records/_search`, a JSON body of at
  most 64 KiB); no cookies or credentials are forwarded either way;
- answers bounded in size (`ODATIS_VRE_PROXY_MAX_BYTES`, 200 MiB) and time (`ODATIS_VRE_PROXY_TIMEOUT_MS`,
  30 s), at most 16 at once; what it serves cannot script the server's origin (CSP sandbox, nosniff);
- its own failures carry `X-Odatis-Proxy-Error: not-allowed | unreachable | timeout | too-large | busy |
  bad-request` and a JSON body `{"error", "message"}`.

Unlike the embedded server's, it is a Jupyter API: it answers only an authenticated user (token or
login cookie), and a cookie-authenticated POST needs the XSRF token, like every Jupyter API.

    GET  …/odatis-vre/proxy                  → {"hosts": [...], "maxBytes": n, "timeoutMs": n}
    GET  …/odatis-vre/proxy?url=<address>    → the service's answer (status, type, length, ranges)
    POST …/odatis-vre/proxy?url=<…/api/search/records/_search> with a JSON body
"""

from __future__ import annotations

import errno
import json
import os
import re
import socket
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from jupyter_server.base.handlers import APIHandler
from tornado import httpclient, httputil, iostream, web

#: URL of the proxy, under the server's base URL (the data browser asks `<base_url>odatis-vre/proxy`).
ENDPOINT = "odatis-vre/proxy"

#: The only POST the proxy forwards: GeoNetwork 4's search (an Elasticsearch body).
POST_PATHS = (re.compile(r"/api/search/records/_search$"),)
FORWARDED_REQUEST_HEADERS = ("Accept", "Range", "Content-Type")
FORWARDED_RESPONSE_HEADERS = (
    "Content-Type",
    "Content-Length",
    "Content-Range",
    "Content-Encoding",
    "Accept-Ranges",
    "Last-Modified",
    "Etag",
)
#: npm scope of the extensions whose settings schemas name the catalogues to allow.
EXTENSION_SCOPE = "@odatis-vre"


def host_of(url: str) -> str:
    """The host of an address as the allow-list writes it: name, and port when not the default."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(parts.scheme)
    try:
        port = parts.port
    except ValueError:
        return ""
    return f"{host}:{port}" if port is not None and port != default else host


def hosts_in(value: object) -> list[str]:
    """Host names of the http(s) URLs in a settings value (e.g. the data browser's `sources`)."""
    if isinstance(value, str):
        if re.match(r"^https?://", value, re.IGNORECASE):
            host = host_of(value)
            return [host] if host else []
        return []
    if isinstance(value, list):
        return [h for item in value for h in hosts_in(item)]
    if isinstance(value, dict):
        return [h for item in value.values() for h in hosts_in(item)]
    return []


def schema_hosts(labextension_dirs: Iterable[str | os.PathLike]) -> list[str]:
    """Hosts of the `sources` defaults in the settings schemas of the installed ODATIS VRE extensions
    (`<labextensions>/@odatis-vre/<name>/schemas/**/*.json`). Other extensions are not read: what they
    configure is not ours to open."""
    hosts: list[str] = []
    for base in labextension_dirs:
        for schema_file in sorted(Path(base, EXTENSION_SCOPE).glob("*/schemas/**/*.json")):
            try:
                schema = json.loads(schema_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # not a settings schema
            sources = (schema.get("properties") or {}).get("sources") or {}
            hosts.extend(hosts_in(sources.get("default")))
    return hosts


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} should be a whole number, found {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{name} should be positive, found {raw!r}")
    return value


@dataclass
class Proxy:
    """What the proxy allows, and how many requests it forwards right now."""

    hosts: tuple[str, ...]
    timeout_ms: int = 30_000
    max_bytes: int = 200 * 1024 * 1024
    max_body: int = 64 * 1024
    max_concurrent: int = 16
    max_redirects: int = 3
    active: int = field(default=0, compare=False)
    _client: httpclient.AsyncHTTPClient | None = field(default=None, compare=False, repr=False)

    @classmethod
    def create(cls, hosts: Iterable[str], **limits) -> Proxy:
        unique = dict.fromkeys(h.strip().lower() for h in hosts if h and h.strip())
        return cls(hosts=tuple(unique), **limits)

    @classmethod
    def for_server(
        cls,
        labextension_dirs: Iterable[str | os.PathLike],
        extra_hosts: Iterable[str] = (),
        env: Mapping[str, str] = os.environ,
    ) -> Proxy:
        """The proxy of a Jupyter server: the schemas' hosts, the configured ones and
        `ODATIS_VRE_PROXY_HOSTS`; limits from `ODATIS_VRE_PROXY_TIMEOUT_MS` / `…_MAX_BYTES`."""
        hosts = [
            *schema_hosts(labextension_dirs),
            *extra_hosts,
            *env.get("ODATIS_VRE_PROXY_HOSTS", "").split(","),
        ]
        return cls.create(
            hosts,
            timeout_ms=_positive_int(env, "ODATIS_VRE_PROXY_TIMEOUT_MS", 30_000),
            max_bytes=_positive_int(env, "ODATIS_VRE_PROXY_MAX_BYTES", 200 * 1024 * 1024),
        )

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        return (
            parts.scheme in ("http", "https")
            and not parts.username
            and not parts.password
            and host_of(url) in self.hosts
        )

    def http_client(self) -> httpclient.AsyncHTTPClient:
        """The proxy's own HTTP client (not the process-wide shared one, whose body limit and
        connection count other extensions set), created on the server's event loop."""
        if self._client is None:
            self._client = httpclient.AsyncHTTPClient(
                force_instance=True,
                max_clients=self.max_concurrent,
                max_body_size=self.max_bytes + 1,
            )
        return self._client

    def describe(self) -> dict:
        return {"hosts": list(self.hosts), "maxBytes": self.max_bytes, "timeoutMs": self.timeout_ms}


class ProxyError(Exception):
    """A failure of the proxy itself (not the service's answer)."""

    def __init__(self, status: int, error: str, message: str, headers: Mapping[str, str] = {}):
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.headers = dict(headers)


class _Upstream:
    """One upstream answer as it arrives: status and headers first, then the body."""

    def __init__(self) -> None:
        self.status = 0
        self.headers = httputil.HTTPHeaders()
        self.complete = False

    def header_line(self, line: str) -> None:
        if line.startswith("HTTP/"):
            # A new response (after a 100 Continue, the real one): start again.
            self.status = httputil.parse_response_start_line(line.strip()).code
            self.headers = httputil.HTTPHeaders()
        elif line.strip():
            self.headers.parse_line(line)
        elif self.status >= 200:
            self.complete = True

    @property
    def is_redirect(self) -> bool:
        return 300 <= self.status < 400 and "Location" in self.headers


class ProxyHandler(APIHandler):
    """Forwards to the allowed hosts; authenticated like every Jupyter API (XSRF for POST)."""

    def initialize(self, proxy: Proxy) -> None:
        self.proxy = proxy

    # The answer is the service's, with its own type: not APIHandler's JSON.
    def finish(self, *args, **kwargs):
        self.update_api_activity()
        return super(APIHandler, self).finish(*args, **kwargs)

    def compute_etag(self) -> str | None:
        return None

    def fail(self, error: ProxyError) -> None:
        self.clear()
        self.set_status(error.status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("X-Odatis-Proxy-Error", error.error)
        self.set_header("Cache-Control", "no-store")
        for name, value in error.headers.items():
            self.set_header(name, value)
        self.finish(json.dumps({"error": error.error, "message": error.message}))

    @web.authenticated
    async def get(self) -> None:
        await self._handle()

    @web.authenticated
    async def head(self) -> None:
        await self._handle()

    @web.authenticated
    async def post(self) -> None:
        await self._handle()

    async def _handle(self) -> None:
        try:
            await self._forward_request()
        except ProxyError as error:
            if self._headers_written:
                self._cut()
            else:
                self.fail(error)

    def _cut(self) -> None:
        """Past the bound or the deadline mid-way: the page sees a cut answer, never a silently
        short one (closing the connection before the last chunk or the declared length)."""
        self.request.connection.stream.close()
        raise web.Finish()

    async def _forward_request(self) -> None:
        method = self.request.method
        address = self.get_query_argument("url", None)
        proxy = self.proxy
        if not address:
            if method not in ("GET", "HEAD"):
                raise ProxyError(405, "bad-request", "Only GET", {"Allow": "GET"})
            self.set_header("Content-Type", "application/json; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(json.dumps(proxy.describe()))
            return
        parts = urlsplit(address)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ProxyError(400, "bad-request", f"Not an absolute address: {address[:200]}")
        if not proxy.allowed(address):
            raise ProxyError(
                403,
                "not-allowed",
                f"{host_of(address) or address[:100]} is not in the proxy's allow-list "
                f"({', '.join(proxy.hosts) or 'empty'}); a deployment adds hosts with "
                "ODATIS_VRE_PROXY_HOSTS",
            )
        is_post = method == "POST"
        if not (
            method in ("GET", "HEAD") or (is_post and any(p.search(parts.path) for p in POST_PATHS))
        ):
            raise ProxyError(
                405,
                "bad-request",
                "The proxy forwards GET, and POST to a catalogue search only "
                f"(not {method} {parts.path})",
                {"Allow": "GET, HEAD"},
            )
        body = None
        if is_post:
            if not re.match(r"^application/json\b", self.request.headers.get("Content-Type", ""), re.I):
                raise ProxyError(
                    415, "bad-request", "A catalogue search is a JSON body (Content-Type: application/json)"
                )
            body = self.request.body
            if len(body) > proxy.max_body:
                raise ProxyError(413, "too-large", f"A search body is at most {proxy.max_body} bytes")
        if proxy.active >= proxy.max_concurrent:
            raise ProxyError(
                503,
                "busy",
                f"The proxy already forwards {proxy.max_concurrent} requests; try again",
                {"Retry-After": "1"},
            )
        proxy.active += 1
        try:
            await self._follow(address, body)
        finally:
            proxy.active -= 1

    async def _follow(self, address: str, body: bytes | None) -> None:
        proxy = self.proxy
        deadline = time.monotonic() + proxy.timeout_ms / 1000
        target = address
        for redirects in range(proxy.max_redirects + 1):
            upstream = await self._fetch(target, body, deadline)
            if upstream is None:
                return  # answered
            location = urljoin(target, upstream.headers["Location"])
            here = host_of(target)
            if redirects >= proxy.max_redirects:
                break
            if not re.match(r"^https?://", location, re.I):
                raise ProxyError(502, "unreachable", f"{here} redirected to an invalid address")
            if not proxy.allowed(location):
                raise ProxyError(
                    403,
                    "not-allowed",
                    f"{here} redirected to {host_of(location)}, which is not in the proxy's allow-list",
                )
            # 307 and 308 repeat the request as it was; the others become a GET.
            if upstream.status not in (307, 308):
                body = None
            target = location
        raise ProxyError(
            502, "unreachable", f"{host_of(target)} redirected more than {proxy.max_redirects} times"
        )

    async def _fetch(self, target: str, body: bytes | None, deadline: float) -> _Upstream | None:
        """Asks `target`; streams its answer to the page and returns None, or returns a redirect."""
        proxy = self.proxy
        method = self.request.method if body is not None or self.request.method != "POST" else "GET"
        headers = {"User-Agent": "odatis-vre-proxy", "Accept": "*/*"}
        for name in FORWARDED_REQUEST_HEADERS:
            value = self.request.headers.get(name)
            if value:
                headers[name] = value
        if body is None:
            headers.pop("Content-Type", None)
        upstream = _Upstream()
        received = 0
        host = host_of(target)
        # A refusal raised in a callback stops the upstream read; tornado then reports the closed
        # connection, not the refusal: keep it here.
        refusals: list[ProxyError] = []

        def refuse(error: ProxyError) -> None:
            refusals.append(error)
            raise error

        def on_header(line: str) -> None:
            upstream.header_line(line)
            if not upstream.complete or upstream.is_redirect:
                return
            declared = upstream.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > proxy.max_bytes:
                refuse(ProxyError(
                    413,
                    "too-large",
                    f"{host} answers {declared} bytes, more than the proxy's {proxy.max_bytes}",
                ))
            self._start_answer(upstream, target)

        def on_chunk(chunk: bytes) -> None:
            nonlocal received
            if upstream.is_redirect:
                return
            received += len(chunk)
            if received > proxy.max_bytes:
                refuse(ProxyError(
                    413, "too-large", f"{host} answered more than the proxy's {proxy.max_bytes} bytes"
                ))
            self.write(chunk)
            self.flush()

        remaining = max(0.001, deadline - time.monotonic())
        request = httpclient.HTTPRequest(
            target,
            method=method,
            headers=headers,
            body=body,
            follow_redirects=False,
            decompress_response=False,
            connect_timeout=remaining,
            request_timeout=remaining,
            header_callback=on_header,
            streaming_callback=on_chunk,
            allow_nonstandard_methods=True,
        )
        try:
            await proxy.http_client().fetch(request, raise_error=False)
        except Exception as error:  # noqa: BLE001 - the network's failures, in the page's terms
            if refusals:
                raise refusals[0] from None
            if isinstance(error, ProxyError):
                raise
            if isinstance(error, iostream.StreamClosedError):
                # The page went away: nothing is left to answer.
                raise web.Finish() from None
            raise self._network_error(error, host) from None
        if refusals:
            raise refusals[0]
        if not upstream.complete:
            raise ProxyError(502, "unreachable", f"{host} sent no complete answer")
        if upstream.is_redirect:
            return upstream
        if not self._finished:
            self.finish()
        return None

    def _network_error(self, error: Exception, host: str) -> ProxyError:
        if isinstance(error, httpclient.HTTPClientError) and error.code == 599:
            if "timeout" in str(error).lower():
                return ProxyError(
                    504, "timeout", f"{host} did not answer within {self.proxy.timeout_ms / 1000:g} s"
                )
        if isinstance(error, TimeoutError):
            return ProxyError(
                504, "timeout", f"{host} did not answer within {self.proxy.timeout_ms / 1000:g} s"
            )
        reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        why = _why_unreachable(error)
        return ProxyError(
            502, "unreachable", f"{host} could not be reached: {reason}" + (f" ({why})" if why else "")
        )

    def _start_answer(self, upstream: _Upstream, target: str) -> None:
        """Status and headers of the service's answer, as the page gets them."""
        self.clear()
        self.set_status(upstream.status, httputil.responses.get(upstream.status, "Unknown"))
        self.clear_header("Content-Type")
        # What the proxy serves is data for the page's scripts, never a page of this origin.
        self.set_header("Content-Security-Policy", "sandbox; default-src 'none'")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Odatis-Proxy-Upstream", target)
        for name in FORWARDED_RESPONSE_HEADERS:
            value = upstream.headers.get(name)
            if value is not None:
                self.set_header(name, value)


_NO_SUCH_HOST = (
    "no such host name: the VRE's server has no internet access, "
    "or the address in Settings → ODATIS data browser is mistyped"
)
_UNREACHABLE = {
    errno.ECONNREFUSED: "it refused the connection: the service is down, or the port is wrong",
    errno.ECONNRESET: "the connection was cut while it answered: try again later",
    errno.EHOSTUNREACH: "no route to it: the VRE's server has no network to that host",
    errno.ENETUNREACH: "no route to it: the VRE's server has no network to that host",
}


def _why_unreachable(error: Exception) -> str | None:
    """What a network failure means for the person who searched, and what to check (as `npm start`'s
    proxy says it)."""
    if isinstance(error, socket.gaierror):
        if error.errno == socket.EAI_AGAIN:
            return "its name could not be looked up: the VRE's server has no working network (DNS)"
        return _NO_SUCH_HOST
    return _UNREACHABLE.get(getattr(error, "errno", None))


def handlers(proxy: Proxy) -> list[tuple]:
    return [(ENDPOINT, ProxyHandler, {"proxy": proxy})]
