package imagepipelines.faces.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightFileTest {
    @Test
    void dequantisesUint8AndReadsFloat32InManifestOrder(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("m-weights_manifest.json"), """
                [{"paths": ["m.bin"], "weights": [
                  {"name": "q", "shape": [2, 2], "dtype": "float32",
                   "quantization": {"dtype": "uint8", "scale": 0.5, "min": -1.0}},
                  {"name": "f", "shape": [2], "dtype": "float32"},
                  {"name": "i", "shape": [], "dtype": "int32", "quantization": {"dtype": "uint8", "scale": 1, "min": 7}}
                ]}]""");
        ByteBuffer b = ByteBuffer.allocate(4 + 8 + 1).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0).put((byte) 1).put((byte) 2).put((byte) 255).putFloat(1.25f).putFloat(-3f).put((byte) 3);
        Files.write(dir.resolve("m.bin"), b.array());

        WeightFile wf = WeightFile.load(dir, "m");
        assertArrayEquals(new float[] {-1f, -0.5f, 0f, 126.5f}, wf.data("q", 2, 2));
        assertArrayEquals(new float[] {1.25f, -3f}, wf.data("f"));
        assertArrayEquals(new float[] {10f}, wf.data("i"));
        assertThrows(IllegalArgumentException.class, () -> wf.data("q", 4));
        assertThrows(IllegalArgumentException.class, () -> wf.get("missing"));
    }

    @Test
    void rejectsTrailingBytesAndMissingManifest(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("m-weights_manifest.json"),
                "[{\"paths\": [\"m.bin\"], \"weights\": [{\"name\": \"f\", \"shape\": [1], \"dtype\": \"float32\"}]}]");
        Files.write(dir.resolve("m.bin"), new byte[8]);
        IOException e = assertThrows(IOException.class, () -> WeightFile.load(dir, "m"));
        assertEquals(true, e.getMessage().contains("unread"));
        assertThrows(NoSuchFileException.class, () -> WeightFile.load(dir, "absent"));
    }
}
