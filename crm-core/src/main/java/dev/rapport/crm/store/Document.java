package dev.rapport.crm.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.query.Values;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A stored document: its id, its version (1 on insert, +1 on every update), its JSON body and the values of its
 * indexed fields. The writer computes the index values (derived values such as lower-cased emails included); stores
 * persist them where they can be queried (SQL columns, a side table, a MongoDB sub-document). Criteria and sorts see
 * only index values, never the body.
 *
 * <p>A document <em>read</em> from a store carries the values of its single-valued fields only (what a sort and a
 * page's cursor need; {@link #asRead}): multi-valued values (tags, e-mail addresses, ...) serve queries and unique
 * checks and are derived from the body, so no store keeps a second copy of them to return. A read document is
 * therefore not a complete write: to update one, compute its index values from the new body again.
 *
 * <p>The body is a Jackson tree and therefore mutable: a store must copy it on the way in and out, and callers must
 * not change a body after handing it over.
 */
public record Document(String id, long version, ObjectNode body, Map<String, List<Object>> index) {
  public static final int MAX_ID_LENGTH = 64;

  public Document {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(body, "body");
    if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
      throw ValidationException.of("id", "id.length", "document id must be 1-" + MAX_ID_LENGTH + " characters");
    }
    if (version < 1) {
      throw ValidationException.of("version", "version.positive", "document version starts at 1");
    }
    if (!(index instanceof NormalizedIndex)) {
      Map<String, List<Object>> copy = new LinkedHashMap<>();
      for (Map.Entry<String, List<Object>> e : index.entrySet()) {
        if (e.getValue().size() == 1) {
          // most fields hold one value: no list to fill and search
          copy.put(e.getKey(), List.of(normalized(e.getKey(), e.getValue().get(0))));
          continue;
        }
        List<Object> values = new ArrayList<>(e.getValue().size());
        for (Object v : e.getValue()) {
          Object n = normalized(e.getKey(), v);
          if (!values.contains(n)) {
            values.add(n);
          }
        }
        if (!values.isEmpty()) {
          copy.put(e.getKey(), List.copyOf(values));
        }
      }
      index = new NormalizedIndex(copy);
    }
  }

  private static Object normalized(String field, @org.jspecify.annotations.Nullable Object v) {
    // strings, longs and booleans are their own normal form (and need no field name for an error)
    return v instanceof String || v instanceof Long || v instanceof Boolean ? v : Values.normalize("index." + field, v);
  }

  /**
   * Index values this constructor has normalised already: a copy or a new version of a document shares them instead
   * of normalising them again. Immutable; only this class makes one.
   */
  private static final class NormalizedIndex extends AbstractMap<String, List<Object>> {
    private final Map<String, List<Object>> values;

    NormalizedIndex(Map<String, List<Object>> values) {
      this.values = Collections.unmodifiableMap(values);
    }

    @Override
    public Set<Map.Entry<String, List<Object>>> entrySet() {
      return values.entrySet();
    }

    @Override
    public Set<String> keySet() {
      return values.keySet();
    }

    @Override
    public Collection<List<Object>> values() {
      return values.values();
    }

    @Override
    public @org.jspecify.annotations.Nullable List<Object> get(Object key) {
      return values.get(key);
    }

    @Override
    public List<Object> getOrDefault(Object key, List<Object> defaultValue) {
      return values.getOrDefault(key, defaultValue);
    }

    @Override
    public boolean containsKey(Object key) {
      return values.containsKey(key);
    }

    @Override
    public int size() {
      return values.size();
    }

    @Override
    public boolean isEmpty() {
      return values.isEmpty();
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super List<Object>> action) {
      values.forEach(action);
    }
  }

  /** The values of one indexed field; empty when the document has none. */
  public List<Object> values(String field) {
    if (field.equals("id")) {
      return List.of(id);
    }
    return index.getOrDefault(field, List.of());
  }

  /**
   * This document at another version, its body and index values shared. Of a {@linkplain #asRead read} document,
   * not a complete write: its multi-valued index values are not there.
   */
  public Document withVersion(long newVersion) {
    return new Document(id, newVersion, body, index);
  }

  /**
   * What a store returns for this stored document of {@code spec}: the body deep-copied and the values of the
   * single-valued fields only (see the class comment), shared with this document.
   */
  public Document asRead(CollectionSpec spec) {
    Map<String, List<Object>> single = null;
    for (String field : index.keySet()) {
      if (spec.index(field).map(IndexSpec::multiValued).orElse(true)) {
        single = new LinkedHashMap<>();
        for (Map.Entry<String, List<Object>> e : index.entrySet()) {
          if (!spec.index(e.getKey()).map(IndexSpec::multiValued).orElse(true)) {
            single.put(e.getKey(), e.getValue());
          }
        }
        break;
      }
    }
    return new Document(id, version, body.deepCopy(), single == null ? index : new NormalizedIndex(single));
  }

  /** A deep copy, for stores that keep documents in memory. */
  public Document copy() {
    return new Document(id, version, body.deepCopy(), index);
  }

  /** A builder for index values that skips absent (null) values. */
  public static IndexValues indexValues() {
    return new IndexValues();
  }

  public static final class IndexValues {
    private final Map<String, List<Object>> values = new LinkedHashMap<>();

    private IndexValues() {}

    public IndexValues put(String field, @org.jspecify.annotations.Nullable Object value) {
      if (value != null) {
        values.computeIfAbsent(field, k -> new ArrayList<>()).add(value);
      }
      return this;
    }

    public IndexValues putAll(String field, Iterable<?> vs) {
      for (Object v : vs) {
        put(field, v);
      }
      return this;
    }

    public Map<String, List<Object>> build() {
      return values;
    }
  }
}
