"""The house's floor plan, checked: no import cycle between radiodiff's modules (imports inside functions count too),
and no module over the size limit.

  python tools/check_imports.py [--max-lines 500]      # prints the graph; exit 1 on a cycle or an oversized module
"""
import argparse, ast, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / 'radiodiff'


def imports_of(path: Path) -> set:
    "Names of the radiodiff modules that `path` imports anywhere (module level or inside functions)."
    tree, found = ast.parse(path.read_text()), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            mod = node.module or ''
            if node.level == 1:                                   # from .x import y / from . import x
                found |= {mod.split('.')[0]} if mod else {a.name for a in node.names}
            elif mod == 'radiodiff':                              # from radiodiff import x
                found |= {a.name for a in node.names}
            elif mod.startswith('radiodiff.'):
                found.add(mod.split('.')[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split('.')[1] for a in node.names if a.name.startswith('radiodiff.')}
    return found


def graph() -> dict:
    mods = {p.stem for p in PKG.glob('*.py') if not p.stem.startswith('_')}
    return {m: sorted((imports_of(PKG / f'{m}.py') & mods) - {m}) for m in sorted(mods)}


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


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--max-lines', type=int, default=500)
    args = ap.parse_args()
    g, ok = graph(), True
    for m, deps in g.items():
        n = len((PKG / f'{m}.py').read_text().splitlines())
        flag = '' if n <= args.max_lines else f'  <-- over {args.max_lines} lines'
        print(f'{m:12s} {n:4d} lines  imports {", ".join(deps) or "-"}{flag}')
        ok &= not flag
    c = find_cycle(g)
    if c: print('import cycle: ' + ' -> '.join(c)); ok = False
    else: print('no import cycle')
    return 0 if ok else 1


if __name__ == '__main__': sys.exit(main())
