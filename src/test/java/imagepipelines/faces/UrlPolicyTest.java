package imagepipelines.faces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UrlPolicyTest {

    final UrlPolicy policy = new UrlPolicy("members.example.org, .cdn.example.net, 127.0.0.1");

    @Test
    void onlyHttpToListedHosts() {
        assertNull(policy.problem("https://members.example.org/api"));
        assertNull(policy.problem("http://127.0.0.1:8080/x.webp"));
        assertNull(policy.problem("https://eu.cdn.example.net/p/1.webp?sig=abc"));
        assertTrue(policy.problem("https://cdn.example.net.evil.com/x").contains("not in faces.allowed-hosts"));
        assertTrue(policy.problem("https://evilmembers.example.org/x").contains("not in faces.allowed-hosts"));
        assertTrue(policy.problem("ftp://members.example.org/x").contains("only http and https"));
        assertTrue(policy.problem("file:///etc/passwd").contains("only http and https"));
        assertTrue(policy.problem("http://user:pw@members.example.org/").contains("user information"));
        assertTrue(policy.problem("http://localhost/").contains("not in faces.allowed-hosts"));
        assertTrue(new UrlPolicy("").problem("https://members.example.org/").contains("not in faces.allowed-hosts"));
    }

    @Test
    void signaturesStayOutOfReasons() {
        assertEquals("https://h/p.webp?…", UrlPolicy.withoutQuery("https://h/p.webp?X-Amz-Signature=secret"));
        assertFalse(policy.problem("https://evil.example/p?X-Amz-Signature=secret").contains("secret"));
    }

    @Test
    void tokensAreMaskedInDeadLetters() {
        String t = "a".repeat(40);
        assertFalse(FacesRequestReader.masked("{\"sources\":[{\"token\":\"" + t + "\"}]}").contains(t));
        assertFalse(FacesRequestReader.masked("{\"sources\":[{\"token\":\"" + t + "\", oops").contains(t));
        assertFalse(FacesRequestReader.masked("garbage " + t + " garbage").contains(t));
    }
}
