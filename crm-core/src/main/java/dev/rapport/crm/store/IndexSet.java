package dev.rapport.crm.store;

import dev.rapport.crm.error.ValidationException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which fields of a collection are indexed, and which composite indexes serve its list views. A field is
 * <em>queryable</em> (criteria and sorts may name it) when it is indexed alone, is a key of a composite index, or is
 * unique (unique fields are declared by the domain and always indexed); a criteria or sort naming any other declared
 * field is refused with {@code criteria.field.unindexed} / {@code sort.field.unindexed}, naming the field. Every index
 * costs each create and update of the collection one B-tree insertion, so declare what the host's lists and filters
 * use, and a composite index for each list view that filters on some fields and sorts on others.
 *
 * <p>Stores create the declared indexes when the collection is registered and drop the ones the set no longer holds,
 * online where the database allows it; see the adapters' READMEs.
 *
 * @param fields fields indexed alone (single- or multi-valued)
 * @param composites composite indexes over single-valued fields, names unique
 */
public record IndexSet(Set<String> fields, List<CompositeIndex> composites) {

  public IndexSet {
    fields = Set.copyOf(new LinkedHashSet<>(fields));
    composites = List.copyOf(composites);
    Set<String> names = new HashSet<>();
    for (CompositeIndex c : composites) {
      if (!names.add(c.name())) {
        throw ValidationException.of("index." + c.name(), "index.duplicate",
            "composite index '" + c.name() + "' is declared twice");
      }
    }
  }

  /** The fields, each indexed alone; no composite index. */
  public static IndexSet of(String... fields) {
    return new IndexSet(new LinkedHashSet<>(Arrays.asList(fields)), List.of());
  }

  /** No index besides the unique ones the domain declares. */
  public static IndexSet none() {
    return of();
  }

  /** This set and {@code more} fields indexed alone. */
  public IndexSet with(String... more) {
    Set<String> next = new LinkedHashSet<>(fields);
    next.addAll(Arrays.asList(more));
    return new IndexSet(next, composites);
  }

  /** This set and {@code index}. */
  public IndexSet with(CompositeIndex index) {
    List<CompositeIndex> next = new ArrayList<>(composites);
    next.add(Objects.requireNonNull(index, "index"));
    return new IndexSet(fields, next);
  }

  /** This set without {@code field} indexed alone (a composite index may still name it). */
  public IndexSet without(String field) {
    Set<String> next = new LinkedHashSet<>(fields);
    next.remove(field);
    return new IndexSet(next, composites);
  }

  /** Both sets' fields and composite indexes ({@code index.duplicate} if both declare one name differently). */
  public IndexSet union(IndexSet other) {
    Set<String> f = new LinkedHashSet<>(fields);
    f.addAll(other.fields);
    List<CompositeIndex> c = new ArrayList<>(composites);
    for (CompositeIndex o : other.composites) {
      if (!c.contains(o)) {
        c.add(o);
      }
    }
    return new IndexSet(f, c);
  }

  /** Whether {@code field} is indexed alone or is a key of a composite index. */
  public boolean covers(String field) {
    if (fields.contains(field)) {
      return true;
    }
    for (CompositeIndex c : composites) {
      if (c.fields().contains(field)) {
        return true;
      }
    }
    return false;
  }
}
