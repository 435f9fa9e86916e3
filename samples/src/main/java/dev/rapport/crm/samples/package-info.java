/** Runnable programs showing Rapport in use. */
@NullMarked
package dev.rapport.crm.samples;

import org.jspecify.annotations.NullMarked;
