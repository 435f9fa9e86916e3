package dev.rapport.crm.store;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.ValidationException.Violation;
import dev.rapport.crm.query.Sort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Index sets in configuration: a JSON object with one member per collection, for {@code Crm.builder().indexes(...)}.
 *
 * <pre>{@code
 * {
 *   "customers": {
 *     "fields": ["name", "stage", "owner", "updatedAt", "tags", "emails", "phones"],
 *     "composite": {
 *       "byStageRegionName": ["stage", "region", "name"],
 *       "recentByOwner": ["owner", "-updatedAt"]
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>{@code fields} are indexed alone; each member of {@code composite} is a composite index, its keys in order, a
 * leading {@code -} meaning descending. Both members are optional. Everything is checked at once: each mistake is a
 * violation whose path names the collection and the member ({@code indexes.customers.composite.byStage}); whether the
 * fields exist is checked when the {@code Crm} is built, against the collections it has.
 */
public final class IndexSets {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private IndexSets() {}

  /** Reads the index sets in the UTF-8 JSON file {@code file}. */
  public static Map<String, IndexSet> fromJson(Path file) {
    try {
      return fromJson(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("reading index sets from " + file + " failed", e);
    }
  }

  /** Reads the index sets in {@code json}. */
  public static Map<String, IndexSet> fromJson(String json) {
    return fromJson(json, "index sets");
  }

  private static Map<String, IndexSet> fromJson(String json, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw ValidationException.of("indexes", "indexes.json", source + " is not valid JSON"
          + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")") + ": "
          + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw ValidationException.of("indexes", "indexes.json", source + " must be a JSON object, one member per "
          + "collection");
    }
    List<Violation> out = new ArrayList<>();
    Map<String, IndexSet> sets = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String at = "indexes." + CollectionSpec.safe(e.getKey());
      JsonNode c = e.getValue();
      if (!c.isObject()) {
        out.add(new Violation(at, "indexes.json", "expected an object with \"fields\" and \"composite\""));
        continue;
      }
      for (Iterator<String> names = c.fieldNames(); names.hasNext(); ) {
        String n = names.next();
        if (!n.equals("fields") && !n.equals("composite")) {
          out.add(new Violation(at + "." + CollectionSpec.safe(n), "indexes.json",
              "unknown member; an index set has \"fields\" and \"composite\""));
        }
      }
      Set<String> fields = new LinkedHashSet<>();
      JsonNode f = c.path("fields");
      if (!f.isMissingNode() && !f.isArray()) {
        out.add(new Violation(at + ".fields", "indexes.json", "expected an array of field names"));
      }
      for (JsonNode v : f.isArray() ? f : JSON.createArrayNode()) {
        if (!v.isTextual()) {
          out.add(new Violation(at + ".fields", "indexes.json", "expected field names, got " + v));
        } else {
          fields.add(v.asText());
        }
      }
      List<CompositeIndex> composites = new ArrayList<>();
      JsonNode comp = c.path("composite");
      if (!comp.isMissingNode() && !comp.isObject()) {
        out.add(new Violation(at + ".composite", "indexes.json", "expected an object: index name -> keys"));
      }
      for (Iterator<Map.Entry<String, JsonNode>> ci = comp.isObject() ? comp.fields()
          : java.util.Collections.emptyIterator(); ci.hasNext(); ) {
        Map.Entry<String, JsonNode> index = ci.next();
        String iat = at + ".composite." + CollectionSpec.safe(index.getKey());
        List<Sort.Key> keys = new ArrayList<>();
        if (!index.getValue().isArray()) {
          out.add(new Violation(iat, "indexes.json", "expected an array of keys (\"field\" or \"-field\")"));
          continue;
        }
        for (JsonNode k : index.getValue()) {
          String key = k.isTextual() ? k.asText() : "";
          boolean desc = key.startsWith("-");
          String field = desc ? key.substring(1) : key;
          if (field.isEmpty()) {
            out.add(new Violation(iat, "indexes.json", "expected a key \"field\" or \"-field\", got " + k));
          } else {
            keys.add(new Sort.Key(field, desc ? Sort.Direction.DESC : Sort.Direction.ASC));
          }
        }
        try {
          composites.add(new CompositeIndex(index.getKey(), keys));
        } catch (ValidationException v) {
          v.violations().forEach(x -> out.add(new Violation(iat, x.rule(), x.message())));
        }
      }
      try {
        sets.put(e.getKey(), new IndexSet(fields, composites));
      } catch (ValidationException v) {
        v.violations().forEach(x -> out.add(new Violation(at, x.rule(), x.message())));
      }
    }
    if (!out.isEmpty()) {
      throw new ValidationException(out);
    }
    return sets;
  }
}
