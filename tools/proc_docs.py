"""The docs pipeline up to Quarto, runnable where Quarto is not installed (CI, our machines).

`nbdev_proc_nbs` (what `nbdev_docs` and `nbdev_preview` run first) installs Quarto before it processes anything, and
its installer needs sudo and the network. This script runs the same processing without the installer: nbdev's
`FilterDefaults` processors on every chapter (front matter, directives such as `#| hide` and `#| echo: false`,
`show_doc` for every exported name, executing the cells that show_doc needs: exported cells and imports), each
notebook in its own process, as `nbdev.serve.proc_nbs` does. It fails, naming the notebook and the cell, when a
directive or a show_doc breaks.

  python tools/proc_docs.py                                # every chapter into _proc/ (what CI runs, with --out)
  python tools/proc_docs.py --only 06_sde 12_explore       # just these chapters (others already in --out stay)
  python tools/proc_docs.py --only 06_sde --html /tmp/html 06_sde.ipynb   # and look at one as HTML

`--html` uses `jupyter nbconvert` (a dev tool, not a dependency of the package); formulas render offline when Debian's
`libjs-mathjax` is installed (else MathJax is loaded from its CDN).
"""
import argparse, json, os, shutil, subprocess, sys, time, traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

root = Path(__file__).resolve().parent.parent


def _process_one(src, dst):
    "Process one notebook the way `nbdev.serve_drv.main` does; print {'error': None or the message} as JSON."
    try:
        from execnb.nbio import read_nb, write_nb
        from nbdev.processors import FilterDefaults
        os.environ['IN_TEST'] = '1'
        nb = read_nb(src)
        FilterDefaults()(nb)
        write_nb(nb, dst)
        err = None
    except Exception as e:  # reported per notebook by the caller, which then fails
        cause = e.__cause__ or e
        err = f"{e}\n{''.join(traceback.format_exception_only(type(cause), cause)).strip()}"
    print('\n' + json.dumps({'error': err}))


def _process(src: Path, dst: Path):
    "Process one notebook in a fresh Python (as nbdev does: one process per notebook); (name, seconds, error or None)."
    start = time.time()
    r = subprocess.run([sys.executable, __file__, '--one', str(src), str(dst)], capture_output=True, text=True, cwd=root)
    try: err = json.loads(r.stdout.strip().splitlines()[-1])['error']
    except (IndexError, ValueError, KeyError): err = f"exit status {r.returncode}: {(r.stderr or r.stdout)[-2000:]}"
    return src.name, time.time() - start, err


def chosen(nbs: list, names) -> list:
    "The notebooks of `nbs` named in `names` (`06_sde`, `06_sde.ipynb` or `nbs/06_sde.ipynb`); all when names is None."
    if names is None: return nbs
    by_stem = {p.stem: p for p in nbs}
    wanted = [Path(n).name.removesuffix('.ipynb') for n in names]
    unknown = [n for n in wanted if n not in by_stem]
    if unknown: sys.exit(f"proc_docs: no chapter {', '.join(unknown)} (chapters: {', '.join(sorted(by_stem))})")
    return [by_stem[n] for n in dict.fromkeys(wanted)]


def process(out: Path, workers: int, only=None) -> int:
    from nbdev.config import get_config
    import nbdev.doclinks
    cfg = get_config()
    nbs = chosen(sorted(p for p in Path(cfg.nbs_path).glob('*.ipynb') if not p.name.startswith('_')), only)
    nbdev.doclinks._build_modidx()   # what _pre_docs does before processing (the index add_links reads)
    if out.exists() and only is None: shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    for p in Path(cfg.nbs_path).iterdir():   # the rest of the site's sources, copied as nbdev does
        if p.suffix != '.ipynb' and not p.name.startswith(('.', '_proc')):
            if p.is_dir(): shutil.copytree(p, out / p.name, dirs_exist_ok=True)
            else: shutil.copy2(p, out / p.name)
    failed = 0
    with ThreadPoolExecutor(workers) as ex:
        for name, sec, err in ex.map(lambda p: _process(p, out / p.name), nbs):
            print(f"{'FAIL' if err else 'ok  '} {name} ({sec:.0f} s)", flush=True)
            if err: failed += 1; print('     ' + err.replace('\n', '\n     '))
    print(f"processed {len(nbs) - failed} of {len(nbs)} chapters into {out}")
    return failed


MATHJAX = Path('/usr/share/javascript/mathjax/MathJax.js')   # Debian's libjs-mathjax: formulas without the network


def html(out: Path, dest: Path, names) -> int:
    dest.mkdir(parents=True, exist_ok=True)
    mj = [f'--HTMLExporter.mathjax_url={MATHJAX.as_uri()}?config=TeX-AMS_HTML'] if MATHJAX.exists() else []   # else the CDN
    r = subprocess.run([sys.executable, '-m', 'nbconvert', '--to', 'html', '--output-dir', str(dest), *mj,
                        *[str(out / n) for n in names]], capture_output=True, text=True)
    if r.returncode: print(r.stderr[-3000:]); return 1
    for p in out.iterdir():   # the pictures the chapters link to (images/diagrams/...), next to the HTML as on the site
        if p.is_dir() and not p.name.startswith(('.', '_')): shutil.copytree(p, dest / p.name, dirs_exist_ok=True)
    print(f"html: {', '.join(names)} -> {dest}")
    return 0


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog='\n\n'.join(__doc__.split('\n\n')[1:]))
    ap.add_argument('--out', default=str(root / '_proc'),
                    help='folder for the processed notebooks (default: _proc/ at the repository root, as nbdev); '
                         'emptied first unless --only is given')
    ap.add_argument('--workers', type=int, default=os.cpu_count() or 1,
                    help='chapters processed at once, one Python process each (default: the number of CPUs)')
    ap.add_argument('--only', nargs='+', metavar='NAME',
                    help='process only these chapters (06_sde, 06_sde.ipynb or nbs/06_sde.ipynb); default: all')
    ap.add_argument('--html', nargs='+', metavar=('DIR', 'NB'),
                    help='then render the processed notebooks NB... (e.g. 06_sde.ipynb) to HTML in DIR with nbconvert')
    ap.add_argument('--one', nargs=2, help=argparse.SUPPRESS)
    a = ap.parse_args()
    os.chdir(root)
    if a.one: _process_one(*a.one); sys.exit(0)
    bad = process(Path(a.out), a.workers, a.only)
    if a.html and not bad: bad += html(Path(a.out), Path(a.html[0]), a.html[1:])
    sys.exit(1 if bad else 0)
