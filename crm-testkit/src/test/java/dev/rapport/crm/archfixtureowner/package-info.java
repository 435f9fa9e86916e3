/** Architecture-rule fixture. */
@NullMarked
package dev.rapport.crm.archfixtureowner;

import org.jspecify.annotations.NullMarked;
