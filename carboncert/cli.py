"""The `carboncert` command: manage.py's commands plus serve, demo, tick."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carboncert.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["carboncert", *sys.argv[1:]])


if __name__ == "__main__":
    main()
