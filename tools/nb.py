"""Developer helper for writing the notebooks (the notebooks stay the source of the package).

  python tools/nb.py src   nbs/03_vae.ipynb /tmp/03_vae.py   # notebook -> percent script, to edit in any editor
  python tools/nb.py build /tmp/03_vae.py nbs/03_vae.ipynb   # percent script -> notebook (standard format; outputs dropped)
  python tools/nb.py run   nbs/03_vae.ipynb [--flags slow]   # execute in place, saving outputs (flagged cells skipped)

`build` and `run` end with `nbdev_clean` (stable cell ids); then `nbdev_export`, and commit the notebook with radiodiff/.
Always in that order: `nbdev_clean`, then `nbdev_export` (CONTRIBUTING.md, "The loop")."""
import json, os, re, sys
from pathlib import Path

FLAGS = ('slow', 'cuda', 'multiproc')


def _write(nb: dict, path: Path):
    path.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + '\n')


def build(src, dest):
    import jupytext
    nb = jupytext.read(src, fmt='py:percent')
    out = json.loads(jupytext.writes(nb, fmt='ipynb'))
    out['metadata'] = {'kernelspec': {'display_name': 'python3', 'language': 'python', 'name': 'python3'}}
    for c in out['cells']:
        c['metadata'] = {}
        c.pop('id', None)
        if c['cell_type'] == 'code': c['outputs'], c['execution_count'] = [], None
    _write(out, Path(dest))
    _clean(dest)


def _clean(path):
    "nbdev_clean gives every cell a stable id, so that nbdev_export's output does not change between runs."
    import subprocess
    subprocess.run(['nbdev_clean', '--fname', str(path)], check=True)


def src(nbpath, dest):
    import jupytext
    nb = jupytext.read(nbpath)
    jupytext.write(nb, dest, fmt='py:percent')
    text = Path(dest).read_text()
    text = re.sub(r'^# ---\n.*?^# ---\n\n?', '', text, count=1, flags=re.S | re.M)  # drop the jupytext header
    Path(dest).write_text(text)


def run(nbpath, flags=()):
    from execnb.nbio import read_nb, write_nb
    from execnb.shell import CaptureShell
    nbpath = Path(nbpath).resolve()
    skip = [f for f in FLAGS if f not in flags]

    def preproc(cell):
        s = cell.source if isinstance(cell.source, str) else ''.join(cell.source)
        if re.search(r'^#\|\s*eval:\s*false', s, re.M): return True
        return any(re.search(rf'^#\|\s*{f}\s*$', s, re.M) for f in skip)

    os.chdir(nbpath.parent)
    os.environ.setdefault('MPLBACKEND', 'Agg')
    nb = read_nb(nbpath)
    sh = CaptureShell()
    sh.run_all(nb, exc_stop=True, preproc=preproc)
    write_nb(nb, nbpath)
    _clean(nbpath)


if __name__ == '__main__':
    cmd, *args = sys.argv[1:]
    if cmd == 'build': build(*args)
    elif cmd == 'src': src(*args)
    elif cmd == 'run':
        flags = args[args.index('--flags') + 1].split(',') if '--flags' in args else ()
        run(args[0], flags)
    else: sys.exit(__doc__)
