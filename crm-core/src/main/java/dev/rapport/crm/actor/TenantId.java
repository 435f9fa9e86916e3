package dev.rapport.crm.actor;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.rapport.crm.error.ValidationException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A tenant: every key in every store starts with it, and no operation crosses from one tenant to another. 1–64
 * characters of letters, digits, {@code _ - .}.
 */
public record TenantId(@JsonValue String value) implements Comparable<TenantId> {
  private static final Pattern FORM = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");

  public TenantId {
    Objects.requireNonNull(value, "value");
    if (!FORM.matcher(value).matches()) {
      throw ValidationException.of("tenant", "tenant.format",
          "tenant id must be 1-64 characters of letters, digits, '_', '-' or '.'");
    }
  }

  @JsonCreator
  public static TenantId of(String value) {
    return new TenantId(value);
  }

  @Override
  public int compareTo(TenantId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
