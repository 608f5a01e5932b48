"""Time per example of each augmentation transform and of both presets, at 256², one example at a time.

Each transform runs alone in a `tf.function` on a 256×256 image+mask pair, after one warm-up call; the median of
`--reps` calls is reported. `elastic, depthwise blur` times the elastic transform with the blur it used first
(a 145-tap TensorFlow depthwise convolution, radius 72) instead of the current matrix-product blur, to show where
the `isbi` preset's cost was.

    python bench/augment_profile.py [--reps 30]
"""
import argparse, os, statistics, time
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
from needle_nbdev import augment as A               # before TensorFlow: the package turns on oneDNN
import tensorflow as tf
from _common import save

def _blur_depthwise(f, sigma, radius=72):
    "The first version's blur: a fixed 145-tap separable kernel as two depthwise convolutions."
    k = tf.exp(-tf.range(-radius, radius + 1, dtype=tf.float32) ** 2 / (2 * sigma ** 2)); k /= tf.reduce_sum(k)
    c = tf.shape(f)[-1]
    f = tf.nn.depthwise_conv2d(f[None], tf.tile(tf.reshape(k, (1, -1, 1, 1)), [1, 1, c, 1]), [1] * 4, 'SAME')
    return tf.nn.depthwise_conv2d(f, tf.tile(tf.reshape(k, (-1, 1, 1, 1)), [1, 1, c, 1]), [1] * 4, 'SAME')[0]

def _time(fn, reps):
    "Median milliseconds of one call of a tf.function taking a (2,) seed."
    f = tf.function(fn, autograph=False); f(tf.constant([0, 1], tf.int64)); ts = []
    for i in range(reps):
        t = time.perf_counter(); f(tf.constant([i, 1], tf.int64)); ts.append((time.perf_counter() - t) * 1000)
    return statistics.median(ts)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0]); ap.add_argument('--reps', type=int, default=30)
    a = ap.parse_args()
    x = tf.random.stateless_uniform((256, 256, 1), (0, 0)); m = tf.cast(x > 0.5, tf.float32); z = tf.concat([x, m], -1)
    def elastic_dw(s):
        blur, A._blur2d = A._blur2d, _blur_depthwise
        try: return A._elastic(z, s, 34.0, (6.0, 12.0))
        finally: A._blur2d = blur
    cases = {'flip': lambda s: A._flip(z, s), 'mirror crop': lambda s: A._mirror_crop(z, s, (256, 256), 31),
             'elastic': lambda s: A._elastic(z, s, 34.0, (6.0, 12.0)), 'elastic, depthwise blur': elastic_dw,
             'noise + brightness': lambda s: A._intensity(x, s, 20, 20, 20, 0, 0, 0),
             'occlusions': lambda s: A._occlude(x, m, s, 0.5, (0.04, 0.04), 0.25, 0.8),
             'Augment.needle()': lambda s: A.Augment.needle()(x, m, s), 'Augment.isbi()': lambda s: A.Augment.isbi()(x, m, s)}
    res = {k: round(_time(f, a.reps), 2) for k, f in cases.items()}
    save('augment_profile', res, "| transform (256², one example) | median ms |\n|---|---|\n" + '\n'.join(f"| {k} | {v:.1f} |" for k, v in res.items()))

if __name__ == '__main__': main()
