#!/usr/bin/env bash
# ollama.sh builds, starts and stops a private Ollama server for briefing's
# integration tests (llm/ollama_integration_test.go).
#
#   scripts/ollama.sh build   build ollama (cached outside the repo, keyed by version)
#   scripts/ollama.sh start   start it on 127.0.0.1:<free port>; prints export lines
#   scripts/ollama.sh stop    stop the server started by "start"
#   scripts/ollama.sh test    build + start + go test -race -run Ollama ./llm/... + stop
#
# Environment:
#   BRIEFING_CACHE   cache root (default $HOME/.cache/briefing); the binary lives in
#                    $BRIEFING_CACHE/ollama-$OLLAMA_VERSION/ollama
#   OLLAMA_VERSION   default v0.17.4 (the version whose build is known to work here)
#   BRIEFING_OLLAMA_STATE  state file written by start, read by stop
#                    (default $BRIEFING_CACHE/ollama-run/state)
set -euo pipefail

OLLAMA_VERSION="${OLLAMA_VERSION:-v0.17.4}"
CACHE="${BRIEFING_CACHE:-$HOME/.cache/briefing}"
BUILD_DIR="$CACHE/ollama-$OLLAMA_VERSION"
BIN="$BUILD_DIR/ollama"
RUN_DIR_ROOT="$CACHE/ollama-run"
STATE="${BRIEFING_OLLAMA_STATE:-$RUN_DIR_ROOT/state}"

log() { printf 'ollama.sh: %s\n' "$*" >&2; }

# ensure_headers installs the two Debian header packages the module zip lacks
# (it omits llama/llama.cpp/vendor) and writes a miniaudio stub: miniaudio is
# only reached by the multimodal audio helper, which text chat never calls.
ensure_headers() {
	if [[ ! -f /usr/include/nlohmann/json_fwd.hpp || ! -f /usr/include/stb/stb_image.h ]]; then
		log "installing nlohmann-json3-dev and libstb-dev"
		local sudo=""
		if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
		$sudo apt-get update -qq
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nlohmann-json3-dev libstb-dev >/dev/null
	fi
	mkdir -p "$BUILD_DIR/include/miniaudio"
	cat >"$BUILD_DIR/include/miniaudio/miniaudio.h" <<'STUB'
/* Stub of miniaudio.h for building Ollama without audio input: every
 * decoder call fails, so mtmd-helper.cpp reports "unable to read audio". */
#ifndef BRIEFING_MINIAUDIO_STUB_H
#define BRIEFING_MINIAUDIO_STUB_H
#include <stddef.h>
typedef int ma_result;
typedef unsigned long long ma_uint64;
typedef unsigned int ma_uint32;
typedef enum { ma_format_unknown = 0, ma_format_f32 = 5 } ma_format;
#define MA_SUCCESS 0
#define MA_ERROR (-1)
typedef struct { ma_format format; ma_uint32 channels; ma_uint32 sampleRate; } ma_decoder_config;
typedef struct { int unused; } ma_decoder;
static ma_decoder_config ma_decoder_config_init(ma_format f, ma_uint32 c, ma_uint32 r) {
	ma_decoder_config cfg; cfg.format = f; cfg.channels = c; cfg.sampleRate = r; return cfg;
}
static ma_result ma_decoder_init_memory(const void *d, size_t n, const ma_decoder_config *c, ma_decoder *dec) {
	(void)d; (void)n; (void)c; (void)dec; return MA_ERROR;
}
static ma_result ma_decoder_get_length_in_pcm_frames(ma_decoder *dec, ma_uint64 *n) {
	(void)dec; *n = 0; return MA_ERROR;
}
static ma_result ma_decoder_read_pcm_frames(ma_decoder *dec, void *out, ma_uint64 n, ma_uint64 *read) {
	(void)dec; (void)out; (void)n; *read = 0; return MA_ERROR;
}
static ma_result ma_decoder_uninit(ma_decoder *dec) { (void)dec; return MA_SUCCESS; }
#endif
STUB
}

