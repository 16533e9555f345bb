#!/bin/sh
# Build agent: report the tools this image provides, then wait for jobs.
set -eu
curl --version | head -n 1
exec sleep infinity
