package dev.rapport.crm.customer;

import java.time.Instant;
import java.util.Objects;

/** A consent flag for one purpose (e.g. {@code marketing-email}): granted or withdrawn, when, and by what source. */
public record Consent(boolean granted, Instant at, String source) {
  public Consent {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(source, "source");
  }
}
