/** Implementation details shared inside crm-core; not API. */
@NullMarked
package dev.rapport.crm.internal;

import org.jspecify.annotations.NullMarked;
