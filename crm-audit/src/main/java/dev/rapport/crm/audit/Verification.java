package dev.rapport.crm.audit;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What {@link AuditTrail#verify} found: how many records it walked and sealed, and the first problem, if any.
 *
 * @param records the records walked: all of the tenant's when intact, those up to the problem otherwise
 * @param sealed the records the chain holds (present, or purged by retention)
 * @param purged the sealed records found missing that the chain shows were due for purging ({@link
 *     AuditTrail.Builder#retain}): not a problem
 * @param blocks the chain's blocks
 * @param problem the first problem in chain order, null when the trail is intact
 */
public record Verification(long records, long sealed, long purged, long blocks, @Nullable Problem problem) {

  /** Whether no problem was found. */
  public boolean intact() {
    return problem == null;
  }

  public Optional<Problem> firstProblem() {
    return Optional.ofNullable(problem);
  }

  /** What was done to the trail. */
  public enum Kind {
    /** The record's content does not match its hash, or its hash not the one the chain sealed. */
    ALTERED,
    /** A sealed record is missing. */
    REMOVED,
    /** A record that the chain does not hold sits between sealed records. */
    INSERTED,
    /** A sealed record sits at another place than the one the chain sealed it at. */
    REORDERED,
    /** The newest sealed records (and maybe their blocks) are missing. */
    TRUNCATED,
    /** A block of the chain is missing, altered, or does not link to the block before it. */
    CHAIN_BROKEN
  }

  /**
   * @param kind what was done
   * @param position the stream position where it was found (the sealed position of a removed record)
   * @param recordId the record concerned, null for a block-level problem
   * @param message a sentence for the operator
   */
  public record Problem(Kind kind, long position, @Nullable String recordId, String message) {
    public Problem {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(message, "message");
    }
  }
}
