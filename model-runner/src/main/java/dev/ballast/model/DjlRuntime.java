package dev.ballast.model;

import java.nio.file.Path;

/**
 * Prepares DJL before its engine loads: PyTorch's native library is unpacked from the
 * {@code pytorch-native-*} jar on the classpath into a cache directory (outside the user's home
 * unless {@code DJL_CACHE_DIR} says otherwise), and DJL never tries the network.
 */
public final class DjlRuntime {
    private DjlRuntime() {
    }

    public static void prepare() {
        if (System.getenv("DJL_CACHE_DIR") == null && System.getProperty("DJL_CACHE_DIR") == null) {
            System.setProperty("DJL_CACHE_DIR", Path.of(System.getProperty("java.io.tmpdir"), "ballast-djl").toString());
        }
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }
}
