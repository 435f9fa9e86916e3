/** What business methods return and the command path consumes: next state plus domain events. */
@NullMarked
package dev.rapport.crm.command;

import org.jspecify.annotations.NullMarked;
