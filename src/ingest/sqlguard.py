"""What `ingest sql` may run, decided on DuckDB's own parse of the text, never on its spelling.

One statement, of type SELECT (or an EXPLAIN of one SELECT), whose parse tree names only the
warehouse views, the query's own CTEs and a few table functions that read no file. This is the
second wall: the first is the connection (`warehouse.read_only_connection`: read-only file, no
file access outside the data root, no extensions, locked settings). The connection alone cannot
stop two things: DuckDB's allowed directories grant writes as well as reads, so COPY, EXPORT or
EXPLAIN ANALYZE COPY into the data root would overwrite stored Parquet files; and reading the
settings (current_setting, duckdb_settings, pg_settings) needs no file at all.

Tables and table functions are checked against an allow list, scalar functions against a deny
list: see TABLE_FUNCTIONS and SETTING_FUNCTIONS for why.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import duckdb

from ingest.errors import StoreError

# Table functions are the way a SELECT reaches files, other databases and the configuration
# (read_*, glob, parquet_*, sniff_csv, query('...'), json_execute_serialized_sql,
# duckdb_settings, duckdb_secrets, which_secret, pragma_*), and every extension adds more
# (read_xlsx, sqlite_scan, iceberg_scan, ...). A deny list would have to foresee all of them; an
# allow list only has to name what a query of the views needs: the catalog and a few generators.
TABLE_FUNCTIONS = frozenset(
    {
        "duckdb_columns",
        "duckdb_constraints",
        "duckdb_databases",
        "duckdb_functions",
        "duckdb_keywords",
        "duckdb_schemas",
        "duckdb_tables",
        "duckdb_types",
        "duckdb_views",
        "generate_series",
        "range",
        "unnest",
    }
)
# Scalar functions compute on values: hundreds of them (dates, strings, lists) are what queries
# are made of, and the few that reach outside the query read settings, variables or the
# environment. A deny list of those is short; an allow list would be long and always behind.
SETTING_FUNCTIONS = frozenset({"current_setting", "getenv", "getvariable"})
# SHOW TABLES and SHOW ALL TABLES list the catalog; other SHOW forms are refused
SHOW_SPECIALS = frozenset({'"tables"', "__show_tables_expanded"})
# query nodes that only read: a COPY_QUERY_NODE (or any other statement) may sit inside a CTE
# ("with w as (copy (select 1) to 'x.csv') select * from w" writes x.csv)
QUERY_NODES = frozenset({"SELECT_NODE", "SET_OPERATION_NODE", "RECURSIVE_CTE_NODE", "CTE_NODE"})
# the table references that only combine what the checked ones produce
PLAIN_REFS = frozenset({"EMPTY", "EXPRESSION_LIST", "JOIN", "PIVOT", "SUBQUERY"})
EXPLAIN_KEYWORDS = ("EXPLAIN", "ANALYZE")
PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_]*")
CATALOG_SQL = (
    "select database_name, schema_name, view_name, internal from duckdb_views() "
    "union all select database_name, schema_name, table_name, internal from duckdb_tables()"
)


@dataclass(frozen=True, slots=True)
class Checked:
    """A statement that passed the statement-type check: what to run, and the SELECT in it."""

    run: str
    select: str


def _is(statement: duckdb.Statement, kind: str) -> bool:
    """The statement's type by name (DuckDB 1.4's type stubs list no StatementType members)."""
    return getattr(statement.type, "name", "") == kind


def check_statement(sql: str) -> Checked:
    """One SELECT, or an EXPLAIN [ANALYZE] of one SELECT; anything else raises StoreError."""
    statements = _parse(sql)
    if len(statements) != 1:
        raise StoreError(f"expected one SQL statement, got {len(statements)}")
    statement = statements[0]
    if _is(statement, "SELECT"):
        return Checked(statement.query, statement.query)
    if not _is(statement, "EXPLAIN"):
        raise StoreError(f"only SELECT queries are allowed, not {_kind(statement)}")
    keywords, rest = _split_explain(statement.query)
    try:
        explained = _parse(rest)
    except StoreError as error:
        raise StoreError(f"EXPLAIN is allowed only of one SELECT ({error})") from None
    if len(explained) != 1 or not _is(explained[0], "SELECT"):
        kinds = " + ".join(_kind(s) for s in explained) or "nothing"
        raise StoreError(f"EXPLAIN is allowed only of one SELECT, not of {kinds}")
    # run the keywords and the very SELECT that was checked, nothing in between
    return Checked(f"{keywords} {explained[0].query}", explained[0].query)


def _parse(sql: str) -> list[duckdb.Statement]:
    try:
        statements = duckdb.extract_statements(sql)
        for statement in statements:
            _ = statement.type  # a type the Python client has no name for raises here
        return statements
    except duckdb.Error as error:
        raise StoreError(f"invalid SQL: {_first_line(error)}") from None
    except ValueError:
        raise StoreError(
            f"only SELECT queries are allowed, not {_first_word(sql)} (a statement type this "
            "DuckDB client cannot name)"
        ) from None


def _kind(statement: duckdb.Statement) -> str:
    """The statement's type, with the keyword it starts with when that differs (INSTALL is a
    LOAD statement, USE a SET statement, CHECKPOINT a CALL)."""
    word, kind = _first_word(statement.query), statement.type.name
    return kind if word in {kind, ""} else f"{word} (a {kind} statement)"


def _first_word(sql: str) -> str:
    for offset, token in duckdb.tokenize(sql):
        if token != duckdb.token_type.comment:
            return _shown(re.split(r"[^A-Za-z_]", sql[offset:], maxsplit=1)[0].upper())
    return ""


def _split_explain(sql: str) -> tuple[str, str]:
    """("EXPLAIN" or "EXPLAIN ANALYZE", the text after them), from DuckDB's tokenizer."""
    tokens = [t for t in duckdb.tokenize(sql) if t[1] != duckdb.token_type.comment]
    keywords: list[str] = []
    for offset, kind in tokens:
        word = re.split(r"[^A-Za-z]", sql[offset:], maxsplit=1)[0].upper()
        if kind != duckdb.token_type.keyword or word != EXPLAIN_KEYWORDS[len(keywords)]:
            return " ".join(keywords), sql[offset:]
        keywords.append(word)
        if len(keywords) == len(EXPLAIN_KEYWORDS):
            break
    rest = tokens[len(keywords)][0] if len(tokens) > len(keywords) else len(sql)
    return " ".join(keywords), sql[rest:]


