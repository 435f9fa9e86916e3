/** The command path shared by every aggregate service. */
@NullMarked
package dev.rapport.crm.internal.command;

import org.jspecify.annotations.NullMarked;
