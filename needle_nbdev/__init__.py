__version__ = "0.1.0"

# TensorFlow turns its oneDNN CPU kernels on by default only on CPUs with AVX-512 VNNI/BF16 or AMX; elsewhere (AVX2)
# it falls back to Eigen, whose convolution gradients made the fast U-Net's training step about 1.8x slower here
# (ad-hoc measurements, quoted in the Training chapter; bench/onednn.py repeats them). Without AVX-512, oneDNN makes
# the ISBI U-Net slower (train.onednn_note warns; set TF_ENABLE_ONEDNN_OPTS=0 for ISBI work).
# The flag is read once, when TensorFlow is first imported, so it must be set before that; a user's own setting wins.
# This file is written by hand (nbdev_export does not touch it); the Training chapter explains and tests it.
import os as _os
_os.environ.setdefault('TF_ENABLE_ONEDNN_OPTS', '1')
