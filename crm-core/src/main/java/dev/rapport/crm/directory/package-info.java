/**
 * The directory port ({@link dev.rapport.crm.directory.Directory}): who manages whom, who holds a role, who is in a
 * team — what approval routing and access reviews need to know about the host's people, with an in-memory default.
 */
@NullMarked
package dev.rapport.crm.directory;

import org.jspecify.annotations.NullMarked;
