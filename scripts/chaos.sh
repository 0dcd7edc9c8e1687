#!/usr/bin/env bash
# Chaos test of `pacer serve`: kill -9 on SQLite, PostgreSQL replicas with and without kills,
# PostgreSQL restarted and stopped, a full disk, timing edits while firing. Prints a table per
# case (expected, received, lost and doubled fires per schedule and scheduled instant, orphaned
# children, stuck runs, recovery time, SIGTERM exits) and a Markdown summary.
#
#   bash scripts/chaos.sh                 # long form, ~12 minutes
#   bash scripts/chaos.sh --short         # CI form, under 4 minutes
#   bash scripts/chaos.sh --case edits    # one case (repeatable, or a,b)
#
# Options: --short, --case NAME, --keep (keep the work directory even when every case
# passes), --seed N (the kill times), -h. Binary: $PACER_BIN, else .build/debug/pacer (built
# with `swift build --product pacer` when missing). Loopback only; needs root for the tmpfs of
# disk-full and for pg_ctlcluster. Exit status 1 when a case lost, doubled, left stuck or
# orphaned anything or a server did not exit on SIGTERM; 2 on a usage error.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
mode=long
keep=0
seed=""
cases=()
usage() { sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --short) mode=short ;;
    --long) mode=long ;;
    --case) [ $# -ge 2 ] || { usage >&2; exit 2; }; cases+=("$2"); shift ;;
    --case=*) cases+=("${1#--case=}") ;;
    --keep) keep=1 ;;
    --seed) [ $# -ge 2 ] || { usage >&2; exit 2; }; seed=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "chaos.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

bin=${PACER_BIN:-$root/.build/debug/pacer}
if [ ! -x "$bin" ]; then
  if [ -n "${PACER_BIN:-}" ]; then
    echo "chaos.sh: PACER_BIN=$bin is not an executable" >&2; exit 2
  fi
  echo "chaos.sh: building pacer (swift build --product pacer)" >&2
  (cd "$root" && swift build --product pacer) >&2 || exit 2
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

workdir=$(mktemp -d /tmp/pacer-chaos.XXXXXX)
: > "$workdir/pids"
pypid=""
rc=0

cleanup() {
  # The driver cleans up after itself; this covers a driver that died or was killed.
  if [ -n "$pypid" ] && kill -0 "$pypid" 2>/dev/null; then
    kill -TERM "$pypid" 2>/dev/null
    for _ in $(seq 1 300); do kill -0 "$pypid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pypid" 2>/dev/null
  fi
  while read -r pid; do
    [ -n "$pid" ] || continue
    if { tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null | grep -q " serve "; then
      kill -KILL "$pid" 2>/dev/null
    fi
  done < "$workdir/pids"
  if [ -f "$workdir/mounts" ]; then
    while read -r m; do
      mountpoint -q "$m" 2>/dev/null && { umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; }
    done < "$workdir/mounts"
  fi
  # Whatever happened, PostgreSQL is left running: other tests need it.
  if [ -f "$workdir/pg-cluster" ]; then
    read -r ver name < "$workdir/pg-cluster"
    if ! pg_isready -q -h 127.0.0.1 -p 5432; then
      echo "chaos.sh: starting PostgreSQL $ver $name again" >&2
      pg_ctlcluster "$ver" "$name" start >&2 || true
    fi
  fi
  if [ "$rc" -eq 0 ] && [ "$keep" -eq 0 ]; then
    rm -rf "$workdir"
  else
    echo "chaos.sh: logs, receiver records and store dumps kept in $workdir" >&2
  fi
}
trap cleanup EXIT
trap 'rc=130; [ -n "$pypid" ] && kill -INT "$pypid" 2>/dev/null' INT
trap 'rc=143; [ -n "$pypid" ] && kill -TERM "$pypid" 2>/dev/null' TERM

needs_pg=0
if [ ${#cases[@]} -eq 0 ]; then
  needs_pg=1
else
  for c in "${cases[@]}"; do case "$c" in *pg-*) needs_pg=1 ;; esac; done
fi
pg_url=""
pg_error=""
if [ "$needs_pg" -eq 1 ]; then
  if pg_url=$(timeout 300 bash "$root/scripts/start-postgres.sh" 2>"$workdir/start-postgres.log"); then
    pg_url=$(printf '%s\n' "$pg_url" | tail -1)
  else
    pg_url=""
    pg_error="scripts/start-postgres.sh failed: $(tail -1 "$workdir/start-postgres.log" 2>/dev/null)"
  fi
fi

args=(--bin "$bin" --workdir "$workdir" --mode "$mode" --pg-url "$pg_url" --pg-error "$pg_error")
[ -n "$seed" ] && args+=(--seed "$seed")
for c in "${cases[@]}"; do args+=(--case "$c"); done

# In the background so that the traps run at once and forward the signal to the driver.
python3 "$here/chaos/driver.py" "${args[@]}" &
pypid=$!
while :; do
  wait "$pypid"
  status=$?
  kill -0 "$pypid" 2>/dev/null || break
done
pypid=""
if [ "$rc" -eq 0 ]; then rc=$status; fi
exit "$rc"
