package dev.rapport.crm.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.query.Values;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.IndexSpec;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A kind of record that access policies, audit and approvals talk about ({@code customer}, {@code interaction},
 * {@code case}, and whatever modules add): its name, the collection it is stored in (whose indexed fields are the
 * only ones a {@link DataFilter} residual may name), its {@link FieldCatalog} (the fields field-level security
 * may name), and how the index values of a record are computed from its JSON form (what a policy's conditions
 * compare, exactly as the store's criteria do).
 *
 * @param indexer the index values of a record from its JSON form: field name → values, normalised like criteria
 *     values ({@link Values#normalize})
 */
public record ResourceType(String name, CollectionSpec collection, FieldCatalog fields,
                           Function<ObjectNode, Map<String, List<Object>>> indexer) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_.-]{0,39}");

  public ResourceType {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(fields, "fields");
    Objects.requireNonNull(indexer, "indexer");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("resource type names are 1-40 of a-z, 0-9, '_', '.', '-': " + name);
    }
  }

  /**
   * A type whose index values are the JSON body's top-level fields of the same names as the collection's fields
   * (a text, number or boolean, or an array of them for a multi-valued field; an instant as ISO-8601 text).
   */
  public ResourceType(String name, CollectionSpec collection, FieldCatalog fields) {
    this(name, collection, fields, topLevelFields(collection));
  }

  /** The index values of a record of this type, from its JSON form. */
  public Map<String, List<Object>> valuesOf(ObjectNode body) {
    return indexer.apply(body);
  }

  /**
   * The complete index values of a document read from a store: its single-valued values as read, and its
   * multi-valued ones (which a read document does not carry, see {@link Document}) derived from its body, only when
   * one is asked for. What the command path hands a policy with a stored record, and evaluates filters on.
   */
  public Map<String, List<Object>> readValues(Document read) {
    return new ReadValues(this, read);
  }

  private static final class ReadValues extends java.util.AbstractMap<String, List<Object>> {
    private final ResourceType type;
    private final Document read;
    private Map<String, List<Object>> derived;

    ReadValues(ResourceType type, Document read) {
      this.type = type;
      this.read = read;
    }

    @Override
    public List<Object> get(Object key) {
      List<Object> v = read.index().get(key);
      if (v != null || !(key instanceof String field)) {
        return v;
      }
      if (field.equals("id")) {
        return List.of(read.id());
      }
      if (!type.collection().index(field).map(IndexSpec::multiValued).orElse(false)) {
        return null;
      }
      return derived().get(field);
    }

    @Override
    public boolean containsKey(Object key) {
      return get(key) != null;
    }

    private Map<String, List<Object>> derived() {
      if (derived == null) {
        derived = type.valuesOf(read.body());
      }
      return derived;
    }

    @Override
    public java.util.Set<Entry<String, List<Object>>> entrySet() {
      Map<String, List<Object>> all = new LinkedHashMap<>(read.index());
      derived().forEach((k, v) -> {
        if (type.collection().index(k).map(IndexSpec::multiValued).orElse(false)) {
          all.putIfAbsent(k, v);
        }
      });
      return all.entrySet();
    }
  }

  private static Function<ObjectNode, Map<String, List<Object>>> topLevelFields(CollectionSpec spec) {
    return body -> {
      Map<String, List<Object>> values = new LinkedHashMap<>();
      for (IndexSpec f : spec.indexes()) {
        JsonNode node = body.get(f.name());
        if (node == null || node.isNull()) {
          continue;
        }
        List<Object> out = new ArrayList<>();
        if (node.isArray()) {
          node.forEach(e -> add(f, e, out));
        } else {
          add(f, node, out);
        }
        if (!out.isEmpty()) {
          values.put(f.name(), List.copyOf(out));
        }
      }
      return values;
    };
  }

  private static void add(IndexSpec f, JsonNode node, List<Object> out) {
    Object v = switch (f.type()) {
      case STRING -> node.isTextual() ? node.asText() : null;
      case LONG -> node.canConvertToLong() && node.isIntegralNumber() ? node.asLong() : null;
      case DECIMAL -> node.isNumber() ? node.decimalValue() : null;
      case BOOLEAN -> node.isBoolean() ? node.asBoolean() : null;
      case INSTANT -> node.isTextual() ? parseInstant(node.asText()) : null;
    };
    if (v != null) {
      out.add(Values.normalize(f.name(), v instanceof BigDecimal d ? d : v));
    }
  }

  private static Instant parseInstant(String text) {
    try {
      return Instant.parse(text);
    } catch (RuntimeException notAnInstant) {
      return null;
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
