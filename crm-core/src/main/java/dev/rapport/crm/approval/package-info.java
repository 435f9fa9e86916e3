/** The approval port ({@link dev.rapport.crm.approval.ApprovalGate}) that crm-workflow implements. */
@NullMarked
package dev.rapport.crm.approval;

import org.jspecify.annotations.NullMarked;
