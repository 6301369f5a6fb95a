#!/bin/sh
# Mail proxy parity: replays the recorded nginx scenarios against `mailconf run` with the
# parity runner of the reference kit (../shared/oracle/mail-proxy-capture next to the
# repository) and fails when any transcript differs from nginx's.
#
#   scripts/parity.sh              all 93 scenarios
#   scripts/parity.sh core         the 73 without TLS, PROXY protocol or a resolver
#   scripts/parity.sh REGEX...     only the scenarios matching REGEX (passed to the runner)
#   PARITY_ARGS="--keep -v" scripts/parity.sh   extra runner options
#
# Needs: the kit's prerequisites (python3, dovecot, openssl; run as root for Dovecot),
# ports 20000-20999 free. Exit status: the runner's (0 all matched, 1 differences, 2 set-up).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
kit="$root/../shared/oracle/mail-proxy-capture"
if [ ! -x "$kit/run" ] && [ ! -f "$kit/run" ]; then
  echo "parity: the reference kit is not there ($kit); it sits beside the repository as ../shared" >&2
  exit 2
fi

node="$root/node_modules/.bin/node"
[ -x "$node" ] || node=node

# build the command as users run it (per-package build, then the single-file bundle)
echo "parity: building mailconf" >&2
(cd "$root" && "$node" node_modules/typescript/bin/tsc -b packages/cli && "$node" scripts/bundle-cli.mjs)

if [ "${1:-}" = core ]; then
  # everything except what needs TLS, the PROXY protocol or a resolver
  set -- '^(?!.*(ssl|starttls|stls|proxy_protocol|proxy_v2|resolver))'
fi

cd "$kit"
# shellcheck disable=SC2086
exec python3 ./run ${PARITY_ARGS:-} --proxy "'$node' '$root/packages/cli/bin/mailconf.js' run {conf}" "$@"
