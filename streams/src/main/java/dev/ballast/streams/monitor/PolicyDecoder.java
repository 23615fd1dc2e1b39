package dev.ballast.streams.monitor;

import dev.ballast.events.Decoded;
import dev.ballast.events.EventJson;
import dev.ballast.events.Policy;
import dev.ballast.streams.policy.CompiledPolicy;
import dev.ballast.streams.policy.PolicyCompiler;
import java.util.function.Function;

/**
 * Strict reading of a policy record: JSON shape, then the compiler's semantic checks (regexes,
 * limits, duplicate ids). A rejection names the version so operators know which one did not take.
 */
public final class PolicyDecoder implements Function<byte[], Decoded<Policy>> {
    private final PolicyCompiler compiler;

    public PolicyDecoder(PolicyCompiler compiler) {
        this.compiler = compiler;
    }

    @Override
    public Decoded<Policy> apply(byte[] bytes) {
        Decoded<Policy> read = EventJson.readPolicy(bytes);
        if (!(read instanceof Decoded.Ok<Policy> ok)) {
            return read;
        }
        Policy policy = ok.value();
        if (compiler.compile(policy) instanceof Decoded.Rejected<CompiledPolicy> rejected) {
            return Decoded.rejected("policy " + policy.policyId() + "@" + policy.version()
                    + " rejected, the previous version stays in force: " + rejected.reason());
        }
        return read;
    }
}
