"""What packaging and building a deployment can raise."""

from __future__ import annotations


class PackagingError(Exception):
    """A deployment could not be packed, unpacked or built."""


class NoDeployableFiles(PackagingError):
    """Every file under the function's `path` was ignored (the CLI refuses to push)."""


class UnsafeArchiveEntry(PackagingError):
    """An archive entry would land outside the destination or is not a plain file."""


class BuildError(PackagingError):
    """The build `commands` failed; `output` holds what they printed."""

    def __init__(self, message: str, output: str = ""):
        super().__init__(f"{message}\n{output}" if output else message)
        self.output = output


class SkippedSymlinkWarning(UserWarning):
    """A symlink resolving outside the project was left out of the deployment."""
