/** Configurable lifecycle state machines with guards, reasons and approval flags. */
@NullMarked
package dev.rapport.crm.lifecycle;

import org.jspecify.annotations.NullMarked;
