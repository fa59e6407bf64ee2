"""Chapters made of small cells, each tested right below: checked on every exporting notebook.

For each notebook that exports a module (a code cell with `#| default_exp`), every exported cell (`#| export`,
`#| exports` or `#| exporti`) must

(a) be at most --max-lines lines long (default 60), counting every line of the cell except its `#|` directive lines
    (blank lines and comments count), unless the cell has a comment line starting with `# long:` followed by why
    (e.g. `# long: one dataclass of 70 typed fields, one per config key`);
(b) be followed by at least one test cell before the next exported cell (or the end of the notebook), unless the
    cell has a comment line starting with `# tested below:` or `# no test:` followed by why, or holds nothing but
    import statements (the chapter's exported import cell has nothing to test).
    A test cell is a code cell, not exported, that contains an `assert` statement or calls a `test_*` function
    (fastcore's test_eq, test_close, test_fail, test_ne, test_is, test_warns, test_stdout, ... or one of the
    chapter's own `test_*` helpers). Cells flagged `#| slow` / `#| cuda` / `#| multiproc` count as test cells too.

Offenders are printed as `nbs/X.ipynb cell K #ID (first line): reason`, where K is the cell's index in the notebook
(0-based, markdown cells included) and ID its cell id, which nbdev_export writes above the cell's code in
radiodiff/*.py (`# %% ../nbs/X.ipynb #ID`). Then the totals, per notebook and overall.

  python tools/check_cells.py                      # strict: exit 1 on any oversized or untested exported cell
  python tools/check_cells.py --report             # the same listing, always exit 0
  python tools/check_cells.py --max-lines 80 nbs/06_sde.ipynb [...]   # other limit, chosen notebooks
"""
import argparse, ast, json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXPORT = ('export', 'exports', 'exporti')
WHY = {'long': re.compile(r'^\s*#\s*long:\s*\S'),
       'untested': re.compile(r'^\s*#\s*(tested below|no test):\s*\S')}
TEST_CALL = re.compile(r'(^|[^\w.])(test_\w*)\s*\(|^\s*assert\b', re.M)


def directives(lines) -> list:
    "The names of a cell's `#|` directives: ['export'], ['slow'], ['default_exp'] ..."
    return [m.group(1) for l in lines if (m := re.match(r'\s*#\|\s*([\w-]+)', l))]


def is_test(src: str) -> bool:
    "Does this code contains an `assert` or a call of a `test_*` function? (AST when it parses, else a regex)."
    code = '\n'.join('' if l.lstrip().startswith(('%', '!')) else l for l in src.splitlines())   # IPython magics
    try: tree = ast.parse(code)
    except SyntaxError: return bool(TEST_CALL.search(code))
    for n in ast.walk(tree):
        if isinstance(n, ast.Assert): return True
        if isinstance(n, ast.Call):
            f = n.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ''
            if name.startswith('test_'): return True
    return False


def only_imports(src: str) -> bool:
    "Is this code made of import statements only?"
    try: body = ast.parse(src).body
    except SyntaxError: return False
    return bool(body) and all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in body)


def check(path: Path, max_lines: int):
    "(number of exported cells, list of (cell index, cell, reason)) for one notebook; None if it exports nothing."
    cells = json.loads(path.read_text())['cells']
    code = [(i, c, c['source'] if isinstance(c['source'], list) else c['source'].splitlines(keepends=True))
            for i, c in enumerate(cells) if c['cell_type'] == 'code']
    if not any('default_exp' in directives(lines) for _, _, lines in code): return None
    exported = [k for k, (_, _, lines) in enumerate(code) if set(directives(lines)) & set(EXPORT)]
    problems = []
    for j, k in enumerate(exported):
        i, cell, lines = code[k]
        body = [l for l in lines if not l.lstrip().startswith('#|')]
        while body and not body[-1].strip(): body.pop()
        said = lambda why: any(WHY[why].match(l) for l in body)
        if len(body) > max_lines and not said('long'):
            problems.append((i, cell, 'oversized', f'{len(body)} lines (over {max_lines})'))
        end = exported[j + 1] if j + 1 < len(exported) else len(code)
        if not said('untested') and not only_imports(''.join(body)) and not any(is_test(''.join(code[t][2])) for t in range(k + 1, end)):
            problems.append((i, cell, 'untested', 'no test cell before the next exported cell'))
    return len(exported), problems


def first_line(cell) -> str:
    src = cell['source'] if isinstance(cell['source'], list) else cell['source'].splitlines()
    line = next((l.strip() for l in src if l.strip() and not l.lstrip().startswith('#|')), '')
    return line if len(line) <= 50 else line[:47] + '...'


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog='\n\n'.join(__doc__.split('\n\n')[1:]))
    ap.add_argument('notebooks', nargs='*', help='notebooks to check (default: nbs/*.ipynb)')
    ap.add_argument('--max-lines', type=int, default=60, help='longest exported cell allowed, in lines (default 60)')
    ap.add_argument('--report', action='store_true', help='print everything and exit 0 even when a rule is broken')
    args = ap.parse_args(argv)
    paths = [Path(p) for p in args.notebooks] or sorted((ROOT / 'nbs').glob('*.ipynb'))
    rows, totals = [], {'exported': 0, 'oversized': 0, 'untested': 0}
    for path in paths:
        r = check(path, args.max_lines)
        if r is None: continue
        n, problems = r
        name = path.resolve().relative_to(ROOT) if path.resolve().is_relative_to(ROOT) else path
        for i, cell, kind, reason in problems:
            print(f"{name} cell {i} #{cell.get('id', '?')} ({first_line(cell)}): {reason}")
        counts = {'exported': n, **{k: sum(p[2] == k for p in problems) for k in ('oversized', 'untested')}}
        rows.append((name, counts))
        for k in totals: totals[k] += counts[k]
    w = max([len(str(name)) for name, _ in rows] + [24])
    print(f'\n{"notebook":{w}s} exported oversized untested')
    for name, c in rows:
        if c['oversized'] or c['untested']:
            print(f'{str(name):{w}s} {c["exported"]:8d} {c["oversized"]:9d} {c["untested"]:8d}')
    print(f'{"total (" + str(len(rows)) + " notebooks)":{w}s} {totals["exported"]:8d} {totals["oversized"]:9d} {totals["untested"]:8d}')
    bad = totals['oversized'] + totals['untested']
    if bad:
        print('Split a long cell (a class cell, then one @patch cell per method, each with its test below), or say why '
              'in the cell: "# long: why"; "# tested below: why" or "# no test: why" for an untested one.')
        if not args.report: return 1
    print('cells ok' if not bad else '(report mode: not failing)')
    return 0


if __name__ == '__main__': sys.exit(main())
