package dev.ballast.model;

import ai.djl.Device;
import dev.ballast.model.scoring.GradientLayers;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Opens the scoring model in force in a {@link ModelStore}: the built-in model (trained into the
 * store on first use), or a user's {@link ScoringModel} class given its version directory.
 */
public final class ModelLoader {
    /** What to do about a class of a model of your own that is not on the classpath. */
    public static final String WHERE_JARS_GO =
            "add the jar that holds it to BALLAST_CLASSPATH (./ballast) or to /opt/ballast/plugins (the image)";
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
        if (!store.has(version)) {
            throw new ModelSetupException("model version " + version + " is not in " + store.dir());
        }
        Path dir = store.versionDir(version);
        if (modelClass.isEmpty()) {
            return BuiltinLm.load(dir, device, GradientLayers.last(gradLayers));
        }
        Constructor<? extends ScoringModel> constructor = userModel(modelClass);
        try {
            return constructor.newInstance(dir, device);
        } catch (InvocationTargetException e) {
            throw new ModelSetupException("model.class " + modelClass + " failed to load " + dir + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException | ExceptionInInitializerError e) {
            throw new ModelSetupException("cannot instantiate model.class " + modelClass + ": " + e, e);
        }
    }

    /**
     * The constructor a user's {@code model.class} is opened with, found without initialising the
     * class, so that configuration can be checked at start-up, before any cluster or model is touched.
     *
     * @throws ModelSetupException saying what to fix: the class is not on the classpath, cannot be
     *                             linked, is not a {@link ScoringModel}, or lacks the constructor
     */
    public static Constructor<? extends ScoringModel> userModel(String modelClass) {
        Class<?> type;
        try {
            type = Class.forName(modelClass, false, ModelLoader.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ModelSetupException("model.class " + modelClass + " is not on the classpath", e);
        } catch (LinkageError e) {
            // A class whose own dependencies are missing: the class is there, a jar beside it is not.
            throw new ModelSetupException("model.class " + modelClass + " cannot be loaded: " + e, e);
        }
        if (!ScoringModel.class.isAssignableFrom(type)) {
            throw new ModelSetupException("model.class " + modelClass + " does not implement "
                    + ScoringModel.class.getName());
        }
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            throw new ModelSetupException("model.class " + modelClass + " is abstract; name the class that implements it");
        }
        try {
            return type.asSubclass(ScoringModel.class).getConstructor(Path.class, Device.class);
        } catch (NoSuchMethodException e) {
            throw new ModelSetupException("model.class " + modelClass + " needs a public constructor (Path, Device)", e);
        } catch (LinkageError e) {
            throw new ModelSetupException("model.class " + modelClass + " cannot be loaded: " + e, e);
        }
    }

    public ModelStore store() {
        return store;
    }
}
