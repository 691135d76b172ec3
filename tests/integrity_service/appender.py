"""A stand-alone ledger writer for multi-process tests: ``python appender.py URL KEY N BATCH``.

Appends N entries in transactions of BATCH entries and prints ``committed <size>`` after
each commit, so a test can kill it at a chosen moment.
"""

from __future__ import annotations

import sys

from integrity_service import create_app, db
from integrity_service.ledger_store import SqlLedger
from ledger.append import Draft


def main() -> None:
    """Append entries as the command line says."""
    url, key_file, count, batch = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    writer = sys.argv[5] if len(sys.argv) > 5 else "writer"
    app = create_app({"DATABASE_URL": url, "KEY_FILE": key_file, "LOG_ORIGIN": "x/y"})
    with app.app_context():
        done = 0
        while done < count:
            n = min(batch, count - done)
            with db.write_session(db.sessions()) as session:
                drafts = [
                    Draft("test.appended", writer, {"writer": writer, "i": done + i})
                    for i in range(n)
                ]
                print("writing", flush=True)
                prepared = SqlLedger(session).append(drafts)
            done += n
            print(f"committed {prepared[-1].seq + 1}", flush=True)


if __name__ == "__main__":
    main()
