"""The Newsroom test suite uses the project's own pytest test client (emulator.testing):
fixture `appwrite` is a fresh emulator running every function of appwrite.json."""

import os
from pathlib import Path

# Every emulator the tests start (this project, its private copies, the lab and the
# starter project) shares one cache of built function environments.
os.environ.setdefault("APPWRITE_EMULATOR_CACHE", str(Path(__file__).parent / ".emulator-cache"))

pytest_plugins = ["emulator.testing"]
