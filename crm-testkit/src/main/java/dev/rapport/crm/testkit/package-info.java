/** Test support for Rapport and its adapters: {@link dev.rapport.crm.testkit.MutableClock} and the test kits below. */
@NullMarked
package dev.rapport.crm.testkit;

import org.jspecify.annotations.NullMarked;
