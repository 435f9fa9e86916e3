/**
 * Role- and attribute-based access control for Rapport: {@link dev.rapport.crm.rbac.Rbac}, core's
 * {@link dev.rapport.crm.access.AccessPolicy} built from a policy file or in Java.
 */
@NullMarked
package dev.rapport.crm.rbac;

import org.jspecify.annotations.NullMarked;
