"""No absolute path of anyone's machine in the repository: code, notebooks (saved outputs included), docs, configs.

Every file that git tracks (`git ls-files`) is read as text (binary files are skipped; in notebooks, base64 blobs
such as saved images are skipped) and each line is searched for:

- a path under a personal or site-specific root: /home, /Users, /root, /work, /scratch, /mnt, /media, /Volumes,
  /opt, /srv, /var/folders, /private, followed by at least one real name (`/home/<user>/` is a placeholder, not a
  path: a name starts with a letter, a digit or `_`, after an optional dot, so placeholders written `<user>` or
  `...` pass);
- a Windows user folder: a drive letter, then Users (or Documents and Settings), with either slash, single or
  doubled backslashes (as in JSON);
- a `file://` URL of a local path.

A path is only a path where it starts: the root must not follow a letter, a digit or one of `_ . / ~ - $ } )`, so
a root inside a URL, after a relative folder (`data/`, `../`), after `~` or `$HOME`, or after a template such as
`{out}` passes.

Allowed, by rule (not by file): relative paths; `~/...` and `$HOME/...`; the standard system folders that are the
same on every machine (/usr, /etc, /bin, /dev, /proc, /sys, /var/lib, `#!/usr/bin/env`); and paths under /tmp,
the same on every POSIX machine and holding nothing of the author's (examples such as /tmp/03_vae.py, temporary
folders printed by tests). `--tmp` also reports the random folder names that Python's `tempfile` makes
(/tmp/tmp + 8 characters, or a prefix ending in `_` + 8 characters with a digit): saved outputs that print them
change at every run.

Offenders are printed as `file:line  path  (rule)`; exit 1 when there is any (0 with --report).

  python tools/check_paths.py                 # every tracked file; strict
  python tools/check_paths.py --report        # the same listing, always exit 0
  python tools/check_paths.py --tmp FILE ...  # chosen files, temporary folder names too
"""
import argparse, re, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START = r'(?<![\w./~\-$})])'      # a path starts here: not in the middle of a word, a URL or a relative path
NAME = r'\.?[A-Za-z0-9_][\w.\-]*'   # a real folder or file name, hidden ones too (not <user>, not ...)
RULES = [
    ('machine path', re.compile(START + r'/(?:home|Users|root|work|scratch|mnt|media|Volumes|opt|srv|var/folders|private)/'
                                + NAME)),
    ('Windows user folder', re.compile(r'(?<![\w])[A-Za-z]:(?:\\{1,2}|/)(?:Users|Documents and Settings)(?:\\{1,2}|/)'
                                       + r'[^\\/\s"\']+')),
    ('file URL', re.compile(r'file://(?:/' + NAME + r'|/?[A-Za-z]:)')),
]
TMP_RULE = ('temporary folder', re.compile(START + r'/tmp/(tmp[a-z0-9_]{8}|[\w.\-]*_(?=[a-z_]*\d)[a-z0-9_]{8})(?![\w.\-])'))
REST = re.compile(r'[^\s"\'`<>()\[\]{},;\\]*')   # the rest of a path, for the listing (up to a quote, a space, a backslash)
BLOB = re.compile(r'[A-Za-z0-9+/=]{200,}')     # base64 (saved figures): skipped, it can spell anything


def tracked_files() -> list:
    "The files git tracks in this repository."
    try:
        out = subprocess.run(['git', 'ls-files', '-z'], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit(f'check_paths: cannot list the tracked files with git ls-files in {ROOT} ({e}); name the files instead')
    return [ROOT / p for p in out.split('\0') if p]


def read_text(path: Path):
    "The file's text, or None for a binary file (or one that is missing: a deleted but still tracked file)."
    try: data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError): return None
    if b'\0' in data[:8192]: return None
    try: return data.decode('utf-8')
    except UnicodeDecodeError: return None


def offenders(path: Path, rules) -> list:
    "(line number, path found, rule name) for each machine path in one file."
    text = read_text(path)
    if text is None: return []
    found = []
    for n, line in enumerate(text.splitlines(), 1):
        line = BLOB.sub('', line)
        for name, rx in rules:
            found += [(n, (m.group(0) + REST.match(line, m.end()).group(0))[:100], name) for m in rx.finditer(line)]
    return found


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog='\n\n'.join(__doc__.split('\n\n')[1:]))
    ap.add_argument('files', nargs='*', help='files to check (default: every file git tracks)')
    ap.add_argument('--report', action='store_true', help='print everything and exit 0 even when a path is found')
    ap.add_argument('--tmp', action='store_true', help="also report tempfile's random folder names under /tmp")
    args = ap.parse_args(argv)
    files = [Path(f) for f in args.files] or tracked_files()
    rules = RULES + ([TMP_RULE] if args.tmp else [])
    total, where = 0, set()
    for f in files:
        name = f.resolve().relative_to(ROOT) if f.resolve().is_relative_to(ROOT) else f
        for n, found, rule in offenders(f, rules):
            print(f'{name}:{n}  {found}  ({rule})')
            total += 1; where.add(name)
    if total:
        print(f'{total} machine paths in {len(where)} of {len(files)} files: write them relative (to the repository, '
              'the data root or the results folder), or as a placeholder such as <data>/gain'
              + (' (report mode: not failing)' if args.report else ''))
        return 0 if args.report else 1
    print(f'no machine path in {len(files)} files')
    return 0


if __name__ == '__main__': sys.exit(main())
