package dev.ballast.model.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
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

    /** Each current parameter value passed through {@code copy} (a trainer's per-step leaf copies). */
    public Weights weights(java.util.function.UnaryOperator<NDArray> copy) {
        Weights w = weights();
        return new Weights(copy.apply(w.tokenEmbedding()), copy.apply(w.promptEmbedding()),
                copy.apply(w.hiddenWeight()), copy.apply(w.hiddenBias()), copy.apply(w.outputWeight()),
                copy.apply(w.outputBias()));
    }

    /**
     * Leaf tensors placed in the forward pass so that one backward pass yields the gradient of the
     * loss with respect to the hidden layer's input and to each linear layer's output, per position;
     * and the linear layers' inputs recorded on the way. Filled in by
     * {@link #forward(Weights, NDList, Probes)}; only for frozen weights (scoring), since a probed
     * bias passes no gradient on to the bias parameter.
     *
     * <p>A linear layer's output is probed through its bias: the bias, copied to one row per
     * position, goes into the fused {@code input x weight^T + bias} as a leaf, and the gradient at
     * that copy is the gradient at the output. That costs one copy of the output's size, where a
     * zero tensor added to the output costs a fill, an extra read and an extra write.
     *
     * <p>The hidden layer's input is the context embeddings and the pooled prompt embedding side by
     * side, so its gradient holds both embedding layers' output gradients: probing there rather
     * than at the lookups spares the backward pass the reshapes, repeat and pooling in between.
     */
    public static final class Probes {
        NDArray hiddenInProbe;
        NDArray hiddenIn;
        NDArray hiddenOut;
        NDArray outputIn;
        NDArray outputOut;

        private static NDArray zerosLike(NDArray out) {
            NDArray zero = out.getManager().zeros(out.getShape(), out.getDataType());
            zero.setRequiresGradient(true);
            return zero;
        }

        private static NDArray biasPerRow(NDArray bias, NDArray input) {
            long rows = input.getShape().get(0);
            NDArray copy = onto(input, bias.stopGradient().broadcast(new Shape(rows, bias.getShape().get(0))).duplicate());
            copy.setRequiresGradient(true);
            return copy;
        }

        /**
         * Gradient at the hidden layer's input, [B*T, C*E + E']: per position, the gradients at its
         * C context embeddings, then at the pooled prompt embedding.
         */
        public NDArray hiddenInputGradient() {
            return hiddenInProbe.getGradient();
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
        // Mean pooling as one batched product: [B,1,P] x [B,P,E'] -> [B,1,E'].
        NDArray pooled = promptWeights.expandDims(1).batchMatMul(prm);
        NDArray perPosition = pooled.repeat(1, t).reshape(b * t, config.promptEmbedding());
        NDArray hiddenIn = ctx.reshape(b * t, (long) config.context() * config.embedding()).concat(perPosition, 1);
        NDArray hiddenBias = w.hiddenBias();
        NDArray outputBias = w.outputBias();
        if (probes != null) {
            probes.hiddenIn = hiddenIn;
            probes.hiddenInProbe = Probes.zerosLike(hiddenIn);
            hiddenIn = hiddenIn.add(probes.hiddenInProbe);
            probes.hiddenOut = Probes.biasPerRow(hiddenBias, hiddenIn);
            hiddenBias = probes.hiddenOut;
        }
        NDArray hidden = linear(hiddenIn, w.hiddenWeight(), hiddenBias).tanh();
        if (probes != null) {
            probes.outputIn = hidden;
            probes.outputOut = Probes.biasPerRow(outputBias, hidden);
            outputBias = probes.outputOut;
        }
        return linear(hidden, w.outputWeight(), outputBias);
    }

    /** {@code input x weight^T + bias} in one fused call; the bias is a vector or one row per input row. */
    private static NDArray linear(NDArray input, NDArray weight, NDArray bias) {
        return onto(input, input.getNDArrayInternal().linear(input, weight, bias).singletonOrThrow());
    }

    /** Per-position token NLL, [B*T], from logits [B*T,V] and targets [B*T]. */
    public static NDArray tokenNll(NDArray logits, NDArray targets) {
        // Picks the target first, so the negation touches B*T numbers rather than B*T*V.
        return logits.logSoftmax(1).gather(targets.reshape(-1, 1), 1).reshape(-1).neg();
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
        return onto(ids, ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow());
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

    /**
     * Records the input names and shapes a trainer's initialisation would have, without touching
     * the weights: a block whose weights were loaded from a file has none, and DJL needs them to
     * save it again (a re-aligned version).
     */
    public void describeInputs() {
        beforeInitialize(new Shape(1, 1, config.context()), new Shape(1, config.maxPromptTokens()),
                new Shape(1, config.maxPromptTokens()));
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
