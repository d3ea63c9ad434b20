"""Each function's environment, built from its own requirements.txt as Appwrite builds it,
and kept in a cache so that restarts are instant and work offline.

On Appwrite a deployment's build creates a venv `runtime-env` in the deployment root with
the runtime's `python3` and runs the function's `commands` in it (reference
appwrite-runtime.md §2.1); the function then runs on that venv and nothing else. Here:

* the interpreter is the declared runtime's (`emulator.runtime.interpreters`);
* the build (`builder.build`) runs in a copy of the deployment under
  `<cache>/envs/<key>/`, where `key` digests the commands, requirements.txt and the
  interpreter — so an unchanged function reuses its environment, functions with the
  same requirements share one, and a changed requirements.txt gives a new build;
* commands other than a plain `pip install -r requirements.txt` (or a requirements.txt
  that points at local files) may read or write any file of the deployment: their key
  also digests every file, and the worker serves that built copy, as Appwrite serves
  the build output;
* a trailing `python -m compileall …` step after a plain install (bytecode compiled at
  build time, so a fresh container does not compile the function's sources on its first
  request) does not make the build depend on every file: the environment is built (or
  reused) from the install part, and the compile step runs in the deployment that the
  worker serves, each time it is re-packed — what Appwrite's build leaves, without a
  reinstall on every edit;
* a failed build raises `BuildError` with the commands' output; nothing is cached, so
  the next change (or restart) builds again.

The cache folder is `<project>/.emulator-cache/` (it ignores itself in git), or
`$APPWRITE_EMULATOR_CACHE`; see docs/decisions/0014-function-environments.md.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from emulator.runtime.executor import Environment
from emulator.runtime.interpreters import Interpreter, find_interpreter, host_interpreter

from .builder import ENV_DIR, build, build_environment, run_in_environment
from .errors import BuildError

CACHE_VARIABLE = "APPWRITE_EMULATOR_CACHE"
CACHE_DIR_NAME = ".emulator-cache"
# Part of every key: bump it when the way environments are built changes.
BUILDER_VERSION = "1"
DONE = ".built.json"

# The compile step's bytecode, kept by the digest of what it compiled (`compile`); the most
# recently used entries are kept, the others removed.
BYTECODE_DIR = "bytecode"
# The bundled pip that installs pip into each new venv, kept unpacked (`builder.build`).
PIP_DIR = "pip"
BYTECODE_ENTRIES = 256
_BYTECODE_SETTINGS = ("SOURCE_DATE_EPOCH",)  # with every PYTHON* variable

# The emulator's controllable clock needs time-machine in the worker's interpreter. It is
# installed once per interpreter into a folder of its own, outside runtime-env, so the
# function cannot import it (see worker.py). Versions: the newest for each Python.
CLOCK_PACKAGES = {
    (3, 8): ["time-machine==2.15.0"],
    (3, 9): ["time-machine==2.19.0"],
    (3, 10): ["time-machine==2.19.0"],
}
CLOCK_PACKAGES_DEFAULT = ["time-machine==3.6.0"]  # 3.11 and newer; the dev group's pin

_PLAIN_COMMANDS = re.compile(
    r"^(?:python3?\s+-m\s+)?pip3?\s+install"
    r"(?:\s+(?:-q|--quiet|-U|--upgrade|--no-cache-dir|--prefer-binary|--disable-pip-version-check))*"
    r"\s+(?:-r|--requirement)\s+(?:\./)?requirements\.txt"
    r"(?:\s+(?:-q|--quiet|-U|--upgrade|--no-cache-dir|--prefer-binary|--disable-pip-version-check))*$"
)
# A last step that only compiles bytecode: `… && python -m compileall [options] [paths]`.
_COMPILE_STEP = re.compile(
    r"^(?P<rest>.*?)\s*&&\s*(?P<step>python3?\s+-m\s+compileall(?:\s+[\w./=-]+)*)$"
)
# Requirement lines that make the result depend on other files of the deployment.
_LOCAL_REFERENCE = re.compile(
    r"^\s*(?:-r|-c|-e|--requirement|--constraint|--editable|\.|/|file:)|@\s*file:"
)

Report = Callable[[str], None]


def report_to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def cache_dir(project_root: str | os.PathLike[str]) -> Path:
    """The build cache of a project: `$APPWRITE_EMULATOR_CACHE`, else
    `<project_root>/.emulator-cache` (created with a `.gitignore` that ignores it all)."""
    configured = os.environ.get(CACHE_VARIABLE)
    folder = Path(configured) if configured else Path(project_root) / CACHE_DIR_NAME
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Built function environments (Appwrite emulator): never commit.\n*\n")
    return folder.resolve()


@dataclasses.dataclass(frozen=True)
class BuiltEnvironment:
    key: str
    place: Path  # the built copy of the deployment; runtime-env/ is inside
    interpreter: Interpreter
    serves_build: bool  # the commands may have written files: serve `place`, not the source
    clock_support: Path | None  # where time-machine is for this interpreter (None: unavailable)
    cached: bool
    seconds: float
    bytecode_cached: bool = False  # the compile step's bytecode was put back, not compiled

    @property
    def python(self) -> Path:
        return self.place / ENV_DIR / "bin" / "python"


def split_compile_step(commands: str) -> tuple[str, str]:
    """(the commands before it, the trailing `python -m compileall …` step or "")."""
    text = " ".join(commands.split())
    found = _COMPILE_STEP.match(text)
    return (found["rest"], found["step"]) if found else (commands, "")


def is_plain(commands: str, requirements: bytes) -> bool:
    """True when the build only installs requirements.txt from an index (or nothing)."""
    text = " ".join(commands.split())
    if text and not _PLAIN_COMMANDS.match(text):
        return False
    lines = requirements.decode("utf-8", "replace").splitlines()
    return not any(_LOCAL_REFERENCE.search(line) for line in lines)


def environment_key(
    root: str | os.PathLike[str], commands: str, interpreter: Interpreter
) -> tuple[str, bool]:
    """(digest, plain): what an environment depends on. Plain builds depend on the commands,
    requirements.txt and the interpreter; other builds on every file as well."""
    root = Path(root)
    requirements = root / "requirements.txt"
    content = requirements.read_bytes() if requirements.is_file() else b""
    plain = is_plain(commands, content)
    digest = hashlib.sha256()
    for part in (
        BUILDER_VERSION,
        commands,
        os.path.realpath(interpreter.path),
        interpreter.version,
    ):
        digest.update(part.encode() + b"\0")
    digest.update(content + b"\0")
    if not plain:
        for path in _files(root):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest(), plain


class EnvironmentCache:
    """Builds environments into `directory` (one per key) and hands out the cached ones.

    Safe to share between processes (a test run with several workers, `serve` next to
    `make test`): each key is built under a file lock, and only a finished build counts.
    """

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        wheelhouse: str | os.PathLike[str] | None = None,
        report: Report | None = report_to_stderr,
    ):
        self.directory = Path(directory).resolve()
        self.wheelhouse = wheelhouse
        self.report = report or (lambda line: None)

    @classmethod
    def for_project(cls, project_root: str | os.PathLike[str], **kwargs) -> EnvironmentCache:
        return cls(cache_dir(project_root), **kwargs)

    def build(
        self,
        deployment_dir: str | os.PathLike[str],
        commands: str,
        runtime: str | Interpreter = "",
        *,
        label: str = "",
        compile_step: bool = True,
    ) -> BuiltEnvironment:
        """The environment for a deployment, built now unless cached. Raises `BuildError`.
        `compile_step=False` leaves out the commands' compile step, which only writes
        bytecode into `deployment_dir` (a cache warmed for later deployments needs none)."""
        root = Path(deployment_dir)
        interpreter = (
            runtime
            if isinstance(runtime, Interpreter)
            else (find_interpreter(runtime) if runtime else host_interpreter())
        )
        label = label or root.name
        install, compiling = split_compile_step(commands)
        key, plain = environment_key(root, install, interpreter)
        if compiling and not plain:  # the whole commands may touch any file: run them all
            install, compiling = commands, ""
            key, plain = environment_key(root, commands, interpreter)
        place = self.directory / "envs" / key[:20]
        started = time.perf_counter()
        with _locked(place.with_name(place.name + ".lock")):
            cached = (place / DONE).is_file() and (place / ENV_DIR / "bin" / "python").exists()
            if not cached:
                shown = commands.strip() or "(no commands)"
                self.report(f"build {label}: Python {interpreter.version}, {shown} …")
                shutil.rmtree(place, ignore_errors=True)  # what a build that failed half-way left
                shutil.copytree(root, place, ignore=shutil.ignore_patterns(ENV_DIR, "__pycache__"))
                try:
                    build(
                        place,
                        install,
                        interpreter.path,
                        wheelhouse=self.wheelhouse,
                        pip_cache=self.directory / PIP_DIR,
                    )
                except BuildError as error:
                    shutil.rmtree(place, ignore_errors=True)
                    self.report(f"build {label}: FAILED\n{_tail(str(error))}")
                    raise
                (place / DONE).write_text(
                    json.dumps(
                        {
                            "commands": commands,
                            "interpreter": str(interpreter.path),
                            "version": interpreter.version,
                            "seconds": round(time.perf_counter() - started, 3),
                        }
                    )
                )
        bytecode_cached = False
        if compiling and compile_step:  # in the deployment served, with the built runtime-env
            try:
                bytecode_cached = self.compile(root, compiling, place, interpreter)
            except BuildError as error:
                self.report(f"build {label}: FAILED\n{_tail(str(error))}")
                raise
        clock = self.clock_support(interpreter, place / ENV_DIR / "bin" / "python")
        seconds = time.perf_counter() - started
        if not cached:
            self.report(f"build {label}: done in {seconds:.1f} s")
        return BuiltEnvironment(
            key, place, interpreter, not plain, clock, cached, seconds, bytecode_cached
        )

    def compile(self, root: Path, step: str, place: Path, interpreter: Interpreter) -> bool:
        """Run the compile step (`python -m compileall …`) in the deployment `root` with the
        environment built in `place`, or put back the bytecode it wrote for the same files
        before; True when put back. Its output depends only on what is in its key (every
        file of `root`, the step, the interpreter and environment, the `PYTHON*` settings
        and `SOURCE_DATE_EPOCH`): a deployment re-packed unchanged (every restart, every
        `Stack` of a test run) gets the very files the step would write again. A step that
        fails is never kept, so it fails again; one that writes anything but bytecode is
        not kept either."""
        venv = place / ENV_DIR
        environment = build_environment(venv, self.wheelhouse)
        try:
            before = _tree(root)
            key = bytecode_key(root, before, step, interpreter, place, environment)
        except OSError:  # a file that cannot be read (a dangling link): the step says why
            run_in_environment(root, step, venv, wheelhouse=self.wheelhouse)
            return False
        entry = self.directory / BYTECODE_DIR / key[:24]
        if _restore(entry, root):
            return True
        with _locked(entry.with_name(entry.name + ".lock")):
            if _restore(entry, root):
                return True
            run_in_environment(root, step, venv, wheelhouse=self.wheelhouse)
            try:
                after = _tree(root)
            except OSError:
                return False
            written = sorted(path for path, seen in after.items() if before.get(path) != seen)
            if before.keys() <= after.keys() and all(_is_bytecode(p) for p in written):
                _save(entry, root, written)
                _prune(entry.parent, BYTECODE_ENTRIES)
        return False

    def step(self, function_id: str, commands: str, runtime: str) -> Callable[[Path], Environment]:
        """What the executor calls with a fresh deployment root before starting its worker."""
        warned = []

        def prepare(root: Path) -> Environment:
            interpreter = find_interpreter(runtime)
            if interpreter.fallback and not warned:
                warned.append(True)
                self.report(f"warning: function {function_id}: {interpreter.warning}")
            built = self.build(root, commands, interpreter, label=function_id)
            return Environment(
                python=built.python,
                root=built.place if built.serves_build else None,
                clock_support=built.clock_support,
            )

        return prepare

    def clock_support(self, interpreter: Interpreter, python: Path) -> Path | None:
        """The folder holding time-machine for this interpreter, installed on first use
        with the environment's own pip. None (with a warning) when it cannot be had."""
        major, minor = (int(p) for p in interpreter.version.split(".")[:2])
        packages = CLOCK_PACKAGES.get((major, minor), CLOCK_PACKAGES_DEFAULT)
        tag = hashlib.sha256(
            f"{os.path.realpath(interpreter.path)}\0{interpreter.version}\0{packages}".encode()
        ).hexdigest()[:12]
        folder = self.directory / "clock" / f"{interpreter.minor}-{tag}"
        if (folder / DONE).is_file():
            return folder
        with _locked(folder.with_name(folder.name + ".lock")):
            if (folder / DONE).is_file():
                return folder
            shutil.rmtree(folder, ignore_errors=True)
            argv = [str(python), "-m", "pip", "install", "--quiet", "--target", str(folder)]
            completed = subprocess.run(
                [*argv, *packages],
                env=build_environment(python.parent.parent, self.wheelhouse),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                check=False,
            )
            if completed.returncode != 0:
                shutil.rmtree(folder, ignore_errors=True)
                self.report(
                    f"warning: could not install {' '.join(packages)} for Python "
                    f"{interpreter.version}; executions at a chosen moment (tick --at, "
                    "run_schedule(at=…)) run at the real time there.\n"
                    + _tail(completed.stdout + completed.stderr)
                )
                return None
            (folder / DONE).write_text(json.dumps({"packages": packages}))
        return folder


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _files(root: Path, *, bytecode: bool = False) -> list[Path]:
    """Every file under `root` but its runtime-env, in a fixed order; compiled bytecode
    (`__pycache__`, `.pyc`) only with `bytecode`."""
    skipped = (ENV_DIR,) if bytecode else (ENV_DIR, "__pycache__")
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in skipped)
        found.extend(
            Path(dirpath) / name
            for name in sorted(filenames)
            if bytecode or not name.endswith(".pyc")
        )
    return found


