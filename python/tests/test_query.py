"""The server engine of the odatis_vre server extension (`odatis_vre.query`) in a real `jupyter server`: the
HTTP contract of packages/query/src/server-protocol.ts, with the assertions of the node server's tests
(packages/query/test/server.test.ts) where they apply — streaming, DuckDB's error text, cancel, limits, the
fence — and Jupyter's authentication. Then the shared files by range requests (`odatis_vre.files`).
"""

from __future__ import annotations

import http.client
import json
import re
import shutil
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from conftest import REPO, TOKEN, jupyter_lab, request

LONG_QUERY = "SELECT count(*) FROM range(100000000000) a WHERE a.range % 7 = 3"
#: The real sample data's harmonised dataset (161,093 values in 96 Parquet partitions).
SAMPLE = REPO / "packages" / "app" / "data" / "harmonised"
SAMPLE_ROWS = 161_093
QUERY = "odatis-vre/query"


def stage(root: Path) -> Path:
    """A server root as a deployment lays it out: shared/ (the harmonised dataset, a CSV), the user's own
    files beside it; another user's folder outside the root."""
    shared = root / "shared"
    (shared / "harmonised").mkdir(parents=True)
    # The Parquet source: the catalogue without the database file the embedded build also writes (the test of
    # the time limit adds one of its own).
    catalog = json.loads((SAMPLE / "catalog.json").read_text())
    catalog.pop("databaseFile", None)
    (shared / "harmonised" / "catalog.json").write_text(json.dumps(catalog))
    shutil.copytree(SAMPLE / "parquet", shared / "harmonised" / "parquet")
    (shared / "stations.csv").write_text("station,lat\nsomlit-1,50.0\nsomlit-2,48.3\n")
    (root / "notes").mkdir()
    (root / "notes" / "mine.csv").write_text("mine\n7\n")
    elsewhere = root.parent / "someone-else"
    elsewhere.mkdir()
    (elsewhere / "secret.csv").write_text("secret\n42\n")
    return root


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A `jupyter server` with the extension, in its root (as JupyterHub's single-user servers run), its
    server engine limited: 256 MB, 2 queries at once and 2 waiting."""
    root = stage(tmp_path_factory.mktemp("query") / "home")
    config = {
        "OdatisVreApp": {
            "query_memory_limit": "256MB",
            "query_timeout_s": 60,
            "query_max_concurrent": 2,
            "query_max_queued": 2,
            "query_threads": 2,
        }
    }
    with jupyter_lab(root, tmp_path_factory.mktemp("query-config"), config, app="server", cwd=root) as url:
        yield {"url": url, "root": root, "query": f"{url}/{QUERY}"}


def post(server, query_id: str, sql: str, token: str | None = TOKEN):
    return request(f"{server['query']}/queries/{query_id}", "POST", {"sql": sql}, token=token)


_ids = iter(range(1, 1_000_000))


def query(server, sql: str) -> pa.Table:
    """The result of a query as an Arrow table; a failure raises with the contract's error body."""
    connection = open_post(server, f"q{next(_ids)}", sql)
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise QueryFailed(response.status, json.loads(body)["error"])
    return pa.ipc.open_stream(body).read_all()


class QueryFailed(Exception):
    def __init__(self, status: int, error: dict):
        super().__init__(f"{status} {error['kind']}: {error['message']}")
        self.status, self.kind, self.message = status, error["kind"], error["message"]


def open_post(server, query_id: str, sql: str) -> http.client.HTTPConnection:
    """A POST of the contract sent, its answer not read yet."""
    parts = urllib.parse.urlsplit(server["url"])
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    connection.request(
        "POST",
        f"/{QUERY}/queries/{query_id}",
        body=json.dumps({"sql": sql}),
        headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"},
    )
    return connection


def info(server) -> dict:
    status, text = request(f"{server['query']}/info")
    assert status == 200, text
    return json.loads(text)


def wait_for_idle(server, tries: int = 200) -> dict:
    load = {}
    for _ in range(tries):
        load = info(server)["load"]
        if load == {"running": 0, "queued": 0}:
            break
        time.sleep(0.05)
    return load


def wait_for_state(server, query_id: str, states: set[str], tries: int = 200) -> str:
    state = ""
    for _ in range(tries):
        status, text = request(f"{server['query']}/queries/{query_id}")
        state = json.loads(text)["state"] if status == 200 else "unknown"
        if state in states:
            return state
        time.sleep(0.05)
    return state


# ---- answers ----------------------------------------------------------------------------------------


def test_it_advertises_itself(server):
    described = info(server)
    assert described["engine"] == "duckdb-server"
    assert described["version"] == f"v{duckdb.__version__}"
    assert described["relations"] == [{"name": "harmonised", "rows": SAMPLE_ROWS, "source": "parquet"}]
    assert described["limits"] == {
        "timeoutMs": 60_000,
        "memoryLimit": "244.1 MiB",
        "maxConcurrent": 2,
        "maxQueued": 2,
    }
    assert described["readable"] == ["shared", "your folder"]
    assert described["load"] == {"running": 0, "queued": 0}


def test_it_gives_the_harmonised_query_the_arrow_table_duckdb_gives_in_process(server):
    sql = """SELECT sno, site_id, parameter, year(time) AS y, count(*) AS n, avg(value) AS mean,
                    min(time) AS first
               FROM harmonised GROUP BY ALL ORDER BY ALL"""
    served = query(server, sql)
    local = duckdb.connect()
    files = [
        str(p) for p in sorted((server["root"] / "shared" / "harmonised" / "parquet").rglob("*.parquet"))
    ]
    local.execute(
        # The relation of packages/harmonised: times as UTC TIMESTAMPs (Parquet stores them UTC-adjusted).
        "CREATE VIEW harmonised AS SELECT * REPLACE (timezone('UTC', time) AS time) "
        f"FROM read_parquet({files!r}, hive_partitioning = true, "
        "union_by_name = true, hive_types = {'sno': VARCHAR, 'site': VARCHAR, 'year': INTEGER})"
    )
    expected = local.execute(sql).to_arrow_table()
    assert served.num_rows == expected.num_rows > 20
    assert served.schema == expected.schema
    assert served.equals(expected)
    # The relation of packages/harmonised (relation.ts): times are UTC timestamps, partitions last.
    described = query(server, "DESCRIBE harmonised").to_pydict()
    types = dict(zip(described["column_name"], described["column_type"]))
    assert (types["time"], types["value"], types["site"], types["year"]) == (
        "TIMESTAMP",
        "DOUBLE",
        "VARCHAR",
        "INTEGER",
    )


def test_it_lists_the_tables_with_their_columns(server):
    status, text = request(f"{server['query']}/tables")
    assert status == 200
    tables = json.loads(text)
    harmonised = next(t for t in tables if t["name"] == "harmonised")
    assert harmonised["kind"] == "view"
    assert {"sno", "site_id", "time", "value", "site", "year"} <= {c["name"] for c in harmonised["columns"]}
    # What the engine keeps for itself is not shown.
    assert not [t for t in tables if t["name"].startswith("__odatis_")]


def test_it_streams_a_large_result_as_chunked_arrow_batch_by_batch(server):
    connection = open_post(
        server, "raw-stream-1", "SELECT range AS i, range * 0.5 AS half FROM range(200000)"
    )
    response = connection.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Type") == "application/vnd.apache.arrow.stream"
    assert response.getheader("Transfer-Encoding") == "chunked"
    assert response.getheader("X-Odatis-Engine") == "duckdb-server"
    reader = pa.ipc.open_stream(response)
    assert reader.schema.names == ["i", "half"]
    seen, total = [], 0
    for batch in reader:
        total += sum(batch.column(0).to_pylist())
        seen.append(batch.num_rows)
    connection.close()
    # One record batch per DuckDB chunk (2,048 rows), as the node server sends.
    assert len(seen) > 10 and max(seen) == 2048
    assert sum(seen) == 200_000
    assert total == 199_999 * 200_000 // 2
    status, text = request(f"{server['query']}/queries/raw-stream-1")
    assert json.loads(text)["state"] == "done"
    assert json.loads(text)["rows"] == 200_000


def test_it_reads_files_by_the_paths_the_user_sees(server):
    stations = query(server, "SELECT station FROM read_csv('shared/stations.csv') ORDER BY station")
    assert stations.column("station").to_pylist() == ["somlit-1", "somlit-2"]
    # The user's own folder (the server's root) too.
    assert query(server, "SELECT mine FROM read_csv('notes/mine.csv')").column("mine").to_pylist() == [7]


def test_it_keeps_duckdbs_error_text(server):
    with pytest.raises(QueryFailed) as missing:
        query(server, "SELECT * FROM no_such_table")
    assert (missing.value.status, missing.value.kind) == (400, "query")
    assert missing.value.message.startswith("Catalog Error: Table with name no_such_table does not exist")
    with pytest.raises(QueryFailed, match=r'Parser Error: syntax error at or near "SELEC"'):
        query(server, "SELEC 1")


# ---- cancel and limits ------------------------------------------------------------------------------


def test_closing_the_connection_cancels_a_running_query(server):
    connection = open_post(server, "closed-1", LONG_QUERY)
    assert wait_for_state(server, "closed-1", {"running"}) == "running"
    connection.close()
    assert wait_for_state(server, "closed-1", {"cancelled"}) == "cancelled"
    status, text = request(f"{server['query']}/queries/closed-1")
    assert json.loads(text)["error"] == {
        "kind": "cancelled",
        "message": "Query cancelled: the client closed the connection.",
    }
    assert wait_for_idle(server) == {"running": 0, "queued": 0}
    assert query(server, "SELECT 1 AS one").column("one").to_pylist() == [1]


def test_closing_the_connection_mid_stream_stops_the_query(server):
    connection = open_post(server, "mid-stream-1", "SELECT range AS i FROM range(1000000000)")
    response = connection.getresponse()
    assert response.status == 200
    assert len(response.read(100_000)) == 100_000
    connection.close()
    assert wait_for_state(server, "mid-stream-1", {"cancelled"}) == "cancelled"
    assert wait_for_idle(server) == {"running": 0, "queued": 0}
    status, text = request(f"{server['query']}/queries/mid-stream-1")
    assert json.loads(text)["rows"] < 1_000_000_000


def test_delete_cancels_a_query(server):
    connection = open_post(server, "delete-me-1", LONG_QUERY)
    assert wait_for_state(server, "delete-me-1", {"running"}) == "running"
    assert request(f"{server['query']}/queries/delete-me-1", "DELETE")[0] == 204
    response = connection.getresponse()
    assert response.status == 409
    assert json.loads(response.read()) == {"error": {"kind": "cancelled", "message": "Query cancelled."}}
    assert wait_for_state(server, "delete-me-1", {"cancelled"}) == "cancelled"
    assert request(f"{server['query']}/queries/never-was", "DELETE")[0] == 404


def test_a_query_past_the_time_limit_is_stopped_and_says_so(tmp_path):
    """Another server, whose harmonised dataset has its DuckDB database file (attached read-only, in place)."""
    root = stage(tmp_path / "home")
    harmonised = root / "shared" / "harmonised"
    catalog = json.loads((harmonised / "catalog.json").read_text())
    with duckdb.connect(str(harmonised / "harmonised.duckdb")) as db:
        db.execute(
            "CREATE TABLE harmonised AS SELECT * REPLACE (timezone('UTC', time) AS time) FROM read_parquet("
            f"'{harmonised}/parquet/**/*.parquet', hive_partitioning = true, union_by_name = true)"
        )
    (harmonised / "catalog.json").write_text(json.dumps({**catalog, "databaseFile": "harmonised.duckdb"}))
    config = {"OdatisVreApp": {"query_timeout_s": 1.5, "query_threads": 1}}
    (tmp_path / "config").mkdir()
    with jupyter_lab(root, tmp_path / "config", config, app="server", cwd=root) as url:
        strict = {"url": url, "query": f"{url}/{QUERY}"}
        assert info(strict)["relations"] == [
            {"name": "harmonised", "rows": SAMPLE_ROWS, "source": "database"}
        ]
        counted = query(strict, "SELECT count(DISTINCT site_id) AS sites FROM harmonised")
        assert counted.column("sites").to_pylist()[0] > 5
        with pytest.raises(QueryFailed) as stopped:
            query(strict, LONG_QUERY)
        assert (stopped.value.status, stopped.value.kind, stopped.value.message) == (
            409,
            "cancelled",
            "The query ran longer than the server's limit of 1.5 s and was stopped.",
        )
        assert info(strict)["load"] == {"running": 0, "queued": 0}
        # The database file is read-only for SQL too.
        assert "Refused" in refused(strict, "ATTACH 'shared/harmonised/harmonised.duckdb' AS again")


def test_a_query_beyond_the_memory_limit_fails_with_duckdbs_text(server):
    with pytest.raises(QueryFailed, match=r"^400 query: Out of Memory Error: failed to allocate"):
        query(server, "SELECT string_agg(range::VARCHAR, ',') AS s FROM range(50000000)")


def test_it_runs_at_most_max_concurrent_queues_max_queued_and_answers_busy_beyond(server):
    connections = [open_post(server, f"slot-{i}", LONG_QUERY) for i in range(4)]
    load = {}
    for _ in range(200):
        load = info(server)["load"]
        if load == {"running": 2, "queued": 2}:
            break
        time.sleep(0.05)
    assert load == {"running": 2, "queued": 2}
    with pytest.raises(QueryFailed) as busy:
        query(server, "SELECT 1")
    assert (busy.value.status, busy.value.kind) == (503, "busy")
    assert "busy: 2 queries running and 2 waiting" in busy.value.message
    for i in range(4):
        assert request(f"{server['query']}/queries/slot-{i}", "DELETE")[0] == 204
    for connection in connections:
        response = connection.getresponse()
        assert response.status == 409
        assert json.loads(response.read())["error"]["kind"] == "cancelled"
    assert wait_for_idle(server) == {"running": 0, "queued": 0}


def test_it_answers_concurrent_users_correctly_each_asking_again_when_busy(server):
    errors: list[int] = []
    busy = [0]

    def user(c: int) -> None:
        for q in range(5):
            n = 1000 * (c + 1) + q
            for _ in range(200):
                try:
                    table = query(server, f"SELECT sum(range)::DOUBLE AS s FROM range({n})")
                    break
                except QueryFailed as failure:
                    assert failure.kind == "busy"
                    busy[0] += 1
                    time.sleep(0.025)
            else:
                raise AssertionError(f"still busy after 200 attempts: {n}")
            errors.append(int(table.column("s")[0].as_py()) - n * (n - 1) // 2)

    users = [threading.Thread(target=user, args=(c,)) for c in range(8)]
    for thread in users:
        thread.start()
    for thread in users:
        thread.join(timeout=300)
    assert errors == [0] * 40
    assert busy[0] > 0
    assert wait_for_idle(server) == {"running": 0, "queued": 0}


# ---- the fence --------------------------------------------------------------------------------------


def refused(server, sql: str) -> str:
    with pytest.raises(QueryFailed) as failure:
        query(server, sql)
    assert (failure.value.status, failure.value.kind) == (403, "refused"), failure.value.message
    return failure.value.message


def test_it_refuses_files_outside_the_readable_folders(server):
    secret = server["root"].parent / "someone-else" / "secret.csv"
    for sql in [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_csv('../someone-else/secret.csv')",
        "SELECT * FROM read_csv('shared/../../someone-else/secret.csv')",
        f"SELECT * FROM read_csv('{secret}')",
        "SELECT * FROM read_text('/proc/self/environ')",
    ]:
        message = refused(server, sql)
        assert message.startswith("Refused: the server engine reads only the folders shared, your folder"), (
            sql
        )
        assert "Permission Error" in message


def test_it_refuses_network_addresses(server):
    for sql in [
        f"SELECT * FROM read_parquet('{server['url']}/x.parquet')",
        "SELECT * FROM read_csv('https://example.org/data.csv')",
        "SELECT * FROM read_parquet('s3://bucket/x.parquet')",
    ]:
        assert refused(server, sql).startswith("Refused: the server engine reads only the folders shared"), (
            sql
        )


def test_it_refuses_writes_settings_extensions_and_attaching_naming_the_statement(server):
    root = server["root"]
    for sql, named in [
        ("COPY (SELECT 1) TO 'shared/out.csv'", "COPY (writes files)"),
        ("COPY (SELECT 1) TO 'notes/out.csv'", "COPY (writes files)"),
        ("INSTALL httpfs", "INSTALL (extensions)"),
        ("LOAD httpfs", "LOAD (extensions)"),
        ("FORCE INSTALL httpfs", "FORCE INSTALL (extensions)"),
        ("SET enable_external_access = true", "SET (settings)"),
        ("RESET lock_configuration", "RESET (settings)"),
        ("ATTACH 'shared/x.duckdb' AS x", "ATTACH (databases)"),
        ("CREATE TABLE t AS SELECT 1", "CREATE"),
        ("SELECT 1; SET memory_limit = '100GB'", "SET (settings)"),
        ("EXPLAIN SELECT 1; COPY (SELECT 1) TO 'shared/out.csv'", "COPY (writes files)"),
        ("EXPLAIN COPY (SELECT 1) TO 'shared/out.csv'", "COPY (writes files)"),
        ("EXPORT DATABASE 'shared/dump'", "EXPORT DATABASE (writes files)"),
        ("CALL pragma_version()", "CALL (use SELECT * FROM the function instead)"),
    ]:
        message = refused(server, sql)
        assert message.startswith("Refused: the server engine only runs queries that read"), sql
        assert f"; {named} is not run here." in message, (sql, message)
    assert not (root / "shared" / "out.csv").exists()
    assert not (root / "notes" / "out.csv").exists()
    assert not (root / "shared" / "dump").exists()
    # What reads is answered.
    for sql in [
        "EXPLAIN SELECT 1",
        "DESCRIBE harmonised",
        "SUMMARIZE SELECT 1 AS a",
        "SHOW TABLES",
        "FROM range(3)",
    ]:
        assert query(server, sql).num_rows > 0, sql


def test_it_keeps_its_settings_locked(server):
    settings = query(
        server,
        """SELECT current_setting('enable_external_access') AS external,
                  current_setting('lock_configuration') AS locked,
                  current_setting('autoinstall_known_extensions') AS autoinstall,
                  current_setting('autoload_known_extensions') AS autoload,
                  current_setting('temp_directory') AS temp""",
    ).to_pylist()
    assert settings == [
        {"external": False, "locked": True, "autoinstall": False, "autoload": False, "temp": ""}
    ]


def test_it_answers_only_an_authenticated_user(server):
    for method, route, body in [
        ("GET", "info", None),
        ("GET", "tables", None),
        ("POST", "queries/anonymous-1", {"sql": "SELECT 1"}),
        ("GET", "queries/anonymous-1", None),
        ("DELETE", "queries/anonymous-1", None),
    ]:
        status, _ = request(f"{server['query']}/{route}", method, body, token=None)
        assert status == 403, (method, route)
        status, _ = request(f"{server['query']}/{route}", method, body, token="not-the-token")
        assert status == 403, (method, route)


def test_a_cookie_authenticated_post_needs_the_xsrf_token(server):
    """A browser's request carries the login cookie: without the XSRF header, a POST is refused."""
    import urllib.request
    from http.cookiejar import CookieJar

    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{server['url']}/login?token={TOKEN}", timeout=30).read()
    opener.open(f"{server['url']}/api/status", timeout=30).read()
    xsrf = next((c.value for c in jar if c.name == "_xsrf"), None)
    assert xsrf
    body = json.dumps({"sql": "SELECT 42 AS n"}).encode()

    def send(headers: dict) -> int:
        req = urllib.request.Request(
            f"{server['query']}/queries/xsrf-{len(headers)}-{next(_ids)}",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", **headers},
        )
        try:
            with opener.open(req, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    assert send({}) == 403
    assert send({"X-XSRFToken": xsrf}) == 200


def test_a_refusal_and_a_malformed_request_are_the_contracts_error_bodies(server):
    status, text = post(server, "refused-1", "SELECT * FROM read_csv('/etc/passwd')")
    assert status == 403
    assert json.loads(text)["error"]["kind"] == "refused"
    status, text = request(f"{server['query']}/queries/bad-1", "POST", b"not json")
    assert (status, json.loads(text)) == (
        400,
        {"error": {"kind": "request", "message": 'Expected a JSON body {"sql": "…"}.'}},
    )
    status, text = post(server, "bad-2", "   ")
    assert status == 400 and "with the SQL text" in json.loads(text)["error"]["message"]
    status, text = post(server, "refused-1", "SELECT 1")
    assert (status, json.loads(text)["error"]["kind"]) == (400, "request")
    status, text = request(f"{server['query']}/queries/unknown-1")
    assert status == 404 and "No query unknown-1" in json.loads(text)["error"]["message"]


# ---- the shared files by range requests -------------------------------------------------------------


def raw(server, method: str, path: str, headers: dict | None = None, token: str | None = TOKEN):
    parts = urllib.parse.urlsplit(server["url"])
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    all_headers = {**({"Authorization": f"token {token}"} if token else {}), **(headers or {})}
    connection.request(method, path, headers=all_headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, response.headers, body


def test_the_shared_files_are_served_with_ranges(server):
    path = "shared/harmonised/catalog.json"
    data = (server["root"] / path).read_bytes()
    url = f"/odatis-vre/files/{path}"
    status, headers, body = raw(server, "HEAD", url)
    assert (status, body) == (200, b"")
    assert headers["Content-Length"] == str(len(data))
    assert headers["Accept-Ranges"] == "bytes"
    assert headers["Content-Security-Policy"].startswith("sandbox")
    assert headers["X-Content-Type-Options"] == "nosniff"
    status, headers, body = raw(server, "GET", url)
    assert (status, body) == (200, data)
    status, headers, body = raw(server, "GET", url, {"Range": "bytes=1000-1999"})
    assert status == 206
    assert headers["Content-Range"] == f"bytes 1000-1999/{len(data)}"
    assert headers["Content-Length"] == "1000"
    assert body == data[1000:2000]
    status, headers, body = raw(server, "GET", url, {"Range": "bytes=-100"})
    assert (status, body) == (206, data[-100:])
    status, headers, _ = raw(server, "GET", url, {"Range": f"bytes={len(data) + 10}-"})
    assert status == 416
    # The same bytes jupyter_server's /files/ gives whole.
    assert raw(server, "GET", f"/files/{path}")[2] == data


def test_the_shared_files_route_serves_only_the_shared_folder_read_only(server):
    root = server["root"]
    link = root / "shared-link-out"
    outside_link = root / "shared" / "escape.csv"
    try:
        outside_link.symlink_to(root.parent / "someone-else" / "secret.csv")
    except PermissionError:
        pytest.skip("the shared folder is read-only here")
    link.symlink_to(root / "shared")
    try:
        for path in [
            "notes/mine.csv",  # the user's own files: the server's /files/ serves them
            "shared/../notes/mine.csv",
            "shared/%2e%2e/notes/mine.csv",
            "shared/escape.csv",  # a link out of the shared folder
            "shared/nothing-here.csv",
            "shared",
            "../someone-else/secret.csv",
        ]:
            assert raw(server, "GET", f"/odatis-vre/files/{path}")[0] == 404, path
        # A link into it is the shared folder's file.
        assert raw(server, "GET", "/odatis-vre/files/shared-link-out/stations.csv")[0] == 200
        for method in ["PUT", "POST", "DELETE", "PATCH"]:
            assert raw(server, method, "/odatis-vre/files/shared/stations.csv")[0] in (403, 405), method
        assert (server["root"] / "shared" / "stations.csv").exists()
        assert raw(server, "GET", "/odatis-vre/files/shared/stations.csv", token=None)[0] == 403
    finally:
        outside_link.unlink()
        link.unlink()


# ---- the harmonised relation and relative paths -------------------------------------------------------


def test_the_harmonised_relation_is_the_typescript_one():
    """HARMONISED_RELATION and REQUIRED_COLUMNS say what packages/harmonised says (built by `tsc -b`)."""
    from odatis_vre.query import HARMONISED_RELATION, REQUIRED_COLUMNS

    script = (
        "const h = require('./packages/harmonised/lib');"
        "console.log(JSON.stringify([h.HARMONISED_RELATION, [...h.REQUIRED_COLUMNS]]))"
    )
    built = subprocess.run(["node", "-e", script], cwd=REPO, capture_output=True, check=True, text=True)
    relation, required = json.loads(built.stdout)
    assert [(c["name"], c["type"]) for c in relation] == HARMONISED_RELATION
    assert list(REQUIRED_COLUMNS) == required


def test_a_dataset_missing_a_column_has_it_as_nulls_of_its_type(tmp_path):
    """Parquet partitions written before `method` and `taxon_user` existed, and with `aphia_id` as BIGINT: the
    view has the relation's columns in order and types, the missing ones NULL, as DuckDB-WASM's has."""
    root = stage(tmp_path / "home")
    harmonised = root / "shared" / "harmonised"
    for partition in (harmonised / "parquet").rglob("*.parquet"):
        with duckdb.connect() as db:
            db.execute(
                f"COPY (SELECT * EXCLUDE (method, taxon_user) REPLACE (aphia_id::BIGINT AS aphia_id) "
                f"FROM read_parquet('{partition}', hive_partitioning = false)) TO '{partition}.older' (FORMAT parquet)"
            )
        Path(f"{partition}.older").replace(partition)
    (tmp_path / "config").mkdir()
    with jupyter_lab(root, tmp_path / "config", {}, app="server", cwd=root) as url:
        older = {"url": url, "query": f"{url}/{QUERY}"}
        described = query(older, "DESCRIBE harmonised").to_pydict()
        from odatis_vre.query import HARMONISED_RELATION

        assert list(zip(described["column_name"], described["column_type"])) == HARMONISED_RELATION
        counted = query(
            older,
            "SELECT count(*) AS n, count(method) AS methods, count(taxon_user) AS taxa, "
            "count(aphia_id) AS aphia FROM harmonised",
        ).to_pylist()[0]
        assert counted["n"] == SAMPLE_ROWS
        assert (counted["methods"], counted["taxa"]) == (0, 0)
        assert counted["aphia"] > 0


def test_a_dataset_without_a_required_column_is_not_attached_and_says_which():
    from odatis_vre.query import Failure, harmonised_select_list

    source = {"sno": "VARCHAR", "site_id": "VARCHAR", "time": "TIMESTAMP", "parameter": "VARCHAR"}
    source.update({"source_file": "VARCHAR", "source_row": "INTEGER"})
    with pytest.raises(Failure, match=r"^catalog.json: expected the harmonised columns value, quality, found only"):
        harmonised_select_list(source, "catalog.json")


def test_relative_paths_are_the_users_root_wherever_the_server_runs(tmp_path):
    """A server started in another folder (cwd is not its root): relative paths in SQL still name the user's
    files, never the working directory's, and the fence still refuses what is outside."""
    root = stage(tmp_path / "home")
    (root / "notes" / "it's.csv").write_text("quoted\n1\n")
    elsewhere = tmp_path / "cwd"
    (elsewhere / "notes").mkdir(parents=True)
    (elsewhere / "notes" / "mine.csv").write_text("mine\n666\n")  # the working directory's file: never read
    (tmp_path / "config").mkdir()
    with jupyter_lab(root, tmp_path / "config", {}, app="server", cwd=elsewhere) as url:
        away = {"url": url, "query": f"{url}/{QUERY}"}
        assert query(away, "SELECT mine FROM read_csv('notes/mine.csv')").column("mine").to_pylist() == [7]
        assert query(away, "SELECT * FROM 'notes/mine.csv'").column("mine").to_pylist() == [7]
        assert query(away, "SELECT mine FROM \"notes/mine.csv\"").column("mine").to_pylist() == [7]
        both = query(
            away,
            "-- café: a comment before, in UTF-8\n"
            "SELECT count(*) AS n FROM read_csv(['notes/mine.csv', 'notes/mine.csv'], header = true) "
            "WHERE mine IN (SELECT mine FROM read_csv('./notes/mine.csv')) "
            "AND 'notes/mine.csv' <> 'x'",
        )
        assert both.column("n").to_pylist() == [2]
        assert query(away, "SELECT quoted FROM read_csv('notes/it''s.csv')").column("quoted").to_pylist() == [1]
        assert query(away, "SELECT count(*) AS n FROM read_csv('shared/*.csv')").column("n").to_pylist() == [2]
        # DESCRIBE, SHOW, SUMMARIZE and EXPLAIN [ANALYZE] read the same file as SELECT (the root's, whose one
        # value is 7; the working directory's is 666).
        for sql in [
            "DESCRIBE 'notes/mine.csv'",
            "SHOW SELECT mine FROM read_csv('notes/mine.csv')",
            "DESCRIBE FROM \"notes/mine.csv\"",
        ]:
            described = query(away, sql).to_pydict()
            assert (described["column_name"], described["column_type"]) == (["mine"], ["BIGINT"]), sql
        for sql in ["SUMMARIZE 'notes/mine.csv'", "SUMMARIZE SELECT mine FROM read_csv('./notes/mine.csv')"]:
            summary = query(away, sql).to_pydict()
            assert (summary["min"], summary["max"]) == (["7"], ["7"]), sql
        # EXPLAIN was refused here (DuckDB checked the relative path against the working directory).
        plan = "".join(query(away, "EXPLAIN SELECT * FROM 'notes/mine.csv'").column("explain_value").to_pylist())
        assert "READ_CSV" in plan
        analyzed = "".join(
            query(away, "explain analyze SELECT mine FROM read_csv('notes/mine.csv') WHERE mine = 7")
            .column("explain_value")
            .to_pylist()
        )
        # The root's file, named in the plan (wrapped in its box).
        assert "Total Files Read: 1" in analyzed
        assert str(root.resolve() / "notes" / "mine.csv") in re.sub(r"[\s│]", "", analyzed)
        # Absolute, outside, by relative escape: refused as before.
        for sql in [
            "SELECT * FROM read_csv('../someone-else/secret.csv')",
            f"SELECT * FROM read_csv('{elsewhere}/notes/mine.csv')",
        ]:
            assert refused(away, sql).startswith("Refused: the server engine reads only the folders"), sql
