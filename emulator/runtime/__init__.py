"""An open-runtimes-compatible Python runtime: worker processes and the executor.

`context.py` and `worker.py` are standard-library only (they run under a function's own
interpreter); `executor.py` starts workers and talks the open-runtimes HTTP protocol.
"""

from .environment import function_env
from .executor import ColdStartError, Deployment, ExecutionResult, Executor

__all__ = ["ColdStartError", "Deployment", "ExecutionResult", "Executor", "function_env"]
