package dev.ballast.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/**
 * {@code model.device}: {@code auto} takes the first GPU DJL finds and otherwise the CPU;
 * {@code gpu} insists on one; {@code cpu} never uses one. A GPU needs the CUDA native library on
 * the classpath (build with {@code -Pcuda}).
 */
public enum DeviceChoice {
    AUTO, CPU, GPU;

    public static DeviceChoice parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model.device must be auto, cpu or gpu (got '" + value + "')");
        }
    }

    /** The device to run on, given how many GPUs the engine sees. */
    public Device resolve() {
        return resolve(Engine.getInstance().getGpuCount());
    }

    Device resolve(int gpus) {
        return switch (this) {
            case CPU -> Device.cpu();
            case AUTO -> gpus > 0 ? Device.gpu() : Device.cpu();
            case GPU -> {
                if (gpus == 0) {
                    throw new ModelSetupException("model.device=gpu, but the PyTorch engine finds no GPU; build with "
                            + "-Pcuda for the CUDA native library, check the NVIDIA driver, or use model.device=auto");
                }
                yield Device.gpu();
            }
        };
    }
}
