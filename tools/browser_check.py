"""Look at the project the way a user does: a notebook run in JupyterLab in headless Chromium, or a page of the docs.

`explorer` opens a notebook that shows a `radiodiff.explore.Explorer` in JupyterLab, runs all its cells, waits for
the explorer's first figure, clicks its sample button and waits for a new figure, then checks that no output shows a
traceback or an error, that the explorer's message line is not an error (red), and that the browser's console logged
no error. It saves a screenshot of the notebook and prints what it measured.

  python tools/browser_check.py explorer NB.ipynb --shot nbs/images/explorer_jupyterlab.png
  python tools/browser_check.py page _html/13_walkthrough.html --shot nbs/images/docs_walkthrough.png --at "table"
  python tools/browser_check.py missing        # what is missing to run the checks (exit 77 if anything)

The last line printed is a JSON summary. Exit status: 0 all checks passed; 1 a check failed (the reasons are in the
summary's `problems`); 77 skipped, because Debian's `chromium`, `playwright` (its Python package: the browser is the
system's, so `playwright install` is not needed) or `jupyterlab` is missing; the summary's `skipped` says which.
These are development tools only (`pip install -e ".[browser]"`, which installs jupyterlab and playwright, and
`apt-get install chromium`), never requirements of the package.

JupyterLab runs in a temporary folder with its own settings, workspaces and runtime folders (nothing is written to
the user's Jupyter folders), with news and update checks off, and is stopped at the end with its kernels.
"""
import argparse, contextlib, hashlib, importlib.util, io, json, os, shutil, socket, subprocess, sys, tempfile
import time, urllib.parse, urllib.request
from pathlib import Path

SKIP = 77   # the automake convention for "skipped"


def missing() -> list:
    "What the browser checks need and this machine lacks (empty: they can run)."
    out = []
    if not (shutil.which('chromium') or shutil.which('chromium-browser')): out.append('chromium (apt-get install chromium)')
    for mod, pkg in (('playwright', 'playwright'), ('jupyterlab', 'jupyterlab')):
        if importlib.util.find_spec(mod) is None: out.append(f'{pkg} (pip install {pkg})')
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]


def _settings(folder: Path) -> dict:
    "Environment for a JupyterLab that keeps everything in `folder` and fetches no news."
    sd = folder / '.lab' / 'settings' / '@jupyterlab'
    for ext, name, value in (('apputils-extension', 'notification', {'fetchNews': 'false', 'checkForUpdates': False}),
                             ('notebook-extension', 'tracker', {'autoStartDefaultKernel': True})):   # no kernel dialog
        (sd / ext).mkdir(parents=True, exist_ok=True)
        (sd / ext / f'{name}.jupyterlab-settings').write_text(json.dumps(value))
    return dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(folder / '.lab' / 'settings'),
                JUPYTERLAB_WORKSPACES_DIR=str(folder / '.lab' / 'workspaces'), JUPYTER_RUNTIME_DIR=str(folder / '.lab' / 'runtime'))


@contextlib.contextmanager
def jupyter_lab(folder: Path, start_timeout: float = 90):
    "A JupyterLab server without a token on a free local port, serving `folder`; yields its base URL."
    port = _free_port()
    log = open(folder / '.lab.log', 'w')
    cmd = [sys.executable, '-m', 'jupyterlab', '--no-browser', '--allow-root', f'--port={port}', '--ip=127.0.0.1',
           "--ServerApp.token=", "--ServerApp.password=", f'--ServerApp.root_dir={folder}']
    proc = subprocess.Popen(cmd, cwd=folder, env=_settings(folder), stdout=log, stderr=subprocess.STDOUT)
    url = f'http://127.0.0.1:{port}'
    try:
        t0 = time.time()
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f'jupyter lab exited ({proc.returncode}): {(folder / ".lab.log").read_text()[-2000:]}')
            try:
                urllib.request.urlopen(f'{url}/api/status', timeout=2); break
            except OSError:
                if time.time() - t0 > start_timeout: raise RuntimeError(f'jupyter lab did not answer within {start_timeout} s')
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()                      # the server shuts its kernels down
        try: proc.wait(30)
        except subprocess.TimeoutExpired: proc.kill(); proc.wait()
        log.close()


@contextlib.contextmanager
def browser_page(width: int, height: int):
    "A page of headless Debian Chromium (through playwright) and the list its console errors go to."
    from playwright.sync_api import sync_playwright
    exe = shutil.which('chromium') or shutil.which('chromium-browser')
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=['--no-sandbox'])
        try:
            page = browser.new_page(viewport={'width': width, 'height': height})
            errors = []
            page.on('console', lambda m: errors.append(f'console: {m.text}') if m.type == 'error' else None)
            page.on('pageerror', lambda e: errors.append(f'page error: {e}'))
            yield page, errors
        finally: browser.close()


