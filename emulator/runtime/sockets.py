"""Which local process holds one end of a loopback TCP connection (Linux `/proc`).

The emulator uses it to attribute an API request that carries no execution key (a call
made with a user's JWT, say) to the function worker that made it. Elsewhere — no
`/proc` — `owner_pid` answers None and such requests stay unattributed.
"""

from __future__ import annotations

import os


def _inode(local_port: int, remote_port: int) -> str | None:
    """The socket inode of the connection whose local end is `local_port` and remote end
    `remote_port` (IPv4 and IPv6 tables)."""
    local, remote = f":{local_port:04X}", f":{remote_port:04X}"
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f, None)
                for line in f:
                    fields = line.split()
                    if len(fields) > 9 and fields[1].endswith(local) and fields[2].endswith(remote):
                        return fields[9]
        except OSError:
            continue
    return None


def owner_pid(local_port: int, remote_port: int, candidates: list[int]) -> int | None:
    """Which of the processes `candidates` holds the socket `local_port` → `remote_port`."""
    if not candidates:
        return None
    inode = _inode(local_port, remote_port)
    if inode is None:
        return None
    target = f"socket:[{inode}]"
    for pid in candidates:
        folder = f"/proc/{pid}/fd"
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            try:
                if os.readlink(f"{folder}/{name}") == target:
                    return pid
            except OSError:
                continue
    return None
