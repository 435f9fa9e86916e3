package dev.rapport.crm.rbac;

import dev.rapport.crm.access.FieldAccess;
import dev.rapport.crm.access.FieldSet;
import dev.rapport.crm.access.Mask;
import java.util.Objects;

/**
 * What a role may do with the fields of one resource type: the fields it may read (others are hidden), the fields it
 * may write (a write changing any other is refused, naming the field), and masks on readable fields. Whatever is not
 * restricted is allowed: a role that declares no field rules for a type it has permissions on reads and writes every
 * field. An actor holding several roles gets the union: a field is readable or writable when one of its roles allows
 * it, and masked only when every role that reads it masks it.
 *
 * <pre>{@code
 * FieldRules.all()
 *     .read("name", "phones", "emails", "stage", "region")
 *     .write("phones", "stage")
 *     .mask("phones", Mask.phone())
 * }</pre>
 */
public record FieldRules(FieldAccess access) {
  public FieldRules {
    Objects.requireNonNull(access, "access");
  }

  /** Every field readable and writable, nothing masked: restrict from here. */
  public static FieldRules all() {
    return new FieldRules(FieldAccess.all());
  }

  /** Only these fields readable (with their sub-fields). */
  public FieldRules read(String... paths) {
    return new FieldRules(access.withReadable(FieldSet.of(paths)));
  }

  /** Only these fields writable; none when empty. */
  public FieldRules write(String... paths) {
    return new FieldRules(access.withWritable(FieldSet.of(paths)));
  }

  /** Nothing writable. */
  public FieldRules readOnly() {
    return new FieldRules(access.withWritable(FieldSet.none()));
  }

  /** {@code path} shown through {@code mask}. */
  public FieldRules mask(String path, Mask mask) {
    return new FieldRules(access.withMask(path, mask));
  }
}
