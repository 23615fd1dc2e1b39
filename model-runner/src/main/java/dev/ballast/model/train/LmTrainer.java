package dev.ballast.model.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import dev.ballast.model.GradientCollection;
import dev.ballast.model.lm.ContextLm;
import dev.ballast.model.lm.LmConfig;
import dev.ballast.model.lm.TextSample;
import dev.ballast.model.lm.Vocabulary;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/** Trains a {@link ContextLm} on a corpus with DJL's trainer; the caller owns the returned model. */
public final class LmTrainer {
    private LmTrainer() {
    }

    public static Model train(List<TextSample> corpus, Vocabulary vocab, LmConfig config, TrainingSettings settings,
                              Device device, Consumer<String> progress) {
        Engine.getInstance().setRandomSeed((int) settings.seed());
        Model model = Model.newInstance("ballast-lm", device);
        ContextLm block = new ContextLm(config, vocab.size());
        model.setBlock(block);
        try (NDManager data = model.getNDManager().newSubManager()) {
            ArrayDataset dataset = TrainingData.build(corpus, vocab, config, settings, data);
            long batches = (dataset.size() + settings.batchSize() - 1) / settings.batchSize();
            progress.accept(String.format("training the built-in model: %,d parameters, %,d samples, %,d tokens, "
                    + "%d epochs on %s", block.parameterCount(), corpus.size(), dataset.size(), settings.epochs(), device));
            DefaultTrainingConfig training = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(settings.learningRate())).build())
                    .optDevices(new Device[]{device})
                    .addTrainingListeners(new TrainingProgress(progress, settings.epochs(), batches));
            // EasyTrain opens a collector per batch: the whole training is one turn.
            try (GradientCollection.Turn turn = GradientCollection.take();
                 Trainer trainer = model.newTrainer(training)) {
                trainer.initialize(new Shape(settings.batchSize(), 1, config.context()),
                        new Shape(settings.batchSize(), config.maxPromptTokens()),
                        new Shape(settings.batchSize(), config.maxPromptTokens()));
                EasyTrain.fit(trainer, settings.epochs(), dataset, null);
            }
        } catch (IOException | TranslateException e) {
            model.close();
            throw new IllegalStateException("training the built-in model failed: " + e.getMessage(), e);
        }
        return model;
    }
}
