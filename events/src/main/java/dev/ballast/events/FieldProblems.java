package dev.ballast.events;

import java.util.List;

/**
 * The field checks events share when they list what makes them unusable, and that the policy
 * compiler applies to the ids a policy version carries.
 */
public final class FieldProblems {
    private FieldProblems() {
    }

    /** An id: present, not blank, and free of control characters. */
    public static void requireId(List<String> problems, String field, String value) {
        if (value == null || value.isBlank()) {
            problems.add(field + ": required");
        } else {
            checkId(problems, field, value);
        }
    }

    /**
     * An id that may be absent, when present. Ids become parts of state-store keys, joined by a
     * NUL character: an id holding one could name another entry (a group "g\0x" is the key of
     * member x of group "g"), so no control character is accepted in one.
     */
    public static void checkId(List<String> problems, String field, String value) {
        if (value != null && hasControlCharacter(value)) {
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
