#!/usr/bin/env python3
"""measure-shutdown.sh: copies the synthetic tests made through the API until the database holds N (names numbered).

The copy is column-agnostic (PRAGMA table_info), so it follows the schema whatever migrations added."""
import sqlite3, sys

database, total = sys.argv[1], int(sys.argv[2])
db = sqlite3.connect(database)
columns = [row[1] for row in db.execute("PRAGMA table_info(SyntheticTests)") if row[1] not in ("Id",)]
templates = [row[0] for row in db.execute("SELECT Id FROM SyntheticTests ORDER BY Id")]
count = len(templates)
listed = ", ".join(f'"{c}"' for c in columns)
selected = ", ".join("? || ' ' || \"Name\"" if c == "Name" else f'"{c}"' for c in columns)
while count < total:
    template = templates[count % len(templates)]
    db.execute(f'INSERT INTO SyntheticTests ({listed}) SELECT {selected} FROM SyntheticTests WHERE Id = ?', (f"#{count}", template))
    count += 1
db.commit()
print(count)
