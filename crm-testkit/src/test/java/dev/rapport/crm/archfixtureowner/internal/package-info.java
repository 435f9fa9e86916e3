/** Architecture-rule fixture. */
@NullMarked
package dev.rapport.crm.archfixtureowner.internal;

import org.jspecify.annotations.NullMarked;
