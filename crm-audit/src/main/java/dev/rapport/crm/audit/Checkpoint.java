package dev.rapport.crm.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * The state of a tenant's chain after a sealed block: what a witness keeps outside the database, so that removing the
 * newest records together with their blocks (a truncation) is still found by {@link AuditTrail#verify}.
 *
 * @param block the block's sequence number (1 for the first)
 * @param records how many records the chain holds up to and including this block
 * @param lastPosition the stream position of the block's last record
 * @param head the chain's head hash after this block, in hex
 * @param sealedAt when the block was sealed
 */
public record Checkpoint(long block, long records, long lastPosition, String head, Instant sealedAt) {
  public Checkpoint {
    Objects.requireNonNull(head, "head");
    Objects.requireNonNull(sealedAt, "sealedAt");
  }
}
