#!/usr/bin/env bash
# Typecheck a Fluxer checkout (patched or not) as upstream's Dockerfile does in its build
# stage (`pnpm --filter @fluxer/config generate`, then `cd fluxer_server && pnpm typecheck`,
# i.e. `tsgo --noEmit`), on a temporary copy: the checkout itself is never changed.
#
#   docs/verify/typecheck.sh [--keep] CHECKOUT
#
# Verification only. Two things differ from the Docker build, and both live in the copy:
#   * pnpm runs with --config.manage-package-manager-versions=false (the release named by
#     `packageManager` cannot be fetched and verified from the registry reachable here) and
#     --no-frozen-lockfile --ignore-scripts --config.block-exotic-subdeps=false (the override
#     below changes the lockfile, and re-resolving it trips pnpm's guard on tsx's esbuild,
#     ERR_PNPM_EXOTIC_SUBDEP; no native build is needed for a typecheck);
#   * @bluesky-social/oauth-client-node is absent from that registry: a local stub package
#     with the types the API uses is linked in through `pnpm.overrides`.
# Prints tsgo's output, then `tsgo: N errors`; exits with tsgo's status.
# Environment: PNPM_VERSION (default 10.26.0, the Dockerfile's), TYPECHECK_WORK (a directory
# to use instead of a fresh mktemp -d; it is emptied first).
set -euo pipefail

keep=0
if [ "${1:-}" = "--keep" ]; then keep=1; shift; fi
if [ $# -ne 1 ] || [ ! -f "$1/fluxer_server/package.json" ]; then
	echo "usage: $0 [--keep] CHECKOUT   (a Fluxer checkout with fluxer_server/)" >&2
	exit 2
fi
src=$(cd "$1" && pwd)
pnpm_version=${PNPM_VERSION:-10.26.0}

if [ -n "${TYPECHECK_WORK:-}" ]; then
	work=$TYPECHECK_WORK
	rm -rf "$work" && mkdir -p "$work"
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/fluxer-typecheck.XXXXXX")
fi
cleanup() { if [ "$keep" = 0 ]; then rm -rf "$work"; else echo "kept: $work" >&2; fi; }
trap cleanup EXIT

pnpm() { npx --yes "pnpm@$pnpm_version" "$@"; }

echo "== copy $src -> $work/tree" >&2
mkdir -p "$work/tree"
tar -C "$src" --exclude=./.git --exclude=node_modules -cf - . | tar -C "$work/tree" -xf -

echo "== stub @bluesky-social/oauth-client-node (verification only)" >&2
stub=$work/stubs/oauth-client-node
mkdir -p "$stub"
cat >"$stub/package.json" <<'JSON'
{
	"name": "@bluesky-social/oauth-client-node",
	"version": "0.0.0-typecheck-stub",
	"private": true,
	"type": "module",
	"main": "./index.js",
	"types": "./index.d.ts"
}
JSON
cat >"$stub/index.js" <<'JS'
export class NodeOAuthClient {
	constructor() {
		throw new Error('@bluesky-social/oauth-client-node: typecheck stub, not for running');
	}
}
export async function requestLocalLock(_name, fn) {
	return fn();
}
JS
cat >"$stub/index.d.ts" <<'DTS'
// The part of the API that packages/api uses, loosely typed: enough for a typecheck.
export type NodeSavedState = Record<string, unknown>;
export type NodeSavedSession = Record<string, unknown>;
export interface OAuthSession {
	readonly did: string;
	signOut(): Promise<void>;
}
export declare function requestLocalLock<T>(name: string, fn: () => T | PromiseLike<T>): Promise<T>;
export declare class NodeOAuthClient {
	constructor(options: Record<string, unknown>);
	readonly clientMetadata: unknown;
	readonly jwks: unknown;
	authorize(input: string, options?: {state?: string}): Promise<URL>;
	callback(params: URLSearchParams): Promise<{session: OAuthSession; state: string | null}>;
	restore(sub: string): Promise<OAuthSession>;
}
DTS
node -e '
	const fs = require("fs");
	const path = process.argv[1];
	const pkg = JSON.parse(fs.readFileSync(path, "utf8"));
	pkg.pnpm = pkg.pnpm || {};
	pkg.pnpm.overrides = {...(pkg.pnpm.overrides || {}), "@bluesky-social/oauth-client-node": "link:../stubs/oauth-client-node"};
	fs.writeFileSync(path, JSON.stringify(pkg, null, "\t") + "\n");
' "$work/tree/package.json"

cd "$work/tree"
echo "== pnpm@$pnpm_version install" >&2
pnpm install --config.manage-package-manager-versions=false --no-frozen-lockfile --ignore-scripts \
	--config.block-exotic-subdeps=false --reporter=append-only >"$work/install.log" 2>&1 || { tail -40 "$work/install.log" >&2; exit 2; }

echo "== @fluxer/config: tsx src/schema/bundle.ts" >&2
(cd packages/config && pnpm exec tsx src/schema/bundle.ts) >"$work/config.log" 2>&1 \
	|| { tail -40 "$work/config.log" >&2; exit 2; }

echo "== fluxer_server: tsgo --noEmit" >&2
status=0
(cd fluxer_server && pnpm exec tsgo --noEmit) >"$work/tsgo.log" 2>&1 || status=$?
cat "$work/tsgo.log"
echo "tsgo: $(grep -c 'error TS' "$work/tsgo.log" || true) errors (exit $status)"
exit "$status"
