package dev.rapport.crm.jdbc.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A document's index values as one JSON column ({@code idx}), so a read returns them exactly without touching the
 * typed columns or the side table (which exist for querying). Decimals travel as strings, instants as epoch millis.
 */
public final class IndexCodec {
  private IndexCodec() {}

  public static ObjectNode encode(Map<String, List<Object>> index) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, List<Object>> e : index.entrySet()) {
      ArrayNode arr = o.putArray(e.getKey());
      for (Object v : e.getValue()) {
        if (v instanceof String s) {
          arr.add(s);
        } else if (v instanceof Long l) {
          arr.add(l);
        } else if (v instanceof BigDecimal d) {
          arr.add(d.toPlainString());
        } else if (v instanceof Instant t) {
          arr.add(t.toEpochMilli());
        } else if (v instanceof Boolean b) {
          arr.add(b);
        }
      }
    }
    return o;
  }

  public static Map<String, List<Object>> decode(JsonNode node, CollectionSpec spec) {
    Map<String, List<Object>> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Optional<IndexSpec> index = spec.index(e.getKey());
      if (index.isEmpty()) {
        continue;
      }
      List<Object> values = new ArrayList<>();
      for (JsonNode v : e.getValue()) {
        values.add(switch (index.get().type()) {
          case STRING -> v.textValue();
          case LONG -> v.longValue();
          case DECIMAL -> new BigDecimal(v.textValue());
          case INSTANT -> Instant.ofEpochMilli(v.longValue());
          case BOOLEAN -> v.booleanValue();
        });
      }
      out.put(e.getKey(), values);
    }
    return out;
  }

  /** The canonical text of a unique multi-valued index value, for the side table's unique key. */
  public static String canonical(IndexType type, Object v) {
    return switch (type) {
      case DECIMAL -> ((BigDecimal) v).toPlainString();
      case INSTANT -> Long.toString(((Instant) v).toEpochMilli());
      default -> v.toString();
    };
  }
}
