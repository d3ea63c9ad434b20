"""What every part of the emulator shares and that imports no service and no HTTP layer:
errors, ids, permissions, the clock, callers and keys, the SQLite store primitives, the
query language, and the emulator's state.
"""
