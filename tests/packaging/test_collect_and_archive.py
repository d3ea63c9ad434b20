"""Walking a function's `path`, packing it and unpacking it, on real files."""

from __future__ import annotations

import io
import os
import tarfile
import warnings
from pathlib import Path

import pytest

from emulator.packaging import (
    NoDeployableFiles,
    PackagingError,
    SkippedSymlinkWarning,
    UnsafeArchiveEntry,
    collect,
    deploy_dir,
    extract,
    pack,
)


def write(root: Path, files: dict[str, str]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)


def paths(project: Path, function_path: str = "fn", ignore=None) -> list[str]:
    return [f.path for f in collect(project, function_path, ignore)]


def test_walks_in_name_order_and_lists_files_only(tmp_path):
    write(tmp_path, {"fn/src/main.py": "", "fn/requirements.txt": "", "fn/a/b/c.txt": ""})
    (tmp_path / "fn/empty").mkdir()
    assert paths(tmp_path) == ["a/b/c.txt", "requirements.txt", "src/main.py"]


def test_drops_dot_git_and_applies_ignore_plus_every_gitignore_inside(tmp_path):
    write(
        tmp_path,
        {
            ".gitignore": "*.py\n",  # above the function's path: not read
            "fn/.git/HEAD": "ref",
            "fn/.gitignore": "*.log\n",
            "fn/src/main.py": "",
            "fn/src/debug.log": "",
            "fn/src/.gitignore": "local.py\n",
            "fn/src/local.py": "",
            "fn/lib/local.py": "",  # the nested .gitignore is src/'s only
            "fn/tests/test_x.py": "",
        },
    )
    assert paths(tmp_path, ignore="tests\n") == [
        ".gitignore",
        "lib/local.py",
        "src/.gitignore",
        "src/main.py",
    ]


def test_negation_in_gitignore_overrides_the_ignore_field(tmp_path):
    write(tmp_path, {"fn/.gitignore": "!keep.json\n", "fn/keep.json": "", "fn/drop.json": ""})
    assert paths(tmp_path, ignore=["*.json"]) == [".gitignore", "keep.json"]


def test_symlinks_inside_the_project_are_followed(tmp_path):
    write(
        tmp_path, {"shared/__init__.py": "X = 1\n", "shared/sub/util.py": "", "fn/src/main.py": ""}
    )
    (tmp_path / "fn/shared").symlink_to("../shared")
    (tmp_path / "fn/VERSION").symlink_to("../shared/__init__.py")
    (tmp_path / "fn/src/common").symlink_to("../../shared/sub")  # the same directory twice
    files = collect(tmp_path, "fn")
    assert [f.path for f in files] == [
        "VERSION",
        "shared/__init__.py",
        "shared/sub/util.py",
        "src/common/util.py",
        "src/main.py",
    ]
    assert files[0].source == tmp_path / "fn/VERSION"


def test_symlinks_resolving_outside_the_project_are_skipped_with_a_warning(tmp_path):
    outside = tmp_path / "outside"
    write(outside, {"secret.txt": "s", "dir/key": "k"})
    project = tmp_path / "project"
    write(project, {"fn/src/main.py": ""})
    (project / "fn/secret.txt").symlink_to(outside / "secret.txt")
    (project / "fn/dir").symlink_to(outside / "dir")
    with pytest.warns(SkippedSymlinkWarning, match="2 symlink.*dir, secret.txt"):
        assert paths(project) == ["src/main.py"]


def test_ignore_rules_are_checked_before_the_symlink_boundary(tmp_path):
    outside = tmp_path / "outside"
    write(outside, {"cache": "c"})
    project = tmp_path / "project"
    write(project, {"fn/main.py": ""})
    (project / "fn/cache").symlink_to(outside / "cache")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert paths(project, ignore=["cache"]) == ["main.py"]


def test_broken_symlinks_are_skipped_and_cycles_end(tmp_path):
    write(tmp_path, {"fn/a/file.txt": ""})
    (tmp_path / "fn/broken").symlink_to("nowhere")
    (tmp_path / "fn/a/loop").symlink_to("..")
    assert paths(tmp_path) == ["a/file.txt"]  # a/loop is fn/ again: already on this branch


