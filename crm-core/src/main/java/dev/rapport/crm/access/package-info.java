/** The access-control port ({@link dev.rapport.crm.access.AccessPolicy}) that crm-rbac implements. */
@NullMarked
package dev.rapport.crm.access;

import org.jspecify.annotations.NullMarked;
