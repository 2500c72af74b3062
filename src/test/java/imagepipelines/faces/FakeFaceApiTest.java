package imagepipelines.faces;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import imagepipelines.local.FakeFaceApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The receiver stand-in enforces CONTRACTS §2 (so the route tests prove something). */
class FakeFaceApiTest {

    FakeFaceApi api;
    final HttpClient http = HttpClient.newHttpClient();
    final String token = "t".repeat(40);

    @BeforeEach
    void start() throws Exception {
        api = new FakeFaceApi(0);
        api.expect("photo", 1, token);
        api.expect("reference", 2, token);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    HttpResponse<String> post(String type, String pk, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(api.url() + "/api/facedetection/encodings/" + type + "/" + pk + "/"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String enc(int n) {
        List<String> f = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            f.add("0.01");
        }
        return "[" + String.join(",", f) + "]";
    }

    @Test
    void contract() throws Exception {
        String one = "{\"token\":\"" + token + "\",\"encodings\":[" + enc(128) + "]}";
        assertEquals(400, post("video", "1", one).statusCode());
        assertEquals(400, post("photo", "1", "{\"encodings\":[]}").statusCode());
        assertEquals(400, post("photo", "1", "{\"token\":5,\"encodings\":[]}").statusCode());
        assertEquals(400, post("photo", "1", "{\"token\":\"" + token + "\"}").statusCode());
        assertEquals(400, post("photo", "1", "{\"token\":\"" + token + "\",\"encodings\":{}}").statusCode());
        assertEquals(400, post("photo", "1", "{\"token\":\"" + token + "\",\"encodings\":[" + enc(127) + "]}").statusCode());
        assertEquals(400, post("photo", "1", "{\"token\":\"" + token + "\",\"encodings\":[[\"a\"" + enc(128).substring(5)
                + "]}").statusCode());
        assertEquals(400, post("photo", "1", "not json").statusCode());
        assertEquals(404, post("photo", "99", one).statusCode());
        assertEquals(403, post("photo", "1", one.replace(token, "x".repeat(40))).statusCode());
        api.failNext(1, 503);
        assertEquals(503, post("photo", "1", one).statusCode());
        HttpResponse<String> ok = post("photo", "1", one);
        assertEquals(200, ok.statusCode());
        assertEquals("", ok.body());
        assertEquals(400, post("photo", "1", one).statusCode(), "no longer awaiting processing");
        // a reference needs exactly one face
        assertEquals(400, post("reference", "2", "{\"token\":\"" + token + "\",\"encodings\":[]}").statusCode());
        assertEquals("rejected", api.target("reference", 2).state);
        api.expect("reference", 3, token);
        assertEquals(200, post("reference", "3", one).statusCode());
    }
}
