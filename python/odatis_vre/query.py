"""The server engine on a Jupyter server: `{base_url}odatis-vre/query/…`, native DuckDB next to the data.

It answers the HTTP contract of the embedded server's `QueryServer` (packages/query/src/server-protocol.ts
is the specification, packages/query/src/node/server.ts the other implementation), so that the browser's
`ServerQueryEngine` cannot tell them apart:

    GET    …/odatis-vre/query/info           → the engine, DuckDB's version, limits, load, relations, folders
    GET    …/odatis-vre/query/tables         → tables and views with their columns
    POST   …/odatis-vre/query/queries/{id}   ← {"sql": "…"} → the result as an Arrow IPC stream, batch by batch
    GET    …/odatis-vre/query/queries/{id}   → progress: state, rows sent, elapsed time, the error of a cut stream
    DELETE …/odatis-vre/query/queries/{id}   → cancel (DuckDB is interrupted); closing the POST does the same

A Jupyter server runs for one user (JupyterHub starts one per user), so one DuckDB instance per server is one
per user. It is a Jupyter API: only an authenticated user (token or login cookie), and a cookie-authenticated
POST or DELETE needs the XSRF token.

The fence, set when DuckDB starts and locked (`lock_configuration`) so that SQL cannot undo it:

- only the readable folders (the shared data and the user's own root) are reachable:
  `enable_external_access = false` with `allowed_directories` — no other file, no http(s) or s3 address;
- no extension is installed or loaded (auto-install, auto-load and community extensions off);
- nothing spills to disk (`temp_directory = ''`): beyond `memory_limit` a query fails with DuckDB's text;
- only statements that read run: DuckDB's parser (`extract_statements`, which parses without binding or
  running anything) must find SELECT statements only (SELECT, FROM, WITH, VALUES, DESCRIBE, SUMMARIZE, SHOW),
  or EXPLAIN of them; COPY … TO, CREATE, SET, INSTALL, LOAD, ATTACH, EXPORT… are refused, named.

Per query: a time limit (the query's connection is interrupted), DuckDB's memory limit (per instance: it
bounds the running queries together), at most `max_concurrent` queries at once and `max_queued` waiting,
beyond which the answer is busy. Queries run on a thread pool (DuckDB releases the GIL while it works); each
record batch is written to the response as DuckDB produces it and flushed, so the server holds one batch per
query, not the result.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
from jupyter_server.base.handlers import APIHandler
from tornado import iostream, web
from tornado.ioloop import IOLoop

#: URL of the contract, under the server's base URL (packages/query/src/server-protocol.ts QUERY_API_PATH).
ENDPOINT = "odatis-vre/query"
ARROW_STREAM_TYPE = "application/vnd.apache.arrow.stream"
ENGINE_HEADER = "X-Odatis-Engine"
ENGINE = "duckdb-server"

#: HTTP status of each error kind of the contract.
ERROR_STATUS = {"query": 400, "refused": 403, "cancelled": 409, "busy": 503, "request": 400}

#: Rows per record batch: DuckDB's vector size, so that a batch is one DuckDB chunk, as from the node server.
BATCH_ROWS = 2048

#: How long a finished query's progress (and error) stays readable by `GET queries/{id}`.
KEEP_FINISHED_S = 60

#: Largest accepted request body (the SQL text).
MAX_BODY_BYTES = 1 << 20

#: The harmonised dataset's relation, its DuckDB database file and the table in it
#: (packages/harmonised/src/layout.ts).
HARMONISED_VIEW = "harmonised"
DATABASE_TABLE = "harmonised"
HARMONISED_PARTITION_TYPES = {"sno": "VARCHAR", "site": "VARCHAR", "year": "INTEGER"}
#: The harmonised relation, in order: each column's DuckDB type (packages/harmonised/src/relation.ts,
#: `HARMONISED_RELATION`; test_query checks that both say the same).
HARMONISED_RELATION = [
    ("sno", "VARCHAR"),
    ("site_id", "VARCHAR"),
    ("site_name", "VARCHAR"),
    ("latitude", "DOUBLE"),
    ("longitude", "DOUBLE"),
    ("time", "TIMESTAMP"),
    ("depth", "DOUBLE"),
    ("parameter", "VARCHAR"),
    ("p01", "VARCHAR"),
    ("p02", "VARCHAR"),
    ("taxon", "VARCHAR"),
    ("aphia_id", "INTEGER"),
    ("value", "DOUBLE"),
    ("unit", "VARCHAR"),
    ("quality", "INTEGER"),
    ("source_flag", "VARCHAR"),
    ("source_file", "VARCHAR"),
    ("source_row", "INTEGER"),
    ("dataset", "VARCHAR"),
    ("sample_id", "VARCHAR"),
    ("source_column", "VARCHAR"),
    ("source_column_index", "INTEGER"),
    ("taxon_user", "VARCHAR"),
    ("taxon_qualifier", "VARCHAR"),
    ("method", "VARCHAR"),
    ("time_flag", "VARCHAR"),
    ("site", "VARCHAR"),
    ("year", "INTEGER"),
]
#: Columns without which a source is not a harmonised dataset (packages/harmonised `REQUIRED_COLUMNS`).
REQUIRED_COLUMNS = ("sno", "site_id", "time", "parameter", "value", "quality", "source_file", "source_row")


def harmonised_select_list(source: dict[str, str], what: str) -> str:
    """The select list of the harmonised relation over a source with these columns (name → DuckDB type), as
    packages/query `harmonisedSelectList` writes it: the relation's columns in order, a column the source
    lacks as NULL of its type, other types cast, times as UTC TIMESTAMPs; a missing required column is an
    error naming it."""
    missing = [c for c in REQUIRED_COLUMNS if c not in source]
    if missing:
        raise Failure(
            "query",
            f"{what}: expected the harmonised columns {', '.join(missing)}, found only {', '.join(source)}",
        )
    out = []
    for name, kind in HARMONISED_RELATION:
        column = quote_identifier(name)
        found = source.get(name)
        if found is None:
            out.append(f"NULL::{kind} AS {column}")
        elif found == kind:
            out.append(column)
        elif kind == "TIMESTAMP" and found == "TIMESTAMP WITH TIME ZONE":
            out.append(f"timezone('UTC', {column}) AS {column}")
        else:
            out.append(f"{column}::{kind} AS {column}")
    return ", ".join(out)

INTERNAL_PREFIX = "__odatis_"

#: A refused statement, named as the user wrote it, and why (packages/query/src/node/server.ts).
REFUSED_WORDS = {
    "COPY": "COPY (writes files)",
    "EXPORT": "EXPORT DATABASE (writes files)",
    "INSTALL": "INSTALL (extensions)",
    "LOAD": "LOAD (extensions)",
    "FORCE": "FORCE INSTALL (extensions)",
    "SET": "SET (settings)",
    "RESET": "RESET (settings)",
    "ATTACH": "ATTACH (databases)",
    "CALL": "CALL (use SELECT * FROM the function instead)",
}

_EXPLAIN = re.compile(r"^\s*EXPLAIN(\s+ANALYZE)?\s+", re.IGNORECASE)
_QUERY_ID = r"[A-Za-z0-9_-]{1,64}"


class Failure(Exception):
    """A failure with the error kind of the contract."""

    def __init__(self, kind: str, message: str, status: int | None = None):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status or ERROR_STATUS[kind]

    def body(self) -> dict:
        return {"error": {"kind": self.kind, "message": self.message}}


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def env_settings(env=os.environ) -> dict:
    """The limits from the environment, with the embedded server's names and defaults
    (packages/app/scripts/query-server.js)."""
    return {
        "enabled": env.get("ODATIS_VRE_QUERY_SERVER", "1") != "0",
        "timeout_s": float(env.get("ODATIS_VRE_QUERY_TIMEOUT_S") or 120),
        "memory_limit": env.get("ODATIS_VRE_QUERY_MEMORY") or "1GB",
        "max_concurrent": int(env.get("ODATIS_VRE_QUERY_CONCURRENCY") or 2),
        "max_queued": int(env.get("ODATIS_VRE_QUERY_QUEUE") or 8),
        "threads": int(env["ODATIS_VRE_QUERY_THREADS"]) if env.get("ODATIS_VRE_QUERY_THREADS") else None,
    }


@dataclass(frozen=True)
class Readable:
    """A folder SQL may read, and the name the user knows it by (`shared`, `your folder`)."""

    path: Path
    label: str


@dataclass
class Settings:
    #: The file browser's root: relative paths in SQL resolve there.
    root: Path
    readable: list[Readable]
    #: The harmonised dataset's folder (catalog.json), or None.
    harmonised: Path | None = None
    timeout_s: float = 120
    memory_limit: str = "1GB"
    max_concurrent: int = 2
    max_queued: int = 8
    threads: int | None = None


@dataclass
class Running:
    """A query the server knows: its progress as the contract shows it, and how to stop it."""

    id: str
    started: float = field(default_factory=time.monotonic)
    state: str = "queued"
    rows: int = 0
    elapsed_s: float | None = None
    error: dict | None = None
    #: Why the query was stopped, once it was.
    stopped: str | None = None
    #: The DuckDB connection it runs on, while it runs.
    cursor: duckdb.DuckDBPyConnection | None = None
    #: Its place in the queue, while it waits.
    waiting: asyncio.Future | None = None

    def progress(self) -> dict:
        elapsed = self.elapsed_s if self.elapsed_s is not None else time.monotonic() - self.started
        out = {"id": self.id, "state": self.state, "rows": self.rows, "elapsedMs": elapsed * 1000}
        if self.error:
            out["error"] = self.error
        return out


class Slots:
    """Bounded slots: `size` holders at once, `max_queued` waiting (first come, first served), the rest busy."""

    def __init__(self, size: int, max_queued: int):
        self.size = size
        self.max_queued = max_queued
        self.running = 0
        self.waiting: deque[asyncio.Future] = deque()

    @property
    def load(self) -> dict:
        return {"running": self.running, "queued": len(self.waiting)}

    async def acquire(self, running: Running):
        """Waits for a slot; returns the function that gives it back (once)."""
        if self.running >= self.size:
            if len(self.waiting) >= self.max_queued:
                raise Failure(
                    "busy",
                    f"The server engine is busy: {self.running} queries running and {len(self.waiting)} "
                    "waiting. Try again in a moment.",
                )
            future = asyncio.get_running_loop().create_future()
            self.waiting.append(future)
            running.waiting = future
            try:
                await future  # the slot is handed over by release(): `running` is unchanged
            finally:
                running.waiting = None
        else:
            self.running += 1
        released = False

        def release() -> None:
            nonlocal released
            if released:
                return
            released = True
            while self.waiting:
                future = self.waiting.popleft()
                if not future.done():
                    future.set_result(None)
                    return
            self.running -= 1

        return release

    def leave(self, running: Running, why: str) -> None:
        """A waiting query leaves the queue (cancelled)."""
        future = running.waiting
        if future is not None and not future.done():
            self.waiting.remove(future)
            future.set_exception(Failure("cancelled", why))


#: Table functions whose string arguments are file paths (read_csv, read_parquet, parquet_metadata, glob…).
_READS_FILES = re.compile(r"^(read_\w+|parquet_\w+|sniff_csv|glob)$", re.IGNORECASE)


def statement_keyword(text: str) -> str:
    match = re.match(r"\s*(\(|[A-Za-z_]+)", re.sub(r"--[^\n]*", " ", text))
    return match.group(1).upper() if match else ""


class QueryService:
    """Native DuckDB inside the fence, the queries it runs, and their progress."""

    def __init__(self, settings: Settings, log=None):
        self.settings = settings
        self.log = log
        self.queries: dict[str, Running] = {}
        self.slots = Slots(settings.max_concurrent, settings.max_queued)
        # One thread per running query (its blocking DuckDB calls), one for the rest (tables).
        self.pool = ThreadPoolExecutor(settings.max_concurrent + 1, thread_name_prefix="odatis-vre-query")
        self.db = self._open()
        # The parser of the fence runs on the server's thread: its own connection.
        self.parser = self.db.cursor()

    def _open(self) -> duckdb.DuckDBPyConnection:
        s = self.settings
        root = s.root.resolve()
        config = {
            "file_search_path": str(root),
            "autoinstall_known_extensions": "false",
            "autoload_known_extensions": "false",
            "allow_community_extensions": "false",
            "memory_limit": s.memory_limit,
            # Spilling to disk would write outside the fence: a query beyond the memory limit fails instead.
            "temp_directory": "",
        }
        if s.threads:
            config["threads"] = str(s.threads)
        db = duckdb.connect(":memory:", config=config)
        try:
            db.execute(f"SET allowed_directories = [{', '.join(map(quote_literal, self._allowed(root)))}]")
            db.execute("SET enable_external_access = false")
            self.relations = self._attach_harmonised(db)
            db.execute("SET lock_configuration = true")
            (self.memory_limit,) = db.execute("SELECT current_setting('memory_limit')::VARCHAR").fetchone()
            self.version = "v" + duckdb.__version__.lstrip("v")
        except BaseException:
            db.close()
            raise
        return db

    def _allowed(self, root: Path) -> list[str]:
        """allowed_directories: each readable folder by its real path and by its path relative to the root.

        DuckDB checks a relative path against the process's working directory but opens it under
        `file_search_path` (the root): a readable folder inside the root is allowed by its relative name
        too (`shared/`, which `shared/../elsewhere` does not match), and every relative path (`./`) only
        when the server runs in its root (as `jupyter lab` and JupyterHub's single-user servers do), so
        that a relative path can never name a file of another working directory.
        """
        allowed: list[str] = []
        cwd = Path.cwd().resolve()
        for folder in self.settings.readable:
            real = folder.path.resolve()
            allowed += [f"{real}/", f"{folder.path.absolute()}/"]
            try:
                relative = folder.path.absolute().relative_to(root)
            except ValueError:
                continue
            if str(relative) != ".":
                allowed.append(f"{relative.as_posix()}/")
            elif cwd == root:
                allowed.append("./")
        return list(dict.fromkeys(allowed))

    def _attach_harmonised(self, db: duckdb.DuckDBPyConnection) -> list[dict]:
        """The harmonised dataset as the view `harmonised`: its DuckDB database file when the catalogue
        names one (read in place, read-only), else its Parquet partitions."""
        folder = self.settings.harmonised
        catalog_file = folder / "catalog.json" if folder else None
        if catalog_file is None or not catalog_file.is_file():
            return []
        catalog = json.loads(catalog_file.read_text(encoding="utf-8"))
        view = quote_identifier(HARMONISED_VIEW)
        if catalog.get("databaseFile"):
            alias = quote_identifier(f"{INTERNAL_PREFIX}db_{HARMONISED_VIEW}")
            database = (folder / catalog["databaseFile"]).resolve()
            db.execute(f"ATTACH {quote_literal(str(database))} AS {alias} (READ_ONLY)")
            source, origin = f"{alias}.{quote_identifier(DATABASE_TABLE)}", "database"
        else:
            files = [str((folder / f["path"]).resolve()) for f in catalog.get("parquetFiles", [])]
            if not files:
                return []
            hive_types = ", ".join(f"{quote_literal(k)}: {t}" for k, t in HARMONISED_PARTITION_TYPES.items())
            source = (
                f"read_parquet([{', '.join(map(quote_literal, files))}], hive_partitioning = true, "
                f"union_by_name = true, hive_types = {{{hive_types}}})"
            )
            origin = "parquet"
        # The relation of packages/harmonised (relation.ts), the same in every engine: a column missing from a
        # dataset is NULL, times are UTC TIMESTAMPs.
        columns = {name: kind for name, kind, *_ in db.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
        select = harmonised_select_list(columns, str(catalog_file))
        db.execute(f"CREATE VIEW {view} AS SELECT {select} FROM {source}")
        (rows,) = db.execute(f"SELECT count(*) FROM {view}").fetchone()
        return [{"name": HARMONISED_VIEW, "rows": rows, "source": origin}]

    # ---- what the contract answers ------------------------------------------------------------------

    def info(self) -> dict:
        s = self.settings
        return {
            "engine": ENGINE,
            "version": self.version,
            "relations": self.relations,
            "limits": {
                "timeoutMs": round(s.timeout_s * 1000),
                "memoryLimit": self.memory_limit,
                "maxConcurrent": s.max_concurrent,
                "maxQueued": s.max_queued,
            },
            "load": self.slots.load,
            "readable": [f.label for f in s.readable],
        }

    def tables(self) -> list[dict]:
        """Tables and views with their columns (blocking: run on the pool)."""
        cursor = self.db.cursor()
        try:
            rows = cursor.execute(
                f"""SELECT c.schema_name, c.table_name,
                           CASE WHEN v.view_name IS NULL THEN 'table' ELSE 'view' END,
                           c.column_name, c.data_type, c.is_nullable
                      FROM duckdb_columns() c
                      LEFT JOIN duckdb_views() v
                        ON v.database_name = c.database_name AND v.schema_name = c.schema_name
                       AND v.view_name = c.table_name
                     WHERE NOT c.internal AND c.table_name NOT LIKE '{INTERNAL_PREFIX}%'
                       AND c.database_name NOT LIKE '{INTERNAL_PREFIX}%'
                     ORDER BY c.schema_name, c.table_name, c.column_index"""
            ).fetchall()
        finally:
            cursor.close()
        out: list[dict] = []
        for schema, name, kind, column, kind_of_column, nullable in rows:
            if not out or out[-1]["schema"] != schema or out[-1]["name"] != name:
                out.append({"schema": schema, "name": name, "kind": kind, "columns": []})
            out[-1]["columns"].append({"name": column, "type": kind_of_column, "nullable": nullable})
        return out

    def check_fence(self, sql: str) -> None:
        """Only reading statements run; DuckDB's parser decides. A syntax error is left for DuckDB to report
        when the query runs (with its own text)."""
        try:
            statements = self.parser.extract_statements(sql)
        except duckdb.ParserException:
            return
        if not statements:
            raise Failure("request", "The SQL text holds no statement.")
        refused: list[str] = []
        for statement in statements:
            kind, text = statement.type, statement.query
            explained = _EXPLAIN.match(text) if kind == duckdb.StatementType.EXPLAIN else None
            if explained:
                try:
                    inner = self.parser.extract_statements(text[explained.end() :])
                except duckdb.ParserException:
                    return
                if all(s.type == duckdb.StatementType.SELECT for s in inner):
                    continue
                text = text[explained.end() :]
            elif kind == duckdb.StatementType.SELECT:
                continue
            word = statement_keyword(text)
            refused.append(REFUSED_WORDS.get(word, word))
        if refused:
            named = ", ".join(dict.fromkeys(w for w in refused if w)) or "this statement"
            raise Failure(
                "refused",
                "Refused: the server engine only runs queries that read (SELECT, FROM, WITH, VALUES, DESCRIBE, "
                f"SUMMARIZE, SHOW, EXPLAIN); {named} is not run here. Results can be exported from the SQL "
                "workspace or a notebook instead.",
            )

    def absolute_paths(self, sql: str) -> str:
        """The SQL with each relative file path made absolute under the user's root, where the file browser
        shows it: `FROM 'data/x.csv'`, `read_parquet(['a.parquet', …])`. DuckDB would resolve it against the
        server's working directory, which is the root only when the server runs there. The fence still
        applies: DuckDB checks the absolute path against the readable folders. DuckDB's parser finds the
        paths (their places in the text), in SELECT and in DESCRIBE, SHOW and SUMMARIZE (a query or a path);
        EXPLAIN [ANALYZE], which it cannot serialise, by the statement it explains. Text it cannot serialise
        otherwise (several statements of which one is EXPLAIN…) is left as it is: its relative paths are
        then refused unless the server runs in the root.
        """
        explained = _EXPLAIN.match(sql)
        if explained:
            return sql[: explained.end()] + self.absolute_paths(sql[explained.end() :])
        try:
            (serialized,) = self.parser.execute("SELECT json_serialize_sql(?)", [sql]).fetchone()
            tree = json.loads(serialized)
        except (duckdb.Error, ValueError):
            return sql
        if tree.get("error"):
            return sql
        text = sql.encode("utf-8")
        root = self.settings.root.absolute()
        spans: dict[int, tuple[int, bytes]] = {}

        def path_at(at, value) -> None:
            """A relative path written as a quoted literal at byte `at`: replaced by the absolute one."""
            if not isinstance(at, int) or not isinstance(value, str) or not value or at >= len(text):
                return
            if value.startswith(("/", "~")) or "://" in value:
                return
            quote = text[at : at + 1]
            if quote not in (b"'", b'"'):
                return
            written = quote + value.replace(quote.decode(), quote.decode() * 2).encode("utf-8") + quote
            if text[at : at + len(written)] == written:
                absolute = os.path.normpath(root / value) + ("/" if value.endswith("/") else "")
                spans[at] = (len(written), quote_literal(absolute).encode("utf-8"))

        def arguments(node) -> None:
            if not isinstance(node, dict) or node.get("alias"):
                return  # a named parameter (compression = 'zstd') is not a path
            if node.get("class") == "CONSTANT" and (node.get("value") or {}).get("type", {}).get("id") == "VARCHAR":
                path_at(node.get("query_location"), node["value"].get("value"))
            elif node.get("class") == "FUNCTION" and node.get("function_name") == "list_value":
                for child in node.get("children", []):
                    arguments(child)

        def visit(node) -> None:
            if isinstance(node, list):
                for child in node:
                    visit(child)
                return
            if not isinstance(node, dict):
                return
            if node.get("type") == "BASE_TABLE" and not node.get("schema_name") and not node.get("catalog_name"):
                path_at(node.get("query_location"), node.get("table_name"))
            elif node.get("type") == "TABLE_FUNCTION":
                function = node.get("function") or {}
                if _READS_FILES.match(function.get("function_name", "")):
                    for child in function.get("children", []):
                        arguments(child)
            for child in node.values():
                visit(child)

        visit(tree.get("statements", []))
        for at in sorted(spans, reverse=True):
            length, replacement = spans[at]
            text = text[:at] + replacement + text[at + length :]
        return text.decode("utf-8")

    def failure_of(self, error: BaseException) -> Failure:
        """The contract's failure for an error: DuckDB's own fence errors become refusals naming the
        folders the user may read; DuckDB's other errors keep its text."""
        if isinstance(error, Failure):
            return error
        message = str(error)
        if isinstance(error, duckdb.Error):
            # DuckDB refuses a path outside allowed_directories itself; a network address first needs an
            # extension (httpfs), which is neither installed nor loaded here: both are the fence.
            if re.search(
                r"Permission Error|disabled by configuration|requires the extension \w+ to be loaded",
                message,
                re.IGNORECASE,
            ):
                folders = ", ".join(f.label for f in self.settings.readable)
                return Failure(
                    "refused",
                    f"Refused: the server engine reads only the folders {folders} (no other file, no network "
                    f"address). DuckDB said: {message}",
                )
            return Failure("query", message)
        return Failure("request", message or type(error).__name__)

    def stop(self, running: Running | None, why: str) -> None:
        """Stops a query (queued or running) once, saying why; DuckDB is interrupted until it stops."""
        if running is None or running.stopped or running.state in ("done", "failed", "cancelled"):
            return
        running.stopped = why
        self.slots.leave(running, why)
        self._interrupt(running)

    def _interrupt(self, running: Running) -> None:
        # A query whose blocking call has not begun yet would miss one interrupt: repeat while it runs.
        if running.cursor is not None and running.state == "running":
            running.cursor.interrupt()
            IOLoop.current().call_later(0.25, self._interrupt, running)

    def close(self) -> None:
        for running in list(self.queries.values()):
            self.stop(running, "The server is shutting down.")
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.db.close()


class _Chunks(io.RawIOBase):
    """Where the Arrow IPC stream writer writes: the bytes since they were last taken."""

    def __init__(self):
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        out, self.parts = b"".join(self.parts), []
        return out


class _ContractHandler(APIHandler):
    def initialize(self, service: QueryService) -> None:
        self.service = service

    def send_json(self, status: int, body) -> None:
        self.set_status(status)
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(body), set_content_type="application/json; charset=utf-8")

    def send_failure(self, failure: Failure) -> None:
        self.send_json(failure.status, failure.body())


