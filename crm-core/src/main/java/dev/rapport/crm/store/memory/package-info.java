/**
 * The in-memory storage kernel ({@link dev.rapport.crm.store.memory.InMemoryStore}): the reference implementation
 * of {@link dev.rapport.crm.store.Store} for tests, samples and hosts that need no durability.
 */
@NullMarked
package dev.rapport.crm.store.memory;

import org.jspecify.annotations.NullMarked;
