package dev.rapport.crm.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One committed document write as seen in the change feed. Positions increase in the order the feed shows changes
 * within a tenant: commit order where a store numbers them as it commits, transaction order on PostgreSQL (where a
 * commit is shown once every older transaction has ended). They need not be contiguous, but a reader that has seen
 * position P and asks for changes after P never misses a change that committed later.
 */
public record Change(long position, String collection, String id, long version, Kind kind, Instant committedAt) {
  public Change {
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(committedAt, "committedAt");
  }

  public enum Kind {
    INSERT, UPDATE, DELETE
  }
}
