package imagepipelines.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import org.junit.jupiter.api.Test;

class UploadReaderTest {

    @Test
    void readsTheAnnouncedLengthOrTheStreamUpToTheCap() throws Exception {
        byte[] data = new byte[300_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        for (Long announced : new Long[] {300_000L, null}) {
            assertArrayEquals(data, new UploadReader(1_000_000).read(new ByteArrayInputStream(data), announced));
        }
    }

    @Test
    void refusesWhatIsLargerThanTheCapWithItsCode() {
        for (Long announced : new Long[] {2_000L, null}) {
            IngestFailure f = assertThrows(IngestFailure.class,
                    () -> new UploadReader(1_000).read(new ByteArrayInputStream(new byte[2_000]), announced));
            assertEquals(IngestFailure.IMAGE_TOO_LARGE, f.code());
        }
    }

    @Test
    void aStreamThatDisagreesWithTheAnnouncedLengthIsAReadFailure() {
        IOException shorter = assertThrows(IOException.class,
                () -> new UploadReader(1_000_000).read(new ByteArrayInputStream(new byte[100]), 200L));
        assertTrue(shorter.getMessage().contains("ended after 100 of its 200 bytes"), shorter.getMessage());
        IOException longer = assertThrows(IOException.class,
                () -> new UploadReader(1_000_000).read(new ByteArrayInputStream(new byte[300]), 200L));
        assertTrue(longer.getMessage().contains("longer than the 200 bytes"), longer.getMessage());
    }
}
