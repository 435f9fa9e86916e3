/**
 * The exceptions Rapport throws: one unchecked root, {@link dev.rapport.crm.error.CrmException}, with a stable code,
 * split into failures a retry may fix ({@link dev.rapport.crm.error.VersionConflictException}, transient
 * {@link dev.rapport.crm.error.StorageException}) and failures it cannot.
 */
@NullMarked
package dev.rapport.crm.error;

import org.jspecify.annotations.NullMarked;
