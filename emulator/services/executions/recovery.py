"""The execution queue after a restart: what was waiting runs, what was running failed.

The queue lives in SQLite: an asynchronous execution is stored `waiting` with everything
needed to run it (`Invocation.record()`, kept in the execution's `held` field) in the same
write that creates it, so an event queued by an acknowledged write survives `kill -9`. On
start (`ExecutionsService.start`), `recover`:

* re-queues every `waiting` execution, in the order it was created, with its stored
  invocation (trigger, method, path, headers, body, event, parent, clock moment; fresh
  credentials are minted when it runs);
* marks every `processing` execution `failed` (status code 500, an error saying why), as
  Appwrite's functions worker records an execution whose executor call failed: it is not
  run again, because it may have done part of its work;
* marks `failed` a `waiting` execution that cannot run any more (its function left the
  manifest, or it was stored without its invocation by an older emulator).

`scheduled` executions are untouched: the scheduler starts them when they fall due.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from emulator.core import clock
from emulator.core.errors import AppwriteError

from .model import Execution, Invocation, Status
from .records import ExecutionRecords
from .runner import Runner

INTERRUPTED = (
    "Execution interrupted: the emulator stopped while this execution was running "
    "(killed or crashed). It was marked failed when the emulator started again and is not "
    "run twice; the function must repair what it left half done on its next run."
)
NOT_RUNNABLE = "Execution dropped from the queue after a restart: {reason}."


@dataclass
class Recovery:
    """What `recover` did, by execution id."""

    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def recover(records: ExecutionRecords, runner: Runner) -> Recovery:
    """Re-queue the stored `waiting` executions and fail the `processing` ones."""
    done = Recovery()
    for execution in records.with_status(Status.PROCESSING):
        _fail(records, execution, INTERRUPTED)
        done.failed.append(execution.id)
    for execution in records.with_status(Status.WAITING):
        reason = _not_runnable(runner, execution)
        if reason:
            _fail(records, execution, NOT_RUNNABLE.format(reason=reason))
            done.failed.append(execution.id)
            continue
        invocation = Invocation.from_record(execution.function_id, execution.held)
        runner.submit(runner.spec(execution.function_id), execution, invocation)
        done.requeued.append(execution.id)
    return done


def _not_runnable(runner: Runner, execution: Execution) -> str:
    if not execution.held:
        return "it was stored without its request (an older emulator kept the queue in memory)"
    try:
        runner.spec(execution.function_id)
    except AppwriteError:
        return f"function {execution.function_id} is no longer in appwrite.json"
    return ""


def _fail(records: ExecutionRecords, execution: Execution, error: str) -> None:
    execution.status = Status.FAILED
    execution.response_status_code = 500
    execution.errors = error
    execution.updated_at = clock.iso()
    execution.held = None
    records.save(execution)
