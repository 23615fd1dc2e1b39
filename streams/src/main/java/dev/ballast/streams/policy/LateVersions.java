package dev.ballast.streams.policy;

import dev.ballast.events.Policy;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells when a policy version reaches a processor after it judged records the version governs
 * (records timestamped at or after its {@code effectiveAt}): those stay judged by the versions the
 * processor held. Live, a version published together with the records it governs arrives a
 * commit interval or more behind them, since policies are broadcast through an internal topic; so
 * does one that takes effect in the past. Logged once per version and processor kind in this
 * process; the caller counts it.
 */
public final class LateVersions {
    private static final Logger LOG = LoggerFactory.getLogger(LateVersions.class);
    /** Versions already reported; bounded so that it cannot grow without limit. */
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();
    private static final int MAX_LOGGED = 10_000;
    private final String processor;
    private long latestJudgedMillis = Long.MIN_VALUE;

    /** {@code processor} names what judges, in the log line: "monitor", "gate". */
    public LateVersions(String processor) {
        this.processor = processor;
    }

    /** What judges: "monitor", "gate". */
    public String processor() {
        return processor;
    }

    /** A record timestamped {@code timestampMillis} was judged. */
    public void judged(long timestampMillis) {
        latestJudgedMillis = Math.max(latestJudgedMillis, timestampMillis);
    }

    /** Whether {@code policy}, a version new to this processor, arrived late (and says so, once). */
    public boolean arrivedLate(Policy policy) {
        long lateMillis = latestJudgedMillis - policy.effectiveAt().toEpochMilli();
        if (latestJudgedMillis == Long.MIN_VALUE || lateMillis < 0) {
            return false;
        }
        if (LOGGED.size() < MAX_LOGGED && LOGGED.add(processor + "\u0000" + policy.versionKey())) {
            LOG.warn("policy {} (effective {}) reached the {} after records up to {} s past that time had been"
                            + " judged by the previous version; publish a version before the records it governs",
                    policy.versionKey(), policy.effectiveAt(), processor,
                    String.format(Locale.ROOT, "%.1f", lateMillis / 1000.0));
        }
        return true;
    }
}
