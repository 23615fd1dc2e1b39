package dev.ballast.model.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * The built-in causal language model, in the style of a neural n-gram model conditioned on its
 * prompt: each response token is predicted from the {@link LmConfig#context()} tokens before it
 * (embedded and concatenated) and from the mean embedding of the prompt, through one tanh hidden
 * layer and a softmax over the vocabulary.
 *
 * <p>Every trainable parameter sits in an embedding or a linear layer. That is what makes exact
 * per-sample gradient norms cheap for a whole batch ({@code scoring.BatchedGradientNorms}): the
 * gradient of a linear layer for one sample is a sum of outer products of its inputs and output
 * gradients, and that of an embedding a sum of output gradients per token id, so one backward pass
 * to the layer outputs gives every sample's norm.
 *
 * <p>Inputs: context ids [B,T,C], prompt ids [B,P], prompt weights [B,P]. Output: logits [B*T,V].
 */
public final class ContextLm extends AbstractBlock {
    /** The layers, input to output; "the last k layers" counts from the end of this list. */
    public enum Layer { TOKEN_EMBEDDING, PROMPT_EMBEDDING, HIDDEN, OUTPUT }

    private final LmConfig config;
    private final int vocabSize;
    private final Parameter tokenEmbedding;
    private final Parameter promptEmbedding;
    private final Parameter hiddenWeight;
    private final Parameter hiddenBias;
    private final Parameter outputWeight;
    private final Parameter outputBias;

    public ContextLm(LmConfig config, int vocabSize) {
        super((byte) 1);
        this.config = config;
        this.vocabSize = vocabSize;
        int hiddenIn = config.context() * config.embedding() + config.promptEmbedding();
        tokenEmbedding = addParameter(Parameter.builder().setName("tokenEmbedding").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(vocabSize, config.embedding())).optInitializer(new NormalInitializer(0.1f)).build());
        promptEmbedding = addParameter(Parameter.builder().setName("promptEmbedding").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(vocabSize, config.promptEmbedding())).optInitializer(new NormalInitializer(0.1f)).build());
        hiddenWeight = addParameter(Parameter.builder().setName("hiddenWeight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(config.hidden(), hiddenIn)).optInitializer(new XavierInitializer()).build());
        hiddenBias = addParameter(Parameter.builder().setName("hiddenBias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(config.hidden())).build());
        outputWeight = addParameter(Parameter.builder().setName("outputWeight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(vocabSize, config.hidden())).optInitializer(new XavierInitializer()).build());
        outputBias = addParameter(Parameter.builder().setName("outputBias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(vocabSize)).build());
    }

    public LmConfig config() {
        return config;
    }

    public int vocabSize() {
        return vocabSize;
    }

    /** The parameters of one layer (weight first, then bias where it has one). */
    public List<Parameter> parameters(Layer layer) {
        return switch (layer) {
            case TOKEN_EMBEDDING -> List.of(tokenEmbedding);
            case PROMPT_EMBEDDING -> List.of(promptEmbedding);
            case HIDDEN -> List.of(hiddenWeight, hiddenBias);
            case OUTPUT -> List.of(outputWeight, outputBias);
        };
    }

    /** Parameter values for one forward pass, in the order of {@link #parameters(Layer)} over all layers. */
    public record Weights(NDArray tokenEmbedding, NDArray promptEmbedding, NDArray hiddenWeight, NDArray hiddenBias,
                          NDArray outputWeight, NDArray outputBias) {
    }

    /** The current parameter values, as they are (gradients flow to them when they require it). */
    public Weights weights() {
        return new Weights(tokenEmbedding.getArray(), promptEmbedding.getArray(), hiddenWeight.getArray(),
                hiddenBias.getArray(), outputWeight.getArray(), outputBias.getArray());
    }

    /**
     * Zero tensors added to each layer's output so that one backward pass yields the gradient of
     * the loss with respect to every layer output, per position; and the layer inputs recorded
     * on the way. Filled in by {@link #forward(Weights, NDList, Probes)}.
     */
    public static final class Probes {
        NDArray contextOut;
        NDArray promptOut;
        NDArray hiddenIn;
        NDArray hiddenOut;
        NDArray outputIn;
        NDArray outputOut;

        private static NDArray attach(NDArray out) {
            NDArray zero = out.getManager().zeros(out.getShape(), out.getDataType());
            zero.setRequiresGradient(true);
            return zero;
        }

        /** Gradient at the context embeddings, [B,T,C,E]. */
        public NDArray contextGradient() {
            return contextOut.getGradient();
        }

        /** Gradient at the prompt token embeddings before pooling, [B,P,E']. */
        public NDArray promptGradient() {
            return promptOut.getGradient();
        }

        public NDArray hiddenInput() {
            return hiddenIn;
        }

        /** Gradient at the hidden layer's pre-activation, [B*T,H]. */
        public NDArray hiddenGradient() {
            return hiddenOut.getGradient();
        }

        public NDArray outputInput() {
            return outputIn;
        }

        /** Gradient at the logits, [B*T,V]. */
        public NDArray outputGradient() {
            return outputOut.getGradient();
        }
    }

    /** The forward pass; with {@code probes} non-null, layer outputs are probed as described there. */
    public NDArray forward(Weights w, NDList inputs, Probes probes) {
        NDArray context = inputs.get(0);
        NDArray promptIds = inputs.get(1);
        NDArray promptWeights = inputs.get(2);
        long b = context.getShape().get(0);
        long t = context.getShape().get(1);
        NDArray ctx = lookup(w.tokenEmbedding(), context);
        NDArray prm = lookup(w.promptEmbedding(), promptIds);
        if (probes != null) {
            probes.contextOut = Probes.attach(ctx);
            ctx = ctx.add(probes.contextOut);
            probes.promptOut = Probes.attach(prm);
            prm = prm.add(probes.promptOut);
        }
        NDArray pooled = prm.mul(promptWeights.expandDims(2)).sum(new int[]{1});
        NDArray perPosition = pooled.expandDims(1).repeat(1, t).reshape(b * t, config.promptEmbedding());
        NDArray hiddenIn = ctx.reshape(b * t, (long) config.context() * config.embedding()).concat(perPosition, 1);
        NDArray hiddenPre = hiddenIn.matMul(onto(context, w.hiddenWeight().transpose())).add(w.hiddenBias());
        if (probes != null) {
            probes.hiddenIn = hiddenIn;
            probes.hiddenOut = Probes.attach(hiddenPre);
            hiddenPre = hiddenPre.add(probes.hiddenOut);
        }
        NDArray hidden = hiddenPre.tanh();
        NDArray logits = hidden.matMul(onto(context, w.outputWeight().transpose())).add(w.outputBias());
        if (probes != null) {
            probes.outputIn = hidden;
            probes.outputOut = Probes.attach(logits);
            logits = logits.add(probes.outputOut);
        }
        return logits;
    }

    /** Per-position token NLL, [B*T], from logits [B*T,V] and targets [B*T]. */
    public static NDArray tokenNll(NDArray logits, NDArray targets) {
        return logits.logSoftmax(1).mul(-1).gather(targets.reshape(-1, 1), 1).reshape(-1);
    }

    /**
     * Moves an array computed from a parameter to the manager of {@code input}. An operation's result
     * belongs to its first operand's manager: left with the parameter, it would live as long as the
     * model, one more per batch, in a scorer that runs for weeks.
     */
    private static NDArray onto(NDArray input, NDArray derived) {
        derived.attach(input.getManager());
        return derived;
    }

    private static NDArray lookup(NDArray table, NDArray ids) {
        Shape shape = ids.getShape();
        long width = table.getShape().get(1);
        NDArray flat = ids.reshape(-1, 1).repeat(1, width);
        long[] dims = new long[shape.dimension() + 1];
        System.arraycopy(shape.getShape(), 0, dims, 0, shape.dimension());
        dims[shape.dimension()] = width;
        return onto(ids, table.gather(flat, 0)).reshape(new Shape(dims));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        var device = inputs.head().getDevice();
        Weights w = new Weights(store.getValue(tokenEmbedding, device, training),
                store.getValue(promptEmbedding, device, training), store.getValue(hiddenWeight, device, training),
                store.getValue(hiddenBias, device, training), store.getValue(outputWeight, device, training),
                store.getValue(outputBias, device, training));
        return new NDList(forward(w, inputs, null));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[]{new Shape(inputShapes[0].get(0) * inputShapes[0].get(1), vocabSize)};
    }

    @Override
    protected void initializeChildBlocks(ai.djl.ndarray.NDManager manager, DataType dataType, Shape... inputShapes) {
        // No child blocks: every parameter is this block's own and has a fixed shape.
    }

    /** Parameter count, for logs and the model card. */
    public long parameterCount() {
        long n = 0;
        List<Parameter> all = new ArrayList<>();
        for (Layer l : Layer.values()) {
            all.addAll(parameters(l));
        }
        for (Parameter p : all) {
            n += p.getShape().size();
        }
        return n;
    }
}
