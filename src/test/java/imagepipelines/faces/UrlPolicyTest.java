package imagepipelines.faces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

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

    /** Issue 16.2: the query of api_url was kept, so the POST reached any path of an allowed host. */
    @Test
    void apiUrlThatCouldSteerThePostElsewhereIsRefused() {
        assertNull(policy.apiUrlProblem("https://members.example.org"));
        assertNull(policy.apiUrlProblem("http://127.0.0.1:8080"));
        assertNull(policy.apiUrlProblem("https://members.example.org/site-2/v1"));
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("http://127.0.0.1:8080/maintenance/on?x=", "query");
        refused.put("http://127.0.0.1:8080?x=", "query");
        refused.put("http://127.0.0.1:8080/#frag", "fragment");
        refused.put("http://user:pw@members.example.org", "user information");
        refused.put("http://members.example.org@127.0.0.1:8080", "user information");
        refused.put("http://127.0.0.1:8080/%2e%2e/maintenance", "percent-encoded");
        refused.put("http://127.0.0.1:8080/a%2fb", "percent-encoded");
        refused.put("http://127.0.0.1:8080/a%5cb", "percent-encoded");
        refused.put("http://127.0.0.1:8080/a\\b", "backslash");
        refused.put("http://127.0.0.1:8080/..", ". or .. path segments");
        refused.put("http://127.0.0.1:8080/a/./b", ". or .. path segments");
        refused.put("http://127.0.0.1:8080/a/../maintenance", ". or .. path segments");
        refused.put("http://127.0.0.1:8080/a;b=c", "path prefix may only hold");
        refused.put("http://127.0.0.1:8080//x", "path prefix may only hold");
        refused.put("https://evil.example", "host evil.example is not in faces.allowed-hosts");
        refused.put("ftp://members.example.org", "only http and https");
        refused.put("https://members.example.org:99999x", "invalid port");
        for (Map.Entry<String, String> r : refused.entrySet()) {
            String why = policy.apiUrlProblem(r.getKey());
            assertNotNull(why, r.getKey());
            assertTrue(why.contains(r.getValue()), r.getKey() + " -> " + why);
        }
    }

    /** Issue 16.7: a redirect to 127.1 was refused as "URL without host"; it means 127.0.0.1 and is checked as it. */
    @Test
    void shorthandIpv4HostsAreCheckedAsTheAddressTheyMean() throws Exception {
        UrlPolicy none = new UrlPolicy("members.example.org");
        for (String h : new String[] {"127.1", "2130706433", "0x7f.0.0.1", "0177.0.0.1", "127.0.1"}) {
            String why = none.problem("http://" + h + ":8080/x");
            assertEquals("host " + h + " (the IPv4 address 127.0.0.1) is not in faces.allowed-hosts", why, h);
        }
        assertEquals("host 169.254.169.254 is not in faces.allowed-hosts", none.problem("http://169.254.169.254/"));
        assertTrue(none.problem("http://2852039166/latest/").contains("(the IPv4 address 169.254.169.254)"));
        // allowed as the address it means; the URL used is the one that was checked
        assertNull(policy.problem("http://127.1:8080/x.webp"));
        assertEquals(URI.create("http://127.0.0.1:8080/x.webp?a=1"), policy.check("http://127.1:8080/x.webp?a=1"));
        assertEquals("http://127.0.0.1", UrlPolicy.normalized("http://2130706433"));
        assertTrue(policy.problem("http://bad_host!/x").contains("not a valid host name"));
    }

    /** Issue 10: with the faces workflow on, an empty faces.allowed-hosts stops start-up, naming key and variable. */
    @Test
    void emptyAllowedHostsIsAConfigurationError() {
        for (String empty : new String[] {"", " ", " , ", null}) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> UrlPolicy.configured(empty));
            assertTrue(e.getMessage().contains("faces.allowed-hosts") && e.getMessage().contains("FACES_ALLOWED_HOSTS"),
                    e.getMessage());
        }
        assertNull(UrlPolicy.configured("members.example.org").problem("https://members.example.org/p.webp"));
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
