"""A tiny HTTP service that reports the libpq it is linked with (psycopg2, compiled at build time)."""

import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

import psycopg2
import psycopg2.extensions


def status() -> str:
    # libpq_version() calls into libpq itself: it fails when the runtime library is missing.
    return f"psycopg2 {psycopg2.__version__.split()[0]}, libpq {psycopg2.extensions.libpq_version()}"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = (status() + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    if "--selftest" in sys.argv:
        print(status())
        sys.exit(0)
    HTTPServer(("0.0.0.0", 8000), Handler).serve_forever()
