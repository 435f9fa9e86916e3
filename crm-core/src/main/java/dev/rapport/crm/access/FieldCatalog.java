package dev.rapport.crm.access;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The fields of a resource type that field-level security may name: their paths in the stored JSON form, what kind
 * of value each holds (which decides how it can be masked), and whether writes to it are subject to
 * {@link FieldAccess#writable()}. A path steps into objects with {@code .} and into every element of a list
 * implicitly; {@code *} stands for any key of a map ({@code customFields.*}).
 *
 * <p>Fields the command path manages itself (id, tenant, version, timestamps) are not in the catalog: they are
 * always readable and never written by a caller.
 */
public record FieldCatalog(List<Field> fields) {
  private static final Pattern PATH = Pattern.compile("[A-Za-z][A-Za-z0-9_]*(\\.([A-Za-z][A-Za-z0-9_]*|\\*))*");

  public FieldCatalog {
    fields = List.copyOf(fields);
    Map<String, Field> seen = new LinkedHashMap<>();
    for (Field f : fields) {
      if (seen.put(f.path(), f) != null) {
        throw new IllegalArgumentException("field declared twice: " + f.path());
      }
    }
  }

  /** What a field holds, which decides what a mask does to it. */
  public enum Kind {
    /** Text: a mask rewrites it; hidden removes an optional value and reads {@code ***} for a required one. */
    TEXT,
    /**
     * Free text people write (an interaction's summary, a case's description): masked like {@link #TEXT}; the one
     * kind of field where bidirectional formatting controls may be allowed ({@code
     * Crm.builder().allowBidiControlsInFreeText(true)}), for right-to-left prose that needs them.
     */
    FREE_TEXT,
    /** E-mail addresses: a mask yields a masked {@code EmailAddress} ({@code isMasked()}). */
    EMAIL,
    /** Phone numbers: a mask yields a masked {@code PhoneNumber} ({@code isMasked()}). */
    PHONE,
    /** A map of names to values: any mask hides it (an empty map); its entries may be catalogued as {@code x.*}. */
    MAP,
    /** Anything else (amounts, dates, addresses, tags): any mask hides it (absent, or an empty list). */
    VALUE
  }

  /**
   * @param required whether the value is always present (hiding required text shows {@code ***})
   * @param writeChecked whether a write that changes it needs it in {@link FieldAccess#writable()}; top-level
   *     fields and map entries ({@code customFields.*}) are checked, nested ones are covered by their parent
   */
  public record Field(String path, Kind kind, boolean required, boolean writeChecked) {
    public Field {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(kind, "kind");
      if (!PATH.matcher(path).matches()) {
        throw new IllegalArgumentException("not a field path: " + path);
      }
    }

    /** The path split at dots. */
    public List<String> segments() {
      return List.of(path.split("\\."));
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The field declared at {@code path}, matching {@code *} segments ({@code customFields.vip} → {@code customFields.*}). */
  public Optional<Field> field(String path) {
    for (Field f : fields) {
      if (matches(f.path(), path)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /** Whether the value at {@code path} (a JSON path, {@code [n]} indexes allowed) is {@link Kind#FREE_TEXT}. */
  public boolean isFreeText(String path) {
    return field(path.replaceAll("\\[\\d+]", "")).map(f -> f.kind() == Kind.FREE_TEXT).orElse(false);
  }

  /** Paths in {@code access} (readable, writable, masks) that name no field of this catalog, for load-time checks. */
  public List<String> unknownPaths(FieldAccess access) {
    List<String> unknown = new ArrayList<>();
    for (String p : access.readable().paths()) {
      if (field(p).isEmpty()) {
        unknown.add(p);
      }
    }
    for (String p : access.writable().paths()) {
      if (field(p).isEmpty() && !unknown.contains(p)) {
        unknown.add(p);
      }
    }
    for (String p : access.masks().keySet()) {
      if (field(p).isEmpty() && !unknown.contains(p)) {
        unknown.add(p);
      }
    }
    return unknown;
  }

  static boolean matches(String declared, String path) {
    String[] d = declared.split("\\.");
    String[] p = path.split("\\.");
    if (d.length != p.length) {
      return false;
    }
    for (int i = 0; i < d.length; i++) {
      if (!d[i].equals("*") && !d[i].equals(p[i])) {
        return false;
      }
    }
    return true;
  }

  public static final class Builder {
    private final List<Field> fields = new ArrayList<>();

    private Builder() {}

    /** A top-level field that is always present. */
    public Builder required(String path, Kind kind) {
      fields.add(new Field(path, kind, true, !path.contains(".") || path.endsWith(".*")));
      return this;
    }

    /** A field that may be absent (or an empty list or map). */
    public Builder optional(String path, Kind kind) {
      fields.add(new Field(path, kind, false, !path.contains(".") || path.endsWith(".*")));
      return this;
    }

    /**
     * A field the command path derives from another (a history, a total): it can be hidden or masked, and a write
     * needs only the field it derives from to be writable.
     */
    public Builder derived(String path, Kind kind) {
      fields.add(new Field(path, kind, false, false));
      return this;
    }

    public FieldCatalog build() {
      return new FieldCatalog(fields);
    }
  }
}
