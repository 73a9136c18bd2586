#!/usr/bin/env bash
# Inspector.app -> signed, notarized, stapled DMG, then the self-test on the app inside it.
#
#   packaging/macos/make_dmg.sh            (after `python packaging/build.py` on macOS)
#
# Signing and notarization run only when their secrets are in the environment; without them
# the DMG is built unsigned (fine for testing, Gatekeeper will warn users).
#   MACOS_CERTIFICATE_P12_BASE64, MACOS_CERTIFICATE_PASSWORD   Developer ID Application cert
#   MACOS_SIGN_IDENTITY       e.g. "Developer ID Application: Example Ltd (TEAMID1234)"
#   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD                 notarytool credentials
#
# Order follows Apple's "Notarizing macOS software before distribution" and PyInstaller's
# macOS notes: sign nested code inside-out with the hardened runtime and a secure timestamp
# (never --deep), sign the app with the entitlements, put it in a DMG, sign the DMG, submit
# it with `notarytool submit --wait`, then `stapler staple` so Gatekeeper works offline.
#   https://developer.apple.com/documentation/security/notarizing-macos-software-before-distribution
#   https://developer.apple.com/documentation/security/customizing-the-notarization-workflow
#   https://pyinstaller.org/en/stable/feature-notes.html#macos-code-signing
set -euo pipefail
cd "$(dirname "$0")/../.."

PYTHON=${PYTHON:-python}
APP=packaging/dist/Inspector.app
ENTITLEMENTS=packaging/macos/entitlements.plist
VERSION=$("$PYTHON" packaging/build.py --print-version)
DMG=packaging/dist/Inspector-${VERSION}-macos-$(uname -m).dmg

NOTARIZED=
say() { printf '==> %s\n' "$*" >&2; }
[ -d "$APP" ] || { echo "no $APP: run packaging/build.py first" >&2; exit 2; }

sign() {  # sign [codesign args...] path
  codesign --force --timestamp --options runtime --sign "$MACOS_SIGN_IDENTITY" "$@"
}

if [ -n "${MACOS_CERTIFICATE_P12_BASE64:-}" ]; then
  say "Importing the signing certificate into a temporary keychain"
  KEYCHAIN="$RUNNER_TEMP/inspector-signing.keychain-db"
  KEYCHAIN_PASSWORD=$(uuidgen)
  echo "$MACOS_CERTIFICATE_P12_BASE64" | base64 --decode > "$RUNNER_TEMP/cert.p12"
  security create-keychain -p "$KEYCHAIN_PASSWORD" "$KEYCHAIN"
  security set-keychain-settings -lut 21600 "$KEYCHAIN"
  security unlock-keychain -p "$KEYCHAIN_PASSWORD" "$KEYCHAIN"
  security import "$RUNNER_TEMP/cert.p12" -P "$MACOS_CERTIFICATE_PASSWORD" -A -t cert -f pkcs12 \
    -k "$KEYCHAIN"
  security set-key-partition-list -S apple-tool:,apple: -k "$KEYCHAIN_PASSWORD" "$KEYCHAIN" >/dev/null
  existing=()  # no mapfile: macOS ships bash 3.2
  while IFS= read -r keychain; do
    existing+=("$(printf '%s' "$keychain" | tr -d '" ')")
  done < <(security list-keychains -d user)
  security list-keychains -d user -s "$KEYCHAIN" "${existing[@]}"
  rm -f "$RUNNER_TEMP/cert.p12"
fi

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  say "Signing nested code inside-out"
  # Every Mach-O file that is not a bundle's main executable: dylibs, .so, Qt framework
  # binaries, the Python library.
  while IFS= read -r -d '' file; do
    if file -b "$file" | grep -q 'Mach-O'; then sign "$file"; fi
  done < <(find "$APP/Contents" -type f ! -path "*/Contents/MacOS/inspector" -print0)
  # Helper app first (with the entitlements: it is the Chromium renderer that runs V8),
  # then each framework bundle, then the app itself.
  while IFS= read -r -d '' helper; do
    sign --entitlements "$ENTITLEMENTS" "$helper"
  done < <(find "$APP/Contents" -name 'QtWebEngineProcess.app' -type d -print0)
  while IFS= read -r -d '' framework; do
    sign "$framework"
  done < <(find "$APP/Contents" -name '*.framework' -type d -print0)
  sign --entitlements "$ENTITLEMENTS" "$APP"
  codesign --verify --strict --deep --verbose=2 "$APP"
else
  say "MACOS_SIGN_IDENTITY not set: building an unsigned DMG"
fi

say "Building $DMG"
STAGING=$(mktemp -d)
cp -R "$APP" "$STAGING/"
ln -s /Applications "$STAGING/Applications"
rm -f "$DMG"
hdiutil create -volname "Inspector $VERSION" -srcfolder "$STAGING" -ov -format UDZO "$DMG"
rm -rf "$STAGING"

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$DMG"
fi

if [ -n "${MACOS_SIGN_IDENTITY:-}" ] && [ -n "${APPLE_ID:-}" ] && [ -n "${APPLE_TEAM_ID:-}" ] \
  && [ -n "${APPLE_APP_PASSWORD:-}" ]; then
  say "Notarizing (waits for Apple's verdict)"
  xcrun notarytool submit "$DMG" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
    --password "$APPLE_APP_PASSWORD" --wait
  xcrun stapler staple "$DMG"
  xcrun stapler validate "$DMG"
  NOTARIZED=1
else
  say "Notarization credentials not set: skipping notarytool and stapler"
fi

say "Self-test on the app inside the mounted DMG"
MOUNT=$(mktemp -d)
hdiutil attach -nobrowse -readonly -mountpoint "$MOUNT" "$DMG" >/dev/null
HOME_DIR=$(mktemp -d)
status=0
INSPECTOR_HOME="$HOME_DIR" "$MOUNT/Inspector.app/Contents/MacOS/inspector" --self-test || status=$?
if [ -n "${NOTARIZED:-}" ]; then
  # Gatekeeper's own check, as on a user's Mac: accepted only when signed and notarized.
  spctl --assess --type execute --verbose "$MOUNT/Inspector.app" || status=$?
fi
hdiutil detach "$MOUNT" >/dev/null
rm -rf "$HOME_DIR"
[ "$status" -eq 0 ] || { echo "self-test on the DMG failed ($status)" >&2; exit "$status"; }
echo "$DMG"
