/** {@link dev.rapport.crm.money.Money}: an exact amount in one ISO 4217 currency. */
@NullMarked
package dev.rapport.crm.money;

import org.jspecify.annotations.NullMarked;
