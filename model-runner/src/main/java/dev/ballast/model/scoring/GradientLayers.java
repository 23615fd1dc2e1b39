package dev.ballast.model.scoring;

import dev.ballast.model.lm.ContextLm;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Which layers' parameters a gradient norm covers: all of them, or the last k (closest to the output). */
public final class GradientLayers {
    private GradientLayers() {
    }

    /** {@code lastK} of 0, or at least the layer count, means every layer. */
    public static Set<ContextLm.Layer> last(int lastK) {
        List<ContextLm.Layer> all = List.of(ContextLm.Layer.values());
        if (lastK <= 0 || lastK >= all.size()) {
            return EnumSet.allOf(ContextLm.Layer.class);
        }
        return EnumSet.copyOf(all.subList(all.size() - lastK, all.size()));
    }
}
