/**
 * The audit trail: core's {@link dev.rapport.crm.recording.AuditRecorder} port implemented with records written in
 * the command's own commit (each carrying its content hash and field-level changes), sealed afterwards into a hash
 * chain with checkpoints, and verified record by record. Start at {@link dev.rapport.crm.audit.AuditTrail}.
 */
@NullMarked
package dev.rapport.crm.audit;

import org.jspecify.annotations.NullMarked;
