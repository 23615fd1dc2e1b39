package dev.ballast.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.nn.Parameter;
import dev.ballast.model.corpus.TrainingCorpus;
import dev.ballast.model.lm.ContextLm;
import dev.ballast.model.lm.EncodedBatch;
import dev.ballast.model.lm.LmConfig;
import dev.ballast.model.lm.TextSample;
import dev.ballast.model.lm.Vocabulary;
import dev.ballast.model.scoring.BatchedGradientNorms;
import dev.ballast.model.scoring.NaiveGradientNorms;
import dev.ballast.model.scoring.SampleScore;
import dev.ballast.model.train.LmTrainer;
import dev.ballast.model.train.TrainingSettings;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The built-in model as a {@link ScoringModel}: a {@link ContextLm} with its vocabulary, loaded
 * from a version directory ({@code lm.properties}, {@code vocab.txt}, DJL's {@code .params}).
 * Not thread-safe: one instance per scoring thread.
 */
public final class BuiltinLm implements ScoringModel {
    /** Bump when the model's code changes in a way that changes what training produces. */
    private static final String REVISION = "1";
    private static final String NAME = "ballast-lm";
    /** The file that makes a version directory one of this model's. */
    private static final String PROPERTIES = "lm.properties";
    /** Scored positions are padded to a multiple of this per sample (see {@link #score}). */
    static final int POSITION_BUCKET = 8;
    private final String version;
    private final Model model;
    private final ContextLm block;
    private final Vocabulary vocab;
    private final Set<ContextLm.Layer> layers;

    private BuiltinLm(String version, Model model, ContextLm block, Vocabulary vocab, Set<ContextLm.Layer> layers) {
        this.version = version;
        this.model = model;
        this.block = block;
        this.vocab = vocab;
        this.layers = layers;
    }

    /** The version name the default training settings produce: a digest of everything that shapes the model. */
    public static String builtinVersion(LmConfig config, TrainingSettings settings) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((REVISION + config + settings).getBytes(StandardCharsets.UTF_8));
            for (TextSample s : corpus(settings)) {
                sha.update((s.prompt() + "\u0000" + s.response() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return "builtin-" + HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static List<TextSample> corpus(TrainingSettings settings) {
        return TrainingCorpus.generate(settings.seed(), settings.corpusSize(), settings.refusalEvery());
    }

    /**
     * Makes sure the built-in model exists in {@code store} (training it on first use, with
     * progress to {@code progress}) and that some version is in force. A store whose version in
     * force is an earlier build's built-in model (one this build no longer ships) moves to this
     * build's; a re-aligned or user-supplied version in force stays. Returns the built-in version.
     */
    public static String ensureBuiltin(ModelStore store, Device device, Consumer<String> progress) {
        LmConfig config = LmConfig.DEFAULT;
        TrainingSettings settings = TrainingSettings.DEFAULT;
        String version = builtinVersion(config, settings);
        if (!store.has(version)) {
            store.write(version, dir -> train(dir, version, config, settings, device, progress));
        }
        String current = store.current().orElse(null);
        if (current == null) {
            store.publish(version);
        } else if (!current.equals(version) && PLAIN_BUILTIN.matcher(current).matches()) {
            progress.accept("model store: " + current + " was an earlier build's built-in model; " + version
                    + " is now in force");
            store.publish(version);
        }
        return version;
    }

    /** A built-in model's version as {@link #builtinVersion} names it, without a re-alignment suffix. */
    private static final java.util.regex.Pattern PLAIN_BUILTIN = java.util.regex.Pattern.compile("builtin-[0-9a-f]{12}");

    private static void train(Path dir, String version, LmConfig config, TrainingSettings settings, Device device,
                              Consumer<String> progress) throws IOException {
        long t0 = System.nanoTime();
        List<TextSample> corpus = corpus(settings);
        List<String> texts = corpus.stream().flatMap(s -> java.util.stream.Stream.of(s.prompt(), s.response())).toList();
        Vocabulary vocab = Vocabulary.build(texts);
        try (Model model = LmTrainer.train(corpus, vocab, config, settings, device, progress)) {
            save(dir, version, model, (ContextLm) model.getBlock(), vocab, settings, (System.nanoTime() - t0) / 1e9);
        }
        progress.accept(String.format("training: model %s saved in %.0f s", version, (System.nanoTime() - t0) / 1e9));
    }

    /** Writes a model version directory; also used by re-alignment jobs for the versions they train. */
    public static void save(Path dir, String version, Model model, ContextLm block, Vocabulary vocab, Object provenance,
                            double trainedSeconds) throws IOException {
        model.save(dir, NAME);
        vocab.save(dir.resolve("vocab.txt"));
        LmConfig c = block.config();
        Properties p = new Properties();
        p.setProperty("version", version);
        p.setProperty("context", Integer.toString(c.context()));
        p.setProperty("embedding", Integer.toString(c.embedding()));
        p.setProperty("promptEmbedding", Integer.toString(c.promptEmbedding()));
        p.setProperty("hidden", Integer.toString(c.hidden()));
        p.setProperty("maxPromptTokens", Integer.toString(c.maxPromptTokens()));
        p.setProperty("maxResponseTokens", Integer.toString(c.maxResponseTokens()));
        p.setProperty("vocabSize", Integer.toString(vocab.size()));
        p.setProperty("parameters", Long.toString(block.parameterCount()));
        p.setProperty("provenance", String.valueOf(provenance));
        p.setProperty("trainedSeconds", String.format(java.util.Locale.ROOT, "%.1f", trainedSeconds));
        try (Writer w = Files.newBufferedWriter(dir.resolve(PROPERTIES), StandardCharsets.UTF_8)) {
            p.store(w, "Ballast built-in language model");
        }
    }

    /** Whether {@code dir} holds a version of this model (one {@link #save} wrote), not a model of the user's own. */
    public static boolean isBuiltin(Path dir) {
        return Files.isRegularFile(dir.resolve(PROPERTIES));
    }

    /** Loads a version directory written by {@link #save}. */
    public static BuiltinLm load(Path dir, Device device, Set<ContextLm.Layer> layers) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve(PROPERTIES), StandardCharsets.UTF_8)) {
            p.load(r);
            LmConfig config = new LmConfig(intOf(p, "context"), intOf(p, "embedding"), intOf(p, "promptEmbedding"),
                    intOf(p, "hidden"), intOf(p, "maxPromptTokens"), intOf(p, "maxResponseTokens"));
            Vocabulary vocab = Vocabulary.load(dir.resolve("vocab.txt"));
            ContextLm block = new ContextLm(config, vocab.size());
            Model model = Model.newInstance(NAME, device);
            model.setBlock(block);
            model.load(dir, NAME);
            block.describeInputs();
            for (Parameter param : block.getParameters().values()) {
                param.getArray().setRequiresGradient(false);
            }
            return new BuiltinLm(p.getProperty("version", dir.getFileName().toString()), model, block, vocab, layers);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            throw new ModelSetupException("cannot load model from " + dir + ": " + e.getMessage(), e);
        }
    }

    private static int intOf(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("lm.properties lacks " + key);
        }
        return Integer.parseInt(v.trim());
    }

    @Override
    public String version() {
        return version;
    }

    public ContextLm block() {
        return block;
    }

    public Vocabulary vocabulary() {
        return vocab;
    }

    /** The DJL model holding the weights (re-alignment trains it and saves it as a new version). */
    public Model model() {
        return model;
    }

    /**
     * Scores each sample at a padded length that depends on it alone: its own positions rounded up
     * to a multiple of {@link #POSITION_BUCKET}. Padded to the longest response of its batch, a
     * score moved in its seventh or eighth digit with what it was batched with (the engine's batched
     * products and sums take other paths at other lengths), from run to run, enough to flip a gate
     * decision at its threshold. At a length fixed per sample the score is the same in any batch,
     * bit for bit (BuiltinLmTest), for about 10% more scoring time on length-sorted batches of 32
     * (the extra padding and passes; buckets of 16 and 32 cost 20-40%).
     */
    @Override
    public List<SampleScore> score(List<TextSample> samples) {
        Map<Integer, List<Integer>> byLength = new TreeMap<>();
        for (int i = 0; i < samples.size(); i++) {
            int needed = EncodedBatch.positions(samples.get(i), vocab, block.config());
            int padded = Math.min((needed + POSITION_BUCKET - 1) / POSITION_BUCKET * POSITION_BUCKET,
                    block.config().maxResponseTokens() + 1);
            byLength.computeIfAbsent(padded, k -> new ArrayList<>()).add(i);
        }
        SampleScore[] out = new SampleScore[samples.size()];
        byLength.forEach((padded, indices) -> {
            List<TextSample> group = indices.stream().map(samples::get).toList();
            List<SampleScore> scores = BatchedGradientNorms.score(block,
                    EncodedBatch.encode(group, vocab, block.config(), padded), layers, model.getNDManager());
            for (int j = 0; j < indices.size(); j++) {
                out[indices.get(j)] = scores.get(j);
            }
        });
        return List.of(out);
    }

    /** The same scores, one backward pass per sample: the reference the batched path is checked against. */
    public List<SampleScore> scoreNaively(List<TextSample> samples) {
        return NaiveGradientNorms.score(block, vocab, samples, layers, model.getNDManager());
    }

    @Override
    public void close() {
        model.close();
    }
}
