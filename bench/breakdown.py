"""Where the API's time goes, from a py-spy raw profile: ``python bench/breakdown.py FILE``.

Reads collapsed stacks (``py-spy record --format raw``, as ``bench/profile_api.py`` writes
them), drops idle samples (thread-pool workers waiting for work, the event loop waiting in
``select``) and sorts the rest into the parts of a request: auth, idempotency, aggregate
load, encryption, event insert (with its table lock and commit), reading events back, the
view query, the thread-pool hand-off, routing and HTTP. Waiting on PostgreSQL counts under
the part that waits.
"""

from __future__ import annotations

import sys
from collections import Counter

IDLE = ("Queue.get", "select (selectors.py", "_worker (concurrent", "Condition.wait",
        "BaseEventLoop._run_once (asyncio/base_events.py:1898)")
PARTS = [
    ("auth (token verify)", ("Authenticator.actor", "jwt/")),
    ("idempotency", ("IdempotencyStore",)),
    ("event insert + table lock + commit", ("insert_events", "GroupCommitRecorder", "_append")),
    ("read back recorded events", ("_events_of_command",)),
    ("aggregate load (cache fast-forward / replay)", ("_case_for_command", "get_case (domain",
                                                      "Repository.get")),
    ("encryption (seal)", ("PersonalDataTranscoding.encode",)),
    ("domain rules", ("record_contact (domain/case",)),
    ("case view query", ("case_detail",)),
    ("response (validation, serialisation)", ("serialize_response", "jsonable_encoder",
                                              "JSONResponse", "_prepare_response_content")),
    ("request (body validation, dependencies)", ("request_body_to_args", "solve_dependencies",
                                                 "validate_python")),
    ("metrics", ("metrics",)),
    ("thread-pool hand-off", ("run_sync", "to_thread", "run_in_threadpool")),
    ("uvicorn HTTP", ("httptools", "h11")),
]


def breakdown(path: str) -> tuple[int, Counter[str]]:
    parts: Counter[str] = Counter()
    total = 0
    with open(path) as lines:
        for line in lines:
            stack, _, count = line.rstrip().rpartition(" ")
            frames = stack.split(";")
            if any(mark in frames[-1] for mark in IDLE):
                continue
            total += int(count)
            for name, marks in PARTS:
                if any(mark in frame for frame in frames for mark in marks):
                    parts[name] += int(count)
                    break
            else:
                parts["event loop, ASGI middleware, routing, other"] += int(count)
    return total, parts


def main(argv: list[str]) -> int:
    for path in argv:
        total, parts = breakdown(path)
        print(f"{path}: {total} busy samples")
        for name, count in parts.most_common():
            print(f"  {100 * count / total:5.1f}%  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
