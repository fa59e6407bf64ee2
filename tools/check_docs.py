"""What can be checked of the docs site here (Quarto cannot run on our machines):
every exported symbol has a docstring (nbdev renders it with show_doc), and every notebook is executed
(its code cells that ran have outputs saved, so the site shows them).

  python tools/check_docs.py
"""
import importlib, inspect, json, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
problems = []
for py in sorted((root / 'radiodiff').glob('*.py')):
    if py.name.startswith('_'): continue
    mod = importlib.import_module(f'radiodiff.{py.stem}')
    for name in getattr(mod, '__all__', []):
        obj = getattr(mod, name)
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and not inspect.getdoc(obj):
            problems.append(f'radiodiff.{py.stem}.{name}: no docstring')
for nb in sorted((root / 'nbs').glob('*.ipynb')):
    cells = json.loads(nb.read_text())['cells']
    code = [c for c in cells if c['cell_type'] == 'code']
    if code and not any(c.get('outputs') for c in code):
        problems.append(f'{nb.name}: not executed (no saved outputs); run python tools/nb.py run {nb.relative_to(root)}')
if problems:
    print('\n'.join(problems)); sys.exit(f'{len(problems)} documentation problems')
print('docs: every exported symbol has a docstring; every notebook has saved outputs')
