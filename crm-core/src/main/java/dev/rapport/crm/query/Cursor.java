package dev.rapport.crm.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.rapport.crm.error.ValidationException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The position after the last row of a page: the values of the sort keys of that row (the last one is its id).
 * Encoded as URL-safe base64 of a small typed JSON array, so it survives a round trip through a host's HTTP API.
 * Opaque to users; adapters turn it back into a criteria with {@link Keyset#after}.
 */
public record Cursor(List<@Nullable Object> values) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public Cursor {
    values = Collections.unmodifiableList(new ArrayList<>(values));
  }

  public String encode() {
    ArrayNode arr = JsonNodeFactory.instance.arrayNode();
    for (Object v : values) {
      ArrayNode pair = arr.addArray();
      if (v == null) {
        pair.add("n");
      } else if (v instanceof String s) {
        pair.add("s").add(s);
      } else if (v instanceof Long l) {
        pair.add("l").add(l);
      } else if (v instanceof BigDecimal d) {
        pair.add("d").add(d.toPlainString());
      } else if (v instanceof Instant i) {
        pair.add("t").add(i.toString());
      } else if (v instanceof Boolean b) {
        pair.add("b").add(b);
      } else {
        throw new IllegalArgumentException("not a kernel value: " + v.getClass());
      }
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(arr.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Decodes a cursor given to a query; a tampered or foreign cursor fails with a {@link ValidationException}. */
  public static Cursor decode(String encoded) {
    Objects.requireNonNull(encoded, "cursor");
    try {
      JsonNode arr = JSON.readTree(Base64.getUrlDecoder().decode(encoded));
      if (!arr.isArray()) {
        throw new IllegalArgumentException("not an array");
      }
      List<@Nullable Object> values = new ArrayList<>();
      for (JsonNode pair : arr) {
        String t = pair.get(0).asText();
        JsonNode v = pair.get(1);
        values.add(switch (t) {
          case "n" -> null;
          case "s" -> v.textValue();
          case "l" -> v.longValue();
          case "d" -> Values.normalize("cursor", new BigDecimal(v.asText()));
          case "t" -> Instant.parse(v.asText());
          case "b" -> v.booleanValue();
          default -> throw new IllegalArgumentException("unknown type tag " + t);
        });
      }
      return new Cursor(values);
    } catch (RuntimeException | java.io.IOException e) {
      throw ValidationException.of("cursor", "cursor.invalid", "the cursor is not one this query produced");
    }
  }
}
