/** The interaction service behind {@link dev.rapport.crm.interaction.Interactions}. */
@NullMarked
package dev.rapport.crm.internal.interaction;

import org.jspecify.annotations.NullMarked;
