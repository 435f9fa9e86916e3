/**
 * Approval processes for Rapport: definitions with triggers, steps, approvers, decision modes and deadlines; requests
 * with votes, delegation, recall and resubmission; separation of duties enforced by the engine; parked commands run
 * exactly once after approval; timers fired exactly once across nodes. {@link dev.rapport.crm.workflow.Workflow} is
 * the entry point and implements core's {@link dev.rapport.crm.approval.ApprovalGate}.
 */
@NullMarked
package dev.rapport.crm.workflow;

import org.jspecify.annotations.NullMarked;