def check_select(connection: duckdb.DuckDBPyConnection, select: str) -> None:
    """Walk the SELECT's parse tree: refuse any table, table function or setting reader that
    is not allowed. `connection` is the one that will run it (same parser, same catalog)."""
    try:
        text = connection.execute("select json_serialize_sql(?)", [select]).fetchall()[0][0]
        catalog = connection.execute(CATALOG_SQL).fetchall()
        database = str(connection.execute("select current_database()").fetchall()[0][0]).lower()
    except duckdb.Error as error:
        raise StoreError(f"cannot check this query: {_first_line(error)}") from None
    try:
        tree = json.loads(text)
    except RecursionError:
        raise StoreError("cannot check this query: it is nested too deeply") from None
    if tree.get("error"):
        raise StoreError(f"cannot check this query: {_one_line(str(tree.get('error_message')))}")
    views = {
        str(name).lower()
        for db, schema, name, internal in catalog
        if str(db).lower() == database and str(schema).lower() == "main" and not internal
    }
    taken = {str(name).lower() for _, _, name, _ in catalog} - views
    ctes = {str(entry["key"]).lower() for node in _nodes(tree) for entry in _ctes(node)}
    names = _Names(database, frozenset(views), frozenset(ctes - taken))
    for node in _nodes(tree):
        _check_node(node, names)


