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
        assertAnswer(400, "", post("video", "1", one));
        assertAnswer(400, "", post("photo", "1", "{\"encodings\":[]}"));
        assertAnswer(400, "", post("photo", "1", "{\"token\":5,\"encodings\":[]}"));
        assertAnswer(400, "", post("photo", "1", "{\"token\":\"" + token + "\"}"));
        assertAnswer(400, "", post("photo", "1", "{\"token\":\"" + token + "\",\"encodings\":{}}"));
        assertAnswer(400, "", post("photo", "1", "{\"token\":\"" + token + "\",\"encodings\":[" + enc(127) + "]}"));
        assertAnswer(400, "", post("photo", "1", "{\"token\":\"" + token + "\",\"encodings\":[[\"a\"" + enc(128).substring(5)
                + "]}"));
        assertAnswer(400, "", post("photo", "1", "not json"));
        assertAnswer(404, "{\"detail\":\"Not found.\"}", post("photo", "99", one));
        assertAnswer(403, "{\"detail\":\"Invalid token.\"}", post("photo", "1", one.replace(token, "x".repeat(40))));
        api.failNext(1, 503);
        assertEquals(503, post("photo", "1", one).statusCode());
        assertAnswer(200, "", post("photo", "1", one));
        assertAnswer(400, "[\"This object is not processing.\"]", post("photo", "1", one));
        // a wrong token is still 403 once processed (the token is checked first)
        assertEquals(403, post("photo", "1", one.replace(token, "x".repeat(40))).statusCode());
        // a reference with no face or several is accepted (200) and marked rejected
        assertAnswer(200, "", post("reference", "2", "{\"token\":\"" + token + "\",\"encodings\":[]}"));
        assertEquals("rejected", api.target("reference", 2).state);
        api.expect("reference", 3, token);
        assertAnswer(200, "", post("reference", "3", "{\"token\":\"" + token + "\",\"encodings\":[" + enc(128) + ","
                + enc(128) + "]}"));
        assertEquals("rejected", api.target("reference", 3).state);
        api.expect("reference", 4, token);
        assertAnswer(200, "", post("reference", "4", one));
        assertEquals("done", api.target("reference", 4).state);
    }

    /** Upstream's serializer takes JSON floats only: an integer such as 0 among the 128 values is a 400. */
    @Test
    void integersInAnEncodingAreRefused() throws Exception {
        String withZero = "{\"token\":\"" + token + "\",\"encodings\":[[0," + enc(127).substring(1) + "]}";
        assertAnswer(400, "", post("photo", "1", withZero));
        assertEquals("awaiting", api.target("photo", 1).state);
        assertAnswer(200, "", post("photo", "1", withZero.replace("[[0,", "[[0.0,")));
    }

    /** The pk is looked up before the body is read: an unknown pk with a broken body is 404, not 400. */
    @Test
    void unknownPkIsCheckedBeforeTheBody() throws Exception {
        assertAnswer(404, "{\"detail\":\"Not found.\"}", post("photo", "12345", "not json"));
        assertAnswer(404, "{\"detail\":\"Not found.\"}", post("photo", "abc", "{}"));
        assertEquals(null, api.posts("photo", 12345).get(0).body(), "body not read");
    }

    /** Past its rate the receiver answers 429 with Retry-After (whole seconds), and lets requests in again after. */
    @Test
    void throttlesPastItsRate() throws Exception {
        api.throttle(3, 1500);
        String one = "{\"token\":\"" + token + "\",\"encodings\":[" + enc(128) + "]}";
        assertEquals(404, post("photo", "98", one).statusCode());
        assertEquals(404, post("photo", "97", one).statusCode());
        assertEquals(403, post("photo", "1", one.replace(token, "x".repeat(40))).statusCode());
        HttpResponse<String> throttled = post("photo", "1", one);
        assertEquals(429, throttled.statusCode());
        assertEquals("2", throttled.headers().firstValue("Retry-After").orElse(null));
        assertEquals("{\"detail\":\"Request was throttled. Expected available in 2 seconds.\"}", throttled.body());
        assertEquals("awaiting", api.target("photo", 1).state, "a throttled request is not applied");
        assertEquals(1, api.throttledCount());
        Thread.sleep(1600);
        assertAnswer(200, "", post("photo", "1", one));
    }

    static void assertAnswer(int status, String body, HttpResponse<String> r) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(body, r.body());
    }
}
