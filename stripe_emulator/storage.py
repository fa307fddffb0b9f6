"""State on disk: one SQLite file under `--data-dir`, serialised by one process-wide lock.

Every API request runs inside `store.tx()`: it holds the lock and one SQLite transaction, so a request
sees and leaves a consistent state however many threads hammer the same object, and a crash midway
leaves nothing half written. The emulator's clock (real time plus an offset the control API can move)
lives here too, because expiry and webhook retries are scheduled against it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

DB_NAME = "emulator.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    type TEXT NOT NULL,
    id TEXT NOT NULL,
    created INTEGER NOT NULL,
    parent TEXT,
    data TEXT NOT NULL,
    internal TEXT NOT NULL DEFAULT '{}',
    UNIQUE (type, id)
);
CREATE INDEX IF NOT EXISTS objects_type_created ON objects (type, created, seq);
-- A parent's children of one type in creation order (a session's line items), without reading the type's others.
DROP INDEX IF EXISTS objects_parent;
CREATE INDEX IF NOT EXISTS objects_parent_type_created ON objects (parent, type, created, seq);
-- What is still open, by type and expiry: every API request expires the sessions that are due (expire_due),
-- which must not read every session ever made. The query repeats this WHERE so SQLite can use the index.
CREATE INDEX IF NOT EXISTS objects_open_expiry ON objects (type, json_extract(data, '$.expires_at'))
    WHERE json_extract(data, '$.status') = 'open';
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS idempotency (
    api_key TEXT NOT NULL,
    key TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (api_key, key)
);
CREATE TABLE IF NOT EXISTS faults (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    method TEXT,
    path TEXT NOT NULL,
    kind TEXT NOT NULL,
    remaining INTEGER NOT NULL,
    options TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    endpoint_id TEXT NOT NULL,
    url TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    due_at REAL NOT NULL,
    created REAL NOT NULL,
    last_status_code INTEGER,
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, due_at);
CREATE TABLE IF NOT EXISTS attempts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id TEXT NOT NULL,
    number INTEGER NOT NULL,
    at REAL NOT NULL,
    duration_ms INTEGER NOT NULL,
    status_code INTEGER,
    error TEXT,
    response TEXT
);
CREATE TABLE IF NOT EXISTS tasks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    due_at REAL NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL
);
"""

# Tables emptied by a reset; `kv` keeps the account id so dj-stripe's mirror of the account stays valid.
_RESET_TABLES = ("objects", "idempotency", "faults", "deliveries", "attempts", "tasks")
_RESET_KEYS = ("clock_offset", "webhook_mode")


