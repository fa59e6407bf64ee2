"""Move the imports of test and demo cells into a cell of their own, just above.

The docs build (nbdev's `exec_show_docs`) executes every cell that contains an import, out of its context: a cell
that mixes `from x import y` with code using the chapter's variables then fails there (a NameError), although the
chapter runs fine top to bottom. This rewrites such cells: their import statements (module level, and those inside
`with`/`def` blocks of the cell) go, in order, into a new cell right above; the rest stays. Exported cells and cells
marked `#| eval: false` are left alone.

  python tools/split_imports.py nbs/03_vae.ipynb [...]       # rewrites in place; then nbdev_clean
  python tools/split_imports.py --check nbs/*.ipynb           # lists the cells that would change; exit 1 if any
"""
import argparse, ast, json, sys
from pathlib import Path

KEEP = ('export', 'exports', 'exporti', 'exec_doc')


def _directives(lines):
    return [l for l in lines if l.startswith('#|')]


def _flag_lines(lines):
    "Directive lines the import cell inherits (test flags), so flagged imports stay flagged."
    return [l for l in _directives(lines) if l.split('|', 1)[1].strip().split(':')[0].strip() in ('slow', 'cuda', 'multiproc')]


def split_cell(src: str):
    "(imports, rest) for one cell's source, or None when the cell needs no change."
    lines = src.splitlines(keepends=True)
    ds = [l.split('|', 1)[1].strip() for l in _directives(lines)]
    if any(d.split()[0].rstrip(':') in KEEP for d in ds if d) or any(d.replace(' ', '') == 'eval:false' for d in ds):
        return None
    try: tree = ast.parse(''.join(l if not l.lstrip().startswith(('%', '!')) else '#' + l for l in lines))
    except SyntaxError: return None
    imps = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    if not imps: return None
    others = [n for n in tree.body if not isinstance(n, (ast.Import, ast.ImportFrom))]
    if not others: return None                       # an import-only cell: what the docs build wants
    drop, imp_src = set(), []
    for n in sorted(imps, key=lambda n: n.lineno):
        rng = range(n.lineno - 1, n.end_lineno)
        imp_src.append(''.join(lines[i].strip() + '\n' if i == n.lineno - 1 else lines[i] for i in rng))
        drop |= set(rng)
    rest = []
    for i, l in enumerate(lines):
        if i not in drop: rest.append(l); continue
        # an import that was the whole body of a block leaves the block empty: keep it valid with `pass`
        if i + 1 == len(lines) or (i + 1 not in drop and len(lines[i + 1]) - len(lines[i + 1].lstrip()) < len(l) - len(l.lstrip())):
            indent = l[:len(l) - len(l.lstrip())]
            if indent and not any(j not in drop and lines[j].startswith(indent) and lines[j].strip()
                                  for j in range(max(0, i - 1), i)): rest.append(indent + 'pass\n')
    head = _flag_lines(lines)
    imp = ''.join(head) + ''.join(dict.fromkeys(imp_src))
    body = ''.join(rest)
    try: ast.parse(''.join(l if not l.lstrip().startswith(('%', '!', '#|')) else '#' + l for l in body.splitlines(True)))
    except SyntaxError: return None                  # leave anything we cannot split cleanly for a human
    return imp.rstrip('\n'), body.rstrip('\n')


def process(path: Path, write: bool) -> list:
    nb = json.loads(path.read_text())
    cells, changed = [], []
    for c in nb['cells']:
        r = split_cell(''.join(c['source'])) if c['cell_type'] == 'code' else None
        if r is None: cells.append(c); continue
        imp, rest = r
        changed.append(c.get('id', '?'))
        cells.append({'cell_type': 'code', 'execution_count': None, 'metadata': {}, 'outputs': [],
                      'source': imp.splitlines(True)})
        c = dict(c); c['source'] = rest.splitlines(True); cells.append(c)
    if write and changed:
        nb['cells'] = cells
        path.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + '\n')
    return changed


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('notebooks', nargs='+')
    ap.add_argument('--check', action='store_true')
    a = ap.parse_args()
    bad = 0
    for p in a.notebooks:
        ch = process(Path(p), write=not a.check)
        if ch: bad += 1; print(f"{p}: {'would split' if a.check else 'split'} {len(ch)} cells ({' '.join(ch)})")
    return 1 if (a.check and bad) else 0


if __name__ == '__main__': sys.exit(main())
