package dev.ballast.model;

import ai.djl.Device;
import dev.ballast.model.scoring.GradientLayers;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Opens the scoring model in force in a {@link ModelStore}: the built-in model (trained into the
 * store on first use), or a user's {@link ScoringModel} class given its version directory.
 */
public final class ModelLoader {
    private final ModelStore store;
    private final Device device;
    private final int gradLayers;
    private final String modelClass;

    public ModelLoader(ModelStore store, Device device, int gradLayers, String modelClass) {
        this.store = store;
        this.device = device;
        this.gradLayers = gradLayers;
        this.modelClass = modelClass == null ? "" : modelClass.trim();
    }

    /** The device every model this loader opens runs on. */
    public Device device() {
        return device;
    }

    /**
     * The version in force. With the built-in model, {@link BuiltinLm#ensureBuiltin} runs every
     * time: it trains the model on first use and moves a store off an earlier build's built-in.
     */
    public String currentVersion(Consumer<String> progress) {
        if (modelClass.isEmpty()) {
            BuiltinLm.ensureBuiltin(store, device, progress);
        } else if (store.current().isEmpty()) {
            throw new ModelSetupException("model.class is " + modelClass + " but " + store.dir()
                    + " has no published version: copy your model into " + store.dir() + "/<version>/ and write "
                    + "<version> into " + store.dir() + "/CURRENT");
        }
        return store.current().orElseThrow();
    }

    public ScoringModel open(String version) {
        Path dir = store.versionDir(version);
        if (modelClass.isEmpty()) {
            return BuiltinLm.load(dir, device, GradientLayers.last(gradLayers));
        }
        try {
            Class<?> type = Class.forName(modelClass);
            if (!ScoringModel.class.isAssignableFrom(type)) {
                throw new ModelSetupException("model.class " + modelClass + " does not implement "
                        + ScoringModel.class.getName());
            }
            return (ScoringModel) type.getConstructor(Path.class, Device.class).newInstance(dir, device);
        } catch (ClassNotFoundException e) {
            throw new ModelSetupException("model.class " + modelClass + " is not on the classpath", e);
        } catch (NoSuchMethodException e) {
            throw new ModelSetupException("model.class " + modelClass + " needs a public constructor (Path, Device)", e);
        } catch (InvocationTargetException e) {
            throw new ModelSetupException("model.class " + modelClass + " failed to load " + dir + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new ModelSetupException("cannot instantiate model.class " + modelClass + ": " + e.getMessage(), e);
        }
    }

    public ModelStore store() {
        return store;
    }
}