class Store:
    def __init__(self, data_dir: Path):
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / DB_NAME
        self.lock = threading.RLock()
        self._depth = 0
        self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)
        self._offset = float(self.kv_get("clock_offset", 0.0))

    def close(self) -> None:
        with self.lock:
            self.db.close()

    @contextmanager
    def tx(self) -> Iterator[Store]:
        """Hold the lock and one transaction; nested calls join the outer one."""
        with self.lock:
            outer = self._depth == 0
            if outer:
                self.db.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield self
            except BaseException:
                self._depth -= 1
                if outer:
                    self.db.execute("ROLLBACK")
                    self._offset = float(self.kv_get("clock_offset", 0.0))
                raise
            self._depth -= 1
            if outer:
                self.db.execute("COMMIT")

    def execute(self, sql: str, args: tuple | list = ()) -> sqlite3.Cursor:
        with self.lock:
            return self.db.execute(sql, args)

    # -- clock ---------------------------------------------------------------------------------
    def now_float(self) -> float:
        return time.time() + self._offset

    def now(self) -> int:
        return int(self.now_float())

    def advance_clock(self, seconds: float) -> float:
        with self.tx():
            self._offset += seconds
            self.kv_set("clock_offset", self._offset)
        return self.now_float()

    # -- key/value -----------------------------------------------------------------------------
    def kv_get(self, key: str, default: Any = None) -> Any:
        row = self.execute("SELECT value FROM kv WHERE key = ?", (key,)).fetchone()
        return json.loads(row["value"]) if row else default

    def kv_set(self, key: str, value: Any) -> None:
        self.execute("INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)", (key, json.dumps(value)))

    # -- objects -------------------------------------------------------------------------------
    def insert(self, type_: str, data: dict, *, parent: str | None = None, internal: dict | None = None) -> dict:
        self.execute(
            "INSERT INTO objects (type, id, created, parent, data, internal) VALUES (?, ?, ?, ?, ?, ?)",
            (
                type_,
                data["id"],
                data.get("created") or self.now(),
                parent,
                json.dumps(data),
                json.dumps(internal or {}),
            ),
        )
        return data

    def exists(self, type_: str, object_id: str) -> bool:
        return (
            self.execute("SELECT 1 FROM objects WHERE type = ? AND id = ?", (type_, object_id)).fetchone() is not None
        )

    def get(self, type_: str, object_id: str) -> dict | None:
        row = self.execute("SELECT data FROM objects WHERE type = ? AND id = ?", (type_, object_id)).fetchone()
        return json.loads(row["data"]) if row else None

    def internal(self, type_: str, object_id: str) -> dict:
        row = self.execute("SELECT internal FROM objects WHERE type = ? AND id = ?", (type_, object_id)).fetchone()
        return json.loads(row["internal"]) if row else {}

    def parent_of(self, type_: str, object_id: str) -> str | None:
        row = self.execute("SELECT parent FROM objects WHERE type = ? AND id = ?", (type_, object_id)).fetchone()
        return row["parent"] if row else None

    def update(self, type_: str, data: dict, *, internal: dict | None = None) -> dict:
        if internal is None:
            self.execute("UPDATE objects SET data = ? WHERE type = ? AND id = ?", (json.dumps(data), type_, data["id"]))
        else:
            self.execute(
                "UPDATE objects SET data = ?, internal = ? WHERE type = ? AND id = ?",
                (json.dumps(data), json.dumps(internal), type_, data["id"]),
            )
        return data

    def delete(self, type_: str, object_id: str) -> None:
        self.execute("DELETE FROM objects WHERE type = ? AND id = ?", (type_, object_id))

    def all(
        self,
        type_: str,
        *,
        parent: str | None = None,
        created: dict[str, int] | None = None,
        oldest_first: bool = False,
    ) -> list[dict]:
        """Objects of one type, newest first (Stripe's list order) unless `oldest_first`."""
        sql = "SELECT data FROM objects WHERE type = ?"
        args: list[Any] = [type_]
        if parent is not None:
            sql += " AND parent = ?"
            args.append(parent)
        operators = {"eq": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
        for name, value in (created or {}).items():
            sql += f" AND created {operators[name]} ?"
            args.append(value)
        sql += " ORDER BY created ASC, seq ASC" if oldest_first else " ORDER BY created DESC, seq DESC"
        return [json.loads(row["data"]) for row in self.execute(sql, args).fetchall()]

    def count(self, type_: str) -> int:
        return self.execute("SELECT COUNT(*) AS n FROM objects WHERE type = ?", (type_,)).fetchone()["n"]

    # -- scheduled tasks (run by the ticker against the emulator clock) ------------------------
    def schedule(self, kind: str, payload: dict, *, due_at: float) -> None:
        self.execute("INSERT INTO tasks (due_at, kind, payload) VALUES (?, ?, ?)", (due_at, kind, json.dumps(payload)))

    def pop_due_tasks(self) -> list[tuple[str, dict]]:
        rows = self.execute(
            "SELECT seq, kind, payload FROM tasks WHERE due_at <= ? ORDER BY due_at, seq", (self.now_float(),)
        ).fetchall()
        for row in rows:
            self.execute("DELETE FROM tasks WHERE seq = ?", (row["seq"],))
        return [(row["kind"], json.loads(row["payload"])) for row in rows]

    # -- reset ---------------------------------------------------------------------------------
    def reset(self) -> None:
        with self.tx():
            for table in _RESET_TABLES:
                self.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
            for key in _RESET_KEYS:
                self.execute("DELETE FROM kv WHERE key = ?", (key,))
            self._offset = 0.0
