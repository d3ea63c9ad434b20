"""What `appwrite push functions` would upload, per function: files, bytes, archive size.

python -m emulator.packaging                 # table for every function in appwrite.json
python -m emulator.packaging --list accounts # the files of one deployment
python -m emulator.packaging --build         # build every function's environment now
"""

from __future__ import annotations

import argparse
import os
import sys

from emulator.manifest import ManifestError, find_manifest, load_manifest

from . import PackagingError, collect, pack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m emulator.packaging", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--manifest", help="appwrite.json (default: found from the current folder up)"
    )
    parser.add_argument("--list", metavar="FUNCTION_ID", help="print the files of one deployment")
    parser.add_argument(
        "--build",
        action="store_true",
        help="build (or find cached) every function's environment, as serve would on start",
    )
    args = parser.parse_args(argv)
    source = args.manifest or find_manifest()
    if source is None:
        parser.error("no appwrite.config.json or appwrite.json found")
    try:
        if args.build:
            from .environments import build_project

            return 1 if build_project(source) else 0
        manifest = load_manifest(source)
        if args.list:
            function = manifest.function(args.list)
            for file in collect(manifest.root, function.path, function.ignore):
                print(file.path)
            return 0
        print(f"{'function':<22} {'files':>6} {'bytes':>9} {'tar.gz':>8}")
        for function in manifest.functions:
            files = collect(manifest.root, function.path, function.ignore)
            size = sum(os.stat(f.source).st_size for f in files)
            print(f"{function.id:<22} {len(files):>6} {size:>9} {len(pack(files)):>8}")
    except KeyError as error:
        print(f"no function {error} in the manifest", file=sys.stderr)
        return 2
    except (ManifestError, PackagingError) as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
