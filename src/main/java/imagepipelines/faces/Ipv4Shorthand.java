package imagepipelines.faces;

/**
 * Reads a host written as an IPv4 address in any form the C resolver ({@code inet_aton}) accepts, as curl and the
 * operating system do: {@code 127.1}, {@code 2130706433}, {@code 0x7f.0.0.1}, {@code 0177.0.0.1}. Such a host must be
 * checked as the address it means, not as a name.
 */
final class Ipv4Shorthand {

    private Ipv4Shorthand() {
    }

    /** The dotted quad the host means, or null when it is not a numeric IPv4 form. */
    static String expand(String host) {
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        String[] parts = h.split("\\.", -1);
        if (parts.length < 1 || parts.length > 4) {
            return null;
        }
        long[] v = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            Long n = number(parts[i]);
            if (n == null) {
                return null;
            }
            v[i] = n;
        }
        long addr = 0;
        for (int i = 0; i < parts.length - 1; i++) {
            if (v[i] > 255) {
                return null;
            }
            addr = (addr << 8) | v[i];
        }
        int lastBytes = 4 - (parts.length - 1);
        long last = v[parts.length - 1];
        if (last >= (1L << (8 * lastBytes))) {
            return null;
        }
        addr = (addr << (8 * lastBytes)) | last;
        return ((addr >> 24) & 255) + "." + ((addr >> 16) & 255) + "." + ((addr >> 8) & 255) + "." + (addr & 255);
    }

    private static Long number(String s) {
        if (s.isEmpty() || s.length() > 12) {
            return null;
        }
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                return s.length() == 2 ? 0L : Long.parseLong(s.substring(2), 16);
            }
            if (s.length() > 1 && s.startsWith("0")) {
                return Long.parseLong(s.substring(1), 8);
            }
            return s.chars().allMatch(Character::isDigit) ? Long.parseLong(s) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