def save_small_png(png: bytes, path: Path, max_width: int = 1100) -> int:
    "Save a screenshot scaled to `max_width` and stored with a 256-colour palette (what the docs need); its bytes."
    from PIL import Image
    im = Image.open(io.BytesIO(png)).convert('RGB')
    if im.width > max_width: im = im.resize((max_width, round(im.height * max_width / im.width)), Image.LANCZOS)
    path.parent.mkdir(parents=True, exist_ok=True)
    im.quantize(256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    return path.stat().st_size


FIGURE = '.widget-output img'     # the explorer's figure: an image in its Output widget
MESSAGE = '.widget-html-content'                 # the explorer's message line (an HTML widget)


def _figure_key(page) -> str:
    "A short fingerprint of the explorer's figure as the page shows it ('' while there is none)."
    loc = page.locator(FIGURE)
    if loc.count() == 0: return ''
    return hashlib.sha1((loc.first.get_attribute('src') or '').encode()).hexdigest()[:12]


def _wait(pred, timeout: float, what: str, poll: float = 0.25):
    "Poll `pred()` until it is truthy (returned) or `timeout` s pass (TimeoutError naming `what`)."
    t0 = time.time()
    while True:
        v = pred()
        if v: return v
        if time.time() - t0 > timeout: raise TimeoutError(f'{what}: not seen within {timeout:.0f} s')
        time.sleep(poll)


def _messages(page) -> list:
    return [t.strip() for t in page.locator(MESSAGE).all_inner_texts() if t.strip()]


def _problems_on_page(page) -> list:
    "Outputs that show a traceback or an error, and explorer messages in the error colour."
    out = []
    for t in page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').all_inner_texts():
        if 'Traceback' in t or 'Error' in t: out.append(f'error output: {t.strip()[:300]}')
    for h in page.locator(MESSAGE).evaluate_all('els => els.map(e => e.innerHTML)'):
        if '#b00020' in h or 'rgb(176, 0, 32)' in h: out.append(f'explorer error message: {h[:300]}')
    return out


def _drive_explorer(page, url: str, name: str, button: str, timeout: float, res: dict, t0: float):
    "Open notebook `name`, run all, wait for the figure, click `button`, wait for a new figure; timings into `res`."
    step = lambda what: res['steps'].__setitem__(what, round(time.time() - t0, 1))
    step('server up')
    page.goto(f'{url}/lab/tree/{name}')
    page.locator('.jp-Notebook').first.wait_for(timeout=120_000)
    page.wait_for_timeout(1000)
    dialog = page.locator('.jp-Dialog')                  # 'Select Kernel', should the setting above not hold
    if dialog.count(): dialog.get_by_role('button', name='Select').click()
    page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').first.wait_for(timeout=120_000)
    step('notebook open, kernel idle')
    page.get_by_role('menuitem', name='Run', exact=True).click()
    page.get_by_role('menuitem', name='Run All Cells', exact=True).click()
    first = _wait(lambda: _figure_key(page), timeout, 'the first figure')
    step('first figure')
    _wait(lambda: any('sampled in' in m for m in _messages(page)), timeout, "the message 'sampled in'")
    res['first_message'] = _messages(page)
    btn = page.get_by_role('button', name=button)
    btn.click()
    busy = res['busy_seen'] = {'disabled': False, 'sampling': False}
    def changed():
        busy['disabled'] |= btn.is_disabled()
        busy['sampling'] |= any('sampling' in m for m in _messages(page))
        k = _figure_key(page)
        return k if k and k != first and not btn.is_disabled() else ''
    second = _wait(changed, timeout, f'a new figure after clicking {button!r}', poll=0.05)
    step(f'new figure after {button!r}')
    res['figures'], res['message'] = [first, second], _messages(page)
    if not busy['sampling']: res['problems'].append("no 'sampling…' message seen while it sampled")


def check_explorer(nb: Path, shot: Path, button: str = 'sample (new seed)', timeout: float = 300,
                   width: int = 1400, height: int = 1000, links=()) -> dict:
    "Run `nb` in JupyterLab in headless Chromium, wait for the explorer's figure, click `button`, wait for a new one."
    res = {'notebook': nb.name, 'problems': [], 'steps': {}}
    with tempfile.TemporaryDirectory(prefix='browser_check_') as d:
        folder = Path(d); shutil.copy(nb, folder / nb.name)    # a copy: JupyterLab's autosave leaves `nb` alone
        for link in links:                                   # PATH, or NAME=PATH
            name, _, path = link.rpartition('=')
            (folder / (name or Path(path).name)).symlink_to(Path(path).resolve())
        t0 = time.time()
        with jupyter_lab(folder) as url, browser_page(width, height) as (page, console):
            from playwright.sync_api import TimeoutError as PageTimeout
            try: _drive_explorer(page, url, nb.name, button, timeout, res, t0)
            except (TimeoutError, PageTimeout) as e:       # a check that failed: said in the summary, with the screen
                res['problems'].append(str(e).splitlines()[0])
                res['outputs'] = [t.strip()[:300] for t in page.locator('.jp-OutputArea-output').all_inner_texts()]
            page.keyboard.press('Control+b')           # hide the file browser: the explorer gets the width
            if page.locator(FIGURE).count(): page.locator(FIGURE).first.scroll_into_view_if_needed()
            page.wait_for_timeout(500)
            res['problems'] += _problems_on_page(page) + console
            last = page.locator('.jp-Notebook .jp-Cell').last.bounding_box()    # down to the last cell, not the empty page below
            clip = {'x': 0, 'y': 0, 'width': width, 'height': min(height, last['y'] + last['height'] + 24) if last else height}
            res['screenshot_bytes'] = save_small_png(page.screenshot(clip=clip), shot)
            res['screenshot'] = str(shot)
    res['seconds'] = round(time.time() - t0, 1)
    res['ok'] = not res['problems']
    return res


def shoot_page(page_path: Path, shot: Path, at: str = None, width: int = 1100, height: int = 900) -> dict:
    "Open a local HTML page in headless Chromium, scroll to the first `at` (a CSS selector), screenshot the view."
    res = {'page': page_path.name, 'problems': []}
    t0 = time.time()
    with browser_page(width, height) as (page, console):
        failed = []
        page.on('requestfailed', lambda r: failed.append(r.url))
        page.goto(page_path.resolve().as_uri(), wait_until='load')
        page.wait_for_timeout(1500)                     # MathJax typesets after load
        if at:
            loc = page.locator(at)
            if loc.count() == 0: res['problems'].append(f'no element {at!r} on the page')
            else: loc.first.evaluate('e => e.scrollIntoView({block: "start"})'); page.wait_for_timeout(300)
        broken = page.evaluate('[...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src.slice(0, 80))')
        res['images'] = page.evaluate('document.images.length')
        res['tables'] = page.evaluate('document.querySelectorAll("table").length')
        # what a page loads from the network (nbconvert's template: require.js, mermaid from CDNs) cannot load here:
        # listed, not counted as problems; what fails locally is
        remote = sorted({u for u in failed if not u.startswith('file:')})
        hosts = {urllib.parse.urlsplit(u).netloc for u in remote} - {''}   # data: and about: URLs have no host
        res['not_loaded_offline'] = remote
        res['problems'] += [f'broken image: {b}' for b in broken] + [f'not loaded: {u}' for u in failed if u.startswith('file:')]
        res['problems'] += [c for c in console if not ('Failed to load resource' in c and remote)
                            and not any(h in c for h in hosts)]
        res['screenshot_bytes'] = save_small_png(page.screenshot(), shot)
        res['screenshot'] = str(shot)
    res['seconds'] = round(time.time() - t0, 1)
    res['ok'] = not res['problems']
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog='\n\n'.join(__doc__.split('\n\n')[1:]))
    sub = ap.add_subparsers(dest='cmd', required=True)
    e = sub.add_parser('explorer', help='run a notebook that shows an Explorer in JupyterLab; click; screenshot')
    e.add_argument('notebook', type=Path)
    e.add_argument('--shot', type=Path, required=True, help='where the screenshot goes (PNG)')
    e.add_argument('--button', default='sample (new seed)', help="the button to click (default: the explorer's sample button)")
    e.add_argument('--timeout', type=float, default=300, help='seconds to wait for each figure (default 300)')
    e.add_argument('--link', nargs='+', default=[], metavar='[NAME=]PATH',
                   help='files or folders the notebook opens by relative path: linked next to its copy (as NAME)')
    p = sub.add_parser('page', help='screenshot a local HTML page (a chapter processed by tools/proc_docs.py --html)')
    p.add_argument('html', type=Path)
    p.add_argument('--shot', type=Path, required=True, help='where the screenshot goes (PNG)')
    p.add_argument('--at', help='a CSS selector to scroll to first (e.g. "table", "#metrics")')
    p.add_argument('--width', type=int, default=1100); p.add_argument('--height', type=int, default=900)
    sub.add_parser('missing', help='say what is missing to run the checks')
    a = ap.parse_args(argv)
    lack = missing()
    if lack:
        print(json.dumps({'skipped': 'missing ' + ', '.join(lack)})); return SKIP
    if a.cmd == 'missing': print(json.dumps({'skipped': None})); return 0
    if a.cmd == 'explorer':
        if not a.notebook.is_file(): ap.error(f'notebook {a.notebook} not found')
        res = check_explorer(a.notebook, a.shot, a.button, a.timeout, links=a.link)
    else:
        if not a.html.is_file(): ap.error(f'page {a.html} not found')
        res = shoot_page(a.html, a.shot, a.at, a.width, a.height)
    print(json.dumps(res))
    return 0 if res['ok'] else 1


if __name__ == '__main__':
    sys.exit(main())