def test_a_function_with_nothing_left_to_deploy_is_refused(tmp_path):
    write(tmp_path, {"fn/a.log": ""})
    with pytest.raises(NoDeployableFiles, match="No deployable files"):
        collect(tmp_path, "fn", ["*.log"])
    with pytest.raises(PackagingError, match="not a directory"):
        collect(tmp_path, "missing")


def test_pack_then_extract_gives_back_the_files(tmp_path):
    write(tmp_path, {"shared/x.py": "X = 1\n", "fn/src/main.py": "print()\n"})
    (tmp_path / "fn/shared").symlink_to("../shared")
    (tmp_path / "fn/run.sh").write_text("#!/bin/sh\n")
    (tmp_path / "fn/run.sh").chmod(0o755)
    archive = pack(collect(tmp_path, "fn"))
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        assert all(m.isreg() for m in tar.getmembers())  # links resolved, no dir entries
    out = extract(archive, tmp_path / "out")
    assert (out / "shared/x.py").read_text() == "X = 1\n"
    assert not (out / "shared").is_symlink()
    assert (out / "src/main.py").read_text() == "print()\n"
    assert os.access(out / "run.sh", os.X_OK)


def test_deploy_dir_packs_a_function_spec(tmp_path):
    write(tmp_path, {"functions/f/src/main.py": "", "functions/f/tests/t.py": ""})

    class Spec:
        path = tmp_path / "functions/f"
        ignore = ("tests",)

    out = deploy_dir(Spec(), tmp_path / "deployed", project_root=tmp_path)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "src/main.py"
    ]


def test_deploy_dir_bounds_symlinks_by_the_folder_of_appwrite_json(tmp_path):
    write(
        tmp_path,
        {
            "common/util.py": "",
            "project/appwrite.json": "{}",
            "project/lib/x.py": "",
            "project/functions/f/main.py": "",
        },
    )
    function = tmp_path / "project/functions/f"
    (function / "lib").symlink_to("../../lib")  # inside the project: followed
    (function / "common").symlink_to("../../../common")  # outside: skipped

    class Spec:
        path = function
        ignore = None

    with pytest.warns(SkippedSymlinkWarning, match="common"):
        out = deploy_dir(Spec(), tmp_path / "deployed")
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "lib/x.py",
        "main.py",
    ]


def archive_with(*members: tuple[tarfile.TarInfo, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for info, data in members:
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["/etc/evil", "../evil", "a/../../evil", "C:/evil", "a\\..\\evil"])
def test_extract_refuses_entries_that_leave_the_destination(tmp_path, name):
    with pytest.raises(UnsafeArchiveEntry):
        extract(archive_with((tarfile.TarInfo(name), b"x")), tmp_path / "out")
    assert not (tmp_path / "out").exists()  # nothing written
    assert not (tmp_path / "evil").exists()


def test_extract_refuses_links(tmp_path):
    link = tarfile.TarInfo("shared")
    link.type = tarfile.SYMTYPE
    link.linkname = "../../shared"
    with pytest.raises(UnsafeArchiveEntry, match="not a regular file"):
        extract(archive_with((link, b"")), tmp_path / "out")


def test_extract_wants_a_fresh_folder(tmp_path):
    archive = archive_with((tarfile.TarInfo("main.py"), b"x"))
    (tmp_path / "empty").mkdir()
    assert (extract(archive, tmp_path / "empty") / "main.py").read_bytes() == b"x"
    write(tmp_path, {"used/stale.py": ""})
    with pytest.raises(PackagingError, match="not empty"):
        extract(archive, tmp_path / "used")


@pytest.mark.parametrize("cut", [0, 20, -30])
def test_extract_refuses_what_is_not_a_tar_gz(tmp_path, cut):
    good = archive_with((tarfile.TarInfo("main.py"), b"x" * 4000))
    broken = b"not an archive" if cut == 0 else good[:cut]
    with pytest.raises(PackagingError, match="Not a readable"):
        extract(broken, tmp_path / "out")
    assert not (tmp_path / "out").exists()
