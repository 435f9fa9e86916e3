package dev.rapport.crm.store;

import com.google.common.hash.Hashing;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.query.Sort;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An ordered index over several single-valued fields of one collection, declared by the host for a list view: a
 * page filtered by equality on the leading keys and sorted by the following ones reads just its rows, in order.
 * Stores put the tenant first and the document id last (the tie-breaker of every {@link Sort}), so
 * {@code CompositeIndex.of("byStageRegionName", Sort.asc("stage").thenAsc("region").thenAsc("name"))} serves
 * {@code and(eq(stage, s), eq(region, r))} sorted by {@code Sort.asc("name")}.
 *
 * <p>Directions matter for sorts only: each key's direction must match the sort's for the index to give the order
 * (a fully reversed sort does not do: every sort ends with the id ascending, while a backward scan would give it
 * descending — declare a second index with the other directions instead); missing values come first in ascending
 * order, last in descending order, as in {@link Sort}.
 *
 * @param name a lower-camel identifier of 1-30 letters and digits, unique among the collection's composite indexes;
 *     stores derive the physical index name from it
 * @param keys 1 to {@link #MAX_KEYS} keys, each field at most once
 */
public record CompositeIndex(String name, List<Sort.Key> keys) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-zA-Z0-9]{0,29}");
  /** The most keys a composite index takes (the tenant and the id come on top). */
  public static final int MAX_KEYS = 8;

  public CompositeIndex {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw ValidationException.of("index.name", "index.name.format",
          "a composite index name is a lower-camel identifier of 1-30 letters/digits: "
              + CollectionSpec.safe(name));
    }
    keys = List.copyOf(keys);
    if (keys.isEmpty() || keys.size() > MAX_KEYS) {
      throw ValidationException.of("index." + name, "index.keys.count",
          "composite index '" + name + "' has " + keys.size() + " keys; give 1 to " + MAX_KEYS);
    }
    Set<String> seen = new HashSet<>();
    for (Sort.Key k : keys) {
      if (k.field().equals(Sort.ID)) {
        throw ValidationException.of("index." + name, "index.keys.id",
            "composite index '" + name + "' names 'id': every index ends with the id already");
      }
      if (!seen.add(k.field())) {
        throw ValidationException.of("index." + name, "index.keys.duplicate",
            "composite index '" + name + "' names field '" + CollectionSpec.safe(k.field()) + "' twice");
      }
    }
  }

  /**
   * A composite index with the keys of {@code keys}, in order: {@code CompositeIndex.of("byStageRegionName",
   * Sort.asc("stage").thenAsc("region").thenAsc("name"))}.
   */
  public static CompositeIndex of(String name, Sort keys) {
    return new CompositeIndex(name, keys.keys());
  }

  /**
   * Eight hex digits that change with the keys (fields, order, directions): stores put them in the physical index
   * name, so an index redeclared under the same name with other keys is built anew, not left stale.
   */
  public String keysHash() {
    StringBuilder definition = new StringBuilder();
    for (Sort.Key k : keys) {
      definition.append(k.field()).append(k.direction() == Sort.Direction.ASC ? '+' : '-');
    }
    return Hashing.sha256().hashString(definition, StandardCharsets.UTF_8).toString().substring(0, 8);
  }

  /** The fields of the keys, in order. */
  public List<String> fields() {
    return keys.stream().map(Sort.Key::field).toList();
  }
}
