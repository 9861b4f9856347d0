#!/usr/bin/env bash
# System packages the portal itself uses at run time, installed from Debian when
# missing: DejaVu fonts (embedded in certificate PDFs so any name renders) and
# ffmpeg/ffprobe (video upload validation and HLS transcoding).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
{ command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1; } || missing+=(ffmpeg)
[ ${#missing[@]} -eq 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" -eq 0 ] || command -v sudo >/dev/null 2>&1; }; then
  scripts/apt_install.sh "${missing[@]}"
else
  echo "runtime: please install ${missing[*]} (certificate PDFs and video transcoding need them)" >&2
fi
