"""A small Flask service: answers /health for the healthcheck."""
from flask import Flask

app = Flask(__name__)


@app.get("/health")
def health():
    return {"status": "ok"}
