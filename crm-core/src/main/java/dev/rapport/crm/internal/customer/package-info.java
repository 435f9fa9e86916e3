/** The customer service behind {@link dev.rapport.crm.customer.Customers}: its commands and how customers are stored. */
@NullMarked
package dev.rapport.crm.internal.customer;

import org.jspecify.annotations.NullMarked;
