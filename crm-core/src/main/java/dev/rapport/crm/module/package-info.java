/**
 * How modules (crm-rbac, crm-audit, crm-workflow, a host's own) plug into a {@link dev.rapport.crm.Crm}: they
 * declare the kernel collections they keep, and get, once the instance is built, what they may use of it.
 */
@NullMarked
package dev.rapport.crm.module;

import org.jspecify.annotations.NullMarked;
