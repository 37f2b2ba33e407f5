#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Consilium needs, when they are missing.
# As root (or with sudo) it runs apt-get; otherwise it names what to install and stops.
set -euo pipefail

PACKAGES=(
  chromium                      # browser tests (Playwright drives Debian's Chromium)
  fonts-noto-core               # reports and consent PDFs, Devanagari included
  fonts-dejavu-core             # the "day −18" labels drawn on date boxes (the minus sign)
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0   # WeasyPrint
  tesseract-ocr tesseract-ocr-eng tesseract-ocr-hin tesseract-ocr-osd libtesseract-dev libleptonica-dev pkg-config  # OCR (tesserocr builds against libtesseract)
  poppler-utils                 # pdftoppm, to look at rendered PDFs
)
# npm installs axe-core for the browser tests' accessibility check. A Node.js from elsewhere
# (NodeSource ships npm inside its nodejs package) is fine: Debian's would conflict with it.
command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  SUDO="sudo"
else
  echo "Consilium needs these system packages; install them and run the command again:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
