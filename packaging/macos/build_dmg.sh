#!/usr/bin/env bash
# Sign, package, notarize and staple SkuCast.app into dist/SkuCast-<version>.dmg (macOS).
#
#   bash packaging/macos/build_dmg.sh [dist/SkuCast.app]
#
# Run after `python packaging/build.py` (or let `python packaging/build.py --installer` run
# it). Each step that needs credentials is skipped, with a message, when they are absent:
#
#   SKUCAST_MACOS_SIGN_IDENTITY  "Developer ID Application: Name (TEAMID)" in the keychain.
#                                Absent: an unsigned .dmg, for local testing only.
#   SKUCAST_NOTARY_PROFILE       a notarytool keychain profile
#                                (`xcrun notarytool store-credentials NAME ...`), or all of
#   SKUCAST_NOTARY_APPLE_ID, SKUCAST_NOTARY_TEAM_ID, SKUCAST_NOTARY_PASSWORD
#                                (an app-specific password). Absent: signed, not notarized.
#   SKUCAST_DMG_FORMAT           hdiutil image format (default ULFO: lzfse, macOS >= 10.11).
#
# Signing follows Apple's inside-out rule (no --deep): every nested Mach-O file, then each
# .framework, then the executables with entitlements, then the .app, all with the hardened
# runtime and a secure timestamp. The .app is notarized and stapled first (a stapled app
# copied out of the image still opens offline), then the .dmg.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
APP="${1:-$HERE/../../dist/SkuCast.app}"
APP="$(cd "$(dirname "$APP")" && pwd)/$(basename "$APP")"
DIST="$(dirname "$APP")"
ENTITLEMENTS="$HERE/entitlements.plist"
IDENTITY="${SKUCAST_MACOS_SIGN_IDENTITY:-}"
PYTHON="${PYTHON:-python3}"

[ -d "$APP/Contents/MacOS" ] || { echo "no app bundle at $APP (run python packaging/build.py first)" >&2; exit 1; }
VERSION="$("${PLISTBUDDY:-/usr/libexec/PlistBuddy}" -c 'Print :CFBundleShortVersionString' "$APP/Contents/Info.plist")"
DMG="$DIST/SkuCast-$VERSION.dmg"

# notarytool credentials as an array (macOS ships bash 3.2: guard empty expansions)
NOTARY_ARGS=()
if [ -n "${SKUCAST_NOTARY_PROFILE:-}" ]; then
  NOTARY_ARGS=(--keychain-profile "$SKUCAST_NOTARY_PROFILE")
elif [ -n "${SKUCAST_NOTARY_APPLE_ID:-}" ] && [ -n "${SKUCAST_NOTARY_TEAM_ID:-}" ] && [ -n "${SKUCAST_NOTARY_PASSWORD:-}" ]; then
  NOTARY_ARGS=(--apple-id "$SKUCAST_NOTARY_APPLE_ID" --team-id "$SKUCAST_NOTARY_TEAM_ID" --password "$SKUCAST_NOTARY_PASSWORD")
fi

sign() {  # sign FILE [extra codesign args...]
  local target="$1"; shift
  codesign --force --timestamp --options runtime --sign "$IDENTITY" "$@" "$target"
}

notarize() {  # notarize FILE: submit, wait, fail with Apple's log unless Accepted
  local file="$1" out id
  out="$(xcrun notarytool submit "$file" "${NOTARY_ARGS[@]}" --wait --output-format json)"
  echo "$out"
  if ! echo "$out" | grep -Eq '"status" *: *"Accepted"'; then
    id="$(echo "$out" | sed -nE 's/.*"id" *: *"([^"]+)".*/\1/p' | head -n1)"
    [ -n "$id" ] && xcrun notarytool log "$id" "${NOTARY_ARGS[@]}" || true
    echo "notarization of $file failed" >&2
    exit 1
  fi
}

if [ -n "$IDENTITY" ]; then
  echo "signing nested code of $APP as: $IDENTITY"
  # 1. every Mach-O file that is not a main executable, deepest first
  while IFS= read -r file; do
    if file -b "$file" | grep -q "Mach-O"; then sign "$file"; fi
  done < <(find "$APP/Contents" -type f ! -path "$APP/Contents/MacOS/*" \
             | awk -F/ '{print NF "\t" $0}' | sort -rn | cut -f2-)
  # 2. framework bundles (Qt), deepest first, after their contents
  while IFS= read -r framework; do
    sign "$framework"
  done < <(find "$APP/Contents" -type d -name "*.framework" | awk -F/ '{print NF "\t" $0}' | sort -rn | cut -f2-)
  # 3. the executables, with the hardened-runtime exceptions; 4. the app
  for exe in "$APP"/Contents/MacOS/*; do
    [ -f "$exe" ] && [ ! -L "$exe" ] && sign "$exe" --entitlements "$ENTITLEMENTS"
  done
  sign "$APP" --entitlements "$ENTITLEMENTS"
  codesign --verify --deep --strict --verbose=2 "$APP"
  # hardened runtime problems (a missing entitlement) only show once signed: test again
  if command -v "$PYTHON" >/dev/null; then
    "$PYTHON" "$HERE/../smoke.py" "$APP" --only self-test,forecast
  fi
else
  echo "SKUCAST_MACOS_SIGN_IDENTITY not set: skipping code signing (the .dmg will not open on other Macs without a right-click > Open)"
fi

if [ -n "$IDENTITY" ] && [ "${#NOTARY_ARGS[@]}" -gt 0 ]; then
  echo "notarizing $APP"
  ZIP="$DIST/SkuCast-$VERSION-app.zip"
  ditto -c -k --keepParent "$APP" "$ZIP"
  notarize "$ZIP"
  rm -f "$ZIP"
  xcrun stapler staple "$APP"
elif [ -n "$IDENTITY" ]; then
  echo "no notary credentials (SKUCAST_NOTARY_PROFILE or SKUCAST_NOTARY_APPLE_ID/TEAM_ID/PASSWORD): skipping notarization"
fi

echo "building $DMG"
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
ditto "$APP" "$STAGE/SkuCast.app"
ln -s /Applications "$STAGE/Applications"
rm -f "$DMG"
hdiutil create -volname "SkuCast $VERSION" -srcfolder "$STAGE" -ov -format "${SKUCAST_DMG_FORMAT:-ULFO}" "$DMG"

if [ -n "$IDENTITY" ]; then
  codesign --force --timestamp --sign "$IDENTITY" "$DMG"
  if [ "${#NOTARY_ARGS[@]}" -gt 0 ]; then
    notarize "$DMG"
    xcrun stapler staple "$DMG"
    spctl --assess --type open --context context:primary-signature --verbose=2 "$DMG"
  fi
fi
echo "done: $DMG ($(du -h "$DMG" | cut -f1))"