class InfoHandler(_ContractHandler):
    @web.authenticated
    def get(self) -> None:
        self.send_json(200, self.service.info())


class TablesHandler(_ContractHandler):
    @web.authenticated
    async def get(self) -> None:
        tables = await IOLoop.current().run_in_executor(self.service.pool, self.service.tables)
        self.send_json(200, tables)


class QueryHandler(_ContractHandler):
    running: Running | None = None

    @web.authenticated
    def get(self, query_id: str) -> None:
        running = self.service.queries.get(query_id)
        if running is None:
            self.send_failure(
                Failure(
                    "request",
                    f"No query {query_id} is known to the server (finished over a minute ago?).",
                    404,
                )
            )
        else:
            self.send_json(200, running.progress())

    @web.authenticated
    def delete(self, query_id: str) -> None:
        running = self.service.queries.get(query_id)
        self.service.stop(running, "Query cancelled.")
        self.set_status(204 if running else 404)
        self.finish()

    @web.authenticated
    async def post(self, query_id: str) -> None:
        service = self.service
        if query_id in service.queries:
            self.send_failure(
                Failure("request", f"A query {query_id} already exists: use a new id for each query.")
            )
            return
        try:
            sql = self._sql()
        except Failure as failure:
            self.send_failure(failure)
            return
        running = self.running = Running(query_id)
        service.queries[query_id] = running
        loop = IOLoop.current()
        timer = loop.call_later(
            service.settings.timeout_s,
            service.stop,
            running,
            f"The query ran longer than the server's limit of {service.settings.timeout_s:g} s and was stopped.",
        )
        release = None
        try:
            release = await service.slots.acquire(running)
            # Woken from the queue after its client left: give the slot back at once.
            if running.stopped:
                raise Failure("cancelled", running.stopped)
            running.state = "running"
            service.check_fence(sql)
            await self._stream(service.absolute_paths(sql), running)
            running.state = "done"
        except Exception as error:  # every failure is answered, as the contract says
            failure = Failure("cancelled", running.stopped) if running.stopped else service.failure_of(error)
            running.state = "cancelled" if running.stopped else "failed"
            running.error = failure.body()["error"]
            if not self._headers_written:
                self.send_failure(failure)
            elif self.request.connection and not self.request.connection.stream.closed():
                # Mid-stream: the Arrow stream is cut short; GET queries/{id} says why.
                self.request.connection.stream.close()
        finally:
            loop.remove_timeout(timer)
            if release:
                release()
            running.elapsed_s = time.monotonic() - running.started
            loop.call_later(KEEP_FINISHED_S, service.queries.pop, query_id, None)

    def on_connection_close(self) -> None:
        # The client went away before the whole answer: stop DuckDB.
        if self.running and self.running.state in ("queued", "running"):
            self.service.stop(self.running, "Query cancelled: the client closed the connection.")

    def _sql(self) -> str:
        if len(self.request.body) > MAX_BODY_BYTES:
            raise Failure("request", f"The request is larger than {MAX_BODY_BYTES} bytes.")
        try:
            body = json.loads(self.request.body)
        except ValueError:
            raise Failure("request", 'Expected a JSON body {"sql": "…"}.') from None
        sql = body.get("sql") if isinstance(body, dict) else None
        if not isinstance(sql, str) or not sql.strip():
            raise Failure("request", 'Expected a JSON body {"sql": "…"} with the SQL text.')
        return sql

    async def _stream(self, sql: str, running: Running) -> None:
        """DuckDB's result as an Arrow IPC stream: each record batch is written and flushed as DuckDB
        produces it; headers go once the first batch (or the end) is known."""
        service = self.service
        loop = IOLoop.current()
        cursor = running.cursor = service.db.cursor()
        chunks = _Chunks()
        state: dict = {}

        def execute() -> None:
            if running.stopped:
                raise Failure("cancelled", running.stopped)
            state["reader"] = cursor.execute(sql).fetch_record_batch(BATCH_ROWS)

        def next_bytes() -> bytes | None:
            """The next batch as IPC bytes (the schema before the first), or None at the end."""
            reader: pa.RecordBatchReader = state["reader"]
            if "writer" not in state:
                state["writer"] = pa.ipc.new_stream(chunks, reader.schema)
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                state["writer"].close()
                state["done"] = True
                return chunks.take()
            state["writer"].write_batch(batch)
            running.rows += batch.num_rows
            return chunks.take()

        try:
            await loop.run_in_executor(service.pool, execute)
            data = await loop.run_in_executor(service.pool, next_bytes)
            self.set_status(200)
            self.set_header("Content-Type", ARROW_STREAM_TYPE)
            self.set_header("Cache-Control", "no-store")
            self.set_header(ENGINE_HEADER, ENGINE)
            while True:
                self.write(data)
                await self.flush()  # waits while the client reads slower than DuckDB produces
                if state.get("done"):
                    break
                if running.stopped:
                    raise Failure("cancelled", running.stopped)
                data = await loop.run_in_executor(service.pool, next_bytes)
            running.state = "done"  # every byte is written: a progress request may come before finish returns
            await self.finish(set_content_type=ARROW_STREAM_TYPE)
        except iostream.StreamClosedError:
            service.stop(running, "Query cancelled: the client closed the connection.")
            raise
        finally:
            running.cursor = None
            await loop.run_in_executor(service.pool, cursor.close)


def handlers(service: QueryService) -> list[tuple]:
    options = {"service": service}
    return [
        (f"{ENDPOINT}/info", InfoHandler, options),
        (f"{ENDPOINT}/tables", TablesHandler, options),
        (f"{ENDPOINT}/queries/({_QUERY_ID})", QueryHandler, options),
    ]
