/**
 * Text contracts run through {@code Crm} on a real store: the hostile-text corpus ({@link
 * dev.rapport.crm.testkit.text.HostileText}) and {@link dev.rapport.crm.testkit.text.HostileTextContract}, subclassed
 * once per store, proving that every string is stored and matched exactly or refused naming the field, identically
 * on every store.
 */
@NullMarked
package dev.rapport.crm.testkit.text;

import org.jspecify.annotations.NullMarked;
