package dev.rapport.crm.access;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A set of field paths of a resource ({@code phones}, {@code customFields.vip_notes}), or all of them. A path is in
 * the set when it or one of its ancestors is named: {@code contactPersons} covers {@code contactPersons.phones}.
 *
 * @param isAll true for every field; then {@code paths} is empty
 */
public record FieldSet(boolean isAll, Set<String> paths) {
  private static final FieldSet ALL = new FieldSet(true, Set.of());
  private static final FieldSet NONE = new FieldSet(false, Set.of());

  public FieldSet {
    paths = Set.copyOf(new TreeSet<>(Objects.requireNonNull(paths, "paths")));
    if (isAll && !paths.isEmpty()) {
      throw new IllegalArgumentException("a field set of all fields names no paths");
    }
  }

  public static FieldSet all() {
    return ALL;
  }

  public static FieldSet none() {
    return NONE;
  }

  public static FieldSet of(String... paths) {
    return new FieldSet(false, Set.of(paths));
  }

  public static FieldSet of(Set<String> paths) {
    return new FieldSet(false, paths);
  }

  /** Whether {@code path} or one of its ancestors is in the set. */
  public boolean contains(String path) {
    if (isAll) {
      return true;
    }
    for (String p = path; ; ) {
      if (paths.contains(p)) {
        return true;
      }
      int dot = p.lastIndexOf('.');
      if (dot < 0) {
        return false;
      }
      p = p.substring(0, dot);
    }
  }
}
