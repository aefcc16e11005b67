"""Leaked internals in error bodies (OWASP ASVS 7.4.1, CWE-209; issue 14 item 14): stack
traces, database and ORM error text are found; ordinary API messages are not."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest

from conformance import reference
from conformance.catalog import load_catalog
from conformance.engine import failures as F
from conformance.engine import leaks
from conformance.engine.judge import Judge
from conformance.engine.transport import Exchange, OutgoingRequest

REPO = Path(__file__).resolve().parents[2]
SUITES = REPO / "suites"

# sample -> the excerpt ``find`` must return (the match to the end of its line)
LEAKS = {
    # stack traces
    "python": ('Bad request\nTraceback (most recent call last):\n  File "/srv/app.py", line 3', "Traceback (most recent call last):"),
    "python frame": ('failed in File "/srv/app/db.py", line 88, in query', 'File "/srv/app/db.py", line 88, in query'),
    "java": ("java.lang.IllegalStateException: boom\n\tat com.example.Orders.get(Orders.java:42)", "at com.example.Orders.get(Orders.java:42)"),
    "go": ("panic: runtime error\n\ngoroutine 17 [running]:", "goroutine 17 [running]:"),
    "node": ("TypeError: x is undefined\n    at handler (/app/src/orders.js:12:5)", "at handler (/app/src/orders.js:12:5)"),
    "php": ("Fatal error. Stack trace:\n#0 /var/www/index.php(12)", "Stack trace:\n#0 /var/www/index.php(12)"),
    ".net": ("System.NullReferenceException: Object reference not set", "System.NullReferenceException: Object reference not set"),
    # SQL syntax errors, as each database words them
    "mysql": ("You have an error in your SQL syntax; check the manual near 'WHERE' at line 1",
              "You have an error in your SQL syntax; check the manual near 'WHERE' at line 1"),
    "postgresql": ('ERROR: syntax error at or near "FROM"', 'syntax error at or near "FROM"'),
    "postgresql end": ("syntax error at end of input", "syntax error at end of input"),
    "sqlite": ('near "SELEC": syntax error', 'near "SELEC": syntax error'),
    "mssql": ("Incorrect syntax near the keyword 'WHERE'.", "Incorrect syntax near the keyword 'WHERE'."),
    "mssql quote": ("Unclosed quotation mark after the character string ''.", "Unclosed quotation mark after the character string ''."),
    "oracle": ("ORA-00942: table or view does not exist", "ORA-00942: table or view does not exist"),
    "postgresql relation": ('relation "customers" does not exist', 'relation "customers" does not exist'),
    "postgresql unique": ('duplicate key value violates unique constraint "users_email_key"',
                          'duplicate key value violates unique constraint "users_email_key"'),
    "mysql duplicate": ("Duplicate entry 'a@b.c' for key 'users.email'", "Duplicate entry 'a@b.c' for key 'users.email'"),
    "sqlite unique": ("UNIQUE constraint failed: users.email", "UNIQUE constraint failed: users.email"),
    "sqlite code": ("SQLITE_CONSTRAINT: NOT NULL constraint failed", "SQLITE_CONSTRAINT: NOT NULL constraint failed"),
    # SQLSTATE codes
    "sqlstate pdo": ("SQLSTATE[23000]: Integrity constraint violation", "SQLSTATE[23000]: Integrity constraint violation"),
    "sqlstate libpq": ("ERROR (SQLSTATE 42P01)", "SQLSTATE 42P01)"),
    # driver and ORM exception names
    "psycopg2": ("psycopg2.errors.UniqueViolation: duplicate", "psycopg2.errors.UniqueViolation: duplicate"),
    "psycopg2 plain": ("psycopg2.OperationalError: could not connect", "psycopg2.OperationalError: could not connect"),
    "sqlalchemy": ("(sqlalchemy.exc.IntegrityError) NOT NULL", "sqlalchemy.exc.IntegrityError) NOT NULL"),
    "django db": ("django.db.utils.IntegrityError: NOT NULL", "django.db.utils.IntegrityError: NOT NULL"),
    "sqlite3": ("sqlite3.OperationalError: database is locked", "sqlite3.OperationalError: database is locked"),
    "pymysql": ("pymysql.err.ProgrammingError: (1146)", "pymysql.err.ProgrammingError: (1146)"),
    "hibernate": ("org.hibernate.exception.ConstraintViolationException: could not execute",
                  "org.hibernate.exception.ConstraintViolationException: could not execute"),
    "spring dao": ("org.springframework.dao.DataIntegrityViolationException", "org.springframework.dao.DataIntegrityViolationException"),
    "jpa": ("javax.persistence.PersistenceException: x", "javax.persistence.PersistenceException: x"),
    "jdbc": ("java.sql.SQLException: Access denied", "java.sql.SQLException: Access denied"),
    "sqlclient": ("System.Data.SqlClient.SqlException (0x80131904)", "System.Data.SqlClient.SqlException (0x80131904)"),
    "npgsql": ("Npgsql.PostgresException: 23505", "Npgsql.PostgresException: 23505"),
    "pdo": ("Uncaught PDOException in /var/www", "PDOException in /var/www"),
    "activerecord": ("ActiveRecord::RecordNotFound (Couldn't find Order)", "ActiveRecord::RecordNotFound (Couldn't find Order)"),
    "sequel": ("Sequel::NoMatchingRow", "Sequel::NoMatchingRow"),
    "sequelize": ("SequelizeUniqueConstraintError: Validation error", "SequelizeUniqueConstraintError: Validation error"),
    "prisma": ("PrismaClientKnownRequestError: Invalid `prisma.user.create()`", "PrismaClientKnownRequestError: Invalid `prisma.user.create()`"),
    "ecto": ("** (Ecto.NoResultsError) expected at least one result", "Ecto.NoResultsError) expected at least one result"),
    "mongo": ("MongoServerError: E11000 duplicate key error collection: db.users", "MongoServerError: E11000 duplicate key error collection: db.users"),
    "mongo e11000": ("write failed: E11000 duplicate key error", "E11000 duplicate key error"),
    # ORM "no row found"
    "sqlalchemy no result": ("sqlalchemy.orm.exc.NoResultFound: No row was found when one was required",
                             "sqlalchemy.orm.exc.NoResultFound: No row was found when one was required"),
    "sqlalchemy message": ("No row was found when one was required", "No row was found when one was required"),
    "no result found": ("NoResultFound", "NoResultFound"),
    "jpa entity": ("EntityNotFoundException: Unable to find Order with id 7", "EntityNotFoundException: Unable to find Order with id 7"),
    "spring empty": ("EmptyResultDataAccessException: Incorrect result size", "EmptyResultDataAccessException: Incorrect result size"),
    "jpa no result": ("NoResultException: No entity found for query", "NoResultException: No entity found for query"),
    "django": ("ObjectDoesNotExist", "ObjectDoesNotExist"),
    "django model": ("DoesNotExist: Customer matching query does not exist.", "DoesNotExist: Customer matching query does not exist."),
    "django message": ("Customer matching query does not exist.", "matching query does not exist."),
    "go sql": ("sql: no rows in result set", "sql: no rows in result set"),
    "sqlx": ("no rows returned by a query that expected to return at least one row",
             "no rows returned by a query that expected to return at least one row"),
}

# What APIs say on purpose: none of these is a leak.
ORDINARY = [
    "Customer not found",
    "The field 'query' has a syntax error",
    "Invalid SQL-like filter",
    "No rows matched your search",
    "duplicate key in request",
    "order does not exist",
    "Record not found",
    "No row found for the given id",
    "Syntax error near ')' in the filter expression",
    "The request body has a syntax error at position 12",
    "The requested object does not exist",
    "Entity not found: order 42",
    "A customer with this email already exists",
    "Duplicate idempotency key",
    "Query parameter 'sort' must be one of: name, created",
    "Your SQL query could not be run",
    "sqlstate must be a string",
    "Transaction failed at line 3 of the batch",
    "Invalid ORA code",
    "Mongo id is malformed",
    "Traceback id: 7f3a",
    "The field 'file' is required",
    "Rate limit exceeded; retry after 30 seconds",
    "Request validation failed: amount must be positive",
]


@pytest.mark.parametrize("sample, excerpt", LEAKS.values(), ids=list(LEAKS))
def test_each_leak_is_found_with_its_excerpt(sample, excerpt):
    assert leaks.find(sample) == excerpt


@pytest.mark.parametrize("message", ORDINARY)
def test_ordinary_messages_are_not_leaks(message):
    assert leaks.find(message) is None


def test_every_shape_has_a_sample():
    """Each pattern is proven by a sample of the table (none is dead or untested)."""
    samples = [sample for sample, _ in LEAKS.values()]
    for family, shapes in leaks.PATTERNS.items():
        for shape in shapes:
            assert any(re.search(shape, sample) for sample in samples), (family, shape)


def test_an_excerpt_is_cut_to_its_line_and_length():
    text = "Request failed: ORA-01400: cannot insert NULL " + "x" * 300 + "\nsecond line"
    found = leaks.find(text)
    assert found.startswith("ORA-01400: cannot insert NULL ") and len(found) == leaks.MAX_EXCERPT


def test_every_string_of_a_document_is_searched_as_written():
    """A quoted token reads as the server wrote it, not JSON-escaped; member names count too."""
    document = {"error": {"code": "bad", "details": [{"reason": "ok"}, {"reason": 'near "FROM": syntax error'}]}}
    assert leaks.find_in(document) == 'near "FROM": syntax error'
    assert leaks.find_in({"SQLSTATE[42000]": 1}) == "SQLSTATE[42000]"
    assert leaks.find_in({"error": {"message": "Customer not found", "count": 3, "ok": None}}) is None


def _flowbrite_answer(message: str) -> Exchange:
    body = {"error": {"status": 400, "code": "api.common.validationFailed", "message": message,
                      "validationErrors": [{"field": "currency", "message": "must be an ISO 4217 code"}]}}
    headers = httpx.Headers({"Content-Type": "application/json", "X-Correlation-Id": "c0ffee00-0000-4000-8000-000000000001"})
    return Exchange(request=OutgoingRequest("POST", "http://127.0.0.1:1/v1/wallets"), status=400, headers=headers,
                    body=json.dumps(body).encode())


def test_the_judge_reports_a_database_error_as_leaked_internals():
    judge = Judge(load_catalog("flowbrite"))
    leaked = judge.judge(_flowbrite_answer('Request validation failed: syntax error at or near "WHERE"'), ("api.common.validationFailed",))
    failure = next(failure for failure in leaked.failures if isinstance(failure, F.InternalDetailsLeaked))
    assert failure.value("Found") == 'syntax error at or near "WHERE"'
    ordinary = judge.judge(_flowbrite_answer("The field 'query' has a syntax error"), ("api.common.validationFailed",))
    assert not any(isinstance(failure, F.InternalDetailsLeaked) for failure in ordinary.failures)


def _run_against_reference(pytester, fault: str | None):
    credentials = reference.credentials("flowbrite")
    with reference.start("flowbrite", fault=fault) as server:
        pytester._monkeypatch.setenv("CONFORMANCE_API_KEY", credentials["primary"])
        result = pytester.runpytest_subprocess(
            f"{SUITES}/test_fields.py::test_invalid_field_rejected[flowbrite:wallets.create.currency]",
            "-p", "no:randomly", "--catalog", "flowbrite", "--base-url", server.url, "--hypothesis-profile", "ci",
        )
    return result


def test_a_reference_api_that_leaks_sql_fails_the_suite_and_the_conforming_one_passes(pytester):
    leaking = _run_against_reference(pytester, "sql-leak")
    assert leaking.ret == pytest.ExitCode.TESTS_FAILED
    leaking.stdout.fnmatch_lines([
        "*Internal details leaked*",
        '*Found: psycopg2.errors.SyntaxError: syntax error at or near "WHERE"',
    ])
    conforming = _run_against_reference(pytester, None)
    assert conforming.ret == pytest.ExitCode.OK, conforming.stdout.str()[-3000:]
    assert conforming.parseoutcomes() == {"passed": 1}
    assert "Internal details leaked" not in conforming.stdout.str()
