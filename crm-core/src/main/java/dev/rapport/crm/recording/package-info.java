/** The audit port ({@link dev.rapport.crm.recording.AuditRecorder}) that crm-audit implements. */
@NullMarked
package dev.rapport.crm.recording;

import org.jspecify.annotations.NullMarked;
