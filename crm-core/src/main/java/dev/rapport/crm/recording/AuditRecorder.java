package dev.rapport.crm.recording;

import dev.rapport.crm.store.WriteBatch;
import java.util.List;

/**
 * The audit port. For each command the pipeline asks the recorder for the stream records that describe it and
 * writes them in the same kernel commit as the change itself: nothing changes without its audit record, and
 * nothing is recorded that did not happen. crm-audit implements it with hash chains; {@link #none()} records
 * nothing and must be chosen explicitly.
 */
public interface AuditRecorder {

  /** The records to append for this entry (usually one, on the recorder's own stream). */
  List<WriteBatch.Append> record(AuditEntry entry);

  static AuditRecorder none() {
    return entry -> List.of();
  }
}
