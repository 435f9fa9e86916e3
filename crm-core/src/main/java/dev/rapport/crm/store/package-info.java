/**
 * The storage kernel SPI ({@link dev.rapport.crm.store.Store}) that every adapter implements, and its value types.
 */
@NullMarked
package dev.rapport.crm.store;

import org.jspecify.annotations.NullMarked;
