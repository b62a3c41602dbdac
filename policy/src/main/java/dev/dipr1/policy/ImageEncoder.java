package dev.dipr1.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.LayerNorm;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The image encoder: images [B, 3, S, S] in [0, 1] → five 3×3 convolutions with GroupNorm and
 * ReLU → a {@code grid × grid} map of {@code dModel} features + learned positions → pre-norm
 * transformer encoder layers → the memory [B, grid², d] that the decoder cross-attends to.
 */
final class ImageEncoder {

    private final PolicyConfig config;
    private final Layers layers;
    private final Attention attention;
    private final NDArray half;
    private final NDArray two;
    /** Per GroupNorm group size: the unit gain and zero shift of the layer norm it is computed with. */
    private final Map<Long, NDArray[]> groupNormUnit = new LinkedHashMap<>();

    ImageEncoder(NDManager longLived, PolicyConfig config, Layers layers, Attention attention) {
        this.config = config;
        this.layers = layers;
        this.attention = attention;
        this.half = Layers.constant(longLived, 0.5f);
        this.two = Layers.constant(longLived, 2f);
        int size = config.imageSize();
        int[] widths = ParameterLayout.stemWidths(config);
        int[] strides = ParameterLayout.stemStrides();
        for (int i = 0; i < widths.length; i++) {
            size = size / strides[i];
            long n = (long) widths[i] / config.normGroups() * size * size;
            if (!groupNormUnit.containsKey(n)) {
                NDArray one = longLived.ones(new Shape(n));
                NDArray zero = longLived.zeros(new Shape(n));
                NDScope.unregister(one, zero);
                groupNormUnit.put(n, new NDArray[] {one, zero});
            }
        }
    }

    /** Images as a libtorch-owned [B, 3, S, S] array. */
    NDArray imageArray(NDManager m, float[][] imagesChw) {
        int size = config.imageSize();
        float[] flat = InputPacking.images(imagesChw, size);
        return Layers.owned(m.create(flat, new Shape(imagesChw.length, 3, size, size)));
    }

    /** Images [B, 3, S, S] in [0, 1] → the encoder's output [B, grid², d]. */
    NDArray encode(NDArray images) {
        NDArray x = images.sub(half).mul(two);
        int[] strides = ParameterLayout.stemStrides();
        for (int i = 0; i < strides.length; i++) {
            String pre = "stem" + i;
            x = Conv2d.conv2d(
                            x,
                            layers.p(pre + ".w"),
                            layers.p(pre + ".conv_b"),
                            new Shape(strides[i], strides[i]),
                            new Shape(1, 1),
                            new Shape(1, 1),
                            1)
                    .singletonOrThrow();
            x = Activation.relu(groupNorm(x, pre + ".gn"));
        }
        long b = images.getShape().get(0);
        x = x.reshape(b, config.dModel(), (long) config.gridSize() * config.gridSize())
                .transpose(0, 2, 1);
        x = x.add(layers.p("grid.pos"));
        for (int l = 0; l < config.encoderLayers(); l++) {
            String pre = "enc" + l + ".";
            x = x.add(attention.selfAttention(layers.layerNorm(x, pre + "ln1"), pre, Attention.ONLY_THESE, null));
            x = x.add(layers.feedForward(layers.layerNorm(x, pre + "ln2"), pre));
        }
        return layers.layerNorm(x, "enc.ln");
    }

    /** GroupNorm = layer norm over [C/G·H·W] with unit affine, then the per-channel affine. */
    private NDArray groupNorm(NDArray x, String prefix) {
        Shape s = x.getShape();
        long b = s.get(0);
        long ch = s.get(1);
        int g = config.normGroups();
        long n = ch / g * s.get(2) * s.get(3);
        NDArray[] unit = groupNormUnit.get(n);
        NDArray y = LayerNorm.layerNorm(x.reshape(b, g, n), new Shape(n), unit[0], unit[1], Layers.LN_EPS)
                .singletonOrThrow()
                .reshape(s);
        return y.mul(layers.p(prefix + "_g").reshape(1, ch, 1, 1))
                .add(layers.p(prefix + "_b").reshape(1, ch, 1, 1));
    }
}