cmd_build() {
	if [[ -x "$BIN" ]]; then
		log "cached: $BIN"
		return 0
	fi
	ensure_headers
	log "building ollama $OLLAMA_VERSION (about 4 minutes on 2 cores)"
	local start=$SECONDS
	# GOBIN puts the binary straight into the cache; GOFLAGS=-mod=mod keeps
	# the repo's go.mod out of it (go install pkg@version ignores it anyway).
	CGO_ENABLED=1 \
		CGO_CPPFLAGS="-I$BUILD_DIR/include ${CGO_CPPFLAGS:-}" \
		GOBIN="$BUILD_DIR" \
		go install "github.com/ollama/ollama@$OLLAMA_VERSION"
	log "built $BIN in $((SECONDS - start))s"
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null && return
	# Fallback without python: pick from the ephemeral range until one is free.
	local p
	for _ in $(seq 1 50); do
		p=$((20000 + RANDOM % 20000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
	done
	return 1
}

# version_ok reports whether the server on 127.0.0.1:$1 answers /api/version
# with 200: curl when the machine has it, else bash's /dev/tcp (a fresh
# machine may lack curl).
version_ok() {
	if command -v curl >/dev/null 2>&1; then
		curl -fsS "http://127.0.0.1:$1/api/version" >/dev/null 2>&1
		return
	fi
	local status
	status=$( (exec 3<>"/dev/tcp/127.0.0.1/$1" &&
		printf 'GET /api/version HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 &&
		head -n 1 <&3) 2>/dev/null) || return 1
	[[ $status == *" 200 "* ]]
}

cmd_start() {
	[[ -x "$BIN" ]] || { log "no binary at $BIN: run '$0 build' first"; exit 1; }
	if [[ -f "$STATE" ]]; then
		# shellcheck disable=SC1090
		. "$STATE"
		if kill -0 "$OLLAMA_PID" 2>/dev/null; then
			log "already running (pid $OLLAMA_PID)"
			echo "export BRIEFING_OLLAMA_URL=$BRIEFING_OLLAMA_URL"
			return 0
		fi
	fi
	mkdir -p "$RUN_DIR_ROOT"
	local dir port
	dir=$(mktemp -d "$RUN_DIR_ROOT/run.XXXXXX")
	mkdir -p "$dir/home" "$dir/models"
	port=$(free_port)
	# Own HOME (ollama writes an identity key under ~/.ollama) and models dir,
	# so a developer's real Ollama setup is never touched.
	HOME="$dir/home" OLLAMA_HOST="127.0.0.1:$port" OLLAMA_MODELS="$dir/models" \
		OLLAMA_NOPRUNE=1 nohup "$BIN" serve >"$dir/server.log" 2>&1 &
	local pid=$!
	local url="http://127.0.0.1:$port"
	local ok=""
	for _ in $(seq 1 100); do # up to ~20 s
		if version_ok "$port"; then ok=1; break; fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	if [[ -z "$ok" ]]; then
		log "server did not become ready; log follows"
		cat "$dir/server.log" >&2 || true
		kill "$pid" 2>/dev/null || true
		exit 1
	fi
	cat >"$STATE" <<STATE
OLLAMA_PID=$pid
OLLAMA_DIR=$dir
BRIEFING_OLLAMA_URL=$url
BRIEFING_OLLAMA_BIN=$BIN
STATE
	log "ready at $url (pid $pid, log $dir/server.log)"
	echo "export BRIEFING_OLLAMA_URL=$url"
	echo "export BRIEFING_OLLAMA_BIN=$BIN"
	echo "export BRIEFING_OLLAMA_HOME=$dir/home"
}

cmd_stop() {
	[[ -f "$STATE" ]] || { log "not running"; return 0; }
	# shellcheck disable=SC1090
	. "$STATE"
	if kill -0 "$OLLAMA_PID" 2>/dev/null; then
		kill "$OLLAMA_PID" 2>/dev/null || true
		for _ in $(seq 1 50); do
			kill -0 "$OLLAMA_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$OLLAMA_PID" 2>/dev/null || true
	fi
	rm -rf "$OLLAMA_DIR" "$STATE"
	log "stopped (pid $OLLAMA_PID)"
}

cmd_test() {
	cmd_build
	local env
	env=$(cmd_start)
	trap cmd_stop EXIT
	eval "$env"
	export BRIEFING_OLLAMA_URL BRIEFING_OLLAMA_BIN BRIEFING_OLLAMA_HOME
	local root
	root=$(cd "$(dirname "$0")/.." && pwd)
	(cd "$root" && go test -race -count=1 -run Ollama -v ./llm/... "$@")
}

case "${1:-}" in
build) cmd_build ;;
start) cmd_start ;;
stop) cmd_stop ;;
test) shift; cmd_test "$@" ;;
*)
	echo "usage: $0 build|start|stop|test" >&2
	exit 2
	;;
esac
