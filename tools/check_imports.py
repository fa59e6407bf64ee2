"""The house's floor plan, checked from the source of radiodiff/*.py.

A module's floor is 0 when it imports no radiodiff module, else 1 + the highest floor among the radiodiff modules it
imports. The floors are computed twice: from the imports at module level only (what a reader sees at the top of the
file) and from all imports (those inside functions too, which are what really runs). They must be equal: the floor
a reader sees is the real one.

Rules (each broken rule is an error):

- No import cycle between radiodiff modules (all imports count).
- Floors from module-level imports == floors from all imports, for every module.
- No import inside a function (or a lambda) of a radiodiff module: import it at module top.
- An import inside a function of anything else is allowed only when both hold:
  * its top-level package is on LAZY_OK below: third-party packages that are heavy to import next to torch
    (measured on a 2-core CPU with torch already imported: timm 1.9 s, torchvision 1.3 s, matplotlib 0.5 s) or only
    needed by an optional front end (notebook widgets, IPython display, the accelerate launcher, the weights hub,
    TensorBoard). Cheap or required packages (the standard library, tqdm, PIL, yaml, safetensors, numpy, torch
    itself) go at module top;
  * the import statement carries a comment on its own line(s) saying why, e.g.
    `import matplotlib.pyplot as plt  # lazy: 0.5 s, only for plots`.
- No module over --max-lines lines.

Imports in a class body, under `if`/`try` at module level, etc. count as module level (they run at import).
Files whose name starts with `_` (`__init__.py`, nbdev's `_modidx.py`) are not rooms and are skipped.

  python tools/check_imports.py [--max-lines 500]   # strict: prints the plan, exit 1 on any error
  python tools/check_imports.py --report            # prints the same, always exit 0
  python tools/check_imports.py --pkg DIR           # check another package folder (default: radiodiff/)
"""
import argparse, ast, io, sys, tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG_NAME = 'radiodiff'

# Top-level packages that may be imported inside a function (with a comment saying why). Keep this list short.
LAZY_OK = {'matplotlib', 'IPython', 'ipywidgets', 'accelerate', 'torchvision', 'timm', 'huggingface_hub',
           'tensorboard', 'torch.utils.tensorboard'}


class Import:
    "One import statement: where it is, what it imports, whether it sits inside a function."
    def __init__(self, node, in_function: bool, modules: set, comment: bool):
        self.node, self.in_function, self.modules, self.comment = node, in_function, modules, comment
        self.line = node.lineno
        self.text = ast.unparse(node)

    def radiodiff_modules(self) -> set:
        "Names of the radiodiff modules this statement imports ('config' for `from .config import x`)."
        n, found = self.node, set()
        if isinstance(n, ast.ImportFrom):
            mod = n.module or ''
            if n.level == 1:                                      # from .x import y / from . import x
                found = {mod.split('.')[0]} if mod else {a.name for a in n.names}
            elif mod == PKG_NAME:                                 # from radiodiff import x
                found = {a.name for a in n.names}
            elif mod.startswith(PKG_NAME + '.'):
                found = {mod.split('.')[1]}
        else:
            found = {a.name.split('.')[1] for a in n.names if a.name.startswith(PKG_NAME + '.')}
        return found & self.modules

    def is_radiodiff(self) -> bool:
        "Does this statement import anything of radiodiff (a module, or the package itself: `from radiodiff import __version__`)?"
        n = self.node
        if isinstance(n, ast.ImportFrom):
            return bool(n.level) or (n.module or '').split('.')[0] == PKG_NAME
        return any(a.name.split('.')[0] == PKG_NAME for a in n.names)

    def external(self) -> list:
        "Dotted names of the non-radiodiff modules this statement imports."
        n = self.node
        if isinstance(n, ast.ImportFrom):
            return [] if n.level or (n.module or '').split('.')[0] == PKG_NAME else [n.module]
        return [a.name for a in n.names if a.name.split('.')[0] != PKG_NAME]


def comment_lines(src: str) -> set:
    "Line numbers that carry a `#` comment (found with tokenize, so a `#` inside a string does not count)."
    try:
        return {t.start[0] for t in tokenize.generate_tokens(io.StringIO(src).readline) if t.type == tokenize.COMMENT}
    except (tokenize.TokenError, SyntaxError):
        return set()


def imports_in(path: Path, modules: set) -> list:
    "Every import statement of `path`, each marked as inside a function or not."
    src = path.read_text()
    tree, comments, found = ast.parse(src), comment_lines(src), []
    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                lines = range(child.lineno, (child.end_lineno or child.lineno) + 1)
                found.append(Import(child, in_function, modules, any(l in comments for l in lines)))
            visit(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))
    visit(tree, False)
    return found


