/** Rapport's entry point, {@link dev.rapport.crm.Crm}: one wired, immutable, thread-safe instance per application. */
@NullMarked
package dev.rapport.crm;

import org.jspecify.annotations.NullMarked;
