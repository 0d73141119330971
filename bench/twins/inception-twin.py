"""The PyTorch side of bench/inception.bench.ts: pytorch-fid's FID Inception-V3 (the reference network of
the parity test, random weights) on N random 32x32 images in batches of B, on OMP_NUM_THREADS threads (default 1); prints images/s."""
import json, os, sys, time
sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'metrics', 'src', 'features', 'inception'))
import numpy as np, torch
from fid_inception_reference import build_net, pool3

torch.set_num_threads(int(os.environ.get('OMP_NUM_THREADS', '1')))
n, batch = int(sys.argv[1]), int(sys.argv[2])
net = build_net(0)
images = np.random.default_rng(0).integers(0, 256, (n + batch, 32, 32, 3), dtype=np.uint8)
pool3(net, images[:batch])  # warm-up
t0 = time.perf_counter()
for s in range(batch, n + batch, batch):
    pool3(net, images[s:s + batch])
seconds = time.perf_counter() - t0
print(json.dumps({'seconds': seconds, 'images_per_s': n / seconds, 'torch': torch.__version__}))
