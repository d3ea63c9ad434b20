"""`python -m emulator <command>`: see `emulator/cli/`."""

from emulator.cli import main

raise SystemExit(main())
