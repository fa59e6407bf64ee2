#!/usr/bin/env bash
# Render every diagrams/*.mmd to nbs/images/diagrams/NAME.svg and a 1920 x 1080 PNG nbs/images/diagrams/NAME.png.
#
# Needs (not project dependencies; install them once on the machine that renders):
#   chromium         apt-get update && apt-get install -y chromium
#   mmdc             PUPPETEER_SKIP_DOWNLOAD=1 npm install -g @mermaid-js/mermaid-cli
#   python + Pillow  the project's .venv has it (or: pip install pillow)
# Usage: tools/render_diagrams.sh [NAME ...]      (no NAME: all diagrams)
# Environment: CHROMIUM=/path/to/chromium  MMDC=/path/to/mmdc  PYTHON=/path/to/python
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/diagrams"
OUT="$ROOT/nbs/images/diagrams"
W=1920; H=1080

die() { echo "render_diagrams: $*" >&2; exit 1; }

CHROMIUM="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}"
[ -n "$CHROMIUM" ] && [ -x "$CHROMIUM" ] || die "chromium not found. Install it with:
    sudo apt-get update && sudo apt-get install -y chromium
or point CHROMIUM=/path/to/chromium-or-chrome at an existing browser."
CHROMIUM="$(readlink -f "$CHROMIUM")"

MMDC="${MMDC:-$(command -v mmdc || true)}"
[ -n "$MMDC" ] && [ -x "$MMDC" ] || die "mmdc (mermaid-cli) not found. Install it with:
    PUPPETEER_SKIP_DOWNLOAD=1 npm install -g @mermaid-js/mermaid-cli
(PUPPETEER_SKIP_DOWNLOAD=1 keeps puppeteer from downloading its own browser; chromium from apt is used),
or point MMDC=/path/to/mmdc at an existing install."

if [ -z "${PYTHON:-}" ]; then
  for p in "$ROOT/.venv/bin/python" python3 python; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import PIL' 2>/dev/null; then PYTHON="$p"; break; fi
  done
fi
[ -n "${PYTHON:-}" ] || die "no python with Pillow found. Use the project's venv (.venv) or: pip install pillow"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
cat > "$TMP/puppeteer.json" <<JSON
{"executablePath": "$CHROMIUM",
 "args": ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--no-first-run"]}
JSON
cat > "$TMP/mermaid.json" <<'JSON'
{"theme": "default",
 "themeVariables": {"fontFamily": "DejaVu Sans, Liberation Sans, Arial, sans-serif", "fontSize": "17px"},
 "flowchart": {"htmlLabels": true, "curve": "basis", "nodeSpacing": 30, "rankSpacing": 45, "padding": 10, "wrappingWidth": 420}}
JSON

mmdc_run() { "$MMDC" -q -p "$TMP/puppeteer.json" -c "$TMP/mermaid.json" "$@"; }

# Fit a PNG into exactly W x H: scale down (never up) keeping the aspect ratio, centre on white, palette-optimise.
FIT_PY='
import sys
from PIL import Image
src, dst, W, H = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
im = Image.open(src).convert("RGB")
w, h = im.size
s = min(W / w, H / h, 1.0)
if s < 1.0: im = im.resize((max(1, round(w * s)), max(1, round(h * s))), Image.LANCZOS)
canvas = Image.new("RGB", (W, H), "white")
canvas.paste(im, ((W - im.width) // 2, (H - im.height) // 2))
canvas = canvas.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
canvas.save(dst, optimize=True)
check = Image.open(dst)
assert check.size == (W, H), check.size
'
# The scale factor that makes a w x h render fill W x H.
SCALE_PY='
import sys
from PIL import Image
w, h = Image.open(sys.argv[1]).size
W, H = int(sys.argv[2]), int(sys.argv[3])
print(f"{max(1.0, min(W / w, H / h)):.3f}")
'

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in "$SRC"/*.mmd; do names+=("$(basename "$f" .mmd)"); done
fi
[ ${#names[@]} -gt 0 ] || die "no diagrams found in $SRC"
mkdir -p "$OUT"

failed=()
ms() { echo $(( $(date +%s%N) / 1000000 )); }
secs() { printf "%d.%d" $(( $1 / 1000 )) $(( ($1 % 1000) / 100 )); }
start=$(ms)
for name in "${names[@]}"; do
  in="$SRC/$name.mmd"
  [ -f "$in" ] || { echo "  $name: $in not found" >&2; failed+=("$name"); continue; }
  t0=$(ms)
  if ! mmdc_run -i "$in" -o "$OUT/$name.svg" -b white 2>"$TMP/err"; then
    echo "  $name: SVG failed:" >&2; cat "$TMP/err" >&2; failed+=("$name"); continue
  fi
  # PNG: render once at scale 1 in a 1920 x 1080 viewport to learn the size, then at the scale that fills 1920 x 1080
  # (sharp text), then fit to exactly 1920 x 1080 with PIL.
  if ! mmdc_run -i "$in" -o "$TMP/$name.1.png" -w $W -H $H -b white 2>"$TMP/err"; then
    echo "  $name: PNG failed:" >&2; cat "$TMP/err" >&2; failed+=("$name"); continue
  fi
  s=$("$PYTHON" -c "$SCALE_PY" "$TMP/$name.1.png" $W $H)
  if [ "$s" != "1.000" ]; then
    mmdc_run -i "$in" -o "$TMP/$name.png" -w $W -H $H -b white -s "$s" 2>"$TMP/err" || {
      echo "  $name: PNG at scale $s failed:" >&2; cat "$TMP/err" >&2; failed+=("$name"); continue; }
  else
    mv "$TMP/$name.1.png" "$TMP/$name.png"
  fi
  "$PYTHON" -c "$FIT_PY" "$TMP/$name.png" "$OUT/$name.png" $W $H
  t1=$(ms)
  printf '  %-20s svg %6s KB  png %6s KB  (scale %s, %s s)\n' "$name" \
    $(( $(stat -c %s "$OUT/$name.svg") / 1024 )) $(( $(stat -c %s "$OUT/$name.png") / 1024 )) "$s" \
    "$(secs $(( t1 - t0 )))"
done
end=$(ms)
printf 'rendered %d of %d diagram(s) into %s in %s s\n' $(( ${#names[@]} - ${#failed[@]} )) ${#names[@]} \
  "${OUT#$ROOT/}" "$(secs $(( end - start )))"
if [ ${#failed[@]} -gt 0 ]; then echo "FAILED: ${failed[*]}" >&2; exit 1; fi
