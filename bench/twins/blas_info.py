"""What BLAS the twin's numpy/scipy run on: OpenBLAS's kernel family (set by OPENBLAS_CORETYPE or
its own CPU detection) and thread count, read from the library the process has loaded."""
import ctypes


def openblas_info():
    """{'blas_core': 'SkylakeX', 'blas_threads': 1} from the OpenBLAS in this process (numpy must be imported first), or {}."""
    with open('/proc/self/maps') as f:
        paths = sorted({line.split()[-1] for line in f if 'blas' in line and '.so' in line})
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return {'blas_core': lib.openblas_get_corename().decode(), 'blas_threads': int(lib.openblas_get_num_threads())}
        except (OSError, AttributeError):
            continue
    return {}
