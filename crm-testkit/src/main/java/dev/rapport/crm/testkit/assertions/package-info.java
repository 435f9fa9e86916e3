/** AssertJ assertions for customers and events. */
@NullMarked
package dev.rapport.crm.testkit.assertions;

import org.jspecify.annotations.NullMarked;
