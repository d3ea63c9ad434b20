"""The Newsroom test suite uses the project's own pytest test client (emulator.testing):
fixture `appwrite` is a fresh emulator running every function of appwrite.json."""

pytest_plugins = ["emulator.testing", "tests.contract.options"]
