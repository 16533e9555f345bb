# Sourced by provision.sh and the build tests: keeps the test fixture's image storage and config under
# $DOCKEROPT_LAB (default ~/.cache/dockeropt-lab), never in the user's podman storage.
export DOCKEROPT_LAB=${DOCKEROPT_LAB:-${XDG_CACHE_HOME:-$HOME/.cache}/dockeropt-lab}
mkdir -p "$DOCKEROPT_LAB"
cat > "$DOCKEROPT_LAB/storage.conf" <<EOC
[storage]
driver = "overlay"
graphroot = "$DOCKEROPT_LAB/storage"
runroot = "$DOCKEROPT_LAB/run"
EOC
cat > "$DOCKEROPT_LAB/containers.conf" <<'EOC'
[containers]
# The default ulimits (nofile/nproc 1048576/4194304) fail with EPERM on hosts with a lower hard limit.
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
# crun 1.8 refuses hybrid cgroup v1 + v2 hosts ("cgroups in hybrid mode not supported"); runc works.
runtime = "runc"
EOC
export CONTAINERS_STORAGE_CONF=$DOCKEROPT_LAB/storage.conf CONTAINERS_CONF=$DOCKEROPT_LAB/containers.conf
