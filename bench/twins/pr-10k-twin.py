"""Driver for ../../shared/bench-ref/pr_10k.py: `features OUT` writes its real and fake feature sets
(make_features, float32); `time IN` times its precision_recall (k = 3, blocked numpy) once on them."""
import json, os, sys, time
sys.path.insert(0, os.environ.get('BENCH_REF', os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'shared', 'bench-ref')))
import numpy as np
import pr_10k
from blas_info import openblas_info

mode, path = sys.argv[1], sys.argv[2]
if mode == 'features':
    real, fake = pr_10k.make_features()
    real.tofile(path + '.real.f32')
    fake.tofile(path + '.fake.f32')
    print(json.dumps({'n': real.shape[0], 'dim': real.shape[1]}))
else:
    real = np.fromfile(path + '.real.f32', np.float32).reshape(-1, pr_10k.D)
    fake = np.fromfile(path + '.fake.f32', np.float32).reshape(-1, pr_10k.D)
    t0 = time.perf_counter()
    p, r = pr_10k.precision_recall(real, fake)
    print(json.dumps({'seconds': time.perf_counter() - t0, 'precision': p, 'recall': r, **openblas_info()}))
