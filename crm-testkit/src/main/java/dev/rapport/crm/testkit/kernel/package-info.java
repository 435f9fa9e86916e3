/**
 * The kernel TCK: abstract JUnit 5 contract classes that every {@link dev.rapport.crm.store.Store} adapter
 * subclasses, each with one factory method ({@link dev.rapport.crm.testkit.kernel.KernelContract#createStore}), or
 * all at once through {@link dev.rapport.crm.testkit.kernel.KernelTck}.
 */
@NullMarked
package dev.rapport.crm.testkit.kernel;

import org.jspecify.annotations.NullMarked;
