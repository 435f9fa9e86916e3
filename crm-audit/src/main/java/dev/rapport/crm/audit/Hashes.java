package dev.rapport.crm.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import org.jspecify.annotations.Nullable;

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

  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Hashes::sha256);

  /** This thread's SHA-256 digest, reset: use it up ({@code digest()}) before calling anything else that may. */
  static MessageDigest reusable() {
    MessageDigest d = DIGEST.get();
    d.reset();
    return d;
  }

  /** The canonical form of {@code node} without its member {@code except}, as text. */
  static String canonicalText(JsonNode node, String except) {
    return LOCAL.get().text(node, except);
  }

  /** The SHA-256 of {@code text}'s UTF-8 bytes, in hex: the content hash of a tree whose canonical text it is. */
  static String ofText(String text) {
    return HEX.formatHex(digestOfText(text));
  }

  /** The SHA-256 of {@code text}'s UTF-8 bytes. */
  static byte[] digestOfText(String text) {
    return reusable().digest(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Whether {@code hex} (any text) is the lower-case hex form of {@code digest}. */
  static boolean matches(byte[] digest, String hex) {
    byte[] parsed = parseHash(hex);
    return parsed != null && MessageDigest.isEqual(parsed, digest);
  }

  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  /**
   * The digest that {@code s} is the hex form of, parsed in one pass; null unless {@code s} is exactly
   * {@link #LENGTH} bytes in lower-case hex digits (the only form the trail writes).
   */
  static byte @Nullable [] parseHash(String s) {
    if (s.length() != 2 * LENGTH) {
      return null;
    }
    byte[] text = s.getBytes(StandardCharsets.ISO_8859_1);   // a copy, fast for Latin-1; any other char becomes '?'
    byte[] out = new byte[LENGTH];
    int bad = 0;
    for (int i = 0; i < LENGTH; i++) {
      int hi = HEX_VALUE[text[2 * i] & 0xFF];
      int lo = HEX_VALUE[text[2 * i + 1] & 0xFF];
      bad |= hi | lo;
      out[i] = (byte) (hi << 4 | lo);
    }
    return bad < 0 ? null : out;
  }

  /** The value of each lower-case hex digit; -1 for every other byte. */
  private static final byte[] HEX_VALUE = new byte[256];

  static {
    java.util.Arrays.fill(HEX_VALUE, (byte) -1);
    for (int i = 0; i < 16; i++) {
      HEX_VALUE[DIGITS[i]] = (byte) i;
    }
  }

  static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  private static final ThreadLocal<Canonical> LOCAL = ThreadLocal.withInitial(Canonical::new);

  /**
   * Writes a tree's canonical form as UTF-8 into a buffer it reuses. One per thread.
   */
  private static final class Canonical {
    private byte[] buf = new byte[2048];
    private int n;

    String text(JsonNode node, @org.jspecify.annotations.Nullable String except) {
      n = 0;
      write(node, except);
      String text = new String(buf, 0, n, StandardCharsets.UTF_8);
      shrink();
      return text;
    }

    private void shrink() {
      if (buf.length > 1 << 20) {
        buf = new byte[2048];   // a huge record once: do not keep its buffer
      }
    }

    private void room(int more) {
      if (n + more > buf.length) {
        buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
      }
    }

    private void put(char ascii) {
      room(1);
      buf[n++] = (byte) ascii;
    }

    private void write(JsonNode node, @org.jspecify.annotations.Nullable String except) {
      switch (node.getNodeType()) {
        case OBJECT -> object(node, except);
        case ARRAY -> {
          put('[');
          for (int i = 0; i < node.size(); i++) {
            if (i > 0) {
              put(',');
            }
            write(node.get(i), null);
          }
          put(']');
        }
        case STRING -> string(node.textValue());
        case NUMBER -> ascii(number(node));
        case BOOLEAN -> ascii(node.booleanValue() ? "true" : "false");
        case NULL, MISSING -> ascii("null");
        default -> throw new IllegalArgumentException("not JSON: " + node.getNodeType());
      }
    }

    /** Members sorted by name (code units, as {@link String#compareTo}): an insertion sort, objects being small. */
    private void object(JsonNode node, @org.jspecify.annotations.Nullable String except) {
      int count = 0;
      @SuppressWarnings("unchecked")
      Map.Entry<String, JsonNode>[] sorted = new Map.Entry[node.size()];
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> member = it.next();
        String name = member.getKey();
        if (name.equals(except)) {
          continue;
        }
        int i = count++;
        while (i > 0 && sorted[i - 1].getKey().compareTo(name) > 0) {
          sorted[i] = sorted[i - 1];
          i--;
        }
        sorted[i] = member;
      }
      put('{');
      for (int i = 0; i < count; i++) {
        if (i > 0) {
          put(',');
        }
        string(sorted[i].getKey());
        put(':');
        write(sorted[i].getValue(), null);
      }
      put('}');
    }

    private void ascii(String s) {
      room(s.length());
      for (int i = 0; i < s.length(); i++) {
        buf[n++] = (byte) s.charAt(i);
      }
    }

    /** A JSON string: ASCII copied as is; quotes, backslashes and control characters escaped; the rest UTF-8. */
    private void string(String s) {
      int len = s.length();
      room(len + 2);
      int start = n;
      buf[n++] = '"';
      for (int i = 0; i < len; i++) {
        char c = s.charAt(i);
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
          buf[n++] = (byte) c;
        } else {
          n = start;
          slowString(s);
          return;
        }
      }
      buf[n++] = '"';
    }

    private void slowString(String s) {
      StringBuilder out = new StringBuilder(s.length() + 8).append('"');
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
      byte[] bytes = out.append('"').toString().getBytes(StandardCharsets.UTF_8);
      room(bytes.length);
      System.arraycopy(bytes, 0, buf, n, bytes.length);
      n += bytes.length;
    }
  }

  private static String number(JsonNode n) {
    if (n.isIntegralNumber() && n.canConvertToLong()) {
      return Long.toString(n.longValue());
    }
    BigDecimal d = n.decimalValue().stripTrailingZeros();
    return d.signum() == 0 ? "0" : d.toPlainString();
  }
}
