"""A tiny Flask app used by benchmarks/cache_rebuild.py (edited by the benchmark to bust the cache)."""

import os

import requests
from flask import Flask, jsonify

app = Flask(__name__)
UPSTREAM = os.environ.get("UPSTREAM_URL", "")


@app.get("/")
def index():
    return jsonify(status="ok", service="python-flask-sample")


@app.get("/healthz")
def healthz():
    if UPSTREAM:  # optional dependency check
        requests.get(UPSTREAM, timeout=2).raise_for_status()
    return "ok\n"


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8000)
