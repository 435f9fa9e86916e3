/** The case service behind {@link dev.rapport.crm.servicecase.Cases}. */
@NullMarked
package dev.rapport.crm.internal.servicecase;

import org.jspecify.annotations.NullMarked;
