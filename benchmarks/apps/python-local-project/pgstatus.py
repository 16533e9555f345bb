"""Prints the libpq that psycopg2 (compiled at build time) is linked with; a console script of the venv."""

import psycopg2
import psycopg2.extensions


def main() -> None:
    # libpq_version() calls into libpq itself: it fails when the runtime library is missing.
    print(f"psycopg2 {psycopg2.__version__.split()[0]}, libpq {psycopg2.extensions.libpq_version()}")


if __name__ == "__main__":
    main()
