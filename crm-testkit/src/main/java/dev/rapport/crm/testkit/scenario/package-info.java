/** Scenarios that tests on every store share. */
@NullMarked
package dev.rapport.crm.testkit.scenario;

import org.jspecify.annotations.NullMarked;
