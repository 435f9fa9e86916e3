package dev.rapport.crm.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The content hash is the SHA-256 of the canonical form that the first release of the trail defined (kept here as
 * the reference, written the plain way): the buffered writer must hash every tree exactly as it does, or sealed
 * records would stop verifying.
 */
class HashesTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String[] TEXTS = {"", "a", "杭州茶业", "quote\"d", "back\\slash", "tab\there", "\u0001",
      "emoji 😀", "Ünïcödé", "line\nbreak", "plain ascii text", "€", "\u007f", "混合 mixed"};

  @Property(tries = 300)
  void theBufferedWriterHashesLikeTheReference(@ForAll long seed) throws Exception {
    JsonNode tree = tree(new SplittableRandom(seed), 0);
    assertThat(hash(tree)).isEqualTo(reference(tree, "hash"));
  }

  @Property(tries = 300)
  void aHashParsesFromItsLowerCaseHexFormOnly(@ForAll byte[] bytes, @ForAll int where, @ForAll char c) {
    byte[] digest = java.util.Arrays.copyOf(bytes, Hashes.LENGTH);
    String hex = HexFormat.of().formatHex(digest);
    assertThat(Hashes.parseHash(hex)).isEqualTo(digest);
    assertThat(Hashes.matches(digest, hex)).isTrue();
    int at = Math.floorMod(where, hex.length());
    String changed = hex.substring(0, at) + c + hex.substring(at + 1);
    boolean sameDigit = c == hex.charAt(at);
    boolean otherDigit = !sameDigit && (c >= '0' && c <= '9' || c >= 'a' && c <= 'f');
    byte[] parsed = Hashes.parseHash(changed);
    if (sameDigit) {
      assertThat(parsed).isEqualTo(digest);
    } else if (otherDigit) {
      assertThat(parsed).isNotNull().isNotEqualTo(digest);
      assertThat(Hashes.matches(digest, changed)).isFalse();
    } else {   // upper case, another letter, any other char (Latin-1 or not): not a hash the trail writes
      assertThat(parsed).isNull();
      assertThat(Hashes.matches(digest, changed)).isFalse();
    }
    String upper = hex.toUpperCase(java.util.Locale.ROOT);
    assertThat(Hashes.parseHash(upper)).isEqualTo(upper.equals(hex) ? digest : null);
    assertThat(Hashes.parseHash(hex.substring(1))).isNull();
    assertThat(Hashes.parseHash(hex + "0")).isNull();
  }

  @Test
  void numbersHashByValueAndMembersInNameOrder() {
    ObjectNode a = NODES.objectNode().put("b", new BigDecimal("1.50")).put("a", 2).put("hash", "x");
    ObjectNode b = NODES.objectNode().put("a", 2L).put("b", new BigDecimal("1.5"));
    assertThat(hash(a)).isEqualTo(hash(b));
    assertThat(hash(a)).isNotEqualTo(hash(b.put("a", 3)));
  }

  /** The content hash as the trail computes it: the SHA-256 of the canonical text it stores. */
  private static String hash(JsonNode tree) {
    return Hashes.ofText(Hashes.canonicalText(tree, "hash"));
  }

  private static JsonNode tree(SplittableRandom r, int depth) {
    int pick = depth > 3 ? 2 + r.nextInt(4) : r.nextInt(6);
    switch (pick) {
      case 0 -> {
        ObjectNode o = NODES.objectNode();
        int n = r.nextInt(8);
        for (int i = 0; i < n; i++) {
          o.set(r.nextBoolean() ? "k" + r.nextInt(20) : TEXTS[r.nextInt(TEXTS.length)], tree(r, depth + 1));
        }
        return o;
      }
      case 1 -> {
        ArrayNode a = NODES.arrayNode();
        int n = r.nextInt(5);
        for (int i = 0; i < n; i++) {
          a.add(tree(r, depth + 1));
        }
        return a;
      }
      case 2 -> {
        return NODES.textNode(TEXTS[r.nextInt(TEXTS.length)] + (r.nextBoolean() ? "" : "x" + r.nextInt(1000)));
      }
      case 3 -> {
        return switch (r.nextInt(4)) {
          case 0 -> NODES.numberNode(r.nextLong());
          case 1 -> NODES.numberNode(new BigDecimal(r.nextInt(100000)).movePointLeft(r.nextInt(5)));
          case 2 -> NODES.numberNode(r.nextDouble() * 1000);
          default -> NODES.numberNode(r.nextInt(10));
        };
      }
      case 4 -> {
        return NODES.booleanNode(r.nextBoolean());
      }
      default -> {
        return NODES.nullNode();
      }
    }
  }

  private static String reference(JsonNode node, String except) throws Exception {
    StringBuilder out = new StringBuilder();
    canonical(node, except, out);
    return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(out.toString().getBytes(StandardCharsets.UTF_8)));
  }

  static void canonical(JsonNode node, @org.jspecify.annotations.Nullable String except, StringBuilder out) {
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

  static String number(JsonNode n) {
    if (n.isIntegralNumber() && n.canConvertToLong()) {
      return Long.toString(n.longValue());
    }
    BigDecimal d = n.decimalValue().stripTrailingZeros();
    return d.signum() == 0 ? "0" : d.toPlainString();
  }

  static void string(String s, StringBuilder out) {
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
