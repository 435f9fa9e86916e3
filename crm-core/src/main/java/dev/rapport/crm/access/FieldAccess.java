package dev.rapport.crm.access;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What an actor may do with the fields of one record: which it may read, which it may write, and how readable
 * sensitive fields are masked. Carried by every {@link Decision}; the command path applies it, identically on every
 * output path (single reads, pages, exports) and refuses a write that changes a field not in {@link #writable()},
 * naming the field. Field paths are the resource's {@link FieldCatalog} paths.
 *
 * <pre>{@code
 * FieldAccess.all()
 *     .withReadable(FieldSet.of("name", "phones", "stage"))
 *     .withWritable(FieldSet.of("phones"))
 *     .withMask("phones", Mask.phone());
 * }</pre>
 *
 * @param readable fields shown; any other field is hidden as by {@link Mask#hidden()}
 * @param writable fields a write may change
 * @param masks field path → mask, for readable fields
 */
public record FieldAccess(FieldSet readable, FieldSet writable, Map<String, Mask> masks) {
  private static final FieldAccess ALL = new FieldAccess(FieldSet.all(), FieldSet.all(), Map.of());

  public FieldAccess {
    Objects.requireNonNull(readable, "readable");
    Objects.requireNonNull(writable, "writable");
    masks = Map.copyOf(new TreeMap<>(masks));
  }

  /** Every field readable and writable, nothing masked. */
  public static FieldAccess all() {
    return ALL;
  }

  public FieldAccess withReadable(FieldSet value) {
    return new FieldAccess(value, writable, masks);
  }

  public FieldAccess withWritable(FieldSet value) {
    return new FieldAccess(readable, value, masks);
  }

  public FieldAccess withMask(String path, Mask mask) {
    Map<String, Mask> all = new TreeMap<>(masks);
    all.put(Objects.requireNonNull(path, "path"), Objects.requireNonNull(mask, "mask"));
    return new FieldAccess(readable, writable, all);
  }

  /**
   * Whether {@code path} is shown as stored: readable, and neither it nor an ancestor masked (a masked part inside
   * it still leaves the rest in clear).
   */
  public boolean showsInClear(String path) {
    if (!readable.contains(path)) {
      return false;
    }
    for (String p = path; ; ) {
      if (masks.containsKey(p)) {
        return false;
      }
      int dot = p.lastIndexOf('.');
      if (dot < 0) {
        return true;
      }
      p = p.substring(0, dot);
    }
  }

  /** True when nothing is hidden or masked (the fast path: the stored form is returned as it is). */
  public boolean showsEverything() {
    return readable.isAll() && masks.isEmpty();
  }
}
