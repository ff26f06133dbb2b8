"""The `hromada` console command: Django's management commands with the project's settings."""

import os
import sys

ALIASES = {"open311-key": "open311_key", "addresses-import": "addresses_import", "services-import": "services_import",
           "services-export": "services_export"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hromada.config.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    if args and args[0] in ALIASES:  # commands spelled with a hyphen, as documented
        args[0] = ALIASES[args[0]]
    execute_from_command_line(["hromada", *args])


if __name__ == "__main__":
    main()
