/** Interactions with customers (calls, emails, visits, ...) and their follow-ups. */
@NullMarked
package dev.rapport.crm.interaction;

import org.jspecify.annotations.NullMarked;
