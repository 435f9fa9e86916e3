package dev.rapport.crm.store;

import java.time.Instant;
import java.util.Objects;

/**
 * Ownership of a named background job in a tenant until {@code expiresAt}. The fencing {@code token} grows every
 * time the lease changes hands, so a write guarded by an old token ({@link WriteBatch.LeaseGuard}) is refused.
 */
public record Lease(String name, String owner, long token, Instant expiresAt) {
  public Lease {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
