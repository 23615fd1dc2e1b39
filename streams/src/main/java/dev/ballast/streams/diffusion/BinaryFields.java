package dev.ballast.streams.diffusion;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What the group monitor's binary layouts ({@link GroupMemberCodec}, {@link GroupSignalCodec})
 * share: strings as a length and UTF-8 (-1 for none), and telling the JSON that earlier versions
 * stored before each layout existed from a binary layout.
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
}
