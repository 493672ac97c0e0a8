#!/bin/sh
# The sed/awk patcher a self-hoster writes from the Fluxer self-hosted deployment guide
# (2026-02-26), for a checkout of upstream's `refactor` branch: the baseline the benchmark
# compares fluxer-patch with (bench/bench_speed.py).  Each step greps first, so a second run
# changes nothing; nothing checks that a step still matches after upstream moves.
#
#     sh bench/shell-patcher.sh PATH/TO/CHECKOUT
set -eu
cd "${1:?usage: shell-patcher.sh CHECKOUT}"

docker=fluxer_server/Dockerfile

# 4a / gotcha 8: the deps stage copies exactly the package.json files that exist.
if grep -q 'packages/app/package.json' "$docker"; then
	copies=$(for dir in packages/*/; do
		name=${dir#packages/}; name=${name%/}
		[ -f "packages/$name/package.json" ] && printf 'COPY packages/%s/package.json ./packages/%s/\n' "$name" "$name"
	done)
	awk -v copies="$copies" '
		/^COPY packages\/[^ ]*\/package.json / { if (!done) { print copies; done = 1 } next }
		{ print }
	' "$docker" > "$docker.tmp" && mv "$docker.tmp" "$docker"
fi

# 4b / gotcha 1: CA certificates and the Rust/wasm-pack toolchain in the app-build stage.
if ! grep -q 'wasm-pack' "$docker"; then
	awk '
		{ print }
		/^FROM deps AS app-build/ {
			print ""
			print "RUN apt-get update && apt-get install -y --no-install-recommends \\"
			print "    ca-certificates \\"
			print "    pkg-config \\"
			print "    libssl-dev \\"
			print "    && rm -rf /var/lib/apt/lists/*"
			print ""
			print "RUN curl --proto '\''=https'\'' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --default-toolchain 1.93.0 --target wasm32-unknown-unknown"
			print "ENV PATH=\"/root/.cargo/bin:${PATH}\""
			print "RUN cargo install wasm-pack"
		}
	' "$docker" > "$docker.tmp" && mv "$docker.tmp" "$docker"
fi

# 4d / gotchas 3 and 12: a build config with your domain, and the Lingui catalogues.
if ! grep -q 'FLUXER_CONFIG=' "$docker"; then
	awk '
		/^RUN cd fluxer_app && pnpm build$/ {
			print "COPY config/config.production.template.json /tmp/fluxer-build-config.json"
			print ""
			print "ARG BASE_DOMAIN=\"chat.example.com\""
			print "RUN sed -i \"s/chat\\.example\\.com/${BASE_DOMAIN}/g\" /tmp/fluxer-build-config.json"
			print ""
			print "ARG FLUXER_CDN_ENDPOINT=\"\""
			print "ENV FLUXER_CONFIG=/tmp/fluxer-build-config.json"
			print "ENV FLUXER_CDN_ENDPOINT=${FLUXER_CDN_ENDPOINT}"
			print "RUN cd fluxer_app && pnpm lingui:compile && pnpm build"
			next
		}
		{ print }
	' "$docker" > "$docker.tmp" && mv "$docker.tmp" "$docker"
fi

# Gotcha 15: the admin panel's CSS, after the marketing CSS build.
grep -q '@fluxer/admin build:css' "$docker" ||
	sed -i '/pnpm --filter @fluxer\/marketing build:css/a RUN pnpm --filter @fluxer/admin build:css' "$docker"

# 4f / gotcha 9: start the server package, not the root workspace.
sed -i 's/^ENTRYPOINT \["pnpm", "start"\]$/ENTRYPOINT ["pnpm", "--filter", "fluxer_server", "start"]/' "$docker"

# 4c / gotcha 2: let emojis.json, the compiled locales and the build scripts through.
ignore=.dockerignore
sed -i -e 's|^/fluxer_app/src/data/emojis.json$|# &|' -e 's|^/fluxer_app/src/locales/\*/messages.js$|# &|' "$ignore"
grep -qx '!fluxer_app/scripts/build' "$ignore" ||
	sed -i '/^\*\*\/build$/a !fluxer_app/scripts/build\n!fluxer_app/scripts/build/**' "$ignore"

# 4e / gotcha 4: an empty FLUXER_CDN_ENDPOINT serves assets from the same origin.
rspack=fluxer_app/rspack.config.mjs
grep -q "'FLUXER_CDN_ENDPOINT' in process.env" "$rspack" ||
	sed -i "s|^const CDN_ENDPOINT = .*'https://fluxerstatic.com';|const CDN_ENDPOINT = 'FLUXER_CDN_ENDPOINT' in process.env ? process.env.FLUXER_CDN_ENDPOINT : 'https://fluxerstatic.com';|" "$rspack"

# 4g / gotcha 11: the monolith's CSP allows the fonts and icons of fluxerstatic.com.
csp=fluxer_server/src/ServiceInitializer.tsx
if ! grep -q "fontSrc: \[\"'self'\", 'https://fluxerstatic.com'\]" "$csp"; then
	sed -i -e "s|styleSrc: \[\"'self'\", \"'unsafe-inline'\"\]|styleSrc: [\"'self'\", \"'unsafe-inline'\", 'https://fluxerstatic.com']|" \
		-e "s|imgSrc: \[\"'self'\", 'data:', 'blob:', publicUrlHost, mediaUrlHost\]|imgSrc: [\"'self'\", 'data:', 'blob:', publicUrlHost, mediaUrlHost, 'https://fluxerstatic.com']|" \
		-e "s|fontSrc: \[\"'self'\"\]|fontSrc: [\"'self'\", 'https://fluxerstatic.com']|" "$csp"
fi

# Gotchas 5 and 14: static_dir in services.server, an absolute sqlite_path.
config=config/config.production.template.json
grep -q '"static_dir"' "$config" ||
	sed -i '/^\t\t"server": {$/a \\t\t\t"static_dir": "/usr/src/app/assets",' "$config"
sed -i 's|"sqlite_path": "./data/fluxer.db"|"sqlite_path": "/usr/src/app/data/fluxer.db"|' "$config"

# SSO fix 1 / gotcha 16: the SSO callback renders without a session.
root=fluxer_app/src/router/components/RootComponent.tsx
grep -q "pathname.startsWith('/auth/sso/')" "$root" ||
	sed -i "/pathname.startsWith(Routes.CONNECTION_CALLBACK) ||/a \\\t\t\tpathname.startsWith('/auth/sso/') ||" "$root"

# SSO fixes 2 and 3 / gotchas 17 and 18: a form body, and the client secret.
sso=packages/api/src/auth/services/SsoService.tsx
if ! grep -q '}).toString();' "$sso"; then
	awk '
		/const body = new URLSearchParams\(\{/ { body = 1 }
		body && /^\t\t\}\);$/ { sub(/\}\);$/, "}).toString();"); body = 0 }
		{ print }
	' "$sso" > "$sso.tmp" && mv "$sso.tmp" "$sso"
fi
sed -i 's/this.instanceConfigRepository.getSsoConfig();/this.instanceConfigRepository.getSsoConfig({includeSecret: true});/' "$sso"

# SSO fix 4 / gotcha 19: clear the timeout on every early return, success and error path.
callback=fluxer_app/src/components/pages/SsoCallbackPage.tsx
if [ "$(grep -c 'clearTimeout(timeoutId)' "$callback")" -le 1 ]; then
	awk '
		/^\t\t\(async \(\) => \{/ { inside = 1 }
		inside && /^\t+(setError\(|navigate|window\.location)/ { match($0, /^\t+/); print substr($0, 1, RLENGTH) "clearTimeout(timeoutId);" }
		/^\t\t\}\)\(\);/ { inside = 0 }
		{ print }
	' "$callback" > "$callback.tmp" && mv "$callback.tmp" "$callback"
fi

# SSO fix 5 / gotcha 20: SSO users are not unclaimed accounts.
user=packages/api/src/models/User.tsx
grep -q "_traits.has('sso')" "$user" ||
	sed -i "s/return this.passwordHash === null && !this.isBot;/return this.passwordHash === null \&\& !this.isBot \&\& !this._traits.has('sso');/" "$user"
