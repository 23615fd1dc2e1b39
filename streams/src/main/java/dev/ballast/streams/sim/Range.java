package dev.ballast.streams.sim;

import java.util.SplittableRandom;

/**
 * A closed interval a simulator parameter is drawn from, once per agent; {@code min == max} fixes
 * the value.
 */
public record Range(double min, double max) {

    /** {@code MIN:MAX}, or one number for a fixed value, as the {@code simulate} options take it. */
    public static Range parse(String text) {
        String[] parts = text.split(":", -1);
        String message = "takes MIN:MAX or one number, not '" + text + "'";
        if (parts.length > 2) {
            throw new IllegalArgumentException(message);
        }
        try {
            double min = Double.parseDouble(parts[0].trim());
            return new Range(min, parts.length == 1 ? min : Double.parseDouble(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(message, e);
        }
    }

    /** Refuses a reversed range or one reaching outside {@code [lowest, highest]}, naming {@code what}. */
    void requireWithin(String what, double lowest, double highest) {
        if (!(min >= lowest && max >= min && max <= highest)) {
            throw new IllegalArgumentException(what + " range must satisfy " + lowest + " <= min <= max <= "
                    + highest + " (got " + min + " to " + max + ")");
        }
    }

    double uniform(SplittableRandom rng) {
        return min + rng.nextDouble() * (max - min);
    }

    /** Uniform in log space, so that 1 to 10 and 1,000 to 10,000 are equally likely. */
    double logUniform(SplittableRandom rng) {
        return Math.exp(Math.log(min) + rng.nextDouble() * (Math.log(max) - Math.log(min)));
    }
}
