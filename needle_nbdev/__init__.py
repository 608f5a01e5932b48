__version__ = "0.1.0"

# TensorFlow turns its oneDNN CPU kernels on by default only on CPUs with AVX-512 VNNI/BF16 or AMX; elsewhere (AVX2)
# it falls back to Eigen, whose convolution gradients made the fast U-Net's training step about 1.8x slower here
# (ad-hoc measurements, quoted in the Training chapter; bench/onednn.py repeats them). Without AVX-512, oneDNN makes
# the ISBI U-Net slower (train.onednn_note warns; set TF_ENABLE_ONEDNN_OPTS=0 for ISBI work).
# The flag is read once, when TensorFlow is first imported, so it must be set before that; a user's own setting wins.
# This file is written by hand (nbdev_export does not touch it); the Training chapter explains and tests it.
import os as _os
_os.environ.setdefault('TF_ENABLE_ONEDNN_OPTS', '1')

# Quiet start. TensorFlow's C++ libraries write start-up lines straight to file descriptor 2 while they load
# (`Could not find cuda drivers`, `failed call to cuInit`, absl's `All log messages before absl::InitializeLog()`,
# CPU-feature notes), before TF_CPP_MIN_LOG_LEVEL is read (measured with TensorFlow 2.21). Users read them as
# errors. In a console script (needle_*), the first `import tensorflow` and TensorFlow's device probing therefore
# run with descriptor 2 pointed at /dev/null; exceptions still propagate, a GPU is still found and used, and
# TensorFlow's later warnings and errors still show. `--verbose` (any console script) keeps every line.
import sys as _sys, contextlib as _contextlib
from importlib.abc import MetaPathFinder as _Finder

@_contextlib.contextmanager
def quiet_fd2():
    "Point file descriptor 2 (C-level stderr) at /dev/null for the duration of the block."
    _sys.stderr.flush(); saved, null = _os.dup(2), _os.open(_os.devnull, _os.O_WRONLY)
    _os.dup2(null, 2)
    try: yield
    finally: _sys.stderr.flush(); _os.dup2(saved, 2); _os.close(saved); _os.close(null)

class _QuietTensorFlow(_Finder):
    "Import finder: the first `import tensorflow` loads and probes devices under `quiet_fd2`."
    def find_spec(self, name, path=None, target=None):
        if name != 'tensorflow': return None
        _sys.meta_path.remove(self)                      # once; then the normal finders
        from importlib.util import find_spec
        spec = find_spec(name)
        if spec is None or spec.loader is None: return spec
        run = spec.loader.exec_module
        def exec_module(module):
            with quiet_fd2():
                run(module); module.config.list_physical_devices('GPU')   # CUDA probing happens here
            import absl.logging; absl.logging.set_verbosity(absl.logging.ERROR)
        spec.loader.exec_module = exec_module
        return spec

def quiet_start(argv:list=_sys.argv) -> bool:
    "In a needle_* console script without --verbose (which is removed from argv), load TensorFlow quietly."
    if not argv or not _os.path.basename(argv[0]).startswith('needle_'): return False
    if '--verbose' in argv: argv.remove('--verbose'); return False
    if '-h' in argv or '--help' in argv:                 # the flag is read here, not by the script's parser
        import argparse
        fmt = argparse.ArgumentParser.format_help
        argparse.ArgumentParser.format_help = lambda self: fmt(self).rstrip('\n') + (
            "\n  --verbose                        show TensorFlow's start-up messages\n")
    if 'tensorflow' in _sys.modules or any(isinstance(f, _QuietTensorFlow) for f in _sys.meta_path): return True
    _os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '1')   # INFO lines off; warnings and errors stay
    _sys.meta_path.insert(0, _QuietTensorFlow())
    return True

quiet_start()
