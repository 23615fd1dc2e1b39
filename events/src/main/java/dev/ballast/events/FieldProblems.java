package dev.ballast.events;

import java.util.List;

/** The field checks events share when they list what makes them unusable. */
final class FieldProblems {
    private FieldProblems() {
    }

    /** An id: present and not blank. */
    static void requireId(List<String> problems, String field, String value) {
        if (value == null || value.isBlank()) {
            problems.add(field + ": required");
        }
    }

    /** A text: present, possibly empty. */
    static void requireText(List<String> problems, String field, String value) {
        if (value == null) {
            problems.add(field + ": required (may be empty)");
        }
    }
}
