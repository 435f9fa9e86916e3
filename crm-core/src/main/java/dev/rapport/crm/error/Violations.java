package dev.rapport.crm.error;

import dev.rapport.crm.error.ValidationException.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Collects every violation of a value or command so they can be reported at once, then throws one
 * {@link ValidationException}. Not thread-safe; use one per validation.
 *
 * <pre>{@code
 * Violations v = new Violations();
 * v.require(city != null, "city", "address.required", "city is required");
 * EmailAddress email = v.capture("emails[0]", () -> EmailAddress.of(raw));  // null if invalid
 * v.throwIfAny();
 * }</pre>
 */
public final class Violations {
  private final List<Violation> found = new ArrayList<>();

  /** Records a violation at {@code path} (relative to the value being validated; {@code ""} for the whole value). */
  public Violations add(String path, String rule, String message) {
    found.add(new Violation(path, rule, message));
    return this;
  }

  /** Records a violation unless {@code condition} holds; returns {@code condition}. */
  public boolean require(boolean condition, String path, String rule, String message) {
    if (!condition) {
      add(path, rule, message);
    }
    return condition;
  }

  /** Adds every violation of {@code e}, its paths prefixed with {@code prefix} (e.g. {@code streetLines[1]}). */
  public Violations addAll(String prefix, ValidationException e) {
    found.addAll(e.prefixed(prefix).violations());
    return this;
  }

  /**
   * Builds a nested value; if it throws a {@link ValidationException}, records its violations under {@code prefix}
   * and returns {@code null} so validation of the remaining parts can go on.
   */
  public <T> @Nullable T capture(String prefix, Supplier<T> build) {
    Objects.requireNonNull(build, "build");
    try {
      return build.get();
    } catch (ValidationException e) {
      addAll(prefix, e);
      return null;
    }
  }

  public boolean isEmpty() {
    return found.isEmpty();
  }

  public List<Violation> list() {
    return List.copyOf(found);
  }

  /** Throws a {@link ValidationException} carrying every violation recorded so far, if there is any. */
  public void throwIfAny() {
    if (!found.isEmpty()) {
      throw new ValidationException(found);
    }
  }
}
