"""The HTTP plumbing every service shares (Starlette): parameters as Appwrite reads them
(`params`), JSON responses (`responses`), list queries on documents (`listing`), the one
place where errors become Appwrite's JSON error (`boundary`), and the execution clock
(`clock`). It imports `emulator.core` only, never a service.
"""
