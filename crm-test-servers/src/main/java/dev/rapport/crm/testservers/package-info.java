/** Stores on every database for the modules' own tests; see {@link dev.rapport.crm.testservers.TestServers}. */
@NullMarked
package dev.rapport.crm.testservers;

import org.jspecify.annotations.NullMarked;
