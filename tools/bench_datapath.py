"""Data path at 256 px: loader samples/s with the latent cache (workers 0/1/2) and without, and the cache build rate.

The figures of the data-path table in nbs/14_bench.ipynb (nbs/bench/cpu_data_256.json) came from, at the
repository root:

  radiodiff synth --out DATA --maps 50 --tx 8 --size 256
  python tools/bench_datapath.py DATA nbs/bench/cpu_data_256.json     # DATA: that synthetic (or a real) data root

Minutes on a 2-core CPU; it uses 2 threads.
"""
import json, sys, time, datetime, os
import torch
from torch.utils.data import DataLoader, Subset
from radiodiff.config import load_config, find_config
from radiodiff.data import RadioMapSeer
from radiodiff.vae import build_vae
from radiodiff.ldm import LatentCache, cache_latents
if len(sys.argv) != 3: sys.exit('usage: python tools/bench_datapath.py DATA_ROOT OUT.json')
root, out = sys.argv[1], sys.argv[2]
torch.set_num_threads(2)
res = {'date': datetime.datetime.utcnow().isoformat(timespec='seconds') + 'Z', 'load_before': os.getloadavg(), 'threads': 2}
rms = RadioMapSeer(root, 'train', image_size=256)
rms.map_ids = rms.map_ids[:12]                  # 96 samples: enough for the rates, quick to cache
res['dataset'] = repr(rms)
tiny = build_vae(load_config(find_config('tiny_ldm'), ['data.image_size=256']))   # any VAE: the loader only reads cached tensors
t0 = time.perf_counter(); cache = LatentCache(rms, tiny, batch_size=8); print('cached', time.perf_counter() - t0, flush=True)
def rate(ds, workers, n_batches=40, batch=2):
    loader = DataLoader(ds, batch_size=batch, shuffle=True, num_workers=workers, generator=torch.Generator().manual_seed(0),
                        persistent_workers=False)
    it = iter(loader); next(it)                      # worker start-up excluded
    t0 = time.perf_counter()
    for _ in range(n_batches): next(it)
    return n_batches * batch / (time.perf_counter() - t0)
res['loader'] = {}
for w in (0, 1, 2):
    res['loader'][f'cache_w{w}'] = rate(cache, w)
    res['loader'][f'full_w{w}'] = rate(rms, w)
    print(w, res['loader'], flush=True)
# the cache build: the paper VAE's encoder at 256, fp32 (what cache_latents runs), batch 2 and 8
cfg = load_config(find_config('radio_train_m'), ['data.image_size=256'])
with torch.random.fork_rng():
    torch.manual_seed(0); vae = build_vae(cfg).eval()
sub = Subset(rms, range(16))
for w in (0, 2):
    if w == 0: cache_latents(sub, vae, batch_size=8, num_workers=w)   # warm-up once
    t0 = time.perf_counter(); cache_latents(sub, vae, batch_size=8, num_workers=w)
    res[f'cache_build_images_per_s_w{w}'] = len(sub) / (time.perf_counter() - t0)
    print(res, flush=True)
best = max(res['cache_build_images_per_s_w0'], res['cache_build_images_per_s_w2'])
res['cache_build_40080_hours'] = 40080 / best / 3600
res['load_after'] = os.getloadavg()
json.dump(res, open(out, 'w'), indent=2)
print(json.dumps(res, indent=2))
