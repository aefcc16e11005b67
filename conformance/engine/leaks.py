"""Internal details in error text: OWASP ASVS 7.4.1 ("a generic message is shown when an
unexpected or security sensitive error occurs") and CWE-209 (generation of an error
message containing sensitive information).

One job: say whether a piece of error text exposes the server's internals, and show the
excerpt that does. Three families are recognised, each by the shapes the common stacks
actually print, so that an ordinary API message does not trip it: stack traces, database
errors (SQL syntax errors, SQLSTATE codes, driver and ORM exception names, a driver's
duplicate-key text), and the "no row found" errors ORMs raise for a lookup that matched
nothing. "Customer not found" is an API's answer; "sqlalchemy.orm.exc.NoResultFound" is
its ORM's.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["PATTERNS", "find", "find_in"]

MAX_EXCERPT = 120

#: family -> the shapes that family leaks in (each compiled on its own so a test can name it).
PATTERNS: dict[str, tuple[str, ...]] = {
    # Python, Java/.NET, Go, Node, PHP.
    "stack trace": (
        r"Traceback \(most recent call last\)",
        r"File \"[^\"\n]+\", line \d+",
        r"\n\s+at [\w$.<>]+\([\w.]*:\d+\)",
        r"goroutine \d+ \[",
        r"at (?:async )?[\w.<>]+ \(/[^)\n]+:\d+:\d+\)",
        r"Stack trace:\s*#0",
        r"\bSystem\.\w+Exception\b",
    ),
    # The syntax errors of MySQL/MariaDB, PostgreSQL, SQLite, SQL Server and Oracle, as each
    # words them (a quoted token after "near", "at or near", a numbered ORA- code).
    "SQL error": (
        r"You have an error in your SQL syntax",
        r"\bsyntax error at (?:or near \"[^\"\n]{0,80}\"|end of input)",
        r"\bnear \"[^\"\n]{0,80}\": syntax error",
        r"\bIncorrect syntax near\b",
        r"\bUnclosed quotation mark after the character string\b",
        r"\bORA-\d{5}\b",
        r"\brelation \"[^\"\n]+\" does not exist",
        r"\bduplicate key value violates unique constraint\b",
        r"\bDuplicate entry '[^'\n]{0,80}' for key\b",
        r"\bUNIQUE constraint failed: \w+\.\w+",
        r"\bSQLITE_[A-Z]{4,}\b",
        # SQLSTATE (ISO/IEC 9075): PDO's "SQLSTATE[23000]", libpq's "SQLSTATE 42P01".
        r"\bSQLSTATE\s*(?:\[[0-9A-Z]{5}\]|[:=]?\s*[0-9A-Z]{5}\b)",
    ),
    # Exception names of database drivers and ORMs (a class path, not a word).
    "database exception": (
        r"\bpsycopg2?\.(?:errors\.)?[A-Z]\w+",
        r"\bsqlalchemy\.(?:orm\.)?exc\.[A-Z]\w+",
        r"\bdjango\.db\.(?:utils\.)?[A-Z]\w+",
        r"\bsqlite3\.[A-Z]\w*Error\b",
        r"\b(?:MySQLdb|pymysql\.err|mysql\.connector\.errors)\.[A-Z]\w+",
        r"\borg\.hibernate(?:\.\w+)+",
        r"\borg\.springframework\.(?:dao|jdbc|orm)(?:\.\w+)+",
        r"\b(?:javax|jakarta)\.persistence\.[A-Z]\w+",
        r"\bjava\.sql\.\w*(?:Exception|Error)\b",
        r"\b(?:System|Microsoft)\.Data\.(?:\w+\.)*\w*Exception\b",
        r"\bNpgsql\.\w*Exception\b",
        r"\bPDOException\b",
        r"\bActiveRecord::[A-Z]\w+",
        r"\bSequel::[A-Z]\w+",
        r"\bSequelize\w*Error\b",
        r"\bPrismaClient\w*Error\b",
        r"\bEcto\.\w*Error\b",
        r"\bMongo\w*Error\b",
        r"\bE11000 duplicate key\b",
    ),
    # What an ORM or driver says when a lookup that had to match one row matched none.
    "no row found": (
        r"\bNo row was found when one was required\b",
        r"\bNoResultFound\b",
        r"\bEntityNotFoundException\b",
        r"\bEmptyResultDataAccessException\b",
        r"\bNoResultException\b",
        r"\bObjectDoesNotExist\b",
        r"\bDoesNotExist: ",
        r"\bmatching query does not exist\b",
        r"\bsql: no rows in result set\b",
        r"\bno rows returned by a query that expected to return at least one row\b",
    ),
}

_ANY = re.compile("|".join(f"(?:{shape})" for shapes in PATTERNS.values() for shape in shapes))


def find(text: str) -> str | None:
    """The first excerpt of ``text`` that exposes internals (the match to the end of its
    line, at most ``MAX_EXCERPT`` characters), or None."""
    match = _ANY.search(text)
    if match is None:
        return None
    end = text.find("\n", match.end())
    excerpt = text[match.start(): end if end != -1 else len(text)]
    return excerpt.strip()[:MAX_EXCERPT]


def find_in(document: Any) -> str | None:
    """``find`` over every string of a parsed JSON document (member names too): each is
    searched as the server wrote it, its escapes decoded."""
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            found = find(node)
            if found is not None:
                return found
        elif isinstance(node, dict):
            stack.extend(reversed([item for pair in node.items() for item in pair]))
        elif isinstance(node, list):
            stack.extend(reversed(node))
    return None
