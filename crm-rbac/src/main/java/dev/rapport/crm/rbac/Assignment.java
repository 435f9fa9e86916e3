package dev.rapport.crm.rbac;

import dev.rapport.crm.actor.TenantId;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A role held by a user in one tenant, beyond the roles the host puts on the {@code Actor}: optionally only for the
 * records of one team, department or region (a queryable text field and its value: {@code region = CN-East}; a
 * field of another kind is refused when the policy loads), and optionally only for a period. A scoped assignment
 * grants the role's permissions on the records whose field holds the value, on resource types that have that field,
 * and on no others.
 *
 * <pre>{@code
 * Assignment.of("acme", "alice", "sales_rep").scopedTo("region", "CN-East")
 *     .validUntil(Instant.parse("2027-01-01T00:00:00Z"))
 * }</pre>
 *
 * @param validFrom inclusive, null for always
 * @param validUntil exclusive, null for never ending
 */
public record Assignment(TenantId tenant, String userId, String role, @Nullable String scopeField,
                         @Nullable String scopeValue, @Nullable Instant validFrom, @Nullable Instant validUntil) {
  public Assignment {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(role, "role");
    if ((scopeField == null) != (scopeValue == null)) {
      throw new IllegalArgumentException("a scope names a field and a value");
    }
    if (validFrom != null && validUntil != null && !validFrom.isBefore(validUntil)) {
      throw new IllegalArgumentException("validFrom must be before validUntil: " + validFrom + " / " + validUntil);
    }
  }

  public static Assignment of(String tenant, String userId, String role) {
    return new Assignment(TenantId.of(tenant), userId, role, null, null, null, null);
  }

  public Assignment scopedTo(String field, String value) {
    return new Assignment(tenant, userId, role, field, value, validFrom, validUntil);
  }

  public Assignment validFrom(Instant from) {
    return new Assignment(tenant, userId, role, scopeField, scopeValue, from, validUntil);
  }

  public Assignment validUntil(Instant until) {
    return new Assignment(tenant, userId, role, scopeField, scopeValue, validFrom, until);
  }

  /** Whether the assignment is in force at {@code now}. */
  public boolean activeAt(Instant now) {
    return (validFrom == null || !now.isBefore(validFrom)) && (validUntil == null || now.isBefore(validUntil));
  }
}
