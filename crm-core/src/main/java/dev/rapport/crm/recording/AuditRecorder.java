package dev.rapport.crm.recording;

import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.WriteBatch;
import java.util.List;

/**
 * The audit port. For each {@link AuditEntry} the command path asks the recorder for the stream records that
 * describe it and writes them in the same kernel commit as what they describe: a change with its record, a parked
 * command with its approval request, a refusal or a read in a commit of its own. Nothing changes without its audit
 * record, and nothing is recorded that did not happen. crm-audit implements it with hash chains; {@link #none()}
 * records nothing and must be chosen explicitly.
 *
 * <h2>Implementer notes</h2>
 * <ul>
 *   <li>{@link #record} runs on the command's thread before the commit: compute, do no I/O. Return no records to
 *       leave an entry out (e.g. reads of fields that are not sensitive).</li>
 *   <li>{@link #committed} is told, after each commit that held some of this recorder's records, their stream
 *       positions. Positions order a stream as its readers see it (on a store that numbers them by transaction,
 *       not the order in which commits return), so a sealer links records by reading the stream in position order
 *       ({@link dev.rapport.crm.store.Store#read}), not in the order of these calls. A commit that failed is never
 *       reported (its records do not exist).</li>
 *   <li>The recorder's streams need no registration; collections it keeps besides are declared by making the
 *       recorder a {@link dev.rapport.crm.module.CrmModule} too.</li>
 * </ul>
 */
public interface AuditRecorder {

  /** The records to append for this entry (usually one, on the recorder's own stream). */
  List<WriteBatch.Append> record(AuditEntry entry);

  /** The records this recorder returned, as committed, with their positions. Default: nothing to do. */
  default void committed(TenantId tenant, List<StreamRecord> records) {}

  /** Records nothing. */
  static AuditRecorder none() {
    return None.INSTANCE;
  }

  /** See {@link AuditRecorder#none()}: one instance, so the command path can skip building entries for it. */
  enum None implements AuditRecorder {
    INSTANCE;

    @Override
    public List<WriteBatch.Append> record(AuditEntry entry) {
      return List.of();
    }

    @Override
    public String toString() {
      return "AuditRecorder.none()";
    }
  }
}
