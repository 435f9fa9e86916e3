package dev.rapport.crm.error;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Bad input: carries every violation found, each with its field path and rule, never only the first. Nothing was
 * written when this is thrown.
 */
public final class ValidationException extends CrmException {
  private static final long serialVersionUID = 1L;
  private final transient List<Violation> violations;

  public ValidationException(List<Violation> violations) {
    super(describe(violations));
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("a ValidationException needs at least one violation");
    }
    this.violations = List.copyOf(violations);
  }

  public static ValidationException of(String path, String rule, String message) {
    return new ValidationException(List.of(new Violation(path, rule, message)));
  }

  public List<Violation> violations() {
    return violations;
  }

  /** Returns a copy whose violation paths are prefixed with {@code prefix} (e.g. {@code emails[2]}). */
  public ValidationException prefixed(String prefix) {
    return new ValidationException(violations.stream().map(v -> v.prefixed(prefix)).toList());
  }

  @Override
  public String code() {
    return "VALIDATION";
  }

  @Override
  public boolean isTransient() {
    return false;
  }

  private static String describe(List<Violation> violations) {
    return violations.size() + " violation(s): "
        + violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
  }

  /**
   * One broken rule. {@code path} names the field as the caller wrote it ({@code contactPoints.emails[1].address}),
   * {@code rule} is a stable identifier ({@code email.syntax}, {@code NotBlank}), {@code message} is for humans.
   */
  public record Violation(String path, String rule, String message) {
    public Violation {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(message, "message");
    }

    public Violation prefixed(String prefix) {
      if (prefix.isEmpty()) {
        return this;
      }
      String joined = path.isEmpty() ? prefix : (path.startsWith("[") ? prefix + path : prefix + "." + path);
      return new Violation(joined, rule, message);
    }

    @Override
    public String toString() {
      return (path.isEmpty() ? "<root>" : path) + ": " + message + " [" + rule + "]";
    }
  }
}
