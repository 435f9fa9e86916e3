package dev.rapport.crm.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Sort order over single-valued indexed fields. Every sort is completed by {@code id} ascending so that pages are
 * stable and keyset pagination is exact. Missing values sort first in ascending order and last in descending order
 * (as MongoDB does); SQL adapters state {@code NULLS FIRST/LAST} explicitly.
 */
public record Sort(List<Key> keys) {
  public static final String ID = "id";

  public Sort {
    keys = List.copyOf(keys);
  }

  public static Sort byId() {
    return new Sort(List.of());
  }

  public static Sort asc(String field) {
    return byId().thenAsc(field);
  }

  public static Sort desc(String field) {
    return byId().thenDesc(field);
  }

  public Sort thenAsc(String field) {
    return then(new Key(field, Direction.ASC));
  }

  public Sort thenDesc(String field) {
    return then(new Key(field, Direction.DESC));
  }

  private Sort then(Key key) {
    List<Key> next = new ArrayList<>(keys);
    next.add(key);
    return new Sort(next);
  }

  /** The keys including the final {@code id} tie-breaker (unless the caller already sorted by id). */
  public List<Key> effectiveKeys() {
    if (keys.stream().anyMatch(k -> k.field().equals(ID))) {
      return keys;
    }
    List<Key> all = new ArrayList<>(keys);
    all.add(new Key(ID, Direction.ASC));
    return all;
  }

  public enum Direction {
    ASC, DESC
  }

  public record Key(String field, Direction direction) {
    public Key {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(direction, "direction");
    }
  }
}
