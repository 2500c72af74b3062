package imagepipelines.ingest.bulk;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes zip entry names. The zip format marks UTF-8 names with flag bit 11; older tools (Windows Explorer,
 * Japanese Windows, old macOS) write names in the machine's code page without saying which. The order: the
 * Info-ZIP Unicode Path extra field when present, UTF-8 when flagged or when the bytes are valid UTF-8, then each
 * configured fallback charset (default Shift_JIS, then IBM437, the zip format's historical default) whose strict
 * decoding succeeds. IBM437 maps every byte, so a name always decodes.
 */
public final class EntryNames {

    private final List<Charset> fallbacks = new ArrayList<>();

    public EntryNames(String fallbackCharsets) {
        for (String c : fallbackCharsets.split(",")) {
            if (!c.isBlank() && Charset.isSupported(c.trim())) {
                fallbacks.add(Charset.forName(c.trim()));
            }
        }
        if (Charset.isSupported("IBM437")) {
            fallbacks.add(Charset.forName("IBM437"));
        }
        fallbacks.add(StandardCharsets.ISO_8859_1);
    }

    public String decode(byte[] raw, boolean utf8Flag, byte[] unicodePathExtra) {
        if (unicodePathExtra != null) {
            String s = strict(unicodePathExtra, StandardCharsets.UTF_8);
            if (s != null) {
                return s;
            }
        }
        String utf8 = strict(raw, StandardCharsets.UTF_8);
        if (utf8 != null) {
            return utf8;
        }
        if (utf8Flag) {
            return new String(raw, StandardCharsets.UTF_8);
        }
        for (Charset c : fallbacks) {
            String s = strict(raw, c);
            if (s != null) {
                return s;
            }
        }
        return new String(raw, StandardCharsets.ISO_8859_1);
    }

    private static String strict(byte[] raw, Charset cs) {
        try {
            String s = cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
            // a decoding that yields control characters is the wrong guess
            return s.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f) ? null : s;
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
