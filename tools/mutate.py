"""Mutation check: do a chapter's tests fail when a formula in its code is changed?

  python tools/mutate.py tools/mutants.yaml [--only NAME ...] [--jobs 2]

Each mutant in the YAML list names a notebook, an exact piece of code (`old`, found exactly once in the notebook's
code cells) and its replacement (`new`). For each mutant the notebook is copied to a scratch folder, the change is
applied to the copy (so the chapter's own cells, which define and test the code, run the mutated version), and
`nbdev_test` runs that copy. A mutant is *caught* when the chapter's tests fail. Nothing in the repository changes.

The tests run in the copy's folder with the repository on PYTHONPATH, so `import radiodiff` finds the unmutated
package: other chapters' code stays as it is, as it should (a mutant of one chapter is judged by that chapter).
"""
import argparse, json, os, shutil, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _code_sources(nb: dict):
    return [c for c in nb['cells'] if c['cell_type'] == 'code']


def apply(nb: dict, old: str, new: str) -> dict:
    "A copy of `nb` with `old` replaced by `new` in the one code cell that holds it (exactly one occurrence)."
    hits = [(i, c) for i, c in enumerate(nb['cells']) if c['cell_type'] == 'code' and old in ''.join(c['source'])]
    n = sum(''.join(c['source']).count(old) for _, c in hits)
    if n != 1: raise ValueError(f"{old!r}: found {n} times in the code cells (need exactly 1)")
    out = json.loads(json.dumps(nb))
    i, c = hits[0]
    src = ''.join(c['source']).replace(old, new)
    out['cells'][i]['source'] = src.splitlines(keepends=True)
    return out


def run_one(m: dict, timeout: int = 900) -> dict:
    nbpath = ROOT / m['nb']
    nb = json.loads(nbpath.read_text())
    try: mutated = apply(nb, m['old'], m['new'])
    except ValueError as e: return {**m, 'result': 'invalid', 'detail': str(e)}
    with tempfile.TemporaryDirectory(prefix='mutant-') as d:
        # the copy sits in a scratch nbs/ next to the repo's settings.ini, so nbdev finds its config
        shutil.copy(ROOT / 'settings.ini', d)
        (Path(d) / 'nbs').mkdir()
        for extra in ('images',):
            if (nbpath.parent / extra).exists(): shutil.copytree(nbpath.parent / extra, Path(d) / 'nbs' / extra)
        target = Path(d) / 'nbs' / nbpath.name
        target.write_text(json.dumps(mutated, indent=1))
        env = {**os.environ, 'PYTHONPATH': str(ROOT), 'OMP_NUM_THREADS': '1', 'MPLBACKEND': 'Agg'}
        t0 = time.time()
        try:
            r = subprocess.run(['nbdev_test', '--path', str(target)], cwd=d, env=env, capture_output=True,
                               text=True, timeout=timeout)
            caught = r.returncode != 0
            detail = (r.stdout + r.stderr).strip().splitlines()[-1:] if caught else []
        except subprocess.TimeoutExpired:
            caught, detail = True, ['timeout']
    return {**m, 'result': 'caught' if caught else 'SURVIVED', 'seconds': round(time.time() - t0),
            'detail': ' '.join(detail)[:160]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('spec', help='YAML list of {name, nb, old, new}')
    ap.add_argument('--only', nargs='*', help='run only these mutant names')
    ap.add_argument('--jobs', type=int, default=1)
    args = ap.parse_args()
    mutants = yaml.safe_load(Path(args.spec).read_text())
    if args.only: mutants = [m for m in mutants if m['name'] in args.only]
    with ThreadPoolExecutor(args.jobs) as ex:
        results = list(ex.map(run_one, mutants))
    for r in results:
        print(f"{r['result']:9s} {r['name']:40s} {r.get('seconds', '-'):>4}s  {r['nb']}  {r.get('detail', '')}")
    caught = sum(r['result'] == 'caught' for r in results)
    bad = [r['name'] for r in results if r['result'] != 'caught']
    print(f"{caught} of {len(results)} mutants caught" + (f"; not caught: {', '.join(bad)}" if bad else ''))
    return 0 if not bad else 1


if __name__ == '__main__': sys.exit(main())
