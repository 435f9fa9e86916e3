/** Implementation of the JDBC store: dialects, schema management, criteria translation. Not API. */
@NullMarked
package dev.rapport.crm.jdbc.internal;

import org.jspecify.annotations.NullMarked;
