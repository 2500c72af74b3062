package imagepipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@code faces FILE...} and {@code faces --distance A B} on the sample photos with the real model. */
class FacesCommandTest {

    static final String DIR = "src/test/resources/faces/";

    static JsonNode run(List<String> args) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            List<String> all = new java.util.ArrayList<>(List.of("faces"));
            all.addAll(args);
            assertEquals(0, Cli.execute(all.toArray(String[]::new)));
        } finally {
            System.setOut(old);
        }
        return new ObjectMapper().readTree(buf.toString(StandardCharsets.UTF_8));
    }

    @Test
    void facesAndEncodingsPerImage() throws Exception {
        JsonNode out = run(List.of(DIR + "astronaut-1200x900.webp", DIR + "group-6faces.jpg", DIR + "cat-0faces.png"));
        assertEquals(3, out.size());
        assertEquals(1200, out.get(0).get("width").asInt());
        assertEquals(1, out.get(0).get("faces").size());
        assertEquals(128, out.get(0).get("faces").get(0).get("encoding").size());
        assertTrue(out.get(0).get("faces").get(0).get("box").get("width").asDouble() > 20);
        assertEquals(6, out.get(1).get("faces").size());
        assertEquals(0, out.get(2).get("faces").size());
    }

    @Test
    void distanceBetweenFirstFaces() throws Exception {
        JsonNode same = run(List.of("--distance", DIR + "astronaut-1200x900.webp", DIR + "astronaut-1face-exif6.jpg"));
        assertTrue(same.get("distance").asDouble() < 0.49, same.toString());
        assertTrue(same.get("same_person").asBoolean());
        JsonNode other = run(List.of("--distance", DIR + "astronaut-1face.png", DIR + "cameraman-gray-1face.png"));
        assertTrue(other.get("distance").asDouble() >= 0.49, other.toString());
    }
}
