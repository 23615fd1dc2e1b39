package dev.ballast.events;

import java.util.List;

/**
 * The field checks events share when they list what makes them unusable, and that the policy
 * compiler applies to the ids a policy version carries.
 */
public final class FieldProblems {
    private FieldProblems() {
    }

    /**
     * Longest id accepted, in characters. Ids become the keys of records on internal topics beside
     * a value of up to {@code max.record.bytes}, which leaves 64 KiB for key and headers in a
     * request: an agentId as long as its record made the pair too large to send, and stopped the
     * run. No one names an agent, group, sample or pair with a thousand characters.
     */
    public static final int MAX_ID_CHARS = 1_024;

    /** An id: present, not blank, at most {@link #MAX_ID_CHARS} characters, free of control characters. */
    public static void requireId(List<String> problems, String field, String value) {
        if (present(problems, field, value)) {
            checkId(problems, field, value);
        }
    }

    /**
     * An id that may be absent, when present. Ids become parts of state-store keys, joined by a
     * NUL character: an id holding one could name another entry (a group "g\0x" is the key of
     * member x of group "g"), so no control character is accepted in one.
     */
    public static void checkId(List<String> problems, String field, String value) {
        if (value == null) {
            return;
        }
        if (value.length() > MAX_ID_CHARS) {
            // Not quoted: the reason travels in a dead letter's header.
            problems.add(field + ": longer than " + MAX_ID_CHARS + " characters (got " + value.length() + ")");
        } else {
            checkControlCharacters(problems, field, value);
        }
    }

    /**
     * A name Ballast composes from ids (a policy-version tag of every policy in force, a job id, a
     * model version that grows with each re-alignment): present, not blank, free of control
     * characters, and as long as it needs to be.
     */
    public static void requireName(List<String> problems, String field, String value) {
        if (present(problems, field, value)) {
            checkControlCharacters(problems, field, value);
        }
    }

    /** Whether {@code value} is there and not blank; says it is required when not. */
    private static boolean present(List<String> problems, String field, String value) {
        if (value == null || value.isBlank()) {
            problems.add(field + ": required");
            return false;
        }
        return true;
    }

    private static void checkControlCharacters(List<String> problems, String field, String value) {
        if (hasControlCharacter(value)) {
            problems.add(field + ": must not contain control characters (got '" + escaped(value) + "')");
        }
    }

    /** A plain loop: every interaction's ids pass here, on the monitor's hot path. */
    private static boolean hasControlCharacter(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                return true;
            }
        }
        return false;
    }

    /** A text: present, possibly empty. */
    static void requireText(List<String> problems, String field, String value) {
        if (value == null) {
            problems.add(field + ": required (may be empty)");
        }
    }

    /** {@code value} with its control characters written as JSON escapes them, so a reason shows them. */
    private static String escaped(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        value.chars().forEach(c -> out.append(c < 0x20 || c == 0x7F
                ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return out.toString();
    }
}
