"""Driver for ../../shared/bench-ref/fd_2048.py: `features OUT` writes its two feature sets (make_features,
rounded to float32 as ouroboros stores features); `time IN` times its fd_from_features (pytorch-fid's
formula: means, np.cov, scipy.linalg.sqrtm) once on those float32 features and prints one JSON line."""
import json, os, sys, time
sys.path.insert(0, os.environ.get('BENCH_REF', os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'shared', 'bench-ref')))
import numpy as np
import fd_2048
from blas_info import openblas_info

mode, path = sys.argv[1], sys.argv[2]
if mode == 'features':
    x1, x2 = fd_2048.make_features()
    x1.astype(np.float32).tofile(path + '.a.f32')
    x2.astype(np.float32).tofile(path + '.b.f32')
    print(json.dumps({'n': x1.shape[0], 'dim': x1.shape[1]}))
else:
    d = fd_2048.D
    x1 = np.fromfile(path + '.a.f32', np.float32).reshape(-1, d).astype(np.float64)
    x2 = np.fromfile(path + '.b.f32', np.float32).reshape(-1, d).astype(np.float64)
    parts = []
    t0 = time.perf_counter()
    fd = fd_2048.fd_from_features(x1, x2, parts)
    print(json.dumps({'seconds': time.perf_counter() - t0, 'cov_s': parts[0][0], 'distance_s': parts[0][1], 'fd': float(fd), **openblas_info()}))