def lazy_refusal(imp: Import):
    "Why a function-level import is refused, or None when it is allowed."
    if imp.is_radiodiff():
        return 'a radiodiff module inside a function: import it at module top, so the floor shows'
    for name in imp.external():
        if not any(name == ok or name.startswith(ok + '.') for ok in LAZY_OK):
            return f'{name} is not on the lazy allow-list (cheap or required): import it at module top'
    if not imp.comment:
        return 'allowed lazily only with a comment on its line saying why (e.g. "# lazy: 0.5 s, only for plots")'
    return None


def find_cycle(g: dict):
    "One import cycle as a list of modules, or None."
    state, stack = {}, []
    def visit(m):
        state[m] = 1; stack.append(m)
        for n in g.get(m, []):
            if state.get(n) == 1: return stack[stack.index(n):] + [n]
            if n not in state:
                c = visit(n)
                if c: return c
        state[m] = 2; stack.pop()
        return None
    for m in g:
        if m not in state:
            c = visit(m)
            if c: return c
    return None


def floors(g: dict) -> dict:
    "Floor of each module of the graph `g` (module -> imported modules); None for modules on or above a cycle."
    memo = {}
    def floor(m, seen):
        if m in memo: return memo[m]
        if m in seen: return None
        below = [floor(n, seen | {m}) for n in g[m]]
        memo[m] = None if None in below else 1 + max(below, default=-1)
        return memo[m]
    return {m: floor(m, frozenset()) for m in g}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog='\n\n'.join(__doc__.split('\n\n')[1:]))
    ap.add_argument('--max-lines', type=int, default=500, help='largest module allowed, in lines (default 500)')
    ap.add_argument('--report', action='store_true', help='print everything and exit 0 even when a rule is broken')
    ap.add_argument('--pkg', default=str(ROOT / PKG_NAME), help='the package folder to check (default: radiodiff/)')
    args = ap.parse_args(argv)
    pkg = Path(args.pkg)
    paths = {p.stem: p for p in sorted(pkg.glob('*.py')) if not p.stem.startswith('_')}
    if not paths: sys.exit(f'check_imports: no modules in {pkg} (give the package folder with --pkg)')
    modules = set(paths)
    imports = {m: imports_in(p, modules) for m, p in paths.items()}
    top = {m: sorted({d for i in imps if not i.in_function for d in i.radiodiff_modules()} - {m}) for m, imps in imports.items()}
    every = {m: sorted({d for i in imps for d in i.radiodiff_modules()} - {m}) for m, imps in imports.items()}
    errors = []

    f_top, f_all = floors(top), floors(every)
    print('floors: "top" from module-level imports, "all" counting the imports inside functions too')
    print(f'{"module":12s} {"lines":>5s}  {"top":>4s} {"all":>4s}  imports at module top  [+ inside functions]')
    for m in sorted(modules, key=lambda m: (f_all[m] is None, f_all[m] or 0, m)):
        n = len(paths[m].read_text().splitlines())
        hidden = sorted(set(every[m]) - set(top[m]))
        show = lambda f: '?' if f is None else str(f)
        notes = []
        if n > args.max_lines: notes.append(f'over {args.max_lines} lines'); errors.append(f'{m}: {n} lines')
        if f_top[m] != f_all[m]:
            notes.append('floor hidden by imports inside functions')
            errors.append(f'{m}: floor {show(f_top[m])} from module-level imports, {show(f_all[m])} in fact')
        print(f'{m:12s} {n:5d}  {show(f_top[m]):>4s} {show(f_all[m]):>4s}  {", ".join(top[m]) or "-"}'
              + (f'  [+ {", ".join(hidden)}]' if hidden else '') + (f'  <-- {"; ".join(notes)}' if notes else ''))

    c = find_cycle(every)
    if c: print('import cycle: ' + ' -> '.join(c)); errors.append('import cycle')
    else: print('no import cycle')

    lazy = [(m, i) for m in sorted(imports) for i in imports[m] if i.in_function]
    refused = [(m, i, r) for m, i in lazy if (r := lazy_refusal(i))]
    print(f'\nimports inside functions: {len(lazy)}, refused: {len(refused)} '
          f'({sum(1 for _, i, _ in refused if i.is_radiodiff())} of them between radiodiff modules)')
    for m, i, reason in refused:
        print(f'{paths[m].relative_to(pkg.parent)}:{i.line}  {i.text}  ({reason})')
    errors += [f'{m}:{i.line}' for m, i, _ in refused]

    if errors:
        print(f'\n{len(errors)} floor-plan errors' + (' (report mode: not failing)' if args.report else ''))
        return 0 if args.report else 1
    print('\nfloor plan ok')
    return 0


if __name__ == '__main__': sys.exit(main())
