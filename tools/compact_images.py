"""Make the figures saved in notebooks small: each PNG output over a size threshold is scaled down to a maximum width
and stored with a 256-colour palette (plots and colour-mapped maps lose nothing visible; typically 3-6x smaller).

  python tools/compact_images.py nbs/13_walkthrough.ipynb [--max-width 900] [--min-kb 20] [--check]

`--check` only reports what would shrink (exit 1 if anything would). Run `nbdev_clean` afterwards as usual.
"""
import argparse, base64, io, json, sys
from pathlib import Path

from PIL import Image


def compact_png(data: bytes, max_width: int) -> bytes:
    "The PNG `data` scaled to at most `max_width` pixels wide and quantized to a 256-colour palette."
    im = Image.open(io.BytesIO(data))
    im = im.convert('RGBA') if 'A' in im.getbands() else im.convert('RGB')
    if im.width > max_width: im = im.resize((max_width, round(im.height * max_width / im.width)), Image.LANCZOS)
    q = im.quantize(256, method=Image.Quantize.FASTOCTREE if im.mode == 'RGBA' else Image.Quantize.MEDIANCUT)
    buf = io.BytesIO(); q.save(buf, format='PNG', optimize=True)
    return buf.getvalue()


def compact_notebook(path: Path, max_width: int, min_kb: float, check: bool) -> tuple:
    "Compact the PNG outputs of one notebook; returns (bytes before, bytes after) of the images touched."
    nb = json.loads(path.read_text()); before = after = 0
    for cell in nb['cells']:
        for out in cell.get('outputs', []):
            data = out.get('data', {})
            if 'image/png' not in data: continue
            b64 = ''.join(data['image/png']) if isinstance(data['image/png'], list) else data['image/png']
            raw = base64.b64decode(b64)
            if len(raw) < min_kb * 1024: continue
            new = compact_png(raw, max_width)
            if len(new) >= len(raw): continue
            before, after = before + len(raw), after + len(new)
            if not check:
                data['image/png'] = base64.b64encode(new).decode('ascii')
                out.get('metadata', {}).pop('image/png', None)     # the old width/height hints no longer hold
    if not check and before: path.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + '\n')
    return before, after


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('notebooks', nargs='+', type=Path, help='notebooks to compact')
    ap.add_argument('--max-width', type=int, default=900, help='scale wider images down to this width (pixels)')
    ap.add_argument('--min-kb', type=float, default=20, help='leave images smaller than this alone (KiB)')
    ap.add_argument('--check', action='store_true', help='only report; exit 1 if any image would shrink')
    args = ap.parse_args()
    shrunk = False
    for p in args.notebooks:
        b, a = compact_notebook(p, args.max_width, args.min_kb, args.check)
        if b:
            shrunk = True
            print(f'{p}: images {b / 1024:.0f} KiB -> {a / 1024:.0f} KiB' + (' (check only)' if args.check else ''))
    return 1 if (args.check and shrunk) else 0


if __name__ == '__main__': sys.exit(main())
