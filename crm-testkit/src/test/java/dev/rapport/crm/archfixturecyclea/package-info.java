/** Architecture-rule fixture. */
@NullMarked
package dev.rapport.crm.archfixturecyclea;

import org.jspecify.annotations.NullMarked;
