/** Deterministic realistic test data. */
@NullMarked
package dev.rapport.crm.testkit.generate;

import org.jspecify.annotations.NullMarked;
