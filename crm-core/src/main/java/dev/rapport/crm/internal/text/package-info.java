/** The text rules' character checks, shared inside crm-core; not API. */
@NullMarked
package dev.rapport.crm.internal.text;

import org.jspecify.annotations.NullMarked;
