package dev.rapport.crm.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

/**
 * SHA-256 over a canonical form of a JSON tree, so that a record hashes the same after any store's round trip: object
 * members sorted by name (stores such as PostgreSQL's {@code jsonb} reorder them), numbers by value ({@code 1.50} and
 * {@code 1.5} alike), strings as written.
 */
final class Hashes {
  static final int LENGTH = 32;
  private static final HexFormat HEX = HexFormat.of();

  private Hashes() {}

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** The content hash of {@code node} without its member {@code except} (the hash itself), in hex. */
  static String content(JsonNode node, String except) {
    MessageDigest d = sha256();
    StringBuilder out = new StringBuilder(256);
    canonical(node, except, out);
    return HEX.formatHex(d.digest(out.toString().getBytes(StandardCharsets.UTF_8)));
  }

  /** Whether {@code s} is a hash as {@link #content} writes it: 64 lower-case hex digits. */
  static boolean isHex(String s) {
    return s.length() == 2 * LENGTH && s.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f');
  }

  static byte[] fromHex(String hex) {
    return HEX.parseHex(hex);
  }

  static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  private static void canonical(JsonNode node, @org.jspecify.annotations.Nullable String except, StringBuilder out) {
    switch (node.getNodeType()) {
      case OBJECT -> {
        List<String> names = new ArrayList<>(node.size());
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
          String n = it.next();
          if (!n.equals(except)) {
            names.add(n);
          }
        }
        names.sort(null);
        out.append('{');
        for (int i = 0; i < names.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          string(names.get(i), out);
          out.append(':');
          canonical(node.get(names.get(i)), null, out);
        }
        out.append('}');
      }
      case ARRAY -> {
        out.append('[');
        for (int i = 0; i < node.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          canonical(node.get(i), null, out);
        }
        out.append(']');
      }
      case STRING -> string(node.textValue(), out);
      case NUMBER -> out.append(number(node));
      case BOOLEAN -> out.append(node.booleanValue());
      case NULL, MISSING -> out.append("null");
      default -> throw new IllegalArgumentException("not JSON: " + node.getNodeType());
    }
  }

  private static String number(JsonNode n) {
    if (n.isIntegralNumber() && n.canConvertToLong()) {
      return Long.toString(n.longValue());
    }
    BigDecimal d = n.decimalValue().stripTrailingZeros();
    return d.signum() == 0 ? "0" : d.toPlainString();
  }

  private static void string(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }
}
