/** Rapport's entry point ({@link dev.rapport.crm.Crm}), the actor and tenant, and the exception hierarchy. */
@NullMarked
package dev.rapport.crm;

import org.jspecify.annotations.NullMarked;
