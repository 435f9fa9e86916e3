package dev.rapport.crm.workflow;

import dev.rapport.crm.error.ValidationException;

/**
 * How a step's votes decide it.
 * <ul>
 *   <li>{@link #any()}: the first vote decides, approve or reject.</li>
 *   <li>{@link #all()}: every candidate must approve; one rejection rejects.</li>
 *   <li>{@link #nOf(int) nOf(n)}: n approvals approve; the step is rejected as soon as n approvals can no longer be
 *       reached.</li>
 * </ul>
 */
public record DecisionMode(Kind kind, int n) {
  public enum Kind { ANY, ALL, N_OF }

  public DecisionMode {
    if (kind == null) {
      throw ValidationException.of("mode", "mode.missing", "a decision mode is any, all or n of m");
    }
    if (kind == Kind.N_OF && (n < 1 || n > 100)) {
      throw ValidationException.of("mode", "mode.n", "an n-of-m step needs n between 1 and 100, not " + n);
    }
    if (kind != Kind.N_OF) {
      n = kind == Kind.ANY ? 1 : 0;
    }
  }

  public static DecisionMode any() {
    return new DecisionMode(Kind.ANY, 1);
  }

  public static DecisionMode all() {
    return new DecisionMode(Kind.ALL, 0);
  }

  public static DecisionMode nOf(int n) {
    return new DecisionMode(Kind.N_OF, n);
  }

  /** How many approvals a step with {@code candidates} candidates needs. */
  int needed(int candidates) {
    return switch (kind) {
      case ANY -> 1;
      case ALL -> Math.max(1, candidates);
      case N_OF -> n;
    };
  }

  /** {@code any}, {@code all} or {@code 2 of m}. */
  @Override
  public String toString() {
    return switch (kind) {
      case ANY -> "any";
      case ALL -> "all";
      case N_OF -> n + " of m";
    };
  }
}
