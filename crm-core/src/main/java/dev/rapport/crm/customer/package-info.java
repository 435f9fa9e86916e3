/**
 * The customer aggregate and its service ({@link dev.rapport.crm.customer.Customers}): creation, patches, lifecycle
 * moves, tags, ownership, credit limits, soft delete and restore, and idempotent upserts by external reference.
 */
@NullMarked
package dev.rapport.crm.customer;

import org.jspecify.annotations.NullMarked;
