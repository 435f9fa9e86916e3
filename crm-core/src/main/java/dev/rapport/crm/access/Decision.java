package dev.rapport.crm.access;

import java.util.List;
import java.util.Objects;

/**
 * An authorization decision: allowed or not, the ids of the rules that decided it (for explanation and audit), and,
 * when allowed, what the actor may do with each field of the record.
 */
public record Decision(boolean allowed, List<String> decidingRules, FieldAccess fields) {
  public Decision {
    decidingRules = List.copyOf(decidingRules);
    Objects.requireNonNull(fields, "fields");
  }

  /** Allowed, every field readable and writable. */
  public static Decision allow(String... rules) {
    return new Decision(true, List.of(rules), FieldAccess.all());
  }

  /** Allowed with field-level limits. */
  public static Decision allow(FieldAccess fields, String... rules) {
    return new Decision(true, List.of(rules), fields);
  }

  public static Decision deny(String... rules) {
    return new Decision(false, List.of(rules), FieldAccess.all());
  }
}