def bytecode_key(
    root: Path,
    tree: dict[str, tuple[int, int]],
    step: str,
    interpreter: Interpreter,
    place: Path,
    environment: dict[str, str],
) -> str:
    """The digest of what a compile step's output depends on: every file of `root` (`tree`:
    path, size and time, as a .pyc records them, and its bytes), the step, the interpreter
    and the environment it runs in."""
    digest = hashlib.sha256()
    settings = sorted(
        f"{name}={value}"
        for name, value in environment.items()
        if name.startswith("PYTHON") or name in _BYTECODE_SETTINGS
    )
    for part in (
        BUILDER_VERSION,
        step,
        os.path.realpath(interpreter.path),
        interpreter.version,
        place.name,
        *settings,
    ):
        digest.update(part.encode() + b"\0")
    for path, (size, seconds) in tree.items():
        digest.update(f"{path}\0{size}\0{seconds}\0".encode())
        digest.update((root / path).read_bytes() + b"\0")
    return digest.hexdigest()


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under `root` but its runtime-env, bytecode included: relative path →
    (size, whole seconds of its modification time), in a fixed order."""
    found = {}
    for path in _files(root, bytecode=True):
        stat = path.stat()
        found[path.relative_to(root).as_posix()] = (stat.st_size, int(stat.st_mtime))
    return found


def _is_bytecode(path: str) -> bool:
    return path.endswith((".pyc", ".pyo"))


def _restore(entry: Path, root: Path) -> bool:
    """Copy a kept compile step's files into `root`; False when there is no whole entry (or
    it went away meanwhile: the step then runs and writes every file again)."""
    try:
        written = json.loads((entry / DONE).read_text())["files"]
        for path in written:
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(entry / "files" / path, target)
        os.utime(entry / DONE)  # recently used: kept by `_prune`
    except (OSError, ValueError, KeyError):
        return False
    return True


def _save(entry: Path, root: Path, written: list[str]) -> None:
    partial = entry.with_name(f"{entry.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        for path in written:
            target = partial / "files" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / path, target)
        (partial / DONE).write_text(json.dumps({"files": written}))
        shutil.rmtree(entry, ignore_errors=True)
        os.replace(partial, entry)
    except OSError:  # a full disk, say: the step just runs again next time
        shutil.rmtree(partial, ignore_errors=True)


def _prune(folder: Path, keep: int) -> None:
    """Remove all but the `keep` most recently used entries."""
    entries = []
    for entry in folder.iterdir():
        with contextlib.suppress(OSError):
            entries.append(((entry / DONE).stat().st_mtime, entry))
    entries.sort(reverse=True)
    for _, entry in entries[keep:]:
        shutil.rmtree(entry, ignore_errors=True)
        with contextlib.suppress(OSError):
            entry.with_name(entry.name + ".lock").unlink()


def _tail(text: str, lines: int = 30) -> str:
    kept = text.rstrip().splitlines()[-lines:]
    return "\n".join("    " + line for line in kept)


def build_project(
    manifest_path: str | os.PathLike[str],
    *,
    report: Report | None = report_to_stderr,
    environments_only: bool = False,
) -> int:
    """Pack and build the environment of every function of a manifest now, without
    starting anything (what a Stack's start would build); returns how many failed.
    `environments_only`: warm the cache of environments alone, without the commands' compile
    step in each throw-away deployment (run again in every deployment served anyway)."""
    import tempfile

    from emulator.manifest import load_manifest

    from . import deploy_dir

    manifest = load_manifest(manifest_path)
    cache = EnvironmentCache.for_project(manifest.root, report=report)
    failed = 0
    with tempfile.TemporaryDirectory(prefix="emulator-build-") as tmp:
        for spec in manifest.functions:
            root = deploy_dir(spec, Path(tmp) / spec.id, manifest.root)
            try:
                cache.build(
                    root,
                    spec.commands,
                    spec.runtime,
                    label=spec.id,
                    compile_step=not environments_only,
                )
            except BuildError:
                failed += 1
    return failed