@dataclass(frozen=True, slots=True)
class _Names:
    database: str
    views: frozenset[str]
    # CTE names that name nothing in the catalog: where the CTE is out of scope they fail to
    # bind instead of reaching a catalog entry (pg_settings) or, with a dot, a file
    ctes: frozenset[str]


def _nodes(tree: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object of the parse tree, depth first."""
    pending = [tree]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            yield item
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def _ctes(node: dict[str, Any]) -> list[dict[str, Any]]:
    cte_map = node.get("cte_map")
    return list(cte_map.get("map", [])) if isinstance(cte_map, dict) else []


def _check_node(node: dict[str, Any], names: _Names) -> None:
    kind = node.get("type")
    if isinstance(kind, str) and kind.endswith("_NODE") and kind not in QUERY_NODES:
        shown = kind.removesuffix("_NODE").removesuffix("_QUERY")
        raise StoreError(f"{_shown(shown)} inside a query is not allowed: only SELECT")
    if "info_type" in node:
        raise StoreError(f"{_shown(str(node['info_type']))} inside a query is not allowed")
    if "function_name" in node:
        name = str(node["function_name"]).lower()
        if name in SETTING_FUNCTIONS:
            raise StoreError(f"function {_shown(name)}() is not allowed: it reads settings")
    if "alias" in node and "sample" in node and "class" not in node:  # a table reference
        kind = node.get("type")
        if kind == "BASE_TABLE":
            _check_table(node, names)
        elif kind == "TABLE_FUNCTION":
            _check_table_function(node)
        elif kind == "SHOW_REF":
            _check_show(node, names)
        elif kind not in PLAIN_REFS:
            raise StoreError(f"{_shown(kind)} in FROM is not allowed")


def _check_table(node: dict[str, Any], names: _Names) -> None:
    name = str(node.get("table_name", "")).lower()
    schema = str(node.get("schema_name", "")).lower()
    catalog = str(node.get("catalog_name", "")).lower()
    in_serving_file = schema in {"", "main", names.database} and catalog in {"", names.database}
    if name in names.views and in_serving_file:
        return
    if name in names.ctes and not schema and not catalog and PLAIN_NAME.fullmatch(name):
        return
    shown = ".".join(part for part in (catalog, schema, name) if part)
    raise StoreError(
        f"table {_shown(shown)} is not allowed: queries read the warehouse views "
        "(select view_name from duckdb_views() where not internal)"
    )


def _check_table_function(node: dict[str, Any]) -> None:
    function = node.get("function") or {}
    name = str(function.get("function_name", "")).lower()
    schema = str(function.get("schema", "")).lower()
    catalog = str(function.get("catalog", "")).lower()
    if name in TABLE_FUNCTIONS and schema in {"", "main"} and catalog in {"", "system"}:
        return
    raise StoreError(
        f"table function {_shown(name)}() is not allowed (allowed: "
        f"{', '.join(sorted(TABLE_FUNCTIONS))})"
    )


def _check_show(node: dict[str, Any], names: _Names) -> None:
    kind, table = node.get("show_type"), node.get("table_name")
    special = table in SHOW_SPECIALS and not node.get("schema_name")
    if kind == "SHOW_SPECIAL" or (kind == "DESCRIBE" and special):  # 1.4 says DESCRIBE
        if special:
            return
    elif kind in {"DESCRIBE", "SHOW", "SUMMARY"}:
        if node.get("query"):
            return  # DESCRIBE/SUMMARIZE of a query: walked like the rest
        if table:
            _check_table(node, names)
            return
    raise StoreError(f"SHOW {_shown(table or kind)} is not allowed")


def _shown(text: object) -> str:
    """A name as it appears in an error: one line, whatever characters it holds."""
    return _one_line(str(text))[:120]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _first_line(error: BaseException) -> str:
    """The first line of a DuckDB error (the rest points into the query text)."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
