/** JMH benchmarks, each beside the anchor it must beat. */
@NullMarked
package dev.rapport.crm.benchmarks;

import org.jspecify.annotations.NullMarked;
