/** Architecture-rule fixture. */
@NullMarked
package dev.rapport.crm.archfixturecycleb;

import org.jspecify.annotations.NullMarked;
