"""The emulator's state as files: export it, import it, and seed a project from a file.

* `export_state(state, DIR)` / `import_state(state, DIR)` — a documented, versioned,
  human-readable copy of a data folder (`python -m emulator export|import`,
  `serve --import DIR --export-on-exit DIR`); see `export.py` for the format.
* `apply_seed(...)` — a generic seed file (JSON or YAML: users, teams, memberships, rows,
  files) for any appwrite.json project (`serve --seed FILE.json`); see `seed.py`.
"""

from .export import FORMAT, VERSION, StateFileError, export_state, import_state

__all__ = ["FORMAT", "VERSION", "StateFileError", "export_state", "import_state"]
