package dev.ballast.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import java.util.Locale;
import java.util.function.Consumer;

/** Reports training progress: one line every few seconds and one per epoch, with the running loss. */
public final class TrainingProgress extends TrainingListenerAdapter {
    private final Consumer<String> out;
    private final int epochs;
    private final long batchesPerEpoch;
    private long started;
    private long lastLine;
    private int epoch;
    private long batch;
    private double lossSum;
    private long lossCount;

    public TrainingProgress(Consumer<String> out, int epochs, long batchesPerEpoch) {
        this.out = out;
        this.epochs = epochs;
        this.batchesPerEpoch = batchesPerEpoch;
    }

    @Override
    public void onTrainingBegin(Trainer trainer) {
        started = System.nanoTime();
        lastLine = started;
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData data) {
        batch++;
        for (var device : data.getLabels().keySet()) {
            try (NDArray loss = trainer.getLoss().evaluate(data.getLabels().get(device), data.getPredictions().get(device))) {
                lossSum += loss.getFloat();
                lossCount++;
            }
        }
        long now = System.nanoTime();
        if (now - lastLine > 5_000_000_000L) {
            lastLine = now;
            out.accept(String.format(Locale.ROOT, "training: epoch %d/%d, batch %d/%d, loss %.3f, %.0f s", epoch + 1,
                    epochs, batch, batchesPerEpoch, lossSum / Math.max(1, lossCount), (now - started) / 1e9));
        }
    }

    @Override
    public void onEpoch(Trainer trainer) {
        epoch++;
        out.accept(String.format(Locale.ROOT, "training: epoch %d/%d done, loss %.3f, %.0f s", epoch, epochs,
                lossSum / Math.max(1, lossCount), (System.nanoTime() - started) / 1e9));
        batch = 0;
        lossSum = 0;
        lossCount = 0;
    }
}
