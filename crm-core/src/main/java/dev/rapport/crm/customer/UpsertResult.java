package dev.rapport.crm.customer;

import java.util.Objects;

/** What an upsert by external reference did: created the customer, updated it, or found it already up to date. */
public record UpsertResult(Customer customer, Outcome outcome) {
  public UpsertResult {
    Objects.requireNonNull(customer, "customer");
    Objects.requireNonNull(outcome, "outcome");
  }

  public enum Outcome {
    CREATED, UPDATED, UNCHANGED
  }
}
