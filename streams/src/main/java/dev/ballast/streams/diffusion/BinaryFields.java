package dev.ballast.streams.diffusion;

import dev.ballast.events.EventJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What the group monitor's binary layouts ({@link GroupMemberCodec}, {@link GroupSignalCodec})
 * share: strings as a length and UTF-8 (-1 for none), and reading the JSON that earlier versions
 * stored before each layout existed.
 */
final class BinaryFields {
    private BinaryFields() {
    }

    /** {@code s} as UTF-8, or null for none. */
    static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /** Bytes {@link #put} writes for {@code utf8}. */
    static int sizeOf(byte[] utf8) {
        return 4 + (utf8 == null ? 0 : utf8.length);
    }

    static void put(ByteBuffer b, byte[] utf8) {
        b.putInt(utf8 == null ? -1 : utf8.length);
        if (utf8 != null) {
            b.put(utf8);
        }
    }

    static String string(ByteBuffer b) {
        int n = b.getInt();
        if (n < 0) {
            return null;
        }
        String s = new String(b.array(), b.arrayOffset() + b.position(), n, StandardCharsets.UTF_8);
        b.position(b.position() + n);
        return s;
    }

    /** Whether {@code bytes} are JSON an earlier version stored (it starts with '{'), not a binary layout. */
    static boolean isJson(byte[] bytes) {
        return bytes.length > 0 && bytes[0] == '{';
    }

    /** {@code bytes} as the JSON of an earlier version; {@code what} names the value if they are not. */
    static <T> T json(byte[] bytes, Class<T> type, String what) {
        try {
            return EventJson.LENIENT.readValue(bytes, type);
        } catch (IOException e) {
            // Written by Ballast: unreadable state is a bug or a layout change, not bad input.
            throw new UncheckedIOException(what + " layout " + (bytes.length == 0 ? "(empty)" : bytes[0])
                    + " is not readable by this version", e);
        }
    }
}
