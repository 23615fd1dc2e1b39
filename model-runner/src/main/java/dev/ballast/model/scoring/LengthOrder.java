package dev.ballast.model.scoring;

import dev.ballast.model.lm.TextSample;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The order to batch samples in: by response length, so each batch pads its responses to a
 * length close to their own. A batch costs its longest response times its size; mixing a 10-word
 * answer with a 90-word one makes the short one pay for 90.
 */
public final class LengthOrder {
    private LengthOrder() {
    }

    /** Indices of {@code samples}, shortest response first; ties keep their input order. */
    public static int[] of(List<TextSample> samples) {
        return IntStream.range(0, samples.size()).boxed()
                .sorted(Comparator.comparingInt(i -> samples.get(i).response().length()))
                .mapToInt(Integer::intValue).toArray();
    }
}
